// Who in an account can use a KMS key whose key policy delegates to IAM, following AWS's documented
// evaluation logic for a request in the key's account: an explicit deny anywhere (key policy, identity
// policies, boundary, SCPs, RCPs) wins; otherwise the key policy must allow the account (delegation),
// an identity policy must allow the principal, its permission boundary (if any) must allow, and every
// level of the organization's SCPs must allow. Each step is three-valued (see conditions.ts). Principals
// are indexed by the resource patterns of their KMS statements, so a key is checked only against those
// that can match it. Pure.
import type { AccessCondition, AccessEntry, Capability, Principal } from '../../../model/access-entry.ts';
import { globToRegExp } from '../../../util/glob.ts';
import { KMS_ACTIONS } from '../normalize.ts';
import { allOf, anyOf, evalConditions, type Facts, KEY_ATTRIBUTES, NO, notDenied, type Outcome, substitute } from './conditions.ts';
import type { Stmt } from './document.ts';
import { type AccountIam, type IamPrincipal, principalFacts } from './iam-details.ts';

const ACTIONS = Object.keys(KMS_ACTIONS).map((a) => `kms:${a}`);
const CAP_OF = new Map(Object.entries(KMS_ACTIONS).map(([a, c]) => [`kms:${a}`, c]));

/** Organization policies that apply to one account: SCPs by level (root, OUs, account) and RCPs. */
export interface OrgPolicies {
  orgId?: string;
  /** The management account: SCPs and RCPs do not apply to it. */
  managementAccount?: string;
  /** Per account id: the SCP statements attached at each level from the root down; absent = not read. */
  scpLevels?: ReadonlyMap<string, readonly (readonly Stmt[])[]>;
  /** Per account id: its path from the organization down (`o-…/r-…/ou-…/`, the value of aws:PrincipalOrgPaths). */
  paths?: ReadonlyMap<string, string>;
  /** Per account id: RCP statements (deny statements restrict the account's keys). */
  rcps?: ReadonlyMap<string, readonly Stmt[]>;
}

export type KeyFacts = Facts['key'];

/** One principal's effective access to one key. */
export interface PrincipalAccess {
  principal: IamPrincipal;
  /** capability → outcome (yes or maybe only) */
  capabilities: Map<Capability, Outcome>;
  /** the identity statement that grants, for explanations */
  through: string;
}

// ---------- index ----------

type ResourceTest = (arn: string) => boolean;

function resourceTest(r: Stmt['resources']): { id: string; test: ResourceTest } {
  if (!r) return { id: '*', test: () => true };
  const patterns = r.patterns.filter((p) => !p.includes('${'));
  const variable = patterns.length !== r.patterns.length;
  const res = patterns.map((p) => (p === '*' ? undefined : globToRegExp(p)));
  const hit = (arn: string) => res.some((re) => re === undefined || re.test(arn));
  // A pattern with a policy variable may match any key: keep the principal a candidate, decide later.
  return { id: `${r.not ? '!' : ''}${r.patterns.join('|')}`, test: r.not ? (arn) => variable || !hit(arn) : (arn) => variable || hit(arn) };
}

const touchesKms = (s: Stmt): boolean => ACTIONS.some((a) => s.matchesAction(a));

/**
 * Principals in three classes by what of the key their KMS statements (and boundary) read: nothing
 * (`keyFree`), only the key's tags, aliases, account or region (`tagBound`), or its ARN (resource
 * patterns, policy variables): those are grouped by resource pattern and tested per key.
 */
export interface AccessIndex {
  groups: { test: ResourceTest; principals: IamPrincipal[] }[];
  /** ARN-reading principals with unreadable policies: always candidates (their access is undecided at worst). */
  unreadable: IamPrincipal[];
  /** Candidates for every key whose statements do not read the key, by ARN. */
  keyFree: IamPrincipal[];
  /** Candidates for every key whose statements read only its tags, aliases, account or region, by ARN. */
  tagBound: IamPrincipal[];
  /** Answers shared by keys: per (account, region, policy text[, tags, aliases]), the sorted accesses of a class. */
  cache: Map<string, PrincipalAccess[]>;
  /**
   * Every principal of the account by the same three classes, candidates or not: a key policy statement
   * with a wildcard principal makes each of them a candidate, whatever its identity policies allow.
   */
  every: Record<KeyClass, IamPrincipal[]>;
}

/** Condition keys answered by the key or its place, besides its properties (KEY_ATTRIBUTES). */
const RESOURCE_KEYS = /^(aws:resourcetag\/|kms:resourcealiases|aws:resourceaccount|aws:requestedregion)/i;

const readsKeyCondition = (key: string): boolean => RESOURCE_KEYS.test(key) || KEY_ATTRIBUTES.has(key.toLowerCase());

/** Whether statements can evaluate differently for two keys of one account and region. */
export const readsKey = (stmts: readonly Stmt[]): boolean =>
  stmts.some(
    (s) => s.resources?.patterns.some((p) => p !== '*') || s.conditions.some((c) => readsKeyCondition(c.key) || c.values.some((v) => v.includes('${'))),
  );

/** Whether statements can evaluate differently for two keys with the same tags, aliases, account and region. */
const readsArn = (stmts: readonly Stmt[]): boolean =>
  stmts.some((s) => s.resources?.patterns.some((p) => p !== '*') || s.conditions.some((c) => c.values.some((v) => v.includes('${'))));

type KeyClass = 'free' | 'tags' | 'arn';

function classOf(p: IamPrincipal): KeyClass {
  const kms = [...p.statements, ...(p.boundary ?? [])].filter(touchesKms);
  return readsArn(kms) ? 'arn' : readsKey(kms) ? 'tags' : 'free';
}

/** Whether a principal whose KMS statements read no ARN is a candidate (the same answer for every key). */
const anyKeyCandidate = (p: IamPrincipal): boolean =>
  p.unreadable.length > 0 || p.statements.some((s) => s.effect === 'Allow' && touchesKms(s) && resourceTest(s.resources).test(''));

export function indexAccount(iam: AccountIam): AccessIndex {
  const groups = new Map<string, { test: ResourceTest; principals: IamPrincipal[] }>();
  const index: AccessIndex = { groups: [], unreadable: [], keyFree: [], tagBound: [], cache: new Map(), every: { free: [], tags: [], arn: [] } };
  for (const p of iam.principals) {
    const cls = classOf(p);
    index.every[cls].push(p);
    if (cls !== 'arn') {
      if (anyKeyCandidate(p)) (cls === 'free' ? index.keyFree : index.tagBound).push(p);
      continue;
    }
    if (p.unreadable.length) index.unreadable.push(p);
    const seen = new Set<string>();
    for (const s of p.statements) {
      if (s.effect !== 'Allow' || !touchesKms(s)) continue;
      const { id, test } = resourceTest(s.resources);
      if (seen.has(id)) continue;
      seen.add(id);
      let g = groups.get(id);
      if (!g) {
        g = { test, principals: [] };
        groups.set(id, g);
      }
      g.principals.push(p);
    }
  }
  index.groups = [...groups.values()];
  return index;
}

function candidates(index: AccessIndex, arn: string): IamPrincipal[] {
  const out = new Set<IamPrincipal>(index.unreadable);
  for (const g of index.groups) if (g.test(arn)) for (const p of g.principals) out.add(p);
  return [...out];
}

// ---------- statements ----------

const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/** Whether a resource-policy principal block names this principal (ARN, its account, or anyone). */
export function namesPrincipal(s: Stmt, p: { arn: string; account: string }): boolean {
  const ps = s.principals;
  if (!ps) return false;
  const hit = ps.aws.some(
    (v) =>
      v === '*' ||
      v === p.account ||
      ACCOUNT_ROOT.exec(v)?.[1] === p.account ||
      v === p.arn ||
      ((v.includes('*') || v.includes('?')) && globToRegExp(v).test(p.arn)),
  );
  return ps.not ? !hit : hit;
}

/**
 * The key policy's Allow statements with a wildcard principal (`"*"`, `{"AWS": "*"}`): they grant every
 * principal of the key's account directly, with no identity policy needed (KMS Developer Guide, the
 * "Allow access through <service> for all principals in the account" statements, confined by
 * kms:CallerAccount); their conditions decide who.
 */
export const wildcardGrants = (keyPolicy: readonly Stmt[]): Stmt[] =>
  keyPolicy.filter((s) => s.effect === 'Allow' && s.principals && !s.principals.not && s.principals.aws.includes('*'));

/** The accounts the key policy's Allow statements delegate to (an account root or a bare account id), sorted. */
export function delegatedAccounts(keyPolicy: readonly Stmt[]): string[] {
  const out = new Set<string>();
  for (const s of keyPolicy) {
    if (s.effect !== 'Allow' || !s.principals || s.principals.not) continue;
    for (const v of s.principals.aws) {
      const account = /^\d{12}$/.test(v) ? v : ACCOUNT_ROOT.exec(v)?.[1];
      if (account) out.add(account);
    }
  }
  return [...out].sort();
}

/** The key policy's Allow statements that delegate to IAM in `account` (name the account itself). */
export function delegations(keyPolicy: readonly Stmt[], account: string): Stmt[] {
  return keyPolicy.filter(
    (s) => s.effect === 'Allow' && s.principals && !s.principals.not && s.principals.aws.some((v) => v === account || ACCOUNT_ROOT.exec(v)?.[1] === account),
  );
}

export function resourceMatches(s: Stmt, f: Facts): boolean | 'undecided' {
  if (!s.resources) return true;
  let undecided = false;
  let hit = false;
  for (const raw of s.resources.patterns) {
    const p = substitute(raw, f);
    if (p === undefined) undecided = true;
    else if (p === '*' || globToRegExp(p).test(f.key.arn)) hit = true;
  }
  if (s.resources.not) return hit ? false : undecided ? 'undecided' : true;
  return hit ? true : undecided ? 'undecided' : false;
}

const RESOURCE_COND: AccessCondition = { key: 'Resource', operator: 'policy variable', values: [] };

/** A statement's applicability to (principal, key, action): its action, resource and conditions. */
export function applies(s: Stmt, f: Facts, cache: Map<Stmt, Outcome>): Outcome {
  const hit = cache.get(s);
  if (hit) return hit;
  const r = resourceMatches(s, f);
  let o: Outcome = NO;
  if (r !== false) {
    const c = evalConditions(s.conditions, f, s.effect);
    const unresolved = { ...RESOURCE_COND, values: [...(s.resources?.patterns ?? [])] };
    o = r === 'undecided' && c.v !== 'no' ? { v: 'maybe', undecided: [unresolved, ...c.undecided], assumed: c.assumed } : c;
  }
  cache.set(s, o);
  return o;
}

export const matching = (stmts: readonly Stmt[], effect: 'Allow' | 'Deny', action: string) =>
  stmts.filter((s) => s.effect === effect && s.matchesAction(action));

// ---------- evaluation ----------

interface Inputs {
  key: KeyFacts;
  keyPolicy: readonly Stmt[];
  delegation: readonly Stmt[];
  /** Wildcard-principal Allow statements of the key policy (see `wildcardGrants`). */
  wildcard: readonly Stmt[];
  /** The organization's policies, for `orgGuards` per principal. */
  org?: OrgPolicies;
  /** The SCP levels and RCPs over the account's principals other than service-linked roles (what any of them may be under). */
  scpLevels?: readonly (readonly Stmt[])[];
  rcps: readonly Stmt[];
  orgId?: string;
  orgPath?: string;
  resourceOrg?: Facts['resourceOrg'];
  now?: number;
}

const UNREADABLE = (what: string[]): Outcome => ({ v: 'maybe', undecided: [{ key: 'policy', operator: 'not readable', values: what }], assumed: [] });

/** The allow through IAM: the key policy's delegation, an identity policy, the permission boundary. */
function viaIam(p: IamPrincipal, action: string, x: Inputs, f: Facts, cache: Map<Stmt, Outcome>): { o: Outcome; grants: Stmt[] } {
  const delegated = anyOf(x.delegation.filter((s) => s.matchesAction(action)).map((s) => evalConditions(s.conditions, f, 'Allow')));
  if (delegated.v === 'no') return { o: NO, grants: [] };
  const grants = matching(p.statements, 'Allow', action).filter((s) => applies(s, f, cache).v !== 'no');
  const identity = p.unreadable.length
    ? anyOf([...grants.map((s) => applies(s, f, cache)), UNREADABLE(p.unreadable)])
    : anyOf(grants.map((s) => applies(s, f, cache)));
  if (identity.v === 'no') return { o: NO, grants };
  const steps: Outcome[] = [delegated, identity];
  if (p.boundary) steps.push(anyOf(matching(p.boundary, 'Allow', action).map((s) => applies(s, f, cache))));
  return { o: allOf(steps), grants };
}

/** One action for one principal: every step of the evaluation logic. */
function decideAction(p: IamPrincipal, action: string, x: Inputs, f: Facts, cache: Map<Stmt, Outcome>, g: OrgGuards): { o: Outcome; through?: string } {
  const on = (stmts: readonly Stmt[], effect: 'Allow' | 'Deny') => anyOf(matching(stmts, effect, action).map((s) => applies(s, f, cache)));
  const iam = viaIam(p, action, x, f, cache);
  // A wildcard key policy statement grants the principal directly: no identity policy is needed.
  const direct = x.wildcard.filter((s) => s.matchesAction(action));
  const allowed = anyOf([iam.o, ...direct.map((s) => evalConditions(s.conditions, f, 'Allow'))]);
  if (allowed.v === 'no') return { o: NO };
  const steps: Outcome[] = [allowed];
  for (const level of g.levels ?? []) steps.push(on(level, 'Allow'));
  const denyStmts = [
    ...x.keyPolicy.filter((s) => s.effect === 'Deny' && s.matchesAction(action) && namesPrincipal(s, p)),
    ...matching(p.statements, 'Deny', action),
    ...(p.boundary ? matching(p.boundary, 'Deny', action) : []),
    ...(g.levels ?? []).flatMap((l) => matching(l, 'Deny', action)),
    ...matching(g.rcps, 'Deny', action).filter((s) => !s.principals || namesPrincipal(s, p)),
  ];
  steps.push(notDenied(anyOf(denyStmts.map((s) => applies(s, f, cache)))));
  const through = iam.o.v !== 'no' ? (iam.grants.find((s) => applies(s, f, cache).v === 'yes') ?? iam.grants[0]) : direct[0];
  return { o: allOf(steps), ...(through ? { through: through.origin } : {}) };
}

const grantableCache = new WeakMap<IamPrincipal, readonly string[]>();

/** The KMS actions some identity statement of the principal allows (all of them when a policy was unreadable). */
function grantable(p: IamPrincipal): readonly string[] {
  let list = grantableCache.get(p);
  if (!list) {
    list = p.unreadable.length ? ACTIONS : ACTIONS.filter((a) => p.statements.some((s) => s.effect === 'Allow' && s.matchesAction(a)));
    grantableCache.set(p, list);
  }
  return list;
}

/** The actions to decide for a principal: those its identity policies allow, and those a wildcard key policy statement does. */
const actionsOf = (p: IamPrincipal, x: Inputs): readonly string[] =>
  x.wildcard.length ? ACTIONS.filter((a) => x.wildcard.some((s) => s.matchesAction(a)) || grantable(p).includes(a)) : grantable(p);

/** A principal's capabilities on the key (yes or maybe); undefined when it has none. */
function evaluatePrincipal(p: IamPrincipal, x: Inputs): PrincipalAccess | undefined {
  const f: Facts = {
    principal: principalFacts(p),
    key: x.key,
    ...(x.orgId ? { orgId: x.orgId } : {}),
    ...(x.orgPath ? { orgPath: x.orgPath } : {}),
    ...(x.resourceOrg ? { resourceOrg: x.resourceOrg } : {}),
    ...(x.now !== undefined ? { now: x.now } : {}),
  };
  const cache = new Map<Stmt, Outcome>();
  const caps = new Map<Capability, Outcome>();
  const g = orgGuards(p, x.key, x.org);
  let through = '';
  for (const action of actionsOf(p, x)) {
    const cap = CAP_OF.get(action) as Capability;
    if (caps.get(cap)?.v === 'yes') continue;
    const { o, through: t } = decideAction(p, action, x, f, cache, g);
    if (o.v === 'no') continue;
    if (!through && t) through = t;
    caps.set(cap, anyOf([caps.get(cap) ?? NO, o]));
  }
  return caps.size ? { principal: p, capabilities: caps, through: through || p.unreadable.join(', ') } : undefined;
}

const SERVICE_LINKED = /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\//;

/** The organization's guardrails on a principal's requests to a key: the SCP levels over the principal, the RCPs over the key. */
export interface OrgGuards {
  /** The SCP levels (root, OUs, account) of the principal's account; absent = not read, or none apply. */
  levels?: readonly (readonly Stmt[])[];
  rcps: readonly Stmt[];
}

/**
 * Which SCPs and RCPs apply to `principal` calling on `key`, for every path that grants (IAM, key policy,
 * grant, role chain): SCPs not to the management account's principals, RCPs not to its keys nor to AWS
 * managed keys (KMS Developer Guide, "Resource control policies in AWS KMS"), neither to calls made by
 * service-linked roles (IAM User Guide, policy evaluation logic).
 */
export function orgGuards(principal: { arn: string; account: string; path?: string }, key: KeyFacts | undefined, org: OrgPolicies | undefined): OrgGuards {
  const management = org?.managementAccount;
  const serviceLinked = principal.path?.startsWith('/aws-service-role/') || SERVICE_LINKED.test(principal.arn);
  const levels = principal.account !== management && !serviceLinked ? org?.scpLevels?.get(principal.account) : undefined;
  const rcps = key && key.account !== management && !key.awsManaged && !serviceLinked ? (org?.rcps?.get(key.account) ?? []) : [];
  return { ...(levels ? { levels } : {}), rcps };
}

/** Whether an account is a member of the organization read (its SCPs or path were read, or it was listed). */
export const inOrganization = (account: string, org: OrgPolicies | undefined, members?: ReadonlySet<string>): boolean =>
  Boolean(org?.scpLevels?.has(account) || org?.paths?.has(account) || members?.has(account));

/** aws:ResourceOrgID and aws:ResourceOrgPaths of a key in `account`: the organization's, when the account is one of its audited members. */
export function resourceOrgOf(account: string, org: OrgPolicies | undefined): Facts['resourceOrg'] {
  if (!org?.orgId || !inOrganization(account, org)) return undefined;
  const path = org.paths?.get(account);
  return { id: org.orgId, ...(path ? { path } : {}) };
}

/** The evaluation's inputs for a key whose policy delegates to IAM in the account; undefined when it does not. */
function inputsOf(key: KeyFacts, keyPolicy: readonly Stmt[], iam: AccountIam, org?: OrgPolicies): Inputs | undefined {
  const delegation = delegations(keyPolicy, iam.account);
  // Wildcard statements grant principals of the key's own account only (others need their account's IAM too).
  const wildcard = key.account === iam.account ? wildcardGrants(keyPolicy) : [];
  if (delegation.length === 0 && wildcard.length === 0) return undefined;
  // The account's own guardrails (its root is no service-linked role); each principal's are `orgGuards`' in evaluatePrincipal.
  const { levels: scpLevels, rcps } = orgGuards({ arn: `arn:aws:iam::${iam.account}:root`, account: iam.account }, key, org);
  const orgPath = org?.paths?.get(iam.account);
  const resourceOrg = resourceOrgOf(key.account, org);
  const now = { ...(iam.readAt !== undefined ? { now: iam.readAt } : {}), ...(orgPath ? { orgPath } : {}), ...(resourceOrg ? { resourceOrg } : {}) };
  return {
    key,
    keyPolicy,
    delegation,
    wildcard,
    rcps,
    ...(org ? { org } : {}),
    ...(scpLevels ? { scpLevels } : {}),
    ...(org?.orgId ? { orgId: org.orgId } : {}),
    ...now,
  };
}

const byArn = (a: PrincipalAccess, b: PrincipalAccess) => (a.principal.arn < b.principal.arn ? -1 : 1);

/** The accesses of some principals (those with none left out), sorted by principal ARN. */
function evaluateAll(ps: readonly IamPrincipal[], x: Inputs): PrincipalAccess[] {
  const out: PrincipalAccess[] = [];
  for (const p of ps) {
    const a = evaluatePrincipal(p, x);
    if (a) out.push(a);
  }
  return out.sort(byArn);
}

/** One list shared by every key with the same cache id (computed by the first). */
function sharedList(index: AccessIndex, id: string, ps: readonly IamPrincipal[], x: Inputs): PrincipalAccess[] {
  let list = index.cache.get(id);
  if (!list) {
    list = evaluateAll(ps, x);
    index.cache.set(id, list);
  }
  return list;
}

/** Two lists sorted by principal ARN, merged. */
function merge(a: readonly PrincipalAccess[], b: readonly PrincipalAccess[]): PrincipalAccess[] {
  if (b.length === 0) return [...a];
  const out: PrincipalAccess[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    out.push(byArn(a[i] as PrincipalAccess, b[j] as PrincipalAccess) < 0 ? (a[i++] as PrincipalAccess) : (b[j++] as PrincipalAccess));
  while (i < a.length) out.push(a[i++] as PrincipalAccess);
  while (j < b.length) out.push(b[j++] as PrincipalAccess);
  return out;
}

/**
 * Every principal of the account whose effective permissions allow a capability on the key, by ARN.
 * Keys with the same policy text (that, like the organization's policies, does not read the key's ARN)
 * share the answers of principals whose statements do not read the key, and keys with the same tags and
 * aliases share those of principals that read only those (and all of them when a policy reads tags): 10,000 default-policy keys cost a few
 * evaluations plus the principals whose resource patterns name keys. Same result as `effectiveAccessPlain`.
 */
export function effectiveAccess(
  key: KeyFacts,
  keyPolicy: readonly Stmt[],
  iam: AccountIam,
  index: AccessIndex,
  org?: OrgPolicies,
  policyText?: string,
): PrincipalAccess[] {
  const x = inputsOf(key, keyPolicy, iam, org);
  if (!x) return [];
  const policies = [...keyPolicy, ...(x.scpLevels ?? []).flat(), ...x.rcps];
  const shareable = policyText !== undefined && !readsArn(policies);
  // A wildcard statement makes every principal a candidate, policies or not: the account's principals by
  // class, shared by keys under the same cache ids as below (marked apart: the principal lists differ).
  if (x.wildcard.length) {
    if (!shareable) return evaluateAll(iam.principals, x);
    const ids = cacheIds(key, policyText, readsKey(policies));
    const free = sharedList(index, `wildcard\u0000${ids.free}`, index.every.free, x);
    const tagged = index.every.tags.length ? sharedList(index, `wildcard\u0000${ids.facts}`, index.every.tags, x) : [];
    return merge(free, merge(tagged, evaluateAll(index.every.arn, x)));
  }
  const perKey = evaluateAll(candidates(index, key.arn), x);
  if (!shareable) return merge(evaluateAll([...index.keyFree, ...index.tagBound], x), perKey);
  const ids = cacheIds(key, policyText, readsKey(policies));
  const free = sharedList(index, ids.free, index.keyFree, x);
  const tagged = index.tagBound.length ? sharedList(index, ids.facts, index.tagBound, x) : [];
  return merge(free, merge(tagged, perKey));
}

/**
 * The cache ids of a key's shared answers: `facts` for principals whose statements read the key's tags,
 * aliases or attributes (all of those, with the account, region and policy text); `free` for the others:
 * account, region and policy text, or the facts too when a key policy, SCP or RCP reads the key.
 */
function cacheIds(key: KeyFacts, policyText: string, policiesReadKey: boolean): { free: string; facts: string } {
  const base = `${key.account}\u0000${key.region}\u0000${key.awsManaged ? 'aws-managed\u0000' : ''}${policyText}`;
  const attributes = key.attributes ? JSON.stringify(Object.entries(key.attributes)) : '-';
  const facts = `${base}\u0000${key.tags ? JSON.stringify(Object.entries(key.tags)) : '-'}\u0000${key.aliases ? JSON.stringify(key.aliases) : '-'}\u0000${attributes}`;
  return { free: policiesReadKey ? `${facts}\u0000*` : base, facts };
}

/** The straightforward evaluation: every principal of the account, no index, nothing shared (the reference for tests). */
export function effectiveAccessPlain(key: KeyFacts, keyPolicy: readonly Stmt[], iam: AccountIam, org?: OrgPolicies): PrincipalAccess[] {
  const x = inputsOf(key, keyPolicy, iam, org);
  return x ? evaluateAll(iam.principals, x) : [];
}

/** Conditions once each (same operator, key and values). */
export const uniqueConds = (cs: readonly AccessCondition[]): AccessCondition[] => {
  const seen = new Map<string, AccessCondition>();
  for (const c of cs) seen.set(`${c.operator}\u0000${c.key}\u0000${c.values.join('\u0000')}`, c);
  return [...seen.values()];
};

const principals = new WeakMap<IamPrincipal, Principal>();

/** The model principal of an IAM user or role (one object per principal, shared by every key's entries). */
export function principalOf(p: IamPrincipal): Principal {
  let out = principals.get(p);
  if (!out) {
    out = { kind: p.kind, id: p.arn, name: p.name, account: p.account, path: p.path, ...(Object.keys(p.tags).length ? { tags: p.tags } : {}) };
    principals.set(p, out);
  }
  return out;
}

/** Access entries: one for what is decided, one for what depends on undecided conditions. */
const entriesCache = new WeakMap<PrincipalAccess, AccessEntry[]>();

/** Access entries of one principal's access (the same objects for every key that shares the access). */
export function toAccessEntries(a: PrincipalAccess): AccessEntry[] {
  let out = entriesCache.get(a);
  if (!out) {
    out = buildEntries(a);
    entriesCache.set(a, out);
  }
  return out;
}

function buildEntries(a: PrincipalAccess): AccessEntry[] {
  const principal = principalOf(a.principal);
  const decided: Capability[] = [];
  const open: Capability[] = [];
  const undecided: AccessCondition[] = [];
  const assumed: AccessCondition[] = [];
  for (const [cap, o] of a.capabilities) {
    (o.v === 'yes' ? decided : open).push(cap);
    undecided.push(...o.undecided);
    assumed.push(...o.assumed);
  }
  const base = { principal, source: 'iam-policy' as const, sourceId: a.through };
  const as = uniqueConds(assumed);
  const out: AccessEntry[] = [];
  if (decided.length) out.push({ ...base, capabilities: decided.sort(), ...(as.length ? { assumed: as } : {}) });
  if (open.length) out.push({ ...base, capabilities: open.sort(), undecided: uniqueConds(undecided), ...(as.length ? { assumed: as } : {}) });
  return out;
}
