// Planned AWS resources (Terraform aws_* and their CloudFormation twins) → KeyRecords and AuditTrails,
// through the AWS provider's own normalize functions. Pure.
import type { AccessEntry } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import {
  type EventSelectorsShape,
  type FieldSelectorShape,
  type GrantShape,
  grantsToAccess,
  type KeyMetadataShape,
  KeyPolicyError,
  KMS_ACTIONS,
  normalizeKey,
  normalizeTrail,
  PROVIDER,
  policyToAccess,
} from '../aws/normalize.ts';
import { identityAccess } from './map-aws-iam.ts';
import { type PlanContext, REF_PREFIX } from './plan-context.ts';
import { policyDocumentFromData } from './policy-document.ts';
import { containsUnknown, firstUnknown, type PlannedResource, Reader, Ref } from './values.ts';

const KEY_TYPES = ['aws_kms_key', 'AWS::KMS::Key', 'aws_kms_external_key', 'aws_kms_replica_key', 'aws_kms_replica_external_key', 'AWS::KMS::ReplicaKey'];
const ROLE_TYPES = ['aws_iam_role', 'AWS::IAM::Role', 'aws_iam_user', 'AWS::IAM::User', 'aws_iam_group'];

/** Model field each key attribute feeds, for gaps on unknown values. */
const KEY_FIELDS: Record<string, string> = {
  key_usage: 'usage',
  KeyUsage: 'usage',
  customer_master_key_spec: 'keyType',
  key_spec: 'keyType',
  KeySpec: 'keyType',
  enable_key_rotation: 'rotation',
  key_rotation_enabled: 'rotation',
  EnableKeyRotation: 'rotation',
  rotation_period_in_days: 'rotation',
  RotationPeriodInDays: 'rotation',
  is_enabled: 'state',
  enabled: 'state',
  Enabled: 'state',
  multi_region: 'multiRegion',
  valid_to: 'expiresAt',
  MultiRegion: 'multiRegion',
  policy: 'access',
  KeyPolicy: 'access',
  tags: 'tags',
  Tags: 'tags',
};

/** A policy document with references to planned principals written as markers policyToAccess keeps. */
function markRefs(v: unknown): unknown {
  if (v instanceof Ref) return `${REF_PREFIX}${v.address}`;
  if (Array.isArray(v)) return v.map(markRefs);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markRefs(x)]));
  return v;
}

/** The access a key policy value gives: a JSON string, a template object, or a reference to a policy document. */
function policyAccess(ctx: PlanContext, value: unknown): AccessEntry[] | string {
  let doc: unknown = value;
  if (value instanceof Ref) {
    const data = ctx.resolve(value, ['aws_iam_policy_document']);
    doc = data ? policyDocumentFromData(data) : undefined;
    if (doc === undefined) return `depends on ${value.address}: it is known only after apply`;
  }
  if (doc === undefined) return 'is known only after apply';
  const unknown = firstUnknown(doc);
  if (unknown) return `is not fixed by the ${value instanceof Ref ? 'plan' : 'configuration'}: ${unknown.why}`;
  try {
    const text = typeof doc === 'string' ? doc : JSON.stringify(markRefs(doc));
    return policyToAccess(text).map((e) => ({ ...e, principal: ctx.enrichPrincipal(e.principal) }));
  } catch (err) {
    if (err instanceof KeyPolicyError) return `is not a valid policy: ${err.message}`;
    throw err;
  }
}

/** The key policy KMS applies when none is given: the account may do everything, through IAM. */
function defaultPolicyAccess(ctx: PlanContext): AccessEntry[] {
  const caps = [...new Set(Object.values(KMS_ACTIONS))].sort();
  const account = ctx.opts.account;
  return [
    {
      principal: {
        kind: 'account',
        id: account ? `arn:aws:iam::${account}:root` : 'arn:aws:iam::(deploying account):root',
        name: 'the deploying account',
        ...(account ? { account } : {}),
      },
      capabilities: caps,
      source: 'key-policy',
      sourceId: 'default key policy',
    },
  ];
}

/** What the plan binds to each key — its key policy, grants and aliases — and the first policy or grant bound to no key it can name. */
interface KeyBindings {
  policy: Map<PlannedResource, PlannedResource>;
  grants: Map<PlannedResource, PlannedResource[]>;
  aliases: Map<PlannedResource, string[]>;
  unbound?: PlannedResource;
}

const bindingsPerPlan = new WeakMap<PlanContext, KeyBindings>();

function listIn<T>(m: Map<PlannedResource, T[]>, key: PlannedResource): T[] {
  const list = m.get(key) ?? [];
  if (!m.has(key)) m.set(key, list);
  return list;
}

/** Each policy, grant and alias resolved to its key once per plan (per key, it was a scan of them all). */
function bindingsOf(ctx: PlanContext): KeyBindings {
  const cached = bindingsPerPlan.get(ctx);
  if (cached) return cached;
  const b: KeyBindings = { policy: new Map(), grants: new Map(), aliases: new Map() };
  for (const p of ctx.ofType('aws_kms_key_policy', 'aws_kms_grant')) {
    const key = ctx.resolve(p.values.key_id, KEY_TYPES);
    if (!key) {
      // A key_id known only after apply that names no key of the plan: it may be any of them.
      if (!b.unbound && (p.values.key_id instanceof Ref || containsUnknown(p.values.key_id))) b.unbound = p;
    } else if (p.type === 'aws_kms_grant') listIn(b.grants, key).push(p);
    else if (!b.policy.has(key)) b.policy.set(key, p);
  }
  for (const a of ctx.ofType('aws_kms_alias', 'AWS::KMS::Alias')) {
    const key = ctx.resolve(a.values.target_key_id ?? a.values.TargetKeyId, KEY_TYPES);
    const name = a.values.name ?? a.values.AliasName;
    if (key && typeof name === 'string') listIn(b.aliases, key).push(name);
  }
  bindingsPerPlan.set(ctx, b);
  return b;
}

function grantsFor(ctx: PlanContext, key: PlannedResource): { grants: GrantShape[]; unknown?: string } {
  const grants: GrantShape[] = [];
  for (const g of bindingsOf(ctx).grants.get(key) ?? []) {
    const read = new Reader(g.values);
    const grantee = g.values.grantee_principal;
    const constraints = read.list('constraints')?.[0];
    if (containsUnknown(grantee) || read.strings('operations') === undefined || read.unknown.length)
      return { grants, unknown: `${g.address} has values known only after apply` };
    grants.push({
      GrantId: g.address,
      GranteePrincipal: grantee instanceof Ref ? `${REF_PREFIX}${grantee.address}` : String(grantee),
      Operations: read.strings('operations'),
      ...(constraints
        ? {
            Constraints: {
              EncryptionContextEquals: constraints.encryption_context_equals as Record<string, string>,
              EncryptionContextSubset: constraints.encryption_context_subset as Record<string, string>,
            },
          }
        : {}),
    });
  }
  return { grants };
}

function accessOf(ctx: PlanContext, key: PlannedResource, id: string): AccessEntry[] | undefined {
  const { policy: policies, unbound } = bindingsOf(ctx);
  const attached = policies.get(key);
  // Key policies and grants whose key the plan does not name (key_id known only after apply through
  // nothing this reader follows: a data source read at apply, a module output it cannot trace): any
  // planned key may be theirs, so no key's access is decided while one stands.
  if (unbound) {
    const what = unbound.type === 'aws_kms_grant' ? 'adds a grant to' : 'replaces the key policy of';
    const why = `${unbound.address} ${what} a key it names only after apply (key_id), which may be this one`;
    ctx.gap(id, PROVIDER, 'access', `${key.format}:policy`, `${key.address}: ${why}`);
    return undefined;
  }
  const policyValue = attached ? attached.values.policy : (key.values.policy ?? key.values.KeyPolicy);
  const configured =
    attached !== undefined ||
    key.values.KeyPolicy !== undefined ||
    (key.values.policy !== undefined && !(key.format === 'terraform-plan' && !key.configured?.has('policy')));
  const policy = configured ? policyAccess(ctx, policyValue) : defaultPolicyAccess(ctx);
  const grants = grantsFor(ctx, key);
  if (typeof policy === 'string' || grants.unknown) {
    ctx.gap(
      id,
      PROVIDER,
      'access',
      `${key.format}:policy`,
      `${attached?.address ?? key.address}: the key policy ${typeof policy === 'string' ? policy : grants.unknown}`,
    );
    return undefined;
  }
  const fromGrants = grantsToAccess(grants.grants).map((e) => ({ ...e, principal: ctx.enrichPrincipal(e.principal) }));
  const delegates = delegationGap(ctx, key, id, policy);
  // Through the delegation, the plan's own roles whose identity policies allow every key of the account
  // (a failure they make stands beside a principal no environment places: judgeAccess judges every entry).
  return [...policy, ...fromGrants, ...(delegates ? identityAccess(ctx, key) : [])];
}

/**
 * A key policy that lets the key's own account in (its root, as the default key policy does) delegates to
 * IAM: every user and role of the account whose identity policies allow the key can use it, and most
 * of them are not in the plan. Access keeps a gap (as the live provider's does when it cannot read IAM);
 * a failure found in the policy still stands.
 */
function delegationGap(ctx: PlanContext, key: PlannedResource, id: string, policy: readonly AccessEntry[]): boolean {
  const own = policy.find((e) => e.principal.kind === 'account' && (!ctx.opts.account || !e.principal.account || e.principal.account === ctx.opts.account));
  if (!own) return false;
  ctx.gap(
    id,
    PROVIDER,
    'access',
    `${key.format}:iam-delegation`,
    `${key.address}: the key policy lets ${own.principal.name ?? own.principal.id} in (${own.sourceId ?? 'key policy'}), which delegates to IAM: the users and roles whose identity policies allow this key are mostly outside the plan (audit them live with the aws provider)`,
  );
  return true;
}

function aliasesOf(ctx: PlanContext, key: PlannedResource): string[] {
  return [...(bindingsOf(ctx).aliases.get(key) ?? [])].sort();
}

/** The attributes of one planned key that come from its type family, in the type's own names. */
interface KeySettings {
  spec?: string;
  usage?: string;
  enabled?: boolean;
  rotation?: boolean;
  period?: number;
  multi?: boolean;
  origin: string;
  /** EXTERNAL keys whose material the plan does not import: KMS holds them in PendingImport. */
  pendingImport?: boolean;
  /** EXTERNAL keys: when the imported material expires; null = never; absent = not known before import. */
  materialExpires?: string | null;
}

/** Imported material: aws_kms_external_key imports it when key_material_base64 is set (valid_to absent = never expires). */
function importedMaterial(read: Reader, r: PlannedResource, origin: string): Pick<KeySettings, 'pendingImport' | 'materialExpires'> {
  if (origin !== 'EXTERNAL') return {};
  // CloudFormation creates an EXTERNAL key without material; it is imported out of band.
  if (r.format !== 'terraform-plan' || !EXTERNAL_TYPES.includes(r.type)) return { pendingImport: true };
  // Only presence is read: the (sensitive) material itself is never kept.
  const material = r.values.key_material_base64;
  if (read.isUnknown('key_material_base64')) return {};
  if (material === undefined || material === null || material === '') return { pendingImport: true };
  const validTo = read.str('valid_to');
  return validTo ? { materialExpires: validTo } : read.isUnknown('valid_to') ? {} : { materialExpires: null };
}

const REPLICA_TYPES = ['aws_kms_replica_key', 'aws_kms_replica_external_key', 'AWS::KMS::ReplicaKey'];
const EXTERNAL_TYPES = ['aws_kms_external_key', 'aws_kms_replica_external_key'];

/** aws_kms_key and AWS::KMS::Key: every setting is the resource's own, with KMS's documented defaults. */
function ownSettings(read: Reader, r: PlannedResource): KeySettings {
  const cfn = r.format === 'cloudformation';
  const external = EXTERNAL_TYPES.includes(r.type);
  const specAttr = cfn ? 'KeySpec' : external ? 'key_spec' : 'customer_master_key_spec';
  const usageAttr = cfn ? 'KeyUsage' : 'key_usage';
  const enabledAttr = cfn ? 'Enabled' : external ? 'enabled' : 'is_enabled';
  const spec = read.str(specAttr) ?? (read.isUnknown(specAttr) ? undefined : 'SYMMETRIC_DEFAULT');
  const usage = read.str(usageAttr) ?? (read.isUnknown(usageAttr) ? undefined : 'ENCRYPT_DECRYPT');
  const enabled = read.bool(enabledAttr) ?? (read.isUnknown(enabledAttr) ? undefined : true);
  const rotation = external
    ? false
    : (read.bool(cfn ? 'EnableKeyRotation' : 'enable_key_rotation') ?? (read.isUnknown(cfn ? 'EnableKeyRotation' : 'enable_key_rotation') ? undefined : false));
  const periodAttr = cfn ? 'RotationPeriodInDays' : 'rotation_period_in_days';
  // KMS rotates every 365 days unless a period is given.
  const period = read.num(periodAttr) || (rotation && !read.isUnknown(periodAttr) ? 365 : undefined);
  const multi = read.bool(cfn ? 'MultiRegion' : 'multi_region') ?? (read.isUnknown(cfn ? 'MultiRegion' : 'multi_region') ? undefined : false);
  const store = read.str('custom_key_store_id') ? (read.str('xks_key_id') ? 'EXTERNAL_KEY_STORE' : 'AWS_CLOUDHSM') : undefined;
  const origin = external ? 'EXTERNAL' : cfn ? (read.str('Origin') ?? 'AWS_KMS') : (store ?? 'AWS_KMS');
  return { spec, usage, enabled, rotation, period, multi, origin, ...importedMaterial(read, r, origin) };
}

/**
 * A replica (aws_kms_replica_key, AWS::KMS::ReplicaKey) shares its primary's key material, spec,
 * usage and rotation: read from the primary when the plan declares it, unknown otherwise.
 */
function replicaSettings(ctx: PlanContext, read: Reader, r: PlannedResource): KeySettings {
  const cfn = r.format === 'cloudformation';
  const enabled = read.bool(cfn ? 'Enabled' : 'enabled') ?? (read.isUnknown(cfn ? 'Enabled' : 'enabled') ? undefined : true);
  const primary = ctx.resolve(
    r.values[cfn ? 'PrimaryKeyArn' : 'primary_key_arn'],
    KEY_TYPES.filter((t) => !REPLICA_TYPES.includes(t)),
  );
  if (!primary) {
    const why = 'is not a key of this plan: the replica shares its key spec, usage and rotation, which are not visible before deployment (audit them live)';
    for (const attribute of ['key_spec', 'key_usage', 'key_rotation_enabled']) read.unknown.push({ attribute, why });
    return { enabled, multi: true, origin: EXTERNAL_TYPES.includes(r.type) ? 'EXTERNAL' : 'AWS_KMS' };
  }
  const primaryRead = new Reader(primary.values, primary.configured);
  const own = ownSettings(primaryRead, primary);
  const shared = new Set(['keyType', 'usage', 'rotation']);
  for (const u of primaryRead.unknown)
    if (shared.has(KEY_FIELDS[u.attribute] ?? '')) read.unknown.push({ attribute: u.attribute, why: `(of the primary ${primary.address}) ${u.why}` });
  // Material is imported into each replica of an external key on its own.
  return { spec: own.spec, usage: own.usage, rotation: own.rotation, period: own.period, enabled, multi: true, origin: own.origin };
}

/** One planned KMS key as a KeyRecord, with gaps for what the plan leaves unknown. */
export function plannedAwsKey(ctx: PlanContext, r: PlannedResource): KeyRecord {
  const read = new Reader(r.values, r.configured);
  const cfn = r.format === 'cloudformation';
  const s = REPLICA_TYPES.includes(r.type) ? replicaSettings(ctx, read, r) : ownSettings(read, r);
  const metadata: KeyMetadataShape = {
    KeyId: r.address,
    KeyManager: 'CUSTOMER',
    Origin: s.origin,
    ...(s.spec ? { KeySpec: s.spec } : {}),
    ...(s.usage ? { KeyUsage: s.usage } : {}),
    ...(s.pendingImport ? { KeyState: 'PendingImport' } : s.enabled !== undefined ? { KeyState: s.enabled ? 'Enabled' : 'Disabled' } : {}),
    ...(s.multi !== undefined ? { MultiRegion: s.multi } : {}),
    ...(s.materialExpires ? { ValidTo: new Date(s.materialExpires) } : {}),
  };
  const id = ctx.idOf(r);
  // tags_all: the resource's tags merged with the provider's default_tags (known at plan time when both are).
  const tags = cfn ? read.tags('Tags') : (read.tags('tags_all') ?? read.tags('tags'));
  // AWS provider v6: each resource may name its own region; else its aliased provider's. A Terraform
  // replica is made through another provider, so without either its region is not the default one; a
  // CloudFormation replica is made in the stack's region.
  const region = read.str('region') ?? r.providerRegion ?? (REPLICA_TYPES.includes(r.type) && !cfn ? undefined : ctx.opts.region);
  const rec = normalizeKey({
    account: ctx.opts.account ?? '',
    region: region ?? '',
    metadata,
    aliases: aliasesOf(ctx, r),
    ...(tags ? { tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) } : {}),
    ...(s.rotation !== undefined ? { rotationStatus: { KeyRotationEnabled: s.rotation, ...(s.period ? { RotationPeriodInDays: s.period } : {}) } } : {}),
  });
  rec.id = id;
  if (!rec.aliases?.length) {
    delete rec.aliases;
    rec.name = r.address;
  }
  if (!ctx.opts.account) delete rec.account;
  if (!region) delete rec.region;
  if (!s.spec) delete rec.rotation;
  // Imported material whose expiry the plan does not fix: absent, never "does not expire".
  if (s.origin === 'EXTERNAL' && s.materialExpires === undefined) delete rec.expiresAt;
  // A planned key has no material yet: no creation date, version count or rotation history.
  delete rec.versionCount;
  delete rec.currentVersionCreatedAt;
  const access = accessOf(ctx, r, id);
  if (access) rec.access = access;
  rec.provenance = 'planned';
  rec.source = ctx.source(r);
  ctx.unknownGaps(id, PROVIDER, r, read.unknown, (a) => KEY_FIELDS[a]);
  return rec;
}

const TRAIL_FIELDS: Record<string, string> = {
  enable_logging: 'enabled',
  IsLogging: 'enabled',
  event_selector: 'capturesDataPlane',
  EventSelectors: 'capturesDataPlane',
  advanced_event_selector: 'capturesDataPlane',
  AdvancedEventSelectors: 'capturesDataPlane',
  enable_log_file_validation: 'integrityValidation',
  EnableLogFileValidation: 'integrityValidation',
};

/** The six operators of an advanced field selector, in the API's names and the AWS provider's. */
const FIELD_OPERATORS = [
  ['Equals', 'equals'],
  ['NotEquals', 'not_equals'],
  ['StartsWith', 'starts_with'],
  ['NotStartsWith', 'not_starts_with'],
  ['EndsWith', 'ends_with'],
  ['NotEndsWith', 'not_ends_with'],
] as const;

/** Advanced event selectors (CloudFormation's or Terraform's blocks) in the API's shape, every operator kept. */
export function advancedSelectors(list: readonly Record<string, unknown>[]): NonNullable<EventSelectorsShape['AdvancedEventSelectors']> {
  return list.map((a) => ({
    ...(typeof (a.Name ?? a.name) === 'string' ? { Name: String(a.Name ?? a.name) } : {}),
    FieldSelectors: ((a.FieldSelectors ?? a.field_selector ?? []) as Record<string, unknown>[]).map((f) => {
      const out: FieldSelectorShape = { Field: String(f.Field ?? f.field) };
      for (const [api, tf] of FIELD_OPERATORS) {
        const v = f[api] ?? f[tf];
        if (Array.isArray(v) && v.length) out[api] = v.map(String);
      }
      return out;
    }),
  }));
}

function selectorsOf(read: Reader, cfn: boolean): EventSelectorsShape | undefined {
  // Selector blocks are never computed: one written as a `dynamic` block over a value known only after apply is unknown.
  const basic = read.block(cfn ? 'EventSelectors' : 'event_selector');
  const advanced = read.block(cfn ? 'AdvancedEventSelectors' : 'advanced_event_selector');
  if (read.unknown.some((u) => TRAIL_FIELDS[u.attribute] === 'capturesDataPlane')) return undefined;
  if (advanced?.length) return { AdvancedEventSelectors: advancedSelectors(advanced) };
  if (basic?.length) {
    return {
      EventSelectors: basic.map((s) => ({
        ReadWriteType: String(s.ReadWriteType ?? s.read_write_type ?? 'All'),
        IncludeManagementEvents: (s.IncludeManagementEvents ?? s.include_management_events ?? true) as boolean,
        ExcludeManagementEventSources: (s.ExcludeManagementEventSources ?? s.exclude_management_event_sources ?? []) as string[],
      })),
    };
  }
  // No selectors: CloudTrail records all management events, read and write.
  return { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] };
}

/** Days the trail's CloudWatch Logs group keeps events, when the group is in the plan; null = forever. */
function logGroupRetention(ctx: PlanContext, value: unknown): { name?: string; days?: number | null } {
  const group = ctx.resolve(value, ['aws_cloudwatch_log_group', 'AWS::Logs::LogGroup']);
  if (!group) return {};
  const read = new Reader(group.values, group.configured);
  const days = read.num(group.format === 'cloudformation' ? 'RetentionInDays' : 'retention_in_days');
  const unknown = read.unknown.length > 0;
  const name = read.str(group.format === 'cloudformation' ? 'LogGroupName' : 'name') ?? group.address;
  return { name, ...(unknown ? {} : { days: days && days > 0 ? days : null }) };
}

/** One planned trail as an AuditTrail covering keys of the same plan (same account and region when given). */
export function plannedAwsTrail(ctx: PlanContext, r: PlannedResource): AuditTrail {
  const cfn = r.format === 'cloudformation';
  const read = new Reader(r.values, r.configured);
  const name = read.str(cfn ? 'TrailName' : 'name') ?? r.address;
  const multi = read.bool(cfn ? 'IsMultiRegionTrail' : 'is_multi_region_trail') ?? false;
  const org = read.bool(cfn ? 'IsOrganizationTrail' : 'is_organization_trail') ?? false;
  const logging = read.bool(cfn ? 'IsLogging' : 'enable_logging') ?? (cfn || read.isUnknown('enable_logging') ? undefined : true);
  const validation =
    read.bool(cfn ? 'EnableLogFileValidation' : 'enable_log_file_validation') ??
    (read.isUnknown(cfn ? 'EnableLogFileValidation' : 'enable_log_file_validation') ? undefined : false);
  const cwValue = r.values[cfn ? 'CloudWatchLogsLogGroupArn' : 'cloud_watch_logs_group_arn'];
  const cw = cwValue !== undefined && cwValue !== null && cwValue !== '' ? logGroupRetention(ctx, cwValue) : undefined;
  const bucket =
    read.str(cfn ? 'S3BucketName' : 's3_bucket_name') ??
    (r.values[cfn ? 'S3BucketName' : 's3_bucket_name'] instanceof Ref ? String((r.values[cfn ? 'S3BucketName' : 's3_bucket_name'] as Ref).address) : undefined);
  const selectors = selectorsOf(read, cfn);
  const trail = normalizeTrail({
    account: ctx.opts.account ?? '',
    trail: {
      Name: name,
      ...(ctx.opts.region ? { HomeRegion: ctx.opts.region } : {}),
      IsMultiRegionTrail: multi,
      IsOrganizationTrail: org,
      ...(validation !== undefined ? { LogFileValidationEnabled: validation } : {}),
      ...(bucket ? { S3BucketName: bucket } : {}),
      ...(cw ? { CloudWatchLogsLogGroupArn: `arn:aws:logs:::log-group:${cw.name ?? 'unknown'}:*` } : {}),
    },
    ...(logging !== undefined ? { isLogging: logging } : {}),
    ...(selectors ? { selectors } : {}),
    ...(cw && cw.days !== undefined ? { retentionDays: cw.days } : {}),
  });
  const id = ctx.idOf(r);
  trail.id = id;
  trail.scope = {
    provider: PROVIDER,
    accounts: org || !ctx.opts.account ? '*' : [ctx.opts.account],
    regions: multi || !ctx.opts.region ? '*' : [ctx.opts.region],
  };
  trail.provenance = 'planned';
  trail.source = ctx.source(r);
  ctx.conditionalTrail(trail, r);
  ctx.unknownGaps(id, PROVIDER, r, read.unknown, (a) => TRAIL_FIELDS[a]);
  return trail;
}

export const AWS_KEY_TYPES = KEY_TYPES;
export const AWS_TRAIL_TYPES = ['aws_cloudtrail', 'AWS::CloudTrail::Trail'];
export const AWS_PRINCIPAL_TYPES = ROLE_TYPES;
