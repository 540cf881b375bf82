// IAM condition evaluation in three values. A condition on a fact the audit read (the principal's ARN,
// account and tags; the key's ARN, account, region, aliases and tags; the time, as of the IAM read) is
// decided; a condition on the
// request the caller writes (encryption context, kms:ViaService, algorithms, TLS, MFA, the network it
// calls from) is one the caller can meet, so an Allow holds for some request and a Deny does not cover
// every request: it is "assumed" and shown; anything else (org paths, enclave attestation, unknown keys)
// is undecided: the access is kept and marked unknown, with the condition named. Pure.
import type { AccessCondition } from '../../../model/access-entry.ts';
import { globMatch, globToRegExp } from '../../../util/glob.ts';
import type { Effect } from './document.ts';

export type Verdict = 'yes' | 'no' | 'maybe';

/** A verdict and the conditions behind it. */
export interface Outcome {
  v: Verdict;
  /** Conditions the evaluator could not decide (the verdict is `maybe` because of them). */
  undecided: AccessCondition[];
  /** Request conditions taken as met by the caller (Allow) or as avoidable (Deny). */
  assumed: AccessCondition[];
}

export const YES: Outcome = Object.freeze({ v: 'yes', undecided: [], assumed: [] }) as Outcome;
export const NO: Outcome = Object.freeze({ v: 'no', undecided: [], assumed: [] }) as Outcome;

/** What the audit knows about one principal and one key. */
export interface Facts {
  principal: {
    arn: string;
    account: string;
    kind: 'user' | 'role';
    name: string;
    tags?: Readonly<Record<string, string>>;
    /** Tag keys (lower-case globs) a session may set (sts:TagSession): session tags override the principal's own. */
    sessionTagKeys?: readonly string[];
    /** Some principal of the account, not a known one (a key policy naming the account): its ARN, type and name are unknown. */
    anyone?: boolean;
    /** The unique id (AIDA…, AROA…), when read: the first part of aws:userid. */
    id?: string;
  };
  key: {
    arn: string;
    account: string;
    region: string;
    aliases?: readonly string[];
    tags?: Readonly<Record<string, string>>;
    /** The key's own condition keys (kms:keyspec, kms:keyusage, kms:keyorigin, kms:multiregion…), from DescribeKey. */
    attributes?: Readonly<Record<string, string>>;
    /** An AWS managed key (KeyManager AWS): resource control policies do not apply to it. */
    awsManaged?: boolean;
  };
  orgId?: string;
  /** The principal's account's path in the organization (`o-…/r-…/ou-…/`, aws:PrincipalOrgPaths), when it was read. */
  orgPath?: string;
  /**
   * The principal's account is known not to be in the audited organization (not among its accounts): its
   * aws:PrincipalOrgID is another organization's or absent, and a condition that holds the same way for
   * both is decided.
   */
  outsideOrg?: string;
  /** The organization of the key's account and its path (aws:ResourceOrgID, aws:ResourceOrgPaths), when it was read. */
  resourceOrg?: { id: string; path?: string };
  /** When the request is taken to be made (ms since the epoch): the time the account's IAM was read; absent = unknown. */
  now?: number;
}

/** Condition keys the caller sets in its own request. */
const REQUEST_KEYS = new Set(
  [
    'kms:EncryptionContextKeys',
    'kms:ViaService',
    'kms:EncryptionAlgorithm',
    'kms:SigningAlgorithm',
    'kms:MessageType',
    'kms:MacAlgorithm',
    'kms:KeyAgreementAlgorithm',
    'kms:DataKeyPairSpec',
    'kms:GrantIsForAWSResource',
    'kms:GrantOperations',
    'kms:GranteePrincipal',
    'kms:RetiringPrincipal',
    'kms:GrantConstraintType',
    'kms:RequestAlias',
    'kms:ReEncryptOnSameKey',
    'kms:WrappingAlgorithm',
    'kms:WrappingKeySpec',
    'aws:SecureTransport',
    // Where the call comes from: an Allow narrowed to a network is usable from that network, and a
    // Deny outside it is avoided by calling from inside (the principal can use the key either way).
    'aws:SourceIp',
    'aws:VpcSourceIp',
    'aws:SourceVpc',
    'aws:SourceVpcArn',
    'aws:SourceVpce',
    'aws:MultiFactorAuthPresent',
    'aws:MultiFactorAuthAge',
    'aws:TagKeys',
    'aws:CalledVia',
    'aws:CalledViaFirst',
    'aws:CalledViaLast',
    'aws:ViaAWSService',
    'aws:TokenIssueTime',
    'aws:UserAgent',
    'aws:Referer',
    // What the caller passes to sts:AssumeRole (IAM User Guide, "Available keys for AWS STS").
    'sts:ExternalId',
    'sts:RoleSessionName',
    'sts:SourceIdentity',
    'sts:TransitiveTagKeys',
  ].map((k) => k.toLowerCase()),
);
const REQUEST_PREFIXES = ['kms:encryptioncontext:', 'aws:requesttag/'];

/** Condition keys answered by the key's properties (see `attributes`). */
export const KEY_ATTRIBUTES = new Set([
  'kms:keyspec',
  'kms:keyusage',
  'kms:keyorigin',
  'kms:multiregion',
  'kms:multiregionkeytype',
  'kms:customermasterkeyspec',
  'kms:customermasterkeyusage',
]);

const ABSENT = undefined;
const UNDECIDABLE = Symbol('undecidable');
type Fact = readonly string[] | undefined | typeof UNDECIDABLE;

/** The value(s) of a condition key for these facts; UNDECIDABLE when the audit cannot know it. */
function factOf(key: string, f: Facts): Fact {
  const k = key.toLowerCase();
  const p = f.principal;
  if (k.startsWith('aws:principaltag/')) {
    const want = k.slice('aws:principaltag/'.length);
    if (!p.tags || p.sessionTagKeys?.some((g) => globMatch(g, want))) return UNDECIDABLE;
    const hit = Object.entries(p.tags).find(([t]) => t.toLowerCase() === want);
    return hit ? [hit[1]] : ABSENT;
  }
  if (k.startsWith('aws:resourcetag/')) {
    if (!f.key.tags) return UNDECIDABLE;
    const want = k.slice('aws:resourcetag/'.length);
    const hit = Object.entries(f.key.tags).find(([t]) => t.toLowerCase() === want);
    return hit ? [hit[1]] : ABSENT;
  }
  if (KEY_ATTRIBUTES.has(k)) return attributeOf(k, f.key.attributes);
  if (p.anyone && (k === 'aws:principalarn' || k === 'aws:principaltype' || k === 'aws:username')) return UNDECIDABLE;
  switch (k) {
    case 'aws:principalarn':
      return [p.arn];
    case 'aws:principalaccount':
    case 'kms:calleraccount':
      return [p.account];
    case 'aws:principaltype':
      return [p.kind === 'user' ? 'User' : 'AssumedRole'];
    case 'aws:username':
      return p.kind === 'user' ? [p.name] : ABSENT;
    case 'aws:principalisawsservice':
      return ['false'];
    // Present only when the caller is an AWS service principal (IAM User Guide, global condition keys).
    case 'aws:principalservicename':
    case 'aws:principalservicenameslist':
      return ABSENT;
    case 'aws:principalorgid':
      return f.orgId ? [f.orgId] : UNDECIDABLE;
    case 'aws:principalorgpaths':
      return f.orgPath ? [f.orgPath] : UNDECIDABLE;
    case 'aws:resourceaccount':
      return [f.key.account];
    case 'aws:resourceorgid':
      return f.resourceOrg ? [f.resourceOrg.id] : UNDECIDABLE;
    case 'aws:resourceorgpaths':
      return f.resourceOrg?.path ? [f.resourceOrg.path] : UNDECIDABLE;
    // Present only when an AWS service principal calls on behalf of a resource (IAM User Guide, global
    // condition keys): never for a user or role calling KMS itself.
    case 'aws:sourceaccount':
    case 'aws:sourcearn':
    case 'aws:sourceorgid':
    case 'aws:sourceorgpaths':
      return ABSENT;
    case 'aws:requestedregion':
      return [f.key.region];
    // The time of the request: decided at the time of the read (the audit is a claim about that moment).
    case 'aws:currenttime':
      return f.now === undefined ? UNDECIDABLE : [new Date(f.now).toISOString()];
    case 'aws:epochtime':
      return f.now === undefined ? UNDECIDABLE : [String(Math.floor(f.now / 1000))];
    case 'kms:resourcealiases':
      return f.key.aliases ? (f.key.aliases.length ? f.key.aliases : ABSENT) : UNDECIDABLE;
    default:
      return UNDECIDABLE;
  }
}

/** A key property; a single-Region key has no kms:MultiRegionKeyType; anything not read is undecidable. */
function attributeOf(k: string, attributes: Readonly<Record<string, string>> | undefined): Fact {
  const v = attributes?.[k];
  if (v !== undefined) return [v];
  return k === 'kms:multiregionkeytype' && attributes?.['kms:multiregion'] === 'false' ? ABSENT : UNDECIDABLE;
}

const isRequestKey = (key: string): boolean => {
  const k = key.toLowerCase();
  return REQUEST_KEYS.has(k) || REQUEST_PREFIXES.some((p) => k.startsWith(p));
};

/** `${aws:username}` and other policy variables in a value, resolved from the facts; undefined when one cannot be. */
export function substitute(value: string, f: Facts): string | undefined {
  if (!value.includes('${')) return value;
  let ok = true;
  const out = value.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const fact = factOf(name, f);
    if (fact === UNDECIDABLE || fact === undefined || fact.length !== 1) {
      ok = false;
      return '';
    }
    return fact[0] as string;
  });
  return ok ? out : undefined;
}

const STRING_BASES = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'Bool'];
/** Numeric and date comparisons: the sign of (have - want) each admits. */
const ORDERED: Readonly<Record<string, readonly number[]>> = {
  Equals: [0],
  LessThan: [-1],
  LessThanEquals: [-1, 0],
  GreaterThan: [1],
  GreaterThanEquals: [0, 1],
};
const ORDERED_BASES = Object.keys(ORDERED).flatMap((o) => [`Numeric${o}`, `Date${o}`]);
const BASES = new Set([...STRING_BASES, ...ORDERED_BASES]);
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
};

/** A number, or a date as ISO 8601 or epoch seconds (IAM User Guide, date condition operators), in ms; NaN when it is neither. */
function orderedValue(base: string, v: string): number {
  if (base.startsWith('Numeric')) return v.trim() === '' ? Number.NaN : Number(v);
  return /^\d+$/.test(v) ? Number(v) * 1000 : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
}

function matchOne(base: string, have: string, want: string): boolean {
  const order = ORDERED[base.replace(/^(Numeric|Date)/, '')];
  if (order) return order.includes(Math.sign(orderedValue(base, have) - orderedValue(base, want)));
  if (base === 'StringEquals') return have === want;
  if (base === 'StringEqualsIgnoreCase' || base === 'Bool') return have.toLowerCase() === want.toLowerCase();
  return want.includes('*') || want.includes('?') ? globToRegExp(want).test(have) : have === want;
}

/** One operator over decided values; undefined for an operator this evaluator does not implement. */
export function testOperator(operator: string, have: readonly string[] | undefined, want: readonly string[]): boolean | undefined {
  const set = /^(ForAnyValue|ForAllValues):/.exec(operator)?.[1];
  let op = operator.replace(/^(ForAnyValue|ForAllValues):/, '');
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  if (op === 'Null') return (want[0]?.toLowerCase() === 'true') === (have === undefined || have.length === 0);
  const negated = NEGATED[op] !== undefined;
  const base = NEGATED[op] ?? op;
  if (!BASES.has(base)) return undefined;
  // A value that is not a number or a date cannot be compared: undecided, never a silent false.
  if (ORDERED_BASES.includes(base) && [...want, ...(have ?? [])].some((v) => Number.isNaN(orderedValue(base, v)))) return undefined;
  // A missing key: ...IfExists and ForAllValues hold, ForAnyValue does not (even negated), a plain
  // negated operator holds (IAM User Guide, condition operators and multivalued context keys).
  if (have === undefined || have.length === 0) return ifExists || set === 'ForAllValues' || (negated && set !== 'ForAnyValue');
  const hit = (v: string) => want.some((w) => matchOne(base, v, w));
  if (set === 'ForAllValues') return have.every((v) => (negated ? !hit(v) : hit(v)));
  if (set === 'ForAnyValue') return have.some((v) => (negated ? !hit(v) : hit(v)));
  return negated ? !have.some(hit) : have.some(hit);
}

/** One condition: true, false, 'assumed' (a request condition) or 'undecided'. */
/** A principal outside the organization: absent, or an organization id other than ours (a stand-in that matches no fixed id). */
function outsideOrgId(c: AccessCondition, f: Facts): boolean | 'undecided' {
  const want = c.values.map((v) => substitute(v, f));
  if (want.some((v) => v === undefined)) return 'undecided';
  const absent = testOperator(c.operator, undefined, want as string[]);
  const other = testOperator(c.operator, ['o-0000000000'], want as string[]);
  return absent !== undefined && absent === other ? absent : 'undecided';
}

/**
 * aws:userid (IAM User Guide, global condition keys): a user's unique id; for a role session
 * `<role id>:<session name>`, the name chosen by whoever assumes the role: a value that pins a session
 * name is a request condition (the caller can meet it, or avoid it), one that admits any session
 * (`AROA…:*`) or another id is decided.
 */
function userIdCondition(c: AccessCondition, f: Facts): boolean | 'assumed' | 'undecided' {
  const { id, kind, anyone } = f.principal;
  if (!id || anyone || c.values.some((v) => v.includes('${'))) return 'undecided';
  if (kind === 'user') return testOperator(c.operator, [id], c.values) ?? 'undecided';
  const pinsSession = c.values.some((v) => v.startsWith(`${id}:`) && v.slice(id.length + 1) !== '*');
  if (pinsSession) return 'assumed';
  return testOperator(c.operator, [`${id}:\u0000session`], c.values) ?? 'undecided';
}

function evalOne(c: AccessCondition, f: Facts): boolean | 'assumed' | 'undecided' {
  if (isRequestKey(c.key)) return 'assumed';
  if (c.key.toLowerCase() === 'aws:userid') return userIdCondition(c, f);
  if (f.outsideOrg && !f.orgId && c.key.toLowerCase() === 'aws:principalorgid') return outsideOrgId(c, f);
  const fact = factOf(c.key, f);
  if (fact === UNDECIDABLE) return 'undecided';
  const want: string[] = [];
  for (const v of c.values) {
    const s = substitute(v, f);
    if (s === undefined) return 'undecided';
    want.push(s);
  }
  return testOperator(c.operator, fact, want) ?? 'undecided';
}

/** All conditions of one statement (they AND), for a statement of this effect. */
export function evalConditions(conds: readonly AccessCondition[], f: Facts, effect: Effect): Outcome {
  if (conds.length === 0) return YES;
  const undecided: AccessCondition[] = [];
  const assumed: AccessCondition[] = [];
  for (const c of conds) {
    const r = evalOne(c, f);
    if (r === false) return NO;
    if (r === 'undecided') undecided.push(c);
    else if (r === 'assumed') {
      // A caller meets an Allow's request condition, and avoids a Deny's: the Deny does not cover every request.
      if (effect === 'Deny') return { v: 'no', undecided: [], assumed: [c] };
      assumed.push(c);
    }
  }
  return { v: undecided.length ? 'maybe' : 'yes', undecided, assumed };
}

/**
 * OR: yes if any is yes, otherwise maybe if any is maybe; a no keeps the request conditions that made
 * Deny statements avoidable (the caller avoids them: the access that follows shows them as assumed).
 */
export function anyOf(outcomes: readonly Outcome[]): Outcome {
  let maybe: Outcome | undefined;
  let avoided: AccessCondition[] | undefined;
  for (const o of outcomes) {
    if (o.v === 'yes') return o;
    if (o.v === 'maybe') maybe = maybe ? { v: 'maybe', undecided: [...maybe.undecided, ...o.undecided], assumed: [...maybe.assumed, ...o.assumed] } : o;
    else if (o.assumed.length) avoided = [...(avoided ?? []), ...o.assumed];
  }
  return maybe ?? (avoided ? { v: 'no', undecided: [], assumed: avoided } : NO);
}

/** AND: no if any is no, otherwise maybe if any is maybe; conditions collected. */
export function allOf(outcomes: readonly Outcome[]): Outcome {
  const undecided: AccessCondition[] = [];
  const assumed: AccessCondition[] = [];
  for (const o of outcomes) {
    if (o.v === 'no') return NO;
    undecided.push(...o.undecided);
    assumed.push(...o.assumed);
  }
  return { v: undecided.length ? 'maybe' : 'yes', undecided, assumed };
}

/** NOT of a deny: an applying deny is no; a deny that may apply leaves the access undecided. */
export function notDenied(deny: Outcome): Outcome {
  if (deny.v === 'yes') return NO;
  if (deny.v === 'maybe') return { v: 'maybe', undecided: deny.undecided, assumed: [] };
  return { v: 'yes', undecided: [], assumed: deny.assumed };
}
