// IAM Conditions on bindings that reach a key, decided where the documented attributes allow it:
// `request.time` against `timestamp("…")` (a window already past never grants again; one open now or
// later does), and `resource.name`, `resource.type`, `resource.service` with `==`, `!=`, `startsWith`,
// `endsWith` (the key and its versions are known). Anything else — `request.time.getHours(…)`,
// `resource.matchTag(…)`, `api.getAttribute(…)`, `destination.ip`, `extract`, `matches`, an expression
// this parser does not read — is undecided: the binding is kept with its condition, and the key's
// access is unknown, never dropped and never a pass. Three-valued (Kleene) logic, as CEL's `&&` and
// `||` are commutative over errors.
//
// Expressions are parsed by a maintained CEL parser (cel.ts); the three-valued evaluation over its
// AST is ours: an operator or function outside what is listed above is undecided, never guessed at.

import type { Capability } from '../../model/access-entry.ts';
import { type CelNode, literalOf, parseCel, pathOf, walkCel } from './cel.ts';

/** true, false, or undefined (cannot be decided from what is known). */
export type Tri = boolean | undefined;

/** What is known when a binding's condition is checked against one key or one of its versions. */
export interface ConditionFacts {
  /** The resource checked: the CryptoKey, or a CryptoKeyVersion (undefined name: versions unknown). */
  resource: { name?: string; type: string; service: string };
  /** The request time to evaluate at. */
  timeMs: number;
}

type Val = string | number | boolean | { ts: number } | undefined;

const isTs = (v: Val): v is { ts: number } => typeof v === 'object' && v !== null && 'ts' in v;

function path(parts: readonly string[], f: ConditionFacts): Val {
  const key = parts.join('.');
  if (key === 'request.time') return { ts: f.timeMs };
  if (key === 'resource.name') return f.resource.name;
  if (key === 'resource.type') return f.resource.type;
  if (key === 'resource.service') return f.resource.service;
  return undefined;
}

function call(n: CelNode, f: ConditionFacts): Val {
  if (n.op === 'call' && n.args[0] === 'timestamp' && n.args[1].length === 1) {
    const s = value(n.args[1][0] as CelNode, f);
    const ms = typeof s === 'string' ? Date.parse(s) : Number.NaN;
    return Number.isNaN(ms) ? undefined : { ts: ms };
  }
  if (n.op !== 'rcall' || n.args[2].length !== 1) return undefined;
  const [name, recv, args] = n.args;
  const target = value(recv, f);
  const arg = value(args[0] as CelNode, f);
  if (typeof target !== 'string' || typeof arg !== 'string') return undefined;
  if (name === 'startsWith') return target.startsWith(arg);
  if (name === 'endsWith') return target.endsWith(arg);
  return undefined;
}

function compare(op: string, l: Val, r: Val): Tri {
  if (l === undefined || r === undefined) return undefined;
  const a = isTs(l) ? l.ts : l;
  const b = isTs(r) ? r.ts : r;
  if (typeof a !== typeof b || isTs(l) !== isTs(r)) return undefined;
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return undefined;
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

function value(n: CelNode, f: ConditionFacts): Val {
  if (n.op === 'value') return literalOf(n);
  const p = pathOf(n);
  if (p) return path(p, f);
  if (n.op === 'call' || n.op === 'rcall') return call(n, f);
  return truth(n, f);
}

function truth(n: CelNode, f: ConditionFacts): Tri {
  if (n.op === '!_') {
    const v = truth(n.args, f);
    return v === undefined ? undefined : !v;
  }
  if (n.op === '&&' || n.op === '||') {
    const l = truth(n.args[0], f);
    const r = truth(n.args[1], f);
    if (n.op === '&&') return l === false || r === false ? false : l === true && r === true ? true : undefined;
    return l === true || r === true ? true : l === false && r === false ? false : undefined;
  }
  if (COMPARISONS.has(n.op)) {
    const [l, r] = n.args as [CelNode, CelNode];
    return compare(n.op, value(l, f), value(r, f));
  }
  if (n.op === 'value' || pathOf(n) || n.op === 'call' || n.op === 'rcall') {
    const v = value(n, f);
    return typeof v === 'boolean' ? v : undefined;
  }
  // Arithmetic, `in`, lists, maps, the conditional operator: outside what IAM Conditions on keys need.
  return undefined;
}

/** Every timestamp literal of an expression (the request times at which its truth can change). */
function timestamps(ast: CelNode): number[] {
  const out: number[] = [];
  walkCel(ast, (n) => {
    if (n.op === 'call' && n.args[0] === 'timestamp') {
      const a = n.args[1][0];
      const v = a ? literalOf(a) : undefined;
      const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
      if (!Number.isNaN(ms)) out.push(ms);
    }
    return n.op !== 'value' && n.op !== 'id';
  });
  return out;
}

/** The parsed expression (the maintained CEL parser's AST), or undefined when it is not valid CEL. */
export const parseCondition = (expression: string): CelNode | undefined => parseCel(expression);

/**
 * Can the condition hold for this resource at `nowMs` or any later request time? `request.time`
 * comparisons are piecewise constant between the expression's timestamp literals, so checking now and
 * around each later literal decides them exactly: true if it holds at one of those times, false if at
 * none, undefined if any of them cannot be decided.
 */
export function conditionCanHold(expression: string, resource: ConditionFacts['resource'], nowMs: number): Tri {
  const ast = parseCondition(expression);
  if (!ast) return undefined;
  const times = [
    nowMs,
    ...timestamps(ast)
      .flatMap((t) => [t - 1, t, t + 1])
      .filter((t) => t > nowMs),
  ];
  let all: Tri = false;
  for (const timeMs of times) {
    const v = truth(ast, { resource, timeMs });
    if (v === true) return true;
    if (v === undefined) all = undefined;
  }
  return all;
}

// ---- which capabilities a conditional binding grants on one key ------------------------------------

export const KMS_SERVICE_NAME = 'cloudkms.googleapis.com';
const KEY_TYPE = 'cloudkms.googleapis.com/CryptoKey';
const VERSION_TYPE = 'cloudkms.googleapis.com/CryptoKeyVersion';

/** The key a binding is judged on: its name, purpose and version names (undefined when not listed). */
export interface AccessSubject {
  name: string;
  purpose?: string;
  versionNames?: readonly string[];
}

const or = (vs: readonly Tri[]): Tri => (vs.includes(true) ? true : vs.includes(undefined) ? undefined : false);

/**
 * Which resource IAM checks for a capability: Encrypt and Decrypt of a symmetric key name the
 * CryptoKey; AsymmetricSign, AsymmetricDecrypt, MacSign, MacVerify, RawEncrypt, RawDecrypt and
 * GetPublicKey name a CryptoKeyVersion; administering or reading may target either.
 */
function levelOf(cap: Capability, purpose: string | undefined): 'key' | 'version' | 'either' {
  if (cap === 'use-sign' || cap === 'use-verify' || cap === 'use-mac') return 'version';
  if (cap === 'use-encrypt' || cap === 'use-decrypt') return purpose === 'ENCRYPT_DECRYPT' ? 'key' : purpose ? 'version' : 'either';
  return 'either';
}

/** For each capability of a conditional binding: granted on this key (true), never (false), or undecided. */
export function decideCapabilities(caps: readonly Capability[], expression: string, subject: AccessSubject, nowMs: number): Map<Capability, Tri> {
  const onKey = conditionCanHold(expression, { name: subject.name, type: KEY_TYPE, service: KMS_SERVICE_NAME }, nowMs);
  const onVersion = subject.versionNames?.length
    ? or(subject.versionNames.map((name) => conditionCanHold(expression, { name, type: VERSION_TYPE, service: KMS_SERVICE_NAME }, nowMs)))
    : conditionCanHold(expression, { type: VERSION_TYPE, service: KMS_SERVICE_NAME }, nowMs);
  const out = new Map<Capability, Tri>();
  for (const cap of caps) {
    const level = levelOf(cap, subject.purpose);
    out.set(cap, level === 'key' ? onKey : level === 'version' ? onVersion : or([onKey, onVersion]));
  }
  return out;
}
