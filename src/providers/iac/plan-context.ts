// What the mappers share for one plan or template: lookups between its resources, the principals it
// declares, the base of every record (id, provenance, location) and the gaps for unknown values.
import type { Principal } from '../../model/access-entry.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import type { SourceLocation } from '../../model/common.ts';
import { GapBuilder } from '../kit/gaps.ts';
import { armNameOf, type PlannedResource, Reader, Ref } from './values.ts';

export interface PlanOptions {
  account?: string;
  region?: string;
  subscription?: string;
  tenant?: string;
  /** Terraform: the google provider's default project (resources that leave `project` out use it). */
  gcpProject?: string;
}

/** Marker for a principal that is a resource of the same plan, inside a policy document. */
export const REF_PREFIX = 'iac-ref:';

const PRINCIPAL_TYPES: Record<string, Principal['kind']> = {
  aws_iam_role: 'role',
  'AWS::IAM::Role': 'role',
  aws_iam_user: 'user',
  'AWS::IAM::User': 'user',
  aws_iam_group: 'group',
  'AWS::IAM::Group': 'group',
  azurerm_user_assigned_identity: 'managed-identity',
  'Microsoft.ManagedIdentity/userAssignedIdentities': 'managed-identity',
  azuread_service_principal: 'service-principal',
  azuread_group: 'group',
  azuread_user: 'user',
};

/**
 * Attributes a literal value is matched against to name a resource: ids, ARNs and names; principal_id /
 * object_id name an identity that exists already (no-op) in role assignments.
 */
const MATCHED_ATTRIBUTES = ['id', 'arn', 'key_id', 'name', 'AliasName', 'LogGroupName', 'RoleName', 'principal_id', 'object_id'];

/** The candidates of one list of types, indexed by what resolve() matches (positions or the first resource). */
interface ResolveIndex {
  candidates: readonly PlannedResource[];
  byAddress: Map<string, number>;
  byRefKey: Map<string, number>;
  byArmKey: Map<string, PlannedResource>;
  byAttribute: Map<string, PlannedResource>;
}

export class PlanContext {
  readonly file: string;
  readonly opts: PlanOptions;
  readonly resources: readonly PlannedResource[];
  /** One gap builder per model provider the plan's subjects belong to (aws-kms, azure-keyvault). */
  private readonly builders = new Map<string, GapBuilder>();
  private readonly byAddress = new Map<string, PlannedResource>();
  private readonly byRefKey = new Map<string, PlannedResource[]>();
  private readonly byTypes = new Map<string, readonly PlannedResource[]>();
  private readonly resolveIndexes = new Map<string, ResolveIndex>();
  private readonly resolveBySameList = new WeakMap<readonly string[], ResolveIndex>();
  /** Where each resource is declared in source (.tf), when found. */
  readonly declared = new Map<string, { file: string; line: number }>();

  constructor(file: string, resources: readonly PlannedResource[], opts: PlanOptions) {
    this.file = file;
    this.opts = opts;
    this.resources = resources;
    for (const r of resources) {
      this.byAddress.set(r.address, r);
      this.byRefKey.set(r.refKey, [...(this.byRefKey.get(r.refKey) ?? []), r]);
    }
  }

  /** The resources of the given types that the plan does not delete (looked up once per list of types; not to be changed). */
  ofType(...types: string[]): readonly PlannedResource[] {
    const key = types.join('\n');
    let found = this.byTypes.get(key);
    if (!found) {
      const set = new Set(types.map((t) => t.toLowerCase()));
      found = this.resources.filter((r) => set.has(r.type.toLowerCase()) && r.action !== 'delete');
      this.byTypes.set(key, found);
    }
    return found;
  }

  /** Stable subject id of a planned resource: `<file>#<address>`. */
  idOf(r: PlannedResource): string {
    return `${r.file}#${r.address}`;
  }

  source(r: PlannedResource): SourceLocation {
    const at = this.declared.get(r.address);
    const file = at?.file ?? r.file;
    const line = at?.line ?? r.line;
    return { address: r.address, file, ...(line ? { line } : {}), action: r.action };
  }

  /**
   * The resource a value points at: a Ref (Terraform configuration reference, CloudFormation Ref or
   * GetAtt, ARM resourceId), or a literal id/ARN/name equal to one of the candidates' attributes.
   * The first candidate (in plan order) that matches, looked up in an index built once per list of types.
   */
  resolve(v: unknown, types: readonly string[]): PlannedResource | undefined {
    const index = this.resolveIndex(types);
    if (v instanceof Ref) {
      const at = [index.byAddress.get(v.address), index.byRefKey.get(v.address), index.byRefKey.get(v.address.toLowerCase())];
      const first = Math.min(...at.map((i) => i ?? Number.POSITIVE_INFINITY));
      return Number.isFinite(first) ? index.candidates[first] : undefined;
    }
    if (typeof v !== 'string' || v === '') return undefined;
    // A log group ARN is often written with the ":*" suffix CloudTrail wants.
    const lower = v.toLowerCase().replace(/:\*$/, '');
    // ARM: resourceId() results and extension scopes name the type and the resource.
    return index.byArmKey.get(lower.replace(/^.*\/providers\//, '')) ?? index.byAttribute.get(lower);
  }

  private resolveIndex(types: readonly string[]): ResolveIndex {
    // Callers mostly pass the same constant list: found by identity before the list is joined into a key.
    const same = this.resolveBySameList.get(types);
    if (same) return same;
    const key = types.join('\n');
    const cached = this.resolveIndexes.get(key);
    if (cached) {
      this.resolveBySameList.set(types, cached);
      return cached;
    }
    const candidates = this.ofType(...types);
    const index: ResolveIndex = { candidates, byAddress: new Map(), byRefKey: new Map(), byArmKey: new Map(), byAttribute: new Map() };
    const first = <K, V>(m: Map<K, V>, k: K, x: V) => {
      if (!m.has(k)) m.set(k, x);
    };
    candidates.forEach((c, i) => {
      first(index.byAddress, c.address, i);
      first(index.byRefKey, c.refKey, i);
      if (c.format === 'arm') first(index.byArmKey, `${c.type}/${armNameOf(c)}`.toLowerCase(), c);
      for (const a of MATCHED_ATTRIBUTES) {
        const value = c.values[a];
        if (typeof value === 'string') first(index.byAttribute, value.toLowerCase(), c);
      }
    });
    this.resolveIndexes.set(key, index);
    this.resolveBySameList.set(types, index);
    return index;
  }

  /** A principal declared in this plan (a role, a managed identity) as rules classify it: by name, address and tags. */
  plannedPrincipal(address: string): Principal | undefined {
    const r = this.byAddress.get(address) ?? this.byRefKey.get(address)?.[0] ?? this.byRefKey.get(address.toLowerCase())?.[0];
    if (!r) return undefined;
    const read = new Reader(r.values);
    const known = read.str('arn') ?? read.str('Arn');
    const name = read.str('name') ?? read.str('RoleName') ?? read.str('UserName') ?? (r.format === 'arm' ? r.address.split('/').at(-1) : undefined);
    const tags = read.tags('tags_all') ?? read.tags('tags') ?? read.tags('Tags');
    const account = r.format === 'arm' || r.type.startsWith('azure') ? this.opts.tenant : this.opts.account;
    return {
      kind: PRINCIPAL_TYPES[r.type] ?? 'role',
      id: known ?? this.idOf(r),
      name: name ?? r.address,
      ...(account ? { account } : {}),
      ...(tags && Object.keys(tags).length ? { tags } : {}),
    };
  }

  /** Principals that are this plan's resources: replace markers, and enrich known ARNs with the resource's tags. */
  enrichPrincipal(p: Principal): Principal {
    if (p.id.startsWith(REF_PREFIX)) return this.plannedPrincipal(p.id.slice(REF_PREFIX.length)) ?? p;
    const r = this.resolve(p.id, Object.keys(PRINCIPAL_TYPES));
    return r ? { ...(this.plannedPrincipal(r.address) ?? p), id: p.id, kind: p.kind } : p;
  }

  /** Gaps for the attributes a mapper found unknown: one per subject and model field. */
  unknownGaps(
    subjectId: string,
    provider: string,
    r: PlannedResource,
    unknown: readonly { attribute: string; why: string }[],
    fieldOf: (attr: string) => string | undefined,
  ): void {
    const fields = new Map<string, { attribute: string; why: string }>();
    for (const u of unknown) {
      const f = fieldOf(u.attribute);
      if (f && !fields.has(f)) fields.set(f, u);
    }
    for (const [field, u] of fields) this.gap(subjectId, provider, field, `${r.format}:${u.attribute}`, `${r.address}: ${u.attribute} ${u.why}`);
  }

  /** A value the plan or template does not fix: a gap on one subject for one model field (the same field once). */
  gap(subjectId: string, provider: string, field: string, operation: string, reason: string): void {
    this.builderOf(provider).add({ id: `iac:${subjectId}:${field}`, operation, scope: { subjectId }, affects: [field], reason });
  }

  /** A gap on one subject for the fields named, or (none named) for everything about it. */
  subjectGap(subjectId: string, provider: string, operation: string, reason: string, affects: string[] = []): void {
    this.builderOf(provider).add({ id: `iac:${subjectId}:${operation}`, operation, scope: { subjectId }, affects, reason });
  }

  /** Something the file deploys that cannot be read from it: the audit is incomplete, no subject is hidden. */
  fileGap(operation: string, at: string, reason: string): void {
    this.builderOf('iac').add({ id: `iac:${this.file}#${at}:${operation}`, operation, scope: {}, reason });
  }

  /**
   * A trail the template deploys only under a condition decided at deployment: whether it logs
   * anything is unknown, so it makes no key's logging pass (a gap names the condition).
   */
  conditionalTrail(trail: { id: string; provider: string; enabled?: boolean | undefined }, r: PlannedResource): void {
    if (!r.conditional) return;
    delete trail.enabled;
    this.gap(trail.id, trail.provider, 'enabled', `${r.format}:condition`, `${r.address} is deployed only if ${r.conditional}`);
  }

  private builderOf(provider: string): GapBuilder {
    let builder = this.builders.get(provider);
    if (!builder) {
      builder = new GapBuilder(provider);
      this.builders.set(provider, builder);
    }
    return builder;
  }

  get gaps(): CollectionGap[] {
    return [...this.builders.values()].flatMap((b) => b.list());
  }
}
