// Cloud KMS Autokey in a Terraform plan: a `google_kms_key_handle` asks Autokey to create a key for a
// resource type (`resource_type_selector`) in the handle's `location`. The key is made at apply, in
// the key project an ancestor folder's Autokey configuration names, as a Cloud HSM symmetric
// encryption key for CMEK (Cloud KMS documentation, "Autokey overview" and the AutokeyClient
// reference); its name, project, key ring, rotation period and the grants Autokey makes to the
// resource project's service agent are not in the plan: gaps, never defaults. Pure.
import type { KeyRecord } from '../../model/key-record.ts';
import { isMultiRegion, normalizeKey, PROVIDER } from '../gcp/normalize.ts';
import type { PlanContext } from './plan-context.ts';
import { type PlannedResource, Reader } from './values.ts';

export const AUTOKEY_TYPES = ['google_kms_key_handle'];

/** What Autokey decides at apply, outside the plan: one gap per model field. */
const DECIDED_AT_APPLY: [field: string, why: string][] = [
  ['account', 'the key project is the one the Autokey configuration of an ancestor folder names, not the project of the handle'],
  ['container', 'Autokey chooses the key ring and the key name'],
  ['rotation', 'Autokey sets the rotation period'],
  [
    'access',
    "Autokey grants the resource project's Cloud KMS service agent use of the key, and IAM on the key project and above also decides who can use it (audit it live with the gcp provider)",
  ],
];

/** One key handle as the KeyRecord of the key Autokey will create for it. */
export function plannedAutokeyKey(ctx: PlanContext, r: PlannedResource): KeyRecord {
  const read = new Reader(r.values, r.configured);
  const name = read.str('name') ?? r.address;
  const location = read.str('location');
  // Autokey keys are Cloud HSM keys for customer-managed encryption (CMEK): symmetric encrypt/decrypt.
  const rec = normalizeKey({
    key: { name, purpose: 'ENCRYPT_DECRYPT', versionTemplate: { protectionLevel: 'HSM', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' } },
  });
  rec.id = ctx.idOf(r);
  rec.name = name;
  if (location) {
    rec.region = location;
    rec.multiRegion = isMultiRegion(location);
  }
  rec.state = 'enabled';
  rec.origin = 'generated';
  delete rec.rotation;
  rec.provenance = 'planned';
  rec.source = ctx.source(r);
  const selector = read.str('resource_type_selector') ?? 'a resource type known only after apply';
  for (const [field, why] of DECIDED_AT_APPLY)
    ctx.gap(rec.id, PROVIDER, field, `${r.format}:autokey`, `${r.address}: the key Autokey creates for ${selector} is made at apply: ${why}`);
  ctx.unknownGaps(rec.id, PROVIDER, r, read.unknown, (a) => (a === 'location' ? 'region' : undefined));
  return rec;
}
