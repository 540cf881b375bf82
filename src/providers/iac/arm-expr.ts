// A small, safe evaluator for ARM template expressions ("[concat('kv-', parameters('env'))]"): string,
// number and boolean literals, parameters(), variables(), concat, format, resourceId and its siblings,
// copyIndex, and property or index access on known values. Anything else is Unknown. Pure.
import { pureArmFunction } from './arm-functions.ts';
import { Ref, Unknown } from './values.ts';

type Node =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'prop'; of: Node; name: string }
  | { t: 'index'; of: Node; at: Node };

export class ArmExpressionError extends Error {}

function parse(src: string): Node {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  const expect = (c: string) => {
    ws();
    if (src[i] !== c) throw new ArmExpressionError(`expected "${c}" at character ${i + 1} of [${src}]`);
    i++;
  };
  const primary = (): Node => {
    ws();
    const c = src[i];
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ArmExpressionError(`unterminated string in [${src}]`);
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          return { t: 'str', v: s };
        } else s += src[i++];
      }
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return { t: 'num', v: Number(num[0]) };
    }
    const id = /^[A-Za-z_][\w.]*/.exec(src.slice(i));
    if (!id) throw new ArmExpressionError(`unexpected "${c ?? 'end'}" at character ${i + 1} of [${src}]`);
    i += id[0].length;
    expect('(');
    const args: Node[] = [];
    ws();
    if (src[i] === ')') i++;
    else {
      for (;;) {
        args.push(postfix());
        ws();
        if (src[i] === ',') i++;
        else if (src[i] === ')') {
          i++;
          break;
        } else throw new ArmExpressionError(`expected "," or ")" at character ${i + 1} of [${src}]`);
      }
    }
    return { t: 'call', name: id[0].toLowerCase(), args };
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      ws();
      if (src[i] === '.') {
        i++;
        const id = /^[A-Za-z_$][\w$]*/.exec(src.slice(i));
        if (!id) throw new ArmExpressionError(`expected a property name at character ${i + 1} of [${src}]`);
        i += id[0].length;
        n = { t: 'prop', of: n, name: id[0] };
      } else if (src[i] === '[') {
        i++;
        const at = postfix();
        expect(']');
        n = { t: 'index', of: n, at };
      } else return n;
    }
  };
  const node = postfix();
  ws();
  if (i !== src.length) throw new ArmExpressionError(`unexpected "${src[i]}" at character ${i + 1} of [${src}]`);
  return node;
}

export interface ArmScope {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** copyIndex() inside a copy loop. */
  copyIndex?: number;
  /** copyIndex('name') inside named property or variable loops, by lower-cased loop name. */
  copyIndexes?: Record<string, number>;
  /** Variables built by variable loops (`variables.copy`), already evaluated. */
  variableValues?: Record<string, unknown>;
  /** Values already evaluated for parameters (a nested deployment's, a user-defined function's arguments). */
  parameterValues?: Record<string, unknown>;
  /** languageVersion 2.0 symbolic names of the template's resources, and the type/name they stand for. */
  symbols?: Record<string, string>;
  /** User-defined functions (`functions`), by lower-cased `namespace.name`. */
  functions?: Record<string, { params: string[]; output: unknown }>;
}

/** A resource id built by resourceId(): the type and names are what references resolve by. */
export const resourceIdString = (type: string, names: string[]): string => `/providers/${type}/${names.join('/')}`;

const isString = (v: unknown): v is string => typeof v === 'string';

function call(name: string, args: unknown[], scope: ArmScope, depth: number): unknown {
  const unknownArg = args.find((a) => a instanceof Unknown);
  switch (name) {
    case 'parameters':
      return isString(args[0]) ? parameterValue(args[0], scope, depth) : new Unknown('parameters() of a computed name');
    case 'variables':
      if (isString(args[0]) && scope.variableValues && args[0] in scope.variableValues) return scope.variableValues[args[0]];
      return isString(args[0]) && args[0] in scope.variables
        ? evaluateArm(scope.variables[args[0]], scope, depth + 1)
        : new Unknown(`variable ${String(args[0])} is not defined`);
    case 'concat':
      if (unknownArg) return unknownArg;
      return args.some(Array.isArray) ? args.flat() : args.map(String).join('');
    case 'format': {
      if (unknownArg) return unknownArg;
      const [fmt, ...rest] = args;
      return isString(fmt)
        ? fmt.replace(/\{(\d+)(:[^}]*)?\}/g, (m, n: string) => (rest[Number(n)] !== undefined ? String(rest[Number(n)]) : m))
        : new Unknown('format() without a format string');
    }
    case 'resourceid':
    case 'subscriptionresourceid':
    case 'tenantresourceid':
    case 'extensionresourceid': {
      if (unknownArg) return unknownArg;
      const strs = args.map(String);
      // Leading subscription id / resource group name are optional: the type is the first argument with a slash.
      const t = strs.findIndex((s, i) => s.includes('/') && (name !== 'extensionresourceid' || i > 0));
      return t < 0 ? new Unknown(`${name}() without a resource type`) : resourceIdString(strs[t] as string, strs.slice(t + 1));
    }
    case 'reference': {
      // reference(resourceId(...)).principalId names an attribute of a resource of the same template.
      // languageVersion 2.0: reference('symbolicName') names a resource of the template by its symbol.
      const id = args[0];
      if (isString(id) && scope.symbols?.[id]) return new Ref(scope.symbols[id]);
      return isString(id) && id.startsWith('/providers/')
        ? new Ref(id.slice('/providers/'.length).toLowerCase())
        : new Unknown('reference() is evaluated only at deployment');
    }
    case 'copyindex':
      return copyIndexOf(args, scope);
    case 'tolower':
      return isString(args[0]) ? args[0].toLowerCase() : (unknownArg ?? new Unknown('toLower() of a non-string'));
    case 'toupper':
      return isString(args[0]) ? args[0].toUpperCase() : (unknownArg ?? new Unknown('toUpper() of a non-string'));
    case 'true':
      return true;
    case 'false':
      return false;
    default: {
      const pure = pureArmFunction(name, args);
      return pure ? pure.value : userFunction(name, args, scope, depth);
    }
  }
}

/** copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', offset). */
function copyIndexOf(args: unknown[], scope: ArmScope): unknown {
  const named = typeof args[0] === 'string' ? args[0].toLowerCase() : undefined;
  const offset = typeof args[named ? 1 : 0] === 'number' ? (args[named ? 1 : 0] as number) : 0;
  const at = named !== undefined ? scope.copyIndexes?.[named] : scope.copyIndex;
  return at === undefined ? new Unknown(`copyIndex(${named ? `'${named}'` : ''}) outside its copy loop`) : at + offset;
}

/** A user-defined function (`functions` of the template): its output over its own parameters only. */
function userFunction(name: string, args: unknown[], scope: ArmScope, depth: number): unknown {
  const fn = scope.functions?.[name];
  if (!fn) return new Unknown(`${name}() is evaluated only at deployment`);
  const parameterValues = Object.fromEntries(fn.params.map((p, i) => [p, args[i]]));
  return evaluateArm(fn.output, { parameters: {}, variables: {}, parameterValues, functions: scope.functions ?? {} }, depth + 1);
}

function parameterValue(name: string, scope: ArmScope, depth: number): unknown {
  if (scope.parameterValues && name in scope.parameterValues) return scope.parameterValues[name];
  const p = scope.parameters[name] as { defaultValue?: unknown } | undefined;
  if (!p) return new Unknown(`parameter ${name} is not declared`);
  if (p.defaultValue === undefined) return new Unknown(`parameter ${name} has no default: its value is chosen at deployment`);
  return evaluateArm(p.defaultValue, scope, depth + 1);
}

function evalNode(n: Node, scope: ArmScope, depth: number): unknown {
  switch (n.t) {
    case 'str':
    case 'num':
      return n.v;
    case 'call':
      return call(
        n.name,
        n.args.map((a) => evalNode(a, scope, depth)),
        scope,
        depth,
      );
    case 'prop': {
      const of = evalNode(n.of, scope, depth);
      if (of instanceof Unknown) return of;
      if (of instanceof Ref) return new Ref(of.address, n.name);
      return of && typeof of === 'object' && n.name in of
        ? (of as Record<string, unknown>)[n.name]
        : new Unknown(`property ${n.name} is known only at deployment`);
    }
    case 'index': {
      const of = evalNode(n.of, scope, depth);
      const at = evalNode(n.at, scope, depth);
      if (of instanceof Unknown) return of;
      if (at instanceof Unknown) return at;
      return of && typeof of === 'object' && String(at) in of ? (of as Record<string, unknown>)[String(at)] : new Unknown('index known only at deployment');
    }
  }
}

/** Evaluate every expression string inside a template value; "[[" escapes a literal "[". */
export function evaluateArm(v: unknown, scope: ArmScope, depth = 0): unknown {
  if (depth > 32) return new Unknown('expression nesting too deep');
  if (typeof v === 'string') {
    if (v.startsWith('[[')) return v.slice(1);
    if (v.startsWith('[') && v.endsWith(']')) return evalNode(parse(v.slice(1, -1)), scope, depth);
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => evaluateArm(x, scope, depth));
  if (v && typeof v === 'object' && !(v instanceof Unknown) && !(v instanceof Ref))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, evaluateArm(x, scope, depth)]));
  return v;
}
