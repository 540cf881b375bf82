// IAM a Terraform plan sets on a planned Cloud KMS key and its key ring (google_kms_crypto_key_iam_* and
// google_kms_key_ring_iam_*: binding, member, policy) as the key's access entries, through the GCP
// provider's own accessFromPolicy. Pure. What a value unknown at plan time hides is named for the gap.
import type { AccessEntry } from '../../model/access-entry.ts';
import { accessFromPolicy, type RawBinding, type RawPolicy } from '../gcp/normalize.ts';
import { ancestryOf, LEVELS, reaches } from './map-gcp-hierarchy.ts';
import type { PlanContext } from './plan-context.ts';
import { containsUnknown, type PlannedResource, Ref } from './values.ts';

export const KEY_IAM_TYPES = ['google_kms_crypto_key_iam_binding', 'google_kms_crypto_key_iam_member', 'google_kms_crypto_key_iam_policy'];
export const RING_IAM_TYPES = ['google_kms_key_ring_iam_binding', 'google_kms_key_ring_iam_member', 'google_kms_key_ring_iam_policy'];

/** The resource an IAM resource attaches to: a planned key or ring it refers to, or its literal id. */
export interface IamTarget {
  /** The planned google_kms_crypto_key / google_kms_key_ring, when the plan declares it. */
  planned?: PlannedResource;
  /** Full resource name (`projects/p/locations/l/keyRings/r[/cryptoKeys/k]`), when known. */
  name?: string;
}

export interface PlannedIam {
  entries: AccessEntry[];
  /** Why part of the IAM the plan sets on this key is not known (unknown values, unknown roles). */
  unknown: string[];
  /** The plan sets the key's own policy authoritatively (google_kms_crypto_key_iam_policy). */
  authoritative: boolean;
}

/**
 * Does a literal id name this resource? The provider takes the full name or the short forms
 * `{project}/{location}/{key_ring}[/{crypto_key}]` and, with the provider's default project,
 * `{location}/{key_ring}[/{crypto_key}]`.
 */
function namesTarget(id: string, name: string, isKey: boolean): boolean {
  if (id.startsWith('projects/')) return id === name;
  const parts = id.split('/');
  const withProject = parts.length === (isKey ? 4 : 3);
  const [p, l, r, k] = withProject ? parts : ['', ...parts];
  const tail = `locations/${l}/keyRings/${r}${isKey ? `/cryptoKeys/${k}` : ''}`;
  return withProject ? name === `projects/${p}/${tail}` : parts.length === (isKey ? 3 : 2) && name.endsWith(`/${tail}`);
}

/** Does an IAM resource's `crypto_key_id` / `key_ring_id` name this target? */
function attachedTo(ctx: PlanContext, value: unknown, target: IamTarget, types: readonly string[]): boolean {
  if (value instanceof Ref) return target.planned !== undefined && ctx.resolve(value, types)?.address === target.planned.address;
  return typeof value === 'string' && target.name !== undefined && namesTarget(value, target.name, types.includes('google_kms_crypto_key'));
}

/** The bindings one IAM resource sets, and what it leaves unknown. */
function bindingsOf(r: PlannedResource, unknown: string[]): RawBinding[] {
  const v = r.values;
  if (r.type.endsWith('_iam_policy')) return policyBindings(r, unknown);
  if (typeof v.role !== 'string') {
    unknown.push(`${r.address}: its role is known only after apply`);
    return [];
  }
  const raw = r.type.endsWith('_iam_member') ? [v.member] : Array.isArray(v.members) ? v.members : [v.members];
  const members = raw.filter((m): m is string => typeof m === 'string');
  if (members.length !== raw.length) unknown.push(`${r.address}: a member is known only after apply`);
  const cond = Array.isArray(v.condition) ? v.condition[0] : v.condition;
  if (cond && typeof cond === 'object' && containsUnknown(cond)) {
    unknown.push(`${r.address}: its condition is known only after apply`);
    return [];
  }
  const expression = cond && typeof cond === 'object' ? (cond as Record<string, unknown>).expression : undefined;
  return [{ role: v.role, members, ...(typeof expression === 'string' ? { condition: { expression } } : {}) }];
}

/** `policy_data`: the JSON of a google_iam_policy data source (`{"bindings":[{role, members, condition}]}`). */
function policyBindings(r: PlannedResource, unknown: string[]): RawBinding[] {
  const data = r.values.policy_data;
  let parsed: unknown;
  try {
    parsed = typeof data === 'string' ? JSON.parse(data) : undefined;
  } catch {
    parsed = undefined;
  }
  const bindings = parsed && typeof parsed === 'object' ? (parsed as { bindings?: unknown }).bindings : undefined;
  if (typeof data !== 'string' || (bindings !== undefined && !Array.isArray(bindings)) || parsed === undefined) {
    unknown.push(`${r.address}: its policy_data is ${typeof data === 'string' ? 'not an IAM policy JSON' : 'known only after apply'}`);
    return [];
  }
  return ((bindings ?? []) as Record<string, unknown>[]).flatMap((b) => {
    if (!b || typeof b.role !== 'string' || !Array.isArray(b.members)) return [];
    const expression = b.condition && typeof b.condition === 'object' ? (b.condition as Record<string, unknown>).expression : undefined;
    return [{ role: b.role, members: b.members.map(String), ...(typeof expression === 'string' ? { condition: { expression } } : {}) }];
  });
}

/** IAM resources whose target is unknown at plan time: they may attach to any key or ring. */
function unattached(ctx: PlanContext, types: readonly string[], attr: string): string[] {
  return ctx
    .ofType(...types)
    .filter((r) => !(r.values[attr] instanceof Ref) && typeof r.values[attr] !== 'string')
    .map((r) => `${r.address}: its ${attr} is known only after apply`);
}

/** The IAM a plan sets above its keys, worked out once per plan (every key of a project shares it). */
interface PlanIam {
  /** Key and ring IAM resources whose target is known only after apply. */
  unattached: string[];
  /** By project id ('' when unknown): the bindings that reach it, by project, folder or organization, and what may. */
  above: Map<string, { byNode: Map<string, RawBinding[]>; unknown: string[] }>;
}

const perPlan = new WeakMap<PlanContext, PlanIam>();

function planIam(ctx: PlanContext): PlanIam {
  let iam = perPlan.get(ctx);
  if (!iam) {
    iam = { unattached: [...unattached(ctx, KEY_IAM_TYPES, 'crypto_key_id'), ...unattached(ctx, RING_IAM_TYPES, 'key_ring_id')], above: new Map() };
    perPlan.set(ctx, iam);
  }
  return iam;
}

/** Bindings the plan sets on a project and the folders and organization above it, by node (once per project). */
function aboveProject(ctx: PlanContext, projectId: string | undefined): { byNode: Map<string, RawBinding[]>; unknown: string[] } {
  const cache = planIam(ctx).above;
  const cached = cache.get(projectId ?? '');
  if (cached) return cached;
  const ancestry = ancestryOf(ctx, projectId);
  const found = { byNode: new Map<string, RawBinding[]>(), unknown: [] as string[] };
  for (const level of LEVELS)
    for (const r of ctx.ofType(...level.types)) {
      const hit = reaches(ctx, r, level, ancestry);
      if (hit.verdict === 'maybe') found.unknown.push(hit.why);
      if (hit.verdict !== 'yes') continue;
      const node = hit.node.name ?? hit.node.planned?.address ?? level.kind;
      found.byNode.set(node, [...(found.byNode.get(node) ?? []), ...bindingsOf(r, found.unknown)]);
    }
  cache.set(projectId ?? '', found);
  return found;
}

/** Access entries the plan's IAM resources give one key, from the key's own policy and its ring's. */
export function plannedIam(ctx: PlanContext, key: IamTarget & { name: string; purpose?: string }, ring: IamTarget, nowMs: number): PlannedIam {
  const unknown: string[] = [...planIam(ctx).unattached];
  const subject = { name: key.name, ...(key.purpose ? { purpose: key.purpose } : {}) };
  const entries: AccessEntry[] = [];
  let authoritative = false;
  const layers: [IamTarget, string[], string, string[]][] = [
    [key, KEY_IAM_TYPES, 'crypto_key_id', ['google_kms_crypto_key']],
    [ring, RING_IAM_TYPES, 'key_ring_id', ['google_kms_key_ring']],
  ];
  for (const [target, iamTypes, attr, targetTypes] of layers) {
    const found = ctx.ofType(...iamTypes).filter((r) => attachedTo(ctx, r.values[attr], target, targetTypes));
    if (target === key && found.some((r) => r.type.endsWith('_iam_policy'))) authoritative = true;
    const policy: RawPolicy = { bindings: found.flatMap((r) => bindingsOf(r, unknown)), auditConfigs: [] };
    const got = accessFromPolicy(policy, target.name ?? target.planned?.address ?? key.name, subject, nowMs);
    entries.push(...got.entries);
    for (const role of got.unknownRoles) unknown.push(`the permissions of ${role} are not known before deployment`);
  }
  entries.push(...inheritedAccess(ctx, /^projects\/([^/]+)\//.exec(key.name)?.[1], subject, nowMs, unknown));
  return { entries, unknown, authoritative };
}

/** Access from the IAM the plan sets on the key's project and the folders and organization above it. */
function inheritedAccess(
  ctx: PlanContext,
  projectId: string | undefined,
  subject: { name: string; purpose?: string },
  nowMs: number,
  unknown: string[],
): AccessEntry[] {
  const above = aboveProject(ctx, projectId);
  unknown.push(...above.unknown);
  const entries: AccessEntry[] = [];
  for (const [node, bindings] of above.byNode) {
    const got = accessFromPolicy({ bindings, auditConfigs: [] }, node, subject, nowMs);
    entries.push(...got.entries);
    for (const role of got.unknownRoles) unknown.push(`the permissions of ${role} (on ${node}) are not known before deployment`);
  }
  return entries;
}
