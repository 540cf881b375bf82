// keyvault:ListKeys, GetKey, ListKeyVersions and GetKeyRotationPolicy: the keys of one vault or HSM,
// read as the list pages arrive, at most `concurrency` at once, each weighed for the vault's quota.
// keyvault:ListDeletedKeys and GetDeletedKey: a vault's soft-deleted keys, recoverable until purged.
import { Semaphore } from '../../kit/index.ts';
import { type AzureRun, call, fail, serviceError } from '../context.ts';
import {
  keyTransactionWeight,
  type RawAttestation,
  type RawKey,
  type RawRotationPolicy,
  type RawVault,
  type RawVersion,
  rsaBits,
  versionlessKeyId,
} from '../normalize.ts';

export interface KeyItem {
  key: RawKey;
  /** false: GetKey failed, only what the list said is known. */
  full: boolean;
  versions?: RawVersion[];
  rotation?: RawRotationPolicy | null;
  /** Managed HSM only */
  attestation?: RawAttestation;
}

const vaultWords = (vault: RawVault) => (vault.kind === 'managed-hsm' ? `managed HSM ${vault.name}` : `vault ${vault.name}`);

/** One listed key: GetKey first (its type sets the weight of this and the next two requests), then versions and rotation policy. */
async function readKey(run: AzureRun, vault: RawVault, listed: RawKey, scope: { account?: string; container: string }): Promise<KeyItem> {
  const { clients } = run;
  const kc = clients.keys(vault.uri);
  const host = `kv:${new URL(vault.uri).host.toLowerCase()}`;
  const at = { ...scope, subjectId: versionlessKeyId(listed.kid) };
  const reserved = clients.expectedWeight(vault.uri);
  let k: RawKey;
  try {
    k = await clients.withCost(reserved, () => call(run, 'keyvault:GetKey', host, (s) => kc.getKey(listed.name, s)));
  } catch (err) {
    clients.observeWeight(vault.uri, reserved, reserved);
    fail(run, 'keyvault:GetKey', err, { what: `key ${listed.name} of ${vaultWords(vault)}`, scope: at });
    return { key: listed, full: false };
  }
  const weight = vault.kind === 'managed-hsm' ? 1 : keyTransactionWeight(k.jwk?.kty, rsaBits(k.jwk?.n));
  clients.observeWeight(vault.uri, weight, reserved);
  const hsm = vault.kind === 'managed-hsm';
  const [versions, rotation, attestation] = await clients.withCost(weight, () =>
    Promise.allSettled([
      call(run, 'keyvault:ListKeyVersions', host, (s) => kc.listVersions(listed.name, s)),
      call(run, 'keyvault:GetKeyRotationPolicy', host, (s) => kc.getRotationPolicy(listed.name, s)),
      hsm ? call(run, 'keyvault:GetKeyAttestation', host, (s) => kc.getAttestation(listed.name, s)) : Promise.resolve(undefined),
    ]),
  );
  const item: KeyItem = { key: k, full: true };
  if (versions.status === 'fulfilled') item.versions = versions.value;
  else
    fail(run, 'keyvault:ListKeyVersions', versions.reason, { what: `the versions of key ${listed.name}`, scope: at, affects: ['createdAt', 'versionCount'] });
  if (rotation.status === 'fulfilled') item.rotation = rotation.value;
  else fail(run, 'keyvault:GetKeyRotationPolicy', rotation.reason, { what: `the rotation policy of key ${listed.name}`, scope: at, affects: ['rotation'] });
  if (attestation.status === 'fulfilled') {
    if (attestation.value) item.attestation = attestation.value;
  } else
    fail(run, 'keyvault:GetKeyAttestation', attestation.reason, {
      what: `the attestation of key ${listed.name}`,
      scope: at,
      affects: ['attestation', 'origin'],
    });
  return item;
}

/**
 * Every key of the vault; a list that fails is a gap (for the whole vault, or for the keys after the
 * last page read). `unreadable`: not one page could be read (its data plane is closed to the audit).
 */
export async function readVaultKeys(
  run: AzureRun,
  vault: RawVault,
  scope: { account?: string; container: string },
): Promise<{ items: KeyItem[]; unreadable: boolean }> {
  const sem = new Semaphore(run.config.concurrency);
  const items: KeyItem[] = [];
  const pending: Promise<void>[] = [];
  let listed = 0;
  let unreadable = false;
  try {
    // A pager is many requests: the budget (not one call's deadline) bounds it; each request has its own timeout.
    for await (const page of run.clients.keys(vault.uri).listKeys(run.kit.signal)) {
      for (const key of page) {
        listed++;
        pending.push(sem.run(async () => void items.push(await readKey(run, vault, key, scope))));
      }
    }
  } catch (err) {
    const what = listed === 0 ? `the keys of ${vaultWords(vault)}` : `the keys of ${vaultWords(vault)} after the first ${listed}`;
    fail(run, 'keyvault:ListKeys', serviceError(err), { what, scope, ...(listed === 0 ? {} : { affects: ['keys'] }) });
    unreadable = listed === 0;
  }
  await Promise.all(pending);
  return { items, unreadable };
}

/** One soft-deleted key: GetDeletedKey for its public key, usage and release policy; what the list said when that fails. */
async function readDeletedKey(run: AzureRun, vault: RawVault, listed: RawKey, scope: { account?: string; container: string }): Promise<KeyItem> {
  const host = `kv:${new URL(vault.uri).host.toLowerCase()}`;
  try {
    const key = await call(run, 'keyvault:GetDeletedKey', host, (s) => run.clients.keys(vault.uri).getDeletedKey(listed.name, s));
    return { key, full: true };
  } catch (err) {
    fail(run, 'keyvault:GetDeletedKey', err, {
      what: `soft-deleted key ${listed.name} of ${vaultWords(vault)}`,
      scope: { ...scope, subjectId: versionlessKeyId(listed.kid) },
    });
    return { key: listed, full: false };
  }
}

/**
 * The soft-deleted keys of a vault (Managed HSMs: not read), as keys pending deletion: whoever can
 * recover one can use it again until its purge date. A list that fails is a gap on the vault's keys.
 */
export async function readDeletedKeys(run: AzureRun, vault: RawVault, scope: { account?: string; container: string }): Promise<KeyItem[]> {
  // A vault without soft delete (ARM enableSoftDelete: false, before Azure enforced it) has none, and answers the list with an error.
  if (vault.kind !== 'vault' || vault.softDelete === false) return [];
  const host = `kv:${new URL(vault.uri).host.toLowerCase()}`;
  let listed: RawKey[];
  try {
    listed = await call(run, 'keyvault:ListDeletedKeys', host, (s) => run.clients.keys(vault.uri).listDeletedKeys(s));
  } catch (err) {
    fail(run, 'keyvault:ListDeletedKeys', serviceError(err), { what: `the soft-deleted keys of ${vaultWords(vault)}`, scope, affects: ['keys'] });
    return [];
  }
  const sem = new Semaphore(run.config.concurrency);
  return Promise.all(listed.map((k) => sem.run(() => readDeletedKey(run, vault, k, scope))));
}
