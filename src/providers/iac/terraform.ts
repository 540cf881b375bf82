// Terraform plan JSON (`terraform show -json plan.out`) → planned resources. Pure: reads the parsed
// document only. Values `after_unknown` marks are Unknown; an unknown value whose configuration
// expression references another resource of the plan becomes a Ref to it.
import { UserError } from '../../errors.ts';
import { applyAzapiUpdates, readAzapi } from './azapi.ts';
import { type PlannedAction, type PlannedResource, Ref, Unknown } from './values.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface TerraformPlan {
  resources: PlannedResource[];
  /** Module source directories by module path (module.app.module.db), as the configuration gives them. */
  moduleSources: Map<string, string>;
  /** `region` of the default aws provider configuration, when a constant. */
  awsRegion?: string;
  /** `project` of the default google (or google-beta) provider configuration, when a constant. */
  gcpProject?: string;
  /** `complete: false`: Terraform will need another plan after this one is applied. */
  incomplete: boolean;
  /** Changes the plan defers (`deferred_changes`), by address, with Terraform's reason. */
  deferred: { address: string; type: string; provider: string; reason: string }[];
}

interface ConfigResource {
  expressions: Obj;
  /** The provider configuration the resource uses (aws, aws.eu, module.app:aws.eu). */
  providerKey?: string;
  /** Module path without instance keys: '' for the root, module.app.module.db below. */
  modulePath: string;
}

/** Index configuration resources by module path + local address, and module calls by module path. */
function indexConfiguration(root: Obj | undefined): { resources: Map<string, ConfigResource>; calls: Map<string, Obj>; sources: Map<string, string> } {
  const resources = new Map<string, ConfigResource>();
  const calls = new Map<string, Obj>();
  const sources = new Map<string, string>();
  const walk = (mod: Obj | undefined, path: string) => {
    if (!mod) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
      if (!isObj(r) || typeof r.address !== 'string') continue;
      resources.set(path ? `${path}.${r.address}` : r.address, {
        expressions: isObj(r.expressions) ? r.expressions : {},
        modulePath: path,
        ...(typeof r.provider_config_key === 'string' ? { providerKey: r.provider_config_key } : {}),
      });
    }
    for (const [name, call] of Object.entries(isObj(mod.module_calls) ? mod.module_calls : {})) {
      if (!isObj(call)) continue;
      const child = path ? `${path}.module.${name}` : `module.${name}`;
      calls.set(child, call);
      if (typeof call.source === 'string') sources.set(child, call.source);
      walk(isObj(call.module) ? call.module : undefined, child);
    }
  };
  walk(root, '');
  return { resources, calls, sources };
}

/** `module.app["eu"].module.db[0]` → `module.app.module.db`. */
export const stripInstanceKeys = (moduleAddress: string): string => moduleAddress.replace(/\[[^\]]*\]/g, '');

function actionOf(actions: unknown): PlannedAction {
  const a = Array.isArray(actions) ? actions.map(String) : [];
  // ["create", "forget"]: a new object replaces one Terraform stops managing (it stays in the cloud).
  if ((a.includes('delete') || a.includes('forget')) && a.includes('create')) return 'replace';
  if (a.includes('create')) return 'create';
  if (a.includes('delete')) return 'delete';
  if (a.includes('update')) return 'update';
  if (a.includes('read')) return 'read';
  return 'no-op';
}

/** Overlay `after_unknown` on `after`: true marks become Unknown. */
function overlayUnknown(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return new Unknown('known only after apply (after_unknown)');
  if (Array.isArray(unknown)) {
    const base = Array.isArray(after) ? [...after] : [];
    unknown.forEach((u, i) => {
      base[i] = overlayUnknown(base[i], u);
    });
    return base;
  }
  if (isObj(unknown)) {
    const base: Obj = isObj(after) ? { ...after } : {};
    for (const [k, u] of Object.entries(unknown)) base[k] = overlayUnknown(base[k], u);
    return base;
  }
  return after;
}

/**
 * The resource a configuration reference names: `aws_kms_key.k.arn` → `aws_kms_key.k` and `arn`;
 * `aws_kms_key.k["prod"].arn` (a constant index, which Terraform writes in the reference) also gives
 * the instance key `["prod"]`.
 */
function referencedResource(ref: string): { local: string; attribute?: string; key?: string } | undefined {
  if (/^(var|local|module|each|count|path|terraform|self)\./.test(ref)) return undefined;
  const m = /^((?:data\.)?[^.[\]]+\.[^.[\]]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?(?:\.([^.[\]]+))?/.exec(ref);
  if (!m) return undefined;
  return { local: m[1] as string, ...(m[3] ? { attribute: m[3] } : {}), ...(m[2] ? { key: m[2] } : {}) };
}

interface RefContext {
  config: ReturnType<typeof indexConfiguration>;
  /** Planned resource addresses by module path + local address (without index). */
  byRefKey: Map<string, PlannedResource[]>;
  byAddress: Map<string, PlannedResource>;
}

/**
 * Resolve the references of one expression to planned resources: within the same module instance,
 * the same index when the target has several instances; `var.X` follows the module call's argument.
 */
function resolveReferences(expr: unknown, modulePath: string, moduleInstance: string, index: unknown, rc: RefContext, depth = 0): Ref[] {
  if (!isObj(expr) || !Array.isArray(expr.references) || depth > 4) return [];
  const out = new Map<string, Ref>();
  const indexed = new Set<string>();
  for (const raw of expr.references.map(String)) {
    if (raw.startsWith('var.') && modulePath) {
      const call = rc.config.calls.get(modulePath);
      const arg = isObj(call?.expressions) ? call.expressions[raw.split('.')[1] as string] : undefined;
      const parentPath = modulePath.replace(/\.?module\.[^.]+$/, '');
      const parentInstance = moduleInstance.replace(/\.?module\.[^.[]+(\[[^\]]*\])?$/, '');
      for (const hit of resolveReferences(arg, parentPath, parentInstance, undefined, rc, depth + 1)) if (!out.has(hit.address)) out.set(hit.address, hit);
      continue;
    }
    if (raw.startsWith('module.')) {
      for (const hit of throughModuleOutput(raw, modulePath, moduleInstance, rc, depth)) if (!out.has(hit.address)) out.set(hit.address, hit);
      continue;
    }
    const target = referencedResource(raw);
    if (!target) continue;
    const key = modulePath ? `${modulePath}.${target.local}` : target.local;
    // Terraform follows `aws_kms_key.k["prod"]` with the bare `aws_kms_key.k`: the instance named wins.
    if (target.key) indexed.add(key);
    else if (indexed.has(key)) continue;
    const pick = pickInstance(rc, key, moduleInstance, target.local, target.key ?? `[${JSON.stringify(index)}]`, !target.key);
    // The bare resource reference (aws_kms_key.k) follows its attribute reference (aws_kms_key.k.arn): keep the first.
    if (pick && !out.has(pick.address)) out.set(pick.address, new Ref(pick.address, target.attribute));
  }
  return [...out.values()];
}

/**
 * The instance of a resource (`local`, in module instance `moduleInstance`) a reference names: the one
 * with this key (`["prod"]`, `[0]`), or (`alone`) the only instance there is in the module instance.
 */
function pickInstance(rc: RefContext, refKey: string, moduleInstance: string, local: string, key: string, alone: boolean): PlannedResource | undefined {
  const prefix = moduleInstance ? `${moduleInstance}.` : '';
  if (alone) {
    const all = rc.byRefKey.get(refKey) ?? [];
    // Every instance of a root module resource is in the root: their addresses need no look.
    const here = prefix ? all.filter((r) => r.address.startsWith(prefix)) : all;
    if (here.length === 1) return here[0];
  }
  return rc.byAddress.get(`${prefix}${local}${key}`);
}

/**
 * `module.kms.key_id` (or `module.kms[0].key_id`, `module.kms["eu"].key_id`): the resources the child
 * module's output expression references, inside that module instance (an output of a module called
 * with count or for_each and referenced without its key names no one instance: nothing).
 */
function throughModuleOutput(raw: string, modulePath: string, moduleInstance: string, rc: RefContext, depth: number): Ref[] {
  const m = /^module\.([^.[]+)(\[(?:"[^"]*"|\d+)\])?\.([^.[]+)/.exec(raw);
  if (!m) return [];
  const childPath = modulePath ? `${modulePath}.module.${m[1]}` : `module.${m[1]}`;
  const call = rc.config.calls.get(childPath);
  const outputs = isObj(call?.module) && isObj(call.module.outputs) ? call.module.outputs : {};
  const output = outputs[m[3] as string];
  if (!isObj(output)) return [];
  const childInstance = `${moduleInstance ? `${moduleInstance}.` : ''}module.${m[1]}${m[2] ?? ''}`;
  return resolveReferences(output.expression, childPath, childInstance, undefined, rc, depth + 1);
}

interface AttachContext {
  modulePath: string;
  moduleInstance: string;
  index: unknown;
  rc: RefContext;
}

/** Unknown values whose expression references one planned resource become Refs; lists element by element. */
function attachReferences(values: Obj, expressions: Obj, ctx: AttachContext): void {
  for (const [name, v] of Object.entries(values)) {
    const expr = expressions[name];
    if (v instanceof Unknown) {
      const refs = resolveReferences(expr, ctx.modulePath, ctx.moduleInstance, ctx.index, ctx.rc);
      if (refs.length === 1) values[name] = refs[0];
    } else if (Array.isArray(v) && Array.isArray(expr)) {
      // Nested blocks: the expressions are a list of blocks with their own expressions.
      v.forEach((item, i) => {
        if (isObj(item) && isObj(expr[i])) attachReferences(item, expr[i] as Obj, ctx);
      });
    } else if (Array.isArray(v) && isObj(expr)) {
      values[name] = listWithReferences(v, expr, ctx);
    }
  }
}

/** A list with unknown elements (identifiers = [aws_iam_role.a.arn, "arn:…"]): as many references as unknowns, in order. */
function listWithReferences(v: unknown[], expr: Obj, ctx: AttachContext): unknown[] {
  const unknownAt = v.flatMap((x, i) => (x instanceof Unknown ? [i] : []));
  if (!unknownAt.length) return v;
  const refs = resolveReferences(expr, ctx.modulePath, ctx.moduleInstance, ctx.index, ctx.rc);
  return refs.length === unknownAt.length ? v.map((x, i) => (x instanceof Unknown ? refs[unknownAt.indexOf(i)] : x)) : v;
}

function plannedFromChange(rc: Obj, file: string): PlannedResource | undefined {
  if (typeof rc.address !== 'string' || typeof rc.type !== 'string') return undefined;
  // A deposed object (create_before_destroy) is an older object of the same address, pending destroy:
  // never the planned state, and counted as a second instance it made references to the address ambiguous.
  if (rc.deposed !== undefined) return undefined;
  // Data sources matter only as policy documents the plan reads (aws_iam_policy_document).
  if (rc.mode !== 'managed' && !(rc.mode === 'data' && rc.type === 'aws_iam_policy_document')) return undefined;
  const change = isObj(rc.change) ? rc.change : {};
  const action = actionOf(change.actions);
  const source = action === 'delete' ? change.before : overlayUnknown(change.after, change.after_unknown);
  const moduleAddress = typeof rc.module_address === 'string' ? rc.module_address : '';
  const local = `${rc.mode === 'data' ? 'data.' : ''}${rc.type}.${String(rc.name)}`;
  const refKey = `${stripInstanceKeys(moduleAddress) ? `${stripInstanceKeys(moduleAddress)}.` : ''}${local}`;
  return { format: 'terraform-plan', type: rc.type, address: rc.address, refKey, values: isObj(source) ? source : {}, action, file };
}

function plannedFromValues(mod: Obj | undefined, file: string, out: PlannedResource[], seen: Set<string>): void {
  if (!mod) return;
  for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
    if (!isObj(r) || r.mode !== 'managed' || typeof r.address !== 'string' || seen.has(r.address)) continue;
    const moduleAddress = typeof mod.address === 'string' ? mod.address : '';
    const refKey = `${stripInstanceKeys(moduleAddress) ? `${stripInstanceKeys(moduleAddress)}.` : ''}${String(r.type)}.${String(r.name)}`;
    out.push({ format: 'terraform-plan', type: String(r.type), address: r.address, refKey, values: isObj(r.values) ? r.values : {}, action: 'no-op', file });
  }
  for (const child of Array.isArray(mod.child_modules) ? mod.child_modules : []) plannedFromValues(isObj(child) ? child : undefined, file, out, seen);
}

/**
 * A plan this reader must not audit: a JSON format of another major version (the format's own rule:
 * reject it), or a plan Terraform stopped making at an error (it may lack any resource after it).
 */
function checkPlan(doc: Obj, file: string): void {
  const version = String(doc.format_version);
  if (!/^1(\.|$)/.test(version)) {
    // Terraform 0.12 to 1.0 wrote the experimental 0.x format; 1.0 is written since Terraform 1.1.
    const older = /^0(\.|$)/.test(version);
    throw new UserError({
      file,
      message: `the plan's format_version is "${version}"; this build reads the Terraform JSON plan format 1.x.`,
      expected: 'format_version "1.x" (terraform show -json of Terraform 1.1 or later, or of OpenTofu)',
      hint: older
        ? 'format 0.x is written by Terraform 0.12 to 1.0: plan again with Terraform 1.1 or later (terraform plan -out plan.out && terraform show -json plan.out; a plan file is shown only by the release that wrote it)'
        : 'a newer major format version: upgrade keyhygiene, or write the plan with a Terraform release whose JSON format is 1.x',
    });
  }
  if (doc.errored === true)
    throw new UserError({
      file,
      message: 'the plan has `errored: true`: Terraform stopped planning at an error, so resources after it may be missing from the plan.',
      expected: 'a plan Terraform finished (errored: false)',
      hint: 'fix the errors terraform plan printed, then run terraform plan -out plan.out and terraform show -json plan.out again',
    });
}

/**
 * Changes the plan defers to a later plan (Terraform 1.9+ `deferred_changes`): planned resources marked
 * deferred. `indexes` holds every planned resource's address (its `index`), so a deferred change that
 * repeats one is found without a scan.
 */
function deferredChanges(doc: Obj, file: string, resources: PlannedResource[], indexes: Map<string, unknown>): TerraformPlan['deferred'] {
  const out: TerraformPlan['deferred'] = [];
  for (const d of Array.isArray(doc.deferred_changes) ? doc.deferred_changes : []) {
    const rc = isObj(d) && isObj(d.resource_change) ? d.resource_change : undefined;
    if (!rc || typeof rc.address !== 'string') continue;
    const reason = typeof d.reason === 'string' ? d.reason : 'unknown';
    out.push({ address: rc.address, type: String(rc.type), provider: String(rc.provider_name ?? ''), reason });
    const r = plannedFromChange(rc, file);
    if (!r || indexes.has(r.address)) continue;
    r.deferred = reason;
    resources.push(r);
    indexes.set(r.address, rc.index);
  }
  return out;
}

/** Read a parsed plan document into planned resources, references resolved through `configuration`. */
export function readTerraformPlan(doc: Obj, file: string): TerraformPlan {
  checkPlan(doc, file);
  const resources: PlannedResource[] = [];
  const indexes = new Map<string, unknown>();
  for (const rc of Array.isArray(doc.resource_changes) ? doc.resource_changes : []) {
    if (!isObj(rc)) continue;
    const r = plannedFromChange(rc, file);
    if (!r) continue;
    resources.push(r);
    indexes.set(r.address, rc.index);
  }
  const deferred = deferredChanges(doc, file, resources, indexes);
  // Resources in planned_values without a change entry (older formats) exist unchanged.
  const planned = isObj(doc.planned_values) ? doc.planned_values : undefined;
  plannedFromValues(isObj(planned?.root_module) ? planned.root_module : undefined, file, resources, new Set(resources.map((r) => r.address)));

  const configuration = isObj(doc.configuration) ? doc.configuration : {};
  const config = indexConfiguration(isObj(configuration.root_module) ? configuration.root_module : undefined);
  const byRefKey = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    const same = byRefKey.get(r.refKey);
    if (same) same.push(r);
    else byRefKey.set(r.refKey, [r]);
  }
  const rc: RefContext = { config, byRefKey, byAddress: new Map(resources.map((r) => [r.address, r])) };
  for (const r of resources) {
    const cfg = config.resources.get(r.refKey);
    if (!cfg) continue;
    r.configured = new Set(Object.keys(cfg.expressions));
    attachReferences(r.values, cfg.expressions, { modulePath: cfg.modulePath, moduleInstance: instancePrefix(r.address), index: indexes.get(r.address), rc });
  }
  readAzapi(resources);
  applyAzapiUpdates(resources);
  const providers = isObj(configuration.provider_config) ? configuration.provider_config : {};
  const awsRegion = constantRegion(providers.aws);
  const gcpProject = constantAttr(providers.google, 'project') ?? constantAttr(providers['google-beta'], 'project');
  // A resource made through an aliased provider (provider = aws.eu) lives in that provider's region.
  for (const r of resources) {
    const key = config.resources.get(r.refKey)?.providerKey;
    const region = key && /\.[^.:]+$/.test(key) ? constantRegion(providers[key]) : undefined;
    if (region) r.providerRegion = region;
  }
  return {
    resources,
    moduleSources: config.sources,
    ...(awsRegion ? { awsRegion } : {}),
    ...(gcpProject ? { gcpProject } : {}),
    incomplete: doc.complete === false,
    deferred,
  };
}

/** One argument of a provider configuration, when a constant. */
function constantAttr(provider: unknown, name: string): string | undefined {
  const expr = isObj(provider) && isObj(provider.expressions) && isObj(provider.expressions[name]) ? provider.expressions[name] : undefined;
  return typeof expr?.constant_value === 'string' ? expr.constant_value : undefined;
}

/** The `region` of a provider configuration, when a constant. */
const constantRegion = (provider: unknown): string | undefined => constantAttr(provider, 'region');

/** `module.app["eu"].aws_kms_key.k[0]` → `module.app["eu"]`. */
export function instancePrefix(address: string): string {
  const parts = address.match(/module\.[^.[]+(\[(?:"[^"]*"|\d+)\])?/g);
  return parts ? parts.join('.') : '';
}
