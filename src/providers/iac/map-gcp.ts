// Planned Cloud KMS keys (Terraform google_kms_crypto_key) → KeyRecords, through the GCP provider's own
// normalize function. Pure. Who may use a key comes from IAM at the key, its ring, the project and
// every folder above it: a plan shows at most the first two (read into access by map-gcp-iam.ts), so
// access keeps a gap here; a grant to anyone the plan sets still fails (no-public-principal).
import type { KeyRecord } from '../../model/key-record.ts';
import { normalizeKey, PROVIDER, type RawCryptoKey } from '../gcp/normalize.ts';
import { plannedIam } from './map-gcp-iam.ts';
import type { PlanContext } from './plan-context.ts';
import { type PlannedResource, Reader, Ref } from './values.ts';

export const GCP_KEY_TYPES = ['google_kms_crypto_key'];
const RING_TYPES = ['google_kms_key_ring'];

/** Model field each key attribute feeds, for gaps on unknown values. */
const KEY_FIELDS: Record<string, string> = {
  purpose: 'usage',
  version_template: 'keyType',
  rotation_period: 'rotation',
  labels: 'tags',
  import_only: 'origin',
  destroy_scheduled_duration: 'deletion',
  skip_initial_version_creation: 'state',
  key_ring: 'region',
};

/** Seconds in a google.protobuf.Duration string ("7776000s", "86400.5s"). */
export function durationSeconds(v: string | undefined): number | undefined {
  const m = v ? /^(\d+(?:\.\d+)?)s$/.exec(v.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

/** Project, location and ring name of the key ring a key names: a planned google_kms_key_ring, or its id. */
function ringOf(ctx: PlanContext, read: Reader, value: unknown): { project?: string; location?: string; ring?: string } {
  const planned = ctx.resolve(value, RING_TYPES);
  if (planned) {
    const r = new Reader(planned.values, planned.configured);
    // A ring that leaves `project` out is in the provider's default project; one set to a value known only after apply is not.
    const project = r.str('project') ?? (r.isUnknown('project') ? undefined : (ctx.opts.gcpProject ?? ctx.opts.account));
    return { project, location: r.str('location'), ring: r.str('name') };
  }
  const id = value instanceof Ref ? undefined : read.str('key_ring');
  const m = id ? /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)$/.exec(id) : null;
  return m ? { project: m[1], location: m[2], ring: m[3] } : {};
}

/** The CryptoKey the plan declares, in the Cloud KMS API's shape, with the provider's documented defaults. */
function rawKey(ctx: PlanContext, r: PlannedResource, read: Reader): RawCryptoKey {
  const ring = ringOf(ctx, read, r.values.key_ring);
  const name = read.str('name') ?? r.address;
  const fullName =
    ring.project && ring.location && ring.ring ? `projects/${ring.project}/locations/${ring.location}/keyRings/${ring.ring}/cryptoKeys/${name}` : name;
  const template = read.list('version_template')?.[0];
  const purpose = read.str('purpose') ?? (read.isUnknown('purpose') ? undefined : 'ENCRYPT_DECRYPT');
  const rotation = read.str('rotation_period');
  const destroy = read.str('destroy_scheduled_duration');
  const protectionLevel =
    typeof template?.protection_level === 'string' ? template.protection_level : read.isUnknown('version_template') ? undefined : 'SOFTWARE';
  const algorithm = typeof template?.algorithm === 'string' ? template.algorithm : purpose === 'ENCRYPT_DECRYPT' ? 'GOOGLE_SYMMETRIC_ENCRYPTION' : undefined;
  // effective_labels: the key's labels merged with the provider's default_labels.
  const labels = read.tags('effective_labels') ?? read.tags('labels');
  const backend = read.str('crypto_key_backend');
  return {
    name: fullName,
    ...(purpose ? { purpose } : {}),
    ...(durationSeconds(rotation) !== undefined ? { rotationPeriodSeconds: durationSeconds(rotation) } : {}),
    versionTemplate: { ...(protectionLevel ? { protectionLevel } : {}), ...(algorithm ? { algorithm } : {}) },
    ...(labels ? { labels } : {}),
    ...(read.bool('import_only') !== undefined ? { importOnly: read.bool('import_only') } : {}),
    ...(durationSeconds(destroy) !== undefined ? { destroyScheduledDurationSeconds: durationSeconds(destroy) } : {}),
    ...(backend ? { cryptoKeyBackend: backend } : {}),
  };
}

/** One planned Cloud KMS key as a KeyRecord, with gaps for what the plan leaves unknown or cannot show. */
export function plannedGcpKey(ctx: PlanContext, r: PlannedResource, nowMs: number): KeyRecord {
  const read = new Reader(r.values, r.configured);
  const key = rawKey(ctx, r, read);
  const rec = normalizeKey({ key });
  const id = ctx.idOf(r);
  rec.id = id;
  if (!rec.name) rec.name = read.str('name') ?? r.address;
  // A rotation period the plan does not fix is not "no automatic rotation".
  if (read.isUnknown('rotation_period')) delete rec.rotation;
  if (!key.purpose) delete rec.rotation;
  // The first version is created with the key unless skip_initial_version_creation (or import_only) holds.
  const skip = read.bool('skip_initial_version_creation') === true || key.importOnly === true;
  if (!skip && !read.isUnknown('skip_initial_version_creation')) {
    rec.state = 'enabled';
    if (rec.origin === undefined) rec.origin = rec.protection === 'external' ? 'external-store' : 'generated';
  } else if (skip) rec.state = 'pending-import';
  // A planned key has no material yet: no creation date or version history.
  delete rec.createdAt;
  delete rec.currentVersionCreatedAt;
  delete rec.versionCount;
  rec.provenance = 'planned';
  rec.source = ctx.source(r);
  ctx.unknownGaps(id, PROVIDER, r, read.unknown, (a) => KEY_FIELDS[a]);
  accessOf(ctx, r, rec, key, nowMs);
  return rec;
}

/** The access the plan's IAM resources give the key, and the gap for what lies outside the plan. */
function accessOf(ctx: PlanContext, r: PlannedResource, rec: KeyRecord, key: RawCryptoKey, nowMs: number): void {
  const ringRes = ctx.resolve(r.values.key_ring, RING_TYPES);
  const ringName = key.name.includes('/cryptoKeys/') ? key.name.slice(0, key.name.indexOf('/cryptoKeys/')) : undefined;
  const iam = plannedIam(
    ctx,
    { planned: r, name: key.name, ...(key.purpose ? { purpose: key.purpose } : {}) },
    { ...(ringRes ? { planned: ringRes } : {}), ...(ringName ? { name: ringName } : {}) },
    nowMs,
  );
  rec.access = iam.entries;
  const outside = iam.authoritative
    ? 'IAM set outside this plan on the project and the folders and organization above it also decides who can use the key'
    : 'IAM set outside this plan on the key, its key ring, the project and the folders and organization above it also decides who can use the key';
  // A plan with thousands of grants whose reach is undecided names the first few, and how many more.
  const named = iam.unknown.length > 8 ? [...iam.unknown.slice(0, 8), `and ${iam.unknown.length - 8} more`] : iam.unknown;
  const unknown = named.length ? `; ${named.join('; ')}` : '';
  ctx.gap(rec.id, PROVIDER, 'access', `${r.format}:iam`, `${r.address}: ${outside} (audit it live with the gcp provider)${unknown}`);
}
