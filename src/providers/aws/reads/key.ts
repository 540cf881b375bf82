// One key: its metadata, then, in parallel, the reads its kind calls for. Every key ends with a
// record (a bare one when DescribeKey failed) and the gaps of what could not be read.
import type { KeyRecord } from '../../../model/key-record.ts';
import { type AwsRun, note, type Where } from '../context.ts';
import {
  isAsymmetric,
  isRotatable,
  type KeyMetadataShape,
  type KeyReadings,
  keyArn,
  keyConditionFacts,
  normalizeKey,
  PROVIDER,
  rotatesOnDemandOnly,
} from '../normalize.ts';
import { delegatedAccess, guardedAccess } from './effective-access.ts';
import { fetchGrants, keyAccess } from './grants.ts';
import { readKeyMetadata } from './key-metadata.ts';
import { fetchKeyPolicy, keyPolicyAccess } from './key-policy.ts';
import { type KeyTarget, keyGap } from './key-target.ts';
import { readPublicKey } from './public-key.ts';
import { readRotationStatus, readRotations } from './rotations.ts';
import { readTags } from './tags.ts';

/** The record of one key; undefined for an AWS-managed key the policy leaves out. */
export async function readKey(run: AwsRun, where: Where, keyId: string, aliases: Map<string, string[]> | undefined): Promise<KeyRecord | undefined> {
  const { account, caller } = where;
  const idSuffix = keyId.replace(/^arn:.*:key\//, '');
  const listed: KeyTarget = { where, keyId, arn: keyArn(account, caller.region, keyId), idSuffix };
  // The key policy and grants do not depend on DescribeKey: ask for them at once, so the slowest
  // quota (ListGrants) is queued as early as possible. allSettled never rejects unobserved.
  const accessP = Promise.allSettled([fetchKeyPolicy(run, listed), fetchGrants(run, listed)]);
  const metadata = await readKeyMetadata(run, listed);
  if (!metadata || (metadata.KeyManager === 'AWS' && !run.config.includeAwsManaged)) {
    await accessP; // nothing may still be in flight when the provider returns
    return metadata ? undefined : { id: listed.arn, provider: PROVIDER, account, region: caller.region, name: idSuffix };
  }
  const k: KeyTarget = { ...listed, arn: metadata.Arn ?? listed.arn };
  const readings: KeyReadings = { account, region: caller.region, metadata: { ...metadata, Arn: k.arn } };
  readings.aliases = aliases ? (aliases.get(metadata.KeyId ?? idSuffix) ?? []) : undefined;
  const tagsRead = (async () => {
    readings.tags = metadata.KeyManager === 'AWS' ? [] : await readTags(run, k);
  })();
  await Promise.all([
    tagsRead,
    (async () => {
      // Settle both before looking at either: a rejection must never go unobserved.
      const [policy, grants] = await accessP;
      readings.access = keyAccess(run, k, keyPolicyAccess(run, k, policy), grants);
      if (readings.access && policy.status === 'fulfilled') await addDelegated(run, k, policy.value, readings, tagsRead);
    })(),
    readRotation(run, k, metadata, readings),
    (async () => {
      if (!isAsymmetric(metadata)) return;
      if (publicKeyReadable(metadata)) readings.publicKey = await readPublicKey(run, k);
      else publicKeyRefused(run, k, metadata.KeyState as string);
    })(),
  ]);
  return normalizeKey(readings);
}

/**
 * The key policy's and grants' entries under the organization's guardrails, and the IAM principals behind
 * a delegating key policy added to them (after the key's tags are read).
 */
async function addDelegated(run: AwsRun, k: KeyTarget, policy: string, readings: KeyReadings, tagsRead: Promise<void>): Promise<void> {
  if (run.fast) return;
  await tagsRead;
  const tags = readings.tags
    ? Object.fromEntries(readings.tags.filter((t) => t.TagKey !== undefined).map((t) => [t.TagKey as string, t.TagValue ?? '']))
    : undefined;
  const facts = {
    arn: k.arn,
    account: k.where.account,
    region: k.where.caller.region,
    attributes: keyConditionFacts(readings.metadata),
    ...(readings.metadata.KeyManager === 'AWS' ? { awsManaged: true } : {}),
    ...(readings.aliases ? { aliases: readings.aliases } : {}),
    ...(tags ? { tags } : {}),
  };
  const guarded = await guardedAccess(run, k, readings.access ?? [], facts);
  readings.access = [...guarded, ...(await delegatedAccess(run, k, policy, facts, guarded))];
}

/**
 * GetPublicKey answers only for a key in use (KMS Developer Guide, key state table): a disabled key
 * (DisabledException) or one pending deletion, pending import or unavailable (KMSInvalidStateException)
 * has no public key to read. Not asked; a key whose state DescribeKey did not give is.
 */
const publicKeyReadable = (m: KeyMetadataShape): boolean => m.KeyState === undefined || m.KeyState === 'Enabled' || m.KeyState === 'Updating';

/** The documented refusal as what it is: the fingerprints stay unknown (retired-key-still-published needs them most). */
function publicKeyRefused(run: AwsRun, k: KeyTarget, state: string): void {
  const why = `KMS does not return the public key of a key in state ${state} (KMS Developer Guide, key state table), so the key cannot be matched against published key sets; enable the key to read it, or compare a copy of its public key by hand`;
  note(run, 'kms:GetPublicKey', keyGap(k, 'the public key', ['publicKey', 'fingerprints']), why, 'unsupported');
}

/**
 * Rotation status and history, for keys KMS rotates (symmetric, AWS_KMS origin, material present);
 * the history alone for symmetric keys with imported material, which rotate on demand only.
 */
async function readRotation(run: AwsRun, k: KeyTarget, metadata: KeyMetadataShape, readings: KeyReadings): Promise<void> {
  if (metadata.KeyState === 'PendingImport') return;
  if (rotatesOnDemandOnly(metadata)) {
    readings.rotations = await readRotations(run, k);
    return;
  }
  if (!isRotatable(metadata)) return;
  const [status, rotations] = await Promise.all([readRotationStatus(run, k), readRotations(run, k)]);
  readings.rotationStatus = status;
  readings.rotations = rotations;
}
