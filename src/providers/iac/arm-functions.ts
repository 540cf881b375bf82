// ARM template functions that are pure functions of their arguments (logical, comparison, string,
// array, object and numeric functions of the ARM template function reference), for conditions,
// copy counts and names. An argument known only at deployment (Unknown, or a reference to a
// resource) makes the result unknown, except where the function does not need it (`if` with a
// known condition, `and`/`or` decided by one argument, `coalesce` of a known first value). Pure.
import { isObj, type Obj, Ref, Unknown } from './values.ts';

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const pending = (v: unknown): boolean => v instanceof Unknown || v instanceof Ref;

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function empty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObj(v) ? Object.keys(v).length === 0 : false;
}

function length(v: unknown): number | undefined {
  if (isStr(v) || Array.isArray(v)) return v.length;
  return isObj(v) ? Object.keys(v).length : undefined;
}

function contains(container: unknown, item: unknown): boolean | undefined {
  if (isStr(container)) return container.includes(String(item));
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  // Object keys compare case-insensitively.
  if (isObj(container)) return Object.keys(container).some((k) => k.toLowerCase() === String(item).toLowerCase());
  return undefined;
}

function union(args: unknown[]): unknown {
  if (args.every(Array.isArray)) return [...new Map(args.flat().map((x) => [JSON.stringify(x), x])).values()];
  if (!args.every(isObj)) return undefined;
  const out: Obj = {};
  for (const o of args as Obj[]) for (const [k, v] of Object.entries(o)) out[k] = isObj(out[k]) && isObj(v) ? union([out[k], v]) : v;
  return out;
}

function toStringValue(v: unknown): string {
  return isStr(v) ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function toInt(v: unknown): number | undefined {
  const n = isNum(v) ? v : isStr(v) && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** An ARM boolean: true/false, the strings 'true'/'false' in any case, a number (non-zero is true). */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (isStr(v) && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return isNum(v) ? v !== 0 : undefined;
}

function parseJson(v: unknown): unknown {
  if (!isStr(v)) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

const compare = (args: unknown[], test: (c: number) => boolean): boolean | undefined => {
  const [a, b] = args;
  if (isNum(a) && isNum(b)) return test(a - b);
  return isStr(a) && isStr(b) ? test(a < b ? -1 : a > b ? 1 : 0) : undefined;
};

const arith = (args: unknown[], op: (a: number, b: number) => number): number | undefined => {
  const [a, b] = args.map(toInt);
  return a !== undefined && b !== undefined ? Math.trunc(op(a, b)) : undefined;
};

/** Functions of known arguments; `undefined` = not decidable from these arguments. */
const PURE: Record<string, (a: unknown[]) => unknown> = {
  equals: (a) => deepEqual(a[0], a[1]),
  not: (a) => (typeof a[0] === 'boolean' ? !a[0] : undefined),
  bool: (a) => toBool(a[0]),
  int: (a) => toInt(a[0]),
  string: (a) => toStringValue(a[0]),
  json: (a) => parseJson(a[0]),
  null: () => null,
  array: (a) => (Array.isArray(a[0]) ? a[0] : [a[0]]),
  empty: (a) => empty(a[0]),
  length: (a) => length(a[0]),
  contains: (a) => contains(a[0], a[1]),
  createarray: (a) => [...a],
  createobject: (a) => Object.fromEntries(Array.from({ length: Math.floor(a.length / 2) }, (_, i) => [String(a[2 * i]), a[2 * i + 1]])),
  union: (a) => union(a),
  first: (a) => (Array.isArray(a[0]) ? a[0][0] : isStr(a[0]) ? a[0].slice(0, 1) : undefined),
  last: (a) => (Array.isArray(a[0]) ? a[0].at(-1) : isStr(a[0]) ? a[0].slice(-1) : undefined),
  greater: (a) => compare(a, (c) => c > 0),
  less: (a) => compare(a, (c) => c < 0),
  greaterorequals: (a) => compare(a, (c) => c >= 0),
  lessorequals: (a) => compare(a, (c) => c <= 0),
  startswith: (a) => (isStr(a[0]) && isStr(a[1]) ? a[0].toLowerCase().startsWith(a[1].toLowerCase()) : undefined),
  endswith: (a) => (isStr(a[0]) && isStr(a[1]) ? a[0].toLowerCase().endsWith(a[1].toLowerCase()) : undefined),
  indexof: (a) => (isStr(a[0]) && isStr(a[1]) ? a[0].toLowerCase().indexOf(a[1].toLowerCase()) : undefined),
  replace: (a) => (isStr(a[0]) && isStr(a[1]) && isStr(a[2]) ? a[0].split(a[1]).join(a[2]) : undefined),
  split: (a) =>
    isStr(a[0]) && (isStr(a[1]) || Array.isArray(a[1]))
      ? a[0].split(new RegExp((Array.isArray(a[1]) ? a[1] : [a[1]]).map((d) => String(d).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')))
      : undefined,
  join: (a) => (Array.isArray(a[0]) && isStr(a[1]) ? a[0].map(toStringValue).join(a[1]) : undefined),
  substring: (a) => (isStr(a[0]) && isNum(a[1]) ? a[0].substr(a[1], isNum(a[2]) ? a[2] : undefined) : undefined),
  trim: (a) => (isStr(a[0]) ? a[0].trim() : undefined),
  range: (a) => (isNum(a[0]) && isNum(a[1]) && a[1] >= 0 && a[1] <= 800 ? Array.from({ length: a[1] }, (_, i) => (a[0] as number) + i) : undefined),
  skip: (a) => (Array.isArray(a[0]) || isStr(a[0]) ? a[0].slice(Math.max(0, Number(a[1]))) : undefined),
  take: (a) => (Array.isArray(a[0]) || isStr(a[0]) ? a[0].slice(0, Math.max(0, Number(a[1]))) : undefined),
  items: (a) => (isObj(a[0]) ? Object.entries(a[0]).map(([key, value]) => ({ key, value })) : undefined),
  add: (a) => arith(a, (x, y) => x + y),
  sub: (a) => arith(a, (x, y) => x - y),
  mul: (a) => arith(a, (x, y) => x * y),
  div: (a) => (toInt(a[1]) ? arith(a, (x, y) => x / y) : undefined),
  mod: (a) => (toInt(a[1]) ? arith(a, (x, y) => x % y) : undefined),
  min: (a) => (a.flat().every(isNum) ? Math.min(...(a.flat() as number[])) : undefined),
  max: (a) => (a.flat().every(isNum) ? Math.max(...(a.flat() as number[])) : undefined),
};

/** `if`, `and`, `or` and `coalesce`: decided by the arguments that are known, where they suffice. */
function lazy(name: string, args: unknown[]): { value: unknown } | undefined {
  if (name === 'if') {
    const c = toBool(args[0]);
    if (pending(args[0])) return { value: args[0] instanceof Unknown ? args[0] : new Unknown('if() over a value known only at deployment') };
    return c === undefined ? undefined : { value: c ? args[1] : args[2] };
  }
  if (name === 'and' || name === 'or') {
    const decisive = name === 'or';
    if (args.some((x) => x === decisive)) return { value: decisive };
    const open = args.find(pending);
    if (open) return { value: open instanceof Unknown ? open : new Unknown(`${name}() over a value known only at deployment`) };
    return { value: args.every((x) => typeof x === 'boolean') ? !decisive : new Unknown(`${name}() of non-booleans`) };
  }
  if (name === 'coalesce') {
    for (const x of args) {
      if (pending(x)) return { value: x };
      if (x !== null && x !== undefined) return { value: x };
    }
    return { value: null };
  }
  return undefined;
}

/** An ARM function this evaluator decides from its arguments; undefined when it is not one of them. */
export function pureArmFunction(name: string, args: unknown[]): { value: unknown } | undefined {
  const l = lazy(name, args);
  if (l) return l;
  const fn = PURE[name];
  if (!fn) return undefined;
  const open = args.find(pending);
  if (open) return { value: open instanceof Unknown ? open : new Unknown(`${name}() of a value known only at deployment`) };
  const v = fn(args);
  return { value: v === undefined ? new Unknown(`${name}() of these arguments is not decided before deployment`) : v };
}
