// Azure Secure Key Release policies, as documented in "Secure key release policy grammar" (version
// 1.0.0): a top-level `anyOf` of authority groups; each group names an attestation `authority` and an
// `anyOf` or `allOf` of conditions or nested groups; a condition is `{ claim, <operator>: value }` with
// one of the operators equals, notEquals, less, lessOrEquals, greater, greaterOrEquals, exists. A key is
// released when any group is satisfied by a token from its authority. This module says what every way
// of satisfying a policy guarantees about the attested environment; anything outside the grammar is
// undecided, with the clause shown, never guessed.

/** Claims that say whether the attested environment can be debugged (SEV-SNP CVM, SGX enclave). */
const DEBUG_CLAIMS = ['x-ms-sevsnpvm-is-debuggable', 'x-ms-sgx-is-debuggable'];
/** The attestation type whose tokens carry each debug claim. */
const DEBUG_CLAIM_TYPE: Record<string, string> = { 'x-ms-sevsnpvm-is-debuggable': 'sevsnpvm', 'x-ms-sgx-is-debuggable': 'sgx' };
/**
 * `{ claim: <debug claim>, notEquals: true }`: met by false and by a token without the claim. Whether a
 * token of the claim's own attestation type can lack it is not something the audit can observe.
 */
const NOT_TRUE = '\u0000not-true';
const TYPE_CLAIM = 'x-ms-attestation-type';
/** Confidential VM tokens nest the TEE's claims under x-ms-isolation-tee. */
const baseClaim = (claim: string) => claim.toLowerCase().replace(/^x-ms-isolation-tee\./, '');

type Value = string | number | boolean;
/** claim → the value every satisfying token has; or why it cannot be said. */
type Guarantee = { claims: Map<string, Value> } | { undecided: string };

const show = (node: unknown) => {
  const text = JSON.stringify(node) ?? String(node);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** anyOf: what every branch guarantees (false in one branch and not-true in another guarantee not-true). */
function intersect(maps: Map<string, Value>[]): Map<string, Value> {
  const [first, ...rest] = maps;
  const out = new Map<string, Value>();
  for (const [k, v] of first ?? []) {
    if (rest.every((m) => m.get(k) === v)) out.set(k, v);
    else if ((v === false || v === NOT_TRUE) && rest.every((m) => m.get(k) === false || m.get(k) === NOT_TRUE)) out.set(k, NOT_TRUE);
  }
  return out;
}

/** allOf: both conditions hold; undefined when no token can meet both. */
function both(a: Value, b: Value): Value | undefined {
  if (a === b) return a;
  if ((a === NOT_TRUE && b === false) || (a === false && b === NOT_TRUE)) return false;
  return undefined;
}

/**
 * The grammar's comparison operators. Only `equals` pins a claim to a value; the others guarantee no
 * value the rule needs: `notEquals: true` on a debug claim is also met by a token without the claim
 * (Azure Policy, which the grammar follows, treats a missing field as not equal), `exists` says nothing
 * of the value, and the orderings are no boolean test. Such a condition only narrows its path.
 */
const OPERATORS = new Set(['equals', 'notEquals', 'less', 'lessOrEquals', 'greater', 'greaterOrEquals', 'exists']);

/** What satisfying one `{ claim, <operator>: value }` condition guarantees. */
function claimGuarantee(n: Record<string, unknown> & { claim: string }): Guarantee {
  const ops = Object.keys(n).filter((k) => k !== 'claim');
  const op = ops[0] as string;
  const v = n[op];
  if (ops.length !== 1 || !OPERATORS.has(op) || !['string', 'number', 'boolean'].includes(typeof v))
    return { undecided: `a condition outside the grammar: ${show(n)}` };
  const claim = baseClaim(n.claim);
  if (op === 'notEquals' && v === true && claim in DEBUG_CLAIM_TYPE) return { claims: new Map([[claim, NOT_TRUE]]) };
  return { claims: op === 'equals' ? new Map([[claim, v as Value]]) : new Map() };
}

/** What satisfying `node` guarantees. */
function guarantees(node: unknown): Guarantee {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return { undecided: `not a condition or group: ${show(node)}` };
  const n = node as Record<string, unknown>;
  if (typeof n.claim === 'string') return claimGuarantee(n as Record<string, unknown> & { claim: string });
  const all = Array.isArray(n.allOf) ? n.allOf : undefined;
  const any = Array.isArray(n.anyOf) ? n.anyOf : undefined;
  if ((all ? 1 : 0) + (any ? 1 : 0) !== 1) return { undecided: `a group needs exactly one of allOf or anyOf: ${show(node)}` };
  const parts = (all ?? any ?? []).map(guarantees);
  const bad = parts.find((p): p is { undecided: string } => 'undecided' in p);
  if (bad) return bad;
  const maps = parts.map((p) => (p as { claims: Map<string, Value> }).claims);
  if (any) return any.length ? { claims: intersect(maps) } : { undecided: `an empty anyOf: ${show(node)}` };
  const out = new Map<string, Value>();
  for (const m of maps) {
    for (const [k, v] of m) {
      // allOf demanding two values of one claim can never be satisfied: nothing is released that way.
      const met = out.has(k) ? both(out.get(k) as Value, v) : v;
      if (met === undefined) return { undecided: `contradictory conditions on ${k}: ${show(node)}` };
      out.set(k, met);
    }
  }
  return { claims: out };
}

export interface ReleaseExpectations {
  /** accepted values of x-ms-attestation-type */
  attestationTypes: readonly string[];
  /** accepted attestation authorities: exact URLs, or patterns with `*` */
  authorities: readonly string[];
}

/** One way the policy lets the key go, and what is wrong with it. */
export interface ReleasePath {
  authority?: string;
  /** problems that make this path release the key to an environment it should not */
  problems: string[];
  /** why this path cannot be decided */
  undecided?: string;
}

export interface ReleaseVerdict {
  paths: ReleasePath[];
  /** the policy as a whole cannot be read */
  undecided?: string;
}

// `*` stays inside the host name (across its dots: regional authorities such as sharedeus2.eus2) or one
// path segment; it never crosses `/`, `?`, `#`, `@` or `\`, so `https://evil.example?.attest.azure.net`
// (host evil.example) cannot pass for an attest.azure.net authority.
const wildcard = (pattern: string, s: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/?#@\\\\]*')}/?$`, 'i').test(s.replace(/\/+$/, ''));

/** What one debug claim's guaranteed value says about a path: a problem, an undecided reason, or nothing. */
function judgeDebugClaim(c: string, v: Value | undefined, type: Value | undefined, pinnedFalse: boolean): { problem?: string; undecided?: string } {
  if (v === false) return {};
  if (v === true) return { problem: `requires ${c} == true: the key is released only to a debuggable environment` };
  if (v !== NOT_TRUE) return { problem: `requires ${c} == ${JSON.stringify(v)}, not the boolean false` };
  // Another debug claim pinned to false already forbids debugging; not-true then adds nothing.
  if (pinnedFalse) return {};
  if (type !== DEBUG_CLAIM_TYPE[c]) return { problem: `requires only ${c} != true, which a token without that claim (another attestation type) also meets` };
  return {
    undecided: `requires ${c} != true rather than == false: safe only if every ${type} token carries the claim, which the audit cannot observe (write equals: false)`,
  };
}

function judgeClaims(claims: Map<string, Value>, expect: ReleaseExpectations): { problems: string[]; undecided?: string } {
  const problems: string[] = [];
  let undecided: string | undefined;
  const type = claims.get(TYPE_CLAIM);
  const debug = DEBUG_CLAIMS.filter((c) => claims.has(c));
  if (!debug.length) problems.push(`does not require ${DEBUG_CLAIMS.join(' or ')} == false, so a debuggable environment can receive the key`);
  const pinnedFalse = debug.some((c) => claims.get(c) === false);
  for (const c of debug) {
    const judged = judgeDebugClaim(c, claims.get(c), type, pinnedFalse);
    if (judged.problem) problems.push(judged.problem);
    undecided ??= judged.undecided;
  }
  if (type === undefined) problems.push(`does not require an attestation type (${TYPE_CLAIM})`);
  else if (!expect.attestationTypes.includes(String(type)))
    problems.push(`accepts attestation type ${JSON.stringify(type)}, not one of ${expect.attestationTypes.join(', ')}`);
  return undecided ? { problems, undecided } : { problems };
}

function judgeGroup(group: unknown, expect: ReleaseExpectations): ReleasePath {
  const g = (group && typeof group === 'object' ? group : {}) as Record<string, unknown>;
  const authority = typeof g.authority === 'string' ? g.authority : undefined;
  const path: ReleasePath = { ...(authority ? { authority } : {}), problems: [] };
  const { authority: _a, ...rest } = g;
  const got = guarantees(rest);
  if ('undecided' in got) return { ...path, undecided: got.undecided };
  if (!authority) path.problems.push('names no attestation authority');
  else if (!expect.authorities.some((p) => wildcard(p, authority)))
    path.problems.push(`trusts attestation authority ${authority}, not one of ${expect.authorities.join(', ')}`);
  const judged = judgeClaims(got.claims, expect);
  path.problems.push(...judged.problems);
  return judged.undecided ? { ...path, undecided: judged.undecided } : path;
}

/** Judge a decoded release policy: every authority group is one way the key can be released. */
export function judgeReleasePolicy(doc: unknown, expect: ReleaseExpectations): ReleaseVerdict {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { paths: [], undecided: `the policy is not a JSON object: ${show(doc)}` };
  const d = doc as Record<string, unknown>;
  if (typeof d.version !== 'string' || !/^1\.0\.\d+$/.test(d.version))
    return { paths: [], undecided: `unknown policy version ${show(d.version)} (1.0.x is documented)` };
  const extra = Object.keys(d).filter((k) => k !== 'version' && k !== 'anyOf');
  if (!Array.isArray(d.anyOf) || !d.anyOf.length || extra.length)
    return { paths: [], undecided: `a policy is { version, anyOf: [authority groups] }: ${show(doc)}` };
  return { paths: d.anyOf.map((g) => judgeGroup(g, expect)) };
}
