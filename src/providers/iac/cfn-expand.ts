// What CloudFormation does to a template's Resources before it deploys them, as far as the template
// decides it: `Fn::ForEach` loops of the AWS::LanguageExtensions transform are expanded; what is
// decided elsewhere (a macro named in `Transform`, an `AWS::Include` snippet, a nested stack's own
// template) becomes a note, so the audit says it is incomplete instead of auditing less. Pure.
import { type IacNote, isObj, type Obj } from './values.ts';

/**
 * Transforms whose effect on keys, trails and their policies is known: the language extensions are
 * evaluated here; SAM expands only its AWS::Serverless::* resources (functions, APIs, tables…, none of
 * them keys or trails); the Secrets Manager and CodeDeploy blue/green transforms add their own rotation
 * and deployment resources.
 */
const KNOWN_TRANSFORMS = new Set(['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31', 'AWS::SecretsManager-2020-07-23', 'AWS::CodeDeployBlueGreen']);

/** Resource types that deploy another template, which this file does not hold. */
const NESTED_TYPES = new Set(['AWS::CloudFormation::Stack', 'AWS::Serverless::Application']);

/** Notes for the template's `Transform` section: a macro may add, change or remove any resource. */
export function transformNotes(template: Obj, file: string): IacNote[] {
  const raw = template.Transform;
  const names = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((t) => (isObj(t) && typeof t.Name === 'string' ? t.Name : String(t)));
  return names
    .filter((n) => !KNOWN_TRANSFORMS.has(n))
    .map((n) => ({
      operation: 'cloudformation:transform',
      at: n,
      reason: `${file}: the template is processed by the ${n} transform (macro) at deployment, which may add, change or remove resources; audit the processed template (aws cloudformation get-template --template-stage Processed)`,
    }));
}

/** A note for a nested stack: the keys, trails and policies of its own template are not read. */
export function nestedStackNote(id: string, type: string, file: string, metadata: Obj = {}): IacNote | undefined {
  if (!NESTED_TYPES.has(type)) return undefined;
  // CDK names the nested template it wrote beside this one (cdk.out/<Stack><Nested>.nested.template.json).
  const asset = metadata['aws:asset:path'];
  const template = typeof asset === 'string' && /^[^/\\]+\.json$/.test(asset) && metadata['aws:asset:property'] === 'TemplateURL' ? asset : undefined;
  return {
    ...(template ? { template } : {}),
    operation: 'cloudformation:nested-stack',
    at: id,
    reason: `${file}: ${id} (${type}) deploys another template, which is not read: the keys, trails and policies it creates are not audited (pass that template with --iac too; CDK writes it to cdk.out as *.nested.template.json)`,
  };
}

/** `${Id}` → the value; `&{Id}` → the value without its non-alphanumeric characters; `Ref: Id` → the value. */
function substitute(v: unknown, id: string, value: string): unknown {
  if (typeof v === 'string')
    return v
      .split(`\${${id}}`)
      .join(value)
      .split(`&{${id}}`)
      .join(value.replace(/[^A-Za-z0-9]/g, ''));
  if (Array.isArray(v)) return v.map((x) => substitute(x, id, value));
  if (!isObj(v)) return v;
  if (Object.keys(v).length === 1 && v.Ref === id) return value;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [substitute(k, id, value) as string, substitute(x, id, value)]));
}

/**
 * Expand `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` entries of Resources,
 * Conditions or a resource's properties (`at`, nested loops included). A collection known only at
 * deployment leaves what it makes unknown: a note.
 */
export function expandForEach(
  resources: Obj,
  evaluate: (v: unknown, path: (string | number)[]) => unknown,
  file: string,
  notes: IacNote[],
  depth = 0,
  at: (string | number)[] = ['Resources'],
): Obj {
  const out: Obj = {};
  const what = at.length > 1 ? `properties of ${String(at[1])}` : at[0] === 'Conditions' ? 'conditions' : 'resources';
  for (const [key, res] of Object.entries(resources)) {
    if (!key.startsWith('Fn::ForEach::') || !Array.isArray(res)) {
      out[key] = res;
      continue;
    }
    if (depth > 8) {
      // CloudFormation allows five nested loops; deeper is not expanded here (a gap, not a resource without Type).
      notes.push({ operation: 'cloudformation:foreach', at: key, reason: `${file}: ${key} is nested more than 8 loops deep; its ${what} are not audited` });
      continue;
    }
    const [id, collection, fragment] = res as [unknown, unknown, unknown];
    const items = evaluate(collection, [...at, key, 1]);
    if (typeof id !== 'string' || !isObj(fragment) || !Array.isArray(items) || !items.every((x) => typeof x === 'string' || typeof x === 'number')) {
      notes.push({
        operation: 'cloudformation:foreach',
        at: key,
        reason: `${file}: the ${what} of ${key} depend on a collection known only at deployment, so they are not audited`,
      });
      continue;
    }
    for (const item of items) Object.assign(out, expandForEach(substitute(fragment, id, String(item)) as Obj, evaluate, file, notes, depth + 1, at));
  }
  return out;
}
