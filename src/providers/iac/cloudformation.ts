// CloudFormation templates (YAML with short-form intrinsics, or JSON; CDK synth output included) →
// planned resources. Intrinsics over parameters with defaults, mappings and conditions are
// evaluated; references to resources become Refs; anything not fixed by the template is Unknown.
import { type Document, isMap, isPair, isScalar, type LineCounter, parseDocument, LineCounter as YamlLineCounter, type Tags as YamlTags } from 'yaml';
import { UserError } from '../../errors.ts';
import { expandForEach, nestedStackNote, transformNotes } from './cfn-expand.ts';
import { samExecutionRole, samRoleIds } from './sam.ts';
import { type IacNote, isObj, type Obj, type PlannedResource, Ref, Unknown } from './values.ts';

const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

/** The `yaml` package's custom tags for every short-form intrinsic: scalar, sequence and mapping forms. */
export const CFN_TAGS: YamlTags = Object.entries(SHORT_FORMS).flatMap(([tag, fn]) => [
  { tag, resolve: (s: string) => ({ [fn]: fn === 'Fn::GetAtt' ? splitGetAtt(s) : s }) },
  { tag, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => ({ [fn]: seq.toJSON() }) },
  { tag, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => ({ [fn]: map.toJSON() }) },
]) as unknown as YamlTags;

function splitGetAtt(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

/** Intrinsics the template language has but whose value this reader cannot know before deployment. */
const OPAQUE = new Set(['Fn::ImportValue', 'Fn::Cidr', 'Fn::GetAZs', 'Fn::Transform', 'Fn::GetStackOutput']);
const KNOWN = new Set(['Ref', 'Condition', ...Object.values(SHORT_FORMS), 'Fn::GetStackOutput']);

export interface CfnOptions {
  account?: string;
  region?: string;
}

const NO_VALUE = Symbol('AWS::NoValue');

interface Scope {
  template: Obj;
  resources: Set<string>;
  params: Obj;
  opts: CfnOptions;
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  conditions: Map<string, boolean | Unknown>;
  notes: IacNote[];
}

/** Parse template text (YAML or JSON) with positions; syntax errors and unknown tags exit 2 with their place. */
export function parseTemplateText(text: string, file: string): { doc: Document.Parsed; lines: LineCounter; value: unknown } {
  const lines = new YamlLineCounter();
  const doc = parseDocument(text, { customTags: CFN_TAGS, lineCounter: lines, uniqueKeys: false });
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
  if (problems.length) {
    const first = problems[0] as (typeof problems)[number];
    const pos = first.linePos?.[0];
    const tag = /Unresolved tag: (\S+)/.exec(first.message)?.[1];
    throw new UserError({
      file,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
      message: tag ? `unknown tag ${tag}: not a CloudFormation intrinsic function.` : `the template is not valid YAML or JSON: ${first.message.split('\n')[0]}`,
      expected: tag ? `one of ${Object.keys(SHORT_FORMS).join(', ')}` : 'a complete CloudFormation or ARM template, or a Terraform plan (terraform show -json)',
      hint: tag ? 'fix the tag, or write the function in its long form (Fn::…)' : 'check the file is complete (not truncated) and valid',
    });
  }
  return { doc, lines, value: doc.toJS({ maxAliasCount: 1000 }) };
}

function lineOf(scope: Scope, path: readonly (string | number)[]): number | undefined {
  const node = scope.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  let offset = node?.range?.[0];
  // Prefer the key of a mapping entry (the line the resource starts on).
  const parent = scope.doc.getIn(path.slice(0, -1), true);
  if (isMap(parent)) {
    const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(path.at(-1)));
    if (pair && isPair(pair) && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
  }
  return offset === undefined ? undefined : scope.lines.linePos(offset).line;
}

function fail(scope: Scope, path: readonly (string | number)[], message: string, expected: string, hint: string): never {
  throw new UserError({ file: scope.file, ...(lineOf(scope, path) ? { line: lineOf(scope, path) } : {}), message, expected, hint });
}

function evalRef(name: string, scope: Scope): unknown {
  if (scope.resources.has(name)) return new Ref(name);
  if (name in scope.params) {
    const p = scope.params[name];
    if (isObj(p) && p.Default !== undefined) {
      const d = p.Default;
      return typeof p.Type === 'string' && /^(CommaDelimitedList|List<)/.test(p.Type) && typeof d === 'string' ? d.split(',').map((x) => x.trim()) : d;
    }
    return new Unknown(`parameter ${name} has no default: its value is chosen at deployment`);
  }
  switch (name) {
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::AccountId':
      return scope.opts.account ?? new Unknown('AWS::AccountId is the deploying account (set `account` in the iac block)');
    case 'AWS::Region':
      return scope.opts.region ?? new Unknown('AWS::Region is the deployment region (set `region` in the iac block)');
    case 'AWS::Partition':
      return scope.opts.region
        ? scope.opts.region.startsWith('cn-')
          ? 'aws-cn'
          : scope.opts.region.startsWith('us-gov-')
            ? 'aws-us-gov'
            : 'aws'
        : new Unknown('AWS::Partition follows the region');
    case 'AWS::URLSuffix':
      return scope.opts.region
        ? scope.opts.region.startsWith('cn-')
          ? 'amazonaws.com.cn'
          : 'amazonaws.com'
        : new Unknown('AWS::URLSuffix follows the region');
    default:
      return new Unknown(`${name} is known only at deployment`);
  }
}

function evalSub(arg: unknown, scope: Scope, path: (string | number)[]): unknown {
  const [template, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
  if (typeof template !== 'string') return new Unknown('Fn::Sub template is not a string');
  const locals = isObj(vars) ? vars : {};
  let unknown: Unknown | undefined;
  let ref: Ref | undefined;
  const out = template.replace(/\$\{([^}]+)\}/g, (m, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const v =
      name in locals
        ? evaluate(locals[name], scope, [...path, 1, name])
        : name.includes('.')
          ? new Ref(...(splitGetAtt(name) as [string, string]))
          : evalRef(name, scope);
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    if (v instanceof Ref && scope.resources.has(v.address)) ref = v;
    else unknown = v instanceof Unknown ? v : new Unknown(`\${${name}} is known only at deployment`);
    return m;
  });
  if (unknown) return unknown;
  // "${Role.Arn}" alone is a reference; inside other text its value is known only after deployment.
  if (ref && out === `\${${ref.address}${ref.attribute ? `.${ref.attribute}` : ''}}`) return ref;
  return ref ? new Unknown(`Fn::Sub uses an attribute of ${ref.address}, known only after deployment`) : out;
}

function evalCondition(name: string, scope: Scope, path: (string | number)[]): boolean | Unknown {
  const cached = scope.conditions.get(name);
  if (cached !== undefined) return cached;
  const conds = isObj(scope.template.Conditions) ? scope.template.Conditions : {};
  if (!(name in conds))
    fail(scope, path, `condition ${name} is not defined in Conditions.`, 'a name from the Conditions section', 'define the condition or fix its name');
  scope.conditions.set(name, new Unknown(`condition ${name} refers to itself`));
  const v = evaluate(conds[name], scope, ['Conditions', name]);
  const result =
    typeof v === 'boolean' ? v : v === 'true' || v === 'false' ? v === 'true' : new Unknown(`condition ${name} depends on values known only at deployment`);
  scope.conditions.set(name, result);
  return result;
}

const known = (xs: unknown[]): boolean => xs.every((x) => !(x instanceof Unknown) && !(x instanceof Ref));

/** Nothing inside is decided only at deployment (no Unknown, no reference to a resource). */
const deepKnown = (v: unknown): boolean =>
  !(v instanceof Unknown) && !(v instanceof Ref) && (Array.isArray(v) ? v.every(deepKnown) : isObj(v) ? Object.values(v).every(deepKnown) : true);

/** Nothing inside is left to deployment except references to resources of the template. */
const onlyRefs = (v: unknown): boolean =>
  !(v instanceof Unknown) && (Array.isArray(v) ? v.every(onlyRefs) : isObj(v) ? Object.values(v).every(onlyRefs) : true);

/**
 * Fn::ToJsonString and Fn::Length (the AWS::LanguageExtensions transform): fixed by the template when
 * their argument is. A key policy written as `Fn::ToJsonString: {…}` is as readable as the object;
 * one naming a resource of the template (a role's ARN) stays the object, references kept, as a
 * KeyPolicy written as an object would.
 */
function languageExtension(fn: 'Fn::ToJsonString' | 'Fn::Length', arg: unknown, args: unknown[]): unknown {
  if (fn === 'Fn::Length') {
    const list = Array.isArray(arg) ? args : args[0];
    return Array.isArray(list) ? list.length : new Unknown('Fn::Length of a list known only at deployment');
  }
  const value = Array.isArray(arg) ? args : args[0];
  if (deepKnown(value)) return JSON.stringify(value);
  return onlyRefs(value) ? value : new Unknown('Fn::ToJsonString of values known only at deployment');
}

/** Evaluate one intrinsic function call. */
function evalIntrinsic(fn: string, arg: unknown, scope: Scope, path: (string | number)[]): unknown {
  const at = [...path, fn];
  if (OPAQUE.has(fn)) return new Unknown(`${fn} is resolved only at deployment`);
  if (fn === 'Ref') return typeof arg === 'string' ? evalRef(arg, scope) : new Unknown('Ref of a non-string');
  if (fn === 'Condition') return typeof arg === 'string' ? evalCondition(arg, scope, at) : new Unknown('Condition of a non-string');
  if (fn === 'Fn::GetAtt') {
    const parts = typeof arg === 'string' ? splitGetAtt(arg) : Array.isArray(arg) ? arg.map((x) => evaluate(x, scope, at)) : [];
    return typeof parts[0] === 'string' && scope.resources.has(parts[0])
      ? new Ref(parts[0], typeof parts[1] === 'string' ? parts[1] : undefined)
      : new Unknown('Fn::GetAtt of a resource not in the template');
  }
  if (fn === 'Fn::Sub') return evalSub(Array.isArray(arg) ? [arg[0], arg[1]] : evaluate(arg, scope, at), scope, at);
  const args = (Array.isArray(arg) ? arg : [arg]).map((x, i) => evaluate(x, scope, [...at, i]));
  if (fn === 'Fn::ToJsonString' || fn === 'Fn::Length') return languageExtension(fn, arg, args);
  switch (fn) {
    case 'Fn::Join': {
      const list = args[1];
      if (typeof args[0] !== 'string' || !Array.isArray(list) || !known(list)) return new Unknown('Fn::Join over values known only at deployment');
      return list.map(String).join(args[0]);
    }
    case 'Fn::If': {
      const c = typeof args[0] === 'string' ? evalCondition(args[0], scope, at) : new Unknown('Fn::If without a condition name');
      return c instanceof Unknown ? c : c ? args[1] : args[2];
    }
    case 'Fn::Select': {
      const list = args[1];
      const i = Number(args[0]);
      return Array.isArray(list) && Number.isInteger(i) && i < list.length ? list[i] : new Unknown('Fn::Select over values known only at deployment');
    }
    case 'Fn::Split':
      return typeof args[0] === 'string' && typeof args[1] === 'string' ? args[1].split(args[0]) : new Unknown('Fn::Split of a value known only at deployment');
    case 'Fn::FindInMap': {
      const maps = isObj(scope.template.Mappings) ? scope.template.Mappings : {};
      if (!known(args)) return new Unknown('Fn::FindInMap keys known only at deployment');
      const m = maps[String(args[0])];
      const row = isObj(m) ? m[String(args[1])] : undefined;
      return isObj(row) && String(args[2]) in row
        ? row[String(args[2])]
        : args[3] !== undefined && isObj(args[3])
          ? args[3].DefaultValue
          : new Unknown('Fn::FindInMap: no such entry');
    }
    case 'Fn::Base64':
      return typeof args[0] === 'string' ? Buffer.from(args[0]).toString('base64') : new Unknown('Fn::Base64 of a value known only at deployment');
    case 'Fn::Equals':
      return known(args)
        ? JSON.stringify(args[0]) === JSON.stringify(args[1]) || String(args[0]) === String(args[1])
        : new Unknown('Fn::Equals over values known only at deployment');
    case 'Fn::And':
    case 'Fn::Or': {
      const bools = args.map((a) => (isObj(a) && typeof a.Condition === 'string' ? evalCondition(a.Condition, scope, at) : a));
      if (fn === 'Fn::And' && bools.includes(false)) return false;
      if (fn === 'Fn::Or' && bools.includes(true)) return true;
      return bools.every((b) => typeof b === 'boolean') ? fn === 'Fn::And' : new Unknown(`${fn} over values known only at deployment`);
    }
    case 'Fn::Not':
      return typeof args[0] === 'boolean' ? !args[0] : new Unknown('Fn::Not over a value known only at deployment');
    default:
      return fail(
        scope,
        at,
        `unknown intrinsic function ${fn}.`,
        `one of ${[...KNOWN].join(', ')}`,
        'fix the function name; keyhygiene reads the intrinsic functions CloudFormation documents',
      );
  }
}

/** Evaluate a template value: intrinsics are applied, AWS::NoValue removes the entry. */
export function evaluate(value: unknown, scope: Scope, path: (string | number)[]): unknown {
  if (Array.isArray(value)) return value.map((x, i) => evaluate(x, scope, [...path, i])).filter((x) => x !== NO_VALUE);
  if (!isObj(value)) return value;
  // Fn::ForEach in a resource's properties (AWS::LanguageExtensions) makes properties of the object.
  const v = Object.keys(value).some((k) => k.startsWith('Fn::ForEach::'))
    ? expandForEach(value, (x, p) => evaluate(x, scope, p), scope.file, scope.notes, 0, path)
    : value;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const k = keys[0] as string;
    if (k === 'Ref' || k === 'Condition' || k.startsWith('Fn::')) {
      if (!KNOWN.has(k)) fail(scope, [...path, k], `unknown intrinsic function ${k}.`, `one of ${[...KNOWN].join(', ')}`, 'fix the function name');
      return evalIntrinsic(k, v[k], scope, path);
    }
  }
  const out: Obj = {};
  for (const k of keys) {
    const x = evaluate(v[k], scope, [...path, k]);
    if (x !== NO_VALUE) out[k] = x;
  }
  return out;
}

/** Read a parsed CloudFormation template (or CDK synth output) into planned resources. */
export function readCloudFormation(
  template: Obj,
  file: string,
  parsed: { doc: Document.Parsed; lines: LineCounter },
  opts: CfnOptions,
  notes: IacNote[] = [],
): PlannedResource[] {
  const scope: Scope = {
    template,
    resources: new Set(),
    params: isObj(template.Parameters) ? template.Parameters : {},
    opts,
    file,
    doc: parsed.doc,
    lines: parsed.lines,
    conditions: new Map(),
    notes,
  };
  notes.push(...transformNotes(template, file));
  // Fn::ForEach in Conditions (AWS::LanguageExtensions) defines conditions.
  const conditions = isObj(template.Conditions) ? template.Conditions : {};
  if (Object.keys(conditions).some((k) => k.startsWith('Fn::ForEach::')))
    scope.template = { ...template, Conditions: expandForEach(conditions, (v, path) => evaluate(v, scope, path), file, notes, 0, ['Conditions']) };
  const resources = expandForEach(isObj(template.Resources) ? template.Resources : {}, (v, path) => evaluate(v, scope, path), file, notes);
  for (const id of [...Object.keys(resources), ...samRoleIds(resources)]) scope.resources.add(id);
  const out: PlannedResource[] = [];
  for (const [id, res] of Object.entries(resources)) {
    if (id === 'Fn::Transform') {
      notes.push({
        operation: 'cloudformation:include',
        at: id,
        reason: `${file}: Resources includes a snippet (Fn::Transform, AWS::Include) that is not read: the resources it adds are not audited`,
      });
      continue;
    }
    if (!isObj(res) || typeof res.Type !== 'string') {
      fail(scope, ['Resources', id], `resource ${id} has no Type.`, 'Type: AWS::Service::Resource', 'add the resource type');
    }
    const condition = typeof res.Condition === 'string' ? evalCondition(res.Condition, scope, ['Resources', id, 'Condition']) : true;
    if (condition === false) continue;
    const metadata = isObj(res.Metadata) ? res.Metadata : {};
    const nested = nestedStackNote(id, res.Type, file, metadata);
    if (nested) notes.push(nested);
    const props = evaluate(isObj(res.Properties) ? res.Properties : {}, scope, ['Resources', id, 'Properties']) as Obj;
    const cdkPath = typeof metadata['aws:cdk:path'] === 'string' ? metadata['aws:cdk:path'] : undefined;
    const line = lineOf(scope, ['Resources', id]);
    out.push({
      format: 'cloudformation',
      type: res.Type,
      address: cdkPath ?? id,
      refKey: id,
      values: props,
      action: 'create',
      file,
      ...(line ? { line } : {}),
      ...(condition instanceof Unknown ? { conditional: `condition ${String(res.Condition)} holds, which is decided at deployment (${condition.why})` } : {}),
    });
    const role = samExecutionRole(out.at(-1) as PlannedResource, isObj(template.Globals) ? template.Globals : {});
    if (role) out.push(role);
  }
  return out;
}
