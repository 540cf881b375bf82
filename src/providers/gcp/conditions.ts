// IAM Conditions on bindings that reach a key, decided where the documented attributes allow it:
// `request.time` against `timestamp("…")` (a window already past never grants again; one open now or
// later does), and `resource.name`, `resource.type`, `resource.service` with `==`, `!=`, `startsWith`,
// `endsWith` (the key and its versions are known). Anything else — `request.time.getHours(…)`,
// `resource.matchTag(…)`, `api.getAttribute(…)`, `destination.ip`, `extract`, `matches`, an expression
// this parser does not read — is undecided: the binding is kept with its condition, and the key's
// access is unknown, never dropped and never a pass. Three-valued (Kleene) logic, as CEL's `&&` and
// `||` are commutative over errors.
//
// The grammar read is the subset of CEL that IAM Conditions document for these attributes; an
// expression outside it is not guessed at.

import type { Capability } from '../../model/access-entry.ts';

/** true, false, or undefined (cannot be decided from what is known). */
export type Tri = boolean | undefined;

type Node =
  | { t: 'lit'; v: string | number | boolean }
  | { t: 'path'; parts: string[] }
  | { t: 'call'; target?: Node; name: string; args: Node[] }
  | { t: 'not'; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node };

const TOKEN = /\s*(?:(\|\||&&|==|!=|<=|>=|[()<>!.,])|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(src: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(src);
    if (!m) return undefined;
    const str = m[2] ?? m[3];
    out.push(str !== undefined ? `"${str.replace(/\\(.)/g, '$1')}` : ((m[1] ?? m[4] ?? m[5]) as string));
  }
  return out;
}

/** A recursive-descent parser over the tokens; throws on anything outside the subset. */
class Parser {
  private i = 0;
  private readonly toks: string[];
  constructor(toks: string[]) {
    this.toks = toks;
  }
  private peek = (): string | undefined => this.toks[this.i];
  private take(want?: string): string {
    const t = this.toks[this.i++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error('unexpected token');
    return t;
  }
  parse(): Node {
    const n = this.or();
    if (this.i !== this.toks.length) throw new Error('trailing tokens');
    return n;
  }
  private or(): Node {
    let l = this.and();
    while (this.peek() === '||') l = { t: 'bin', op: this.take(), l, r: this.and() };
    return l;
  }
  private and(): Node {
    let l = this.cmp();
    while (this.peek() === '&&') l = { t: 'bin', op: this.take(), l, r: this.cmp() };
    return l;
  }
  private cmp(): Node {
    const l = this.unary();
    const op = this.peek();
    if (op && ['==', '!=', '<', '<=', '>', '>='].includes(op)) return { t: 'bin', op: this.take(), l, r: this.unary() };
    return l;
  }
  private unary(): Node {
    if (this.peek() === '!') {
      this.take();
      return { t: 'not', e: this.unary() };
    }
    return this.postfix(this.primary());
  }
  private primary(): Node {
    const t = this.take();
    if (t === '(') {
      const e = this.or();
      this.take(')');
      return e;
    }
    if (t.startsWith('"')) return { t: 'lit', v: t.slice(1) };
    if (/^\d/.test(t)) return { t: 'lit', v: Number(t) };
    if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
    if (!/^[A-Za-z_]/.test(t)) throw new Error('unexpected token');
    if (this.peek() === '(') return { t: 'call', name: t, args: this.args() };
    return { t: 'path', parts: [t] };
  }
  private postfix(n: Node): Node {
    let node = n;
    while (this.peek() === '.') {
      this.take('.');
      const name = this.take();
      if (this.peek() === '(') node = { t: 'call', target: node, name, args: this.args() };
      else if (node.t === 'path') node = { t: 'path', parts: [...node.parts, name] };
      else throw new Error('field of a non-path');
    }
    return node;
  }
  private args(): Node[] {
    this.take('(');
    const out: Node[] = [];
    while (this.peek() !== ')') {
      out.push(this.or());
      if (this.peek() === ',') this.take(',');
      else if (this.peek() !== ')') throw new Error('expected , or )');
    }
    this.take(')');
    return out;
  }
}

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

function call(n: Extract<Node, { t: 'call' }>, f: ConditionFacts): Val {
  if (!n.target && n.name === 'timestamp' && n.args.length === 1) {
    const s = value(n.args[0] as Node, f);
    const ms = typeof s === 'string' ? Date.parse(s) : Number.NaN;
    return Number.isNaN(ms) ? undefined : { ts: ms };
  }
  if (!n.target || n.args.length !== 1) return undefined;
  const target = value(n.target, f);
  const arg = value(n.args[0] as Node, f);
  if (typeof target !== 'string' || typeof arg !== 'string') return undefined;
  if (n.name === 'startsWith') return target.startsWith(arg);
  if (n.name === 'endsWith') return target.endsWith(arg);
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

function value(n: Node, f: ConditionFacts): Val {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'path':
      return path(n.parts, f);
    case 'call':
      return call(n, f);
    default:
      return truth(n, f);
  }
}

function truth(n: Node, f: ConditionFacts): Tri {
  if (n.t === 'not') {
    const v = truth(n.e, f);
    return v === undefined ? undefined : !v;
  }
  if (n.t === 'bin' && (n.op === '&&' || n.op === '||')) {
    const l = truth(n.l, f);
    const r = truth(n.r, f);
    if (n.op === '&&') return l === false || r === false ? false : l === true && r === true ? true : undefined;
    return l === true || r === true ? true : l === false && r === false ? false : undefined;
  }
  if (n.t === 'bin') return compare(n.op, value(n.l, f), value(n.r, f));
  const v = value(n, f);
  return typeof v === 'boolean' ? v : undefined;
}

/** Every timestamp literal of an expression (the request times at which its truth can change). */
function timestamps(n: Node, out: number[] = []): number[] {
  if (n.t === 'call' && n.name === 'timestamp' && !n.target) {
    const a = n.args[0];
    const ms = a?.t === 'lit' && typeof a.v === 'string' ? Date.parse(a.v) : Number.NaN;
    if (!Number.isNaN(ms)) out.push(ms);
  }
  if (n.t === 'call') for (const x of [...(n.target ? [n.target] : []), ...n.args]) timestamps(x, out);
  if (n.t === 'not') timestamps(n.e, out);
  if (n.t === 'bin') timestamps(n.l, timestamps(n.r, out));
  return out;
}

/** The parsed expression, or undefined when it is outside the subset read here. */
export function parseCondition(expression: string): Node | undefined {
  const toks = tokenize(expression);
  if (!toks?.length) return undefined;
  try {
    return new Parser(toks).parse();
  } catch {
    return undefined;
  }
}

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
