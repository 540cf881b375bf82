import { type Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Diagnostic, UserError } from '../errors.ts';
import { didYouMean, suggestion } from './did-you-mean.ts';

type Path = readonly PropertyKey[];

/** A YAML (or JSON, which YAML reads too) document kept with its line counter for locating paths. */
export interface SourceMap {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export function sourceMap(file: string, text: string, opts: { uniqueKeys?: boolean } = {}): SourceMap {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: opts.uniqueKeys ?? false });
  return { file, doc, lines };
}

/** Aliases a policy may expand: enough for shared matcher lists, far below a "billion laughs" document. */
export const MAX_YAML_ALIASES = 100;

/** The yaml library's reason without its own copy of the place (" at line 4, column 1:") and the source excerpt after it. */
const yamlReason = (message: string): string => (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '').replace(/[.:]\s*$/, '');

/**
 * Parse YAML text, throwing one UserError that lists every syntax error with its line and column.
 * Returns the source map (for locating later problems) and the plain value.
 */
export function parseYamlSource(text: string, file: string): { src: SourceMap; raw: unknown } {
  // Strict: a key given twice in one mapping is an error (last-wins would hide a setting in a security policy).
  const src = sourceMap(file, text, { uniqueKeys: true });
  if (src.doc.errors.length) {
    throw new UserError(
      src.doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line,
        column: e.linePos?.[0]?.col,
        message: e.code === 'DUPLICATE_KEY' ? 'a key appears twice in the same mapping.' : `YAML syntax error: ${yamlReason(e.message)}.`,
        ...(e.code === 'DUPLICATE_KEY'
          ? {}
          : { expected: 'YAML: `key: value` lines indented with spaces, lists as `- item` or `[a, b]` with the brackets closed' }),
        hint: e.code === 'DUPLICATE_KEY' ? 'keep one of them: YAML would silently use the last' : 'check indentation and quoting near this line',
      })),
    );
  }
  try {
    return { src, raw: src.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new UserError({
      file,
      message: `the YAML document expands aliases (*name) more than ${MAX_YAML_ALIASES} times, or uses an alias that is not defined (${err.message}).`,
      hint: 'write the repeated parts out, or reference them fewer times',
    });
  }
}

/** File, line and column of `path` (or of `key` inside the map at `path`). */
export function locate(src: SourceMap, path: Path, key?: string): Pick<Diagnostic, 'file' | 'line' | 'column'> {
  let segs = path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let node: unknown;
  // Walk up to the deepest existing node, so a missing key points at its parent.
  for (;;) {
    node = segs.length === 0 ? src.doc.contents : src.doc.getIn(segs, true);
    if (node !== undefined || segs.length === 0) break;
    segs = segs.slice(0, -1);
  }
  let offset: number | undefined;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
    if (pair && isPair(pair) && isNode(pair.key)) offset = pair.key.range?.[0];
  }
  if (offset === undefined && isNode(node)) offset = node.range?.[0];
  if (offset === undefined) return { file: src.file };
  const { line, col } = src.lines.linePos(offset);
  return { file: src.file, line, column: col };
}

/** Human name of a path: `rules.rotation-max-age[1].maxAgeDays`. */
export function pathName(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(top level)';
}

// ---- walking zod schemas to say what was expected -------------------------------------------

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  items?: z.ZodType[];
  values?: unknown[];
}

const defOf = (s: z.ZodType): ZodDefLike => (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'prefault' || d.type === 'catch') && d.innerType)
      cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
}

/** The schemas one path segment below `s0` (unions fan out). */
function childrenAt(s0: z.ZodType, seg: Path[number]): z.ZodType[] {
  const next: z.ZodType[] = [];
  const stack = [unwrap(s0)];
  while (stack.length) {
    const d = defOf(stack.pop() as z.ZodType);
    if (d.type === 'union' && d.options) {
      stack.push(...d.options.map(unwrap));
      continue;
    }
    const c = childOf(d, seg);
    if (c) next.push(c);
  }
  return next;
}

/** The schema one segment below a non-union schema definition, if the segment fits it. */
function childOf(d: ReturnType<typeof defOf>, seg: Path[number]): z.ZodType | undefined {
  if (d.type === 'object' && d.shape && typeof seg === 'string') return d.shape[seg];
  if (d.type === 'record') return d.valueType;
  if (d.type === 'array' && typeof seg === 'number') return d.element;
  if (d.type === 'tuple' && d.items && typeof seg === 'number') return d.items[seg];
  return undefined;
}

/** Schemas reachable at `path` (unions fan out). */
function schemasAt(root: z.ZodType, path: Path): z.ZodType[] {
  let current = [root];
  for (const seg of path) current = current.flatMap((s0) => childrenAt(s0, seg));
  return current;
}

/** The keys of an object schema, or of every object in a union. */
function objectKeys(s: z.ZodType): string[] {
  const d = defOf(s);
  if (d.type === 'object' && d.shape) return Object.keys(d.shape);
  if (d.type !== 'union' || !d.options) return [];
  return d.options.flatMap((o) => {
    const od = defOf(unwrap(o));
    return od.type === 'object' && od.shape ? Object.keys(od.shape) : [];
  });
}

export function knownKeysAt(root: z.ZodType, path: Path): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path).map(unwrap)) for (const k of objectKeys(s)) keys.add(k);
  return [...keys].sort();
}

function describeSchema(wrapped: z.ZodType): string | undefined {
  // Descriptions often sit on the optional/default wrapper; the shape is inside it.
  const desc = (wrapped as unknown as { description?: string }).description ?? (unwrap(wrapped) as unknown as { description?: string }).description;
  const s = unwrap(wrapped);
  const d = defOf(s);
  if (d.type === 'enum' || d.type === 'literal') {
    const vals = d.type === 'enum' ? Object.values((d as unknown as { entries: Record<string, unknown> }).entries) : (d.values ?? []);
    return vals.length === 1 ? JSON.stringify(vals[0]) : `one of ${vals.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (d.type === 'object' && d.shape) return desc ?? `a mapping with keys: ${Object.keys(d.shape).join(', ')}`;
  if (d.type === 'record') return desc ?? 'a mapping of names to values';
  if (d.type === 'array') return desc ? `a list: ${desc}` : 'a list';
  return desc ?? (d.type === 'union' ? undefined : d.type);
}

export function expectedAt(root: z.ZodType, path: Path): string | undefined {
  const found = schemasAt(root, path)
    .map(describeSchema)
    .filter((x): x is string => !!x);
  return found.length ? [...new Set(found)].join(' or ') : undefined;
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v);

/** zod's names for the shapes a YAML or JSON author knows by other names. */
const SHAPE_WORDS: Readonly<Record<string, string>> = { record: 'mapping', object: 'mapping', array: 'list', map: 'mapping' };
const shapeWord = (zodType: string | undefined): string | undefined => (zodType ? (SHAPE_WORDS[zodType] ?? zodType) : undefined);

/** Turn zod issues into located, human diagnostics with a "did you mean" for unknown keys. */
export function zodDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
  src: SourceMap | undefined,
  file: string,
  input: unknown,
  prefix: Path = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: Path, key?: string) => (src ? locate(src, [...prefix, ...path], key) : { file });
  const valueAt = (path: Path): unknown =>
    path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
  for (const issue of issues) {
    const path = issue.path;
    const where = pathName([...prefix, ...path]);
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, path);
      for (const key of issue.keys) {
        out.push({
          ...at(path, key),
          message: `unknown key "${key}" in ${where}.${suggestion(key, known)}`,
          expected: known.length ? `one of: ${known.join(', ')}` : undefined,
          hint: 'remove or rename the key',
        });
      }
      continue;
    }
    const value = valueAt(path);
    if (value === undefined && path.length > 0 && issue.code !== 'custom') {
      const parent = path.slice(0, -1);
      out.push({
        ...at(parent),
        message: `missing required key "${String(path[path.length - 1])}" in ${pathName([...prefix, ...parent])}.`,
        expected: expectedAt(root, path),
      });
      continue;
    }
    const expected = expectedAt(root, path);
    const { message, hint } = valueProblem(issue, where, value, expected);
    out.push({ ...at(path), message, expected, ...(hint ? { hint } : {}) });
  }
  return out;
}

/** What is wrong with the value at an issue's path, and how to fix it. */
function valueProblem(issue: z.core.$ZodIssue, where: string, value: unknown, expected: string | undefined): { message: string; hint?: string | undefined } {
  switch (issue.code) {
    case 'invalid_type':
      return typeProblem(where, value, (issue as { expected?: string }).expected);
    case 'invalid_value':
      return invalidValueProblem(where, value, (issue as { values?: unknown[] }).values, expected);
    case 'too_small':
    case 'too_big':
      return boundProblem(where, value, issue as BoundIssue);
    case 'invalid_union':
      return { message: `${where} does not match any accepted shape.` };
    default:
      return { message: `${where}: ${issue.message}` };
  }
}

/** A value outside the accepted set, with the nearest accepted one when there is one. */
function invalidValueProblem(where: string, value: unknown, accepted: unknown[] | undefined, expected: string | undefined): { message: string; hint?: string } {
  const values = accepted?.filter((v): v is string => typeof v === 'string') ?? [];
  const near = typeof value === 'string' ? didYouMean(value, values) : undefined;
  const message = `${where} has an invalid value ${JSON.stringify(value)}.${near ? suggestion(value as string, values) : ''}`;
  const hint = invalidValueHint(expected, near);
  return hint ? { message, hint } : { message };
}

/** How to fix a value outside the accepted set: the nearest one, else the one accepted value; a list is not repeated. */
function invalidValueHint(expected: string | undefined, near: string | undefined): string | undefined {
  if (near) return `write "${near}" instead`;
  if (!expected) return undefined;
  return expected.startsWith('one of') ? 'write one of the expected values' : `write ${expected} instead`;
}

/**
 * A value of the wrong type. A number JSON readers cannot hold (beyond about 1.8e308 it is read as
 * Infinity) is one to zod, and "got number, expected number" helps no one: it is named as too large.
 */
function typeProblem(where: string, value: unknown, zodType: string | undefined): { message: string; hint: string | undefined } {
  if (typeof value === 'number' && !Number.isFinite(value))
    return {
      message: `${where} is a number too large to read: beyond about 1.8e308 a JSON number is read as Infinity.`,
      hint: 'write the number as a plain decimal within range',
    };
  const want = shapeWord(zodType);
  return { message: `${where} has the wrong type: got ${typeName(value)}${want ? `, expected ${want}` : ''}.`, hint: typeHint(want, value) };
}

/** How to fix a value of the wrong type: unquote a number or boolean written as a string, else name the type. */
function typeHint(want: string | undefined, value: unknown): string | undefined {
  if (!want) return undefined;
  if (typeof value === 'string' && want === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return `write ${value} without quotes`;
  if (typeof value === 'string' && want === 'boolean' && /^(true|false)$/i.test(value)) return `write ${value.toLowerCase()} without quotes`;
  return `replace the value with a ${want}`;
}

interface BoundIssue {
  code: 'too_small' | 'too_big';
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
}

/** A number, list or text outside its bounds: what it is, the bound, and what to write instead. */
function boundProblem(where: string, value: unknown, issue: BoundIssue): { message: string; hint: string } {
  const small = issue.code === 'too_small';
  const bound = String(small ? issue.minimum : issue.maximum);
  const limit = `${small ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than'} ${bound}`;
  if (issue.origin === 'array') {
    const n = Array.isArray(value) ? value.length : 0;
    return {
      message: `${where} has ${n} item${n === 1 ? '' : 's'}; it needs ${limit}.`,
      hint: small ? 'add items to the list, or leave the key out to take its default' : 'remove items from the list',
    };
  }
  if (issue.origin === 'string') {
    return { message: `${where} is ${JSON.stringify(value)}; its length must be ${limit} characters.`, hint: `write a value of ${limit} characters` };
  }
  return { message: `${where} is ${JSON.stringify(value)}; it must be ${limit}.`, hint: `write a number ${limit}` };
}
