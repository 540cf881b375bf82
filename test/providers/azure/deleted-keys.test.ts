// Soft-deleted keys, written from the Key Vault REST reference (Get Deleted Keys: DeletedKeyItem with
// recoveryId, deletedDate, scheduledPurgeDate; Get Deleted Key: the key bundle with the same): a signing
// key deleted from a production vault is recoverable, with its key material, until its purge date. It is
// in the inventory as a key pending deletion, and key-pending-deletion fails it unless acknowledged.
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import azureProvider from '../../../src/providers/azure/index.ts';
import { inventory } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { collectFromFake, useAzureFake } from './harness.ts';
import { spki, testWorld } from './world.ts';

const azure = useAzureFake();
const tmp = tempDir();
const NOW = new Date('2026-12-05T00:00:00Z');
const ID = 'https://corp-signing.vault.azure.net/keys/retired-signer';

async function collect(tags?: Record<string, string>, softDelete?: boolean) {
  const world = testWorld();
  const vault = world.subscriptions[0]?.vaults[0];
  if (!vault) throw new Error('the world has the corp-signing vault');
  if (softDelete !== undefined) vault.softDelete = softDelete;
  vault.deletedKeys = [
    {
      name: 'retired-signer',
      kty: 'RSA-HSM',
      keyOps: ['sign', 'verify'],
      publicKey: spki('rsa'),
      created: '2023-01-10T00:00:00Z',
      deletedDate: '2026-11-20T00:00:00Z',
      scheduledPurgeDate: '2027-02-18T00:00:00Z',
      ...(tags ? { tags } : {}),
    },
  ];
  const fake = await azure.start(world);
  const out = await collectFromFake(fake, {}, NOW);
  expectOnlyDeclared(fake.operations(), azureProvider);
  expect(fake.undeclared()).toEqual([]);
  const inv = inventory({ providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps: out.gaps ?? [] });
  const result = auditInventory(inv, resolvePolicyFile(tmp.write('policy.yaml', 'version: 1\n')), NOW, true);
  const verdict = result.results.find((r) => r.ruleId === 'key-pending-deletion' && r.subject.id === ID);
  return { key: out.keys?.find((k) => k.id === ID), gaps: out.gaps ?? [], verdict, fake };
}

describe('Azure soft-deleted keys', () => {
  it('a deleted signing key is inventoried as pending deletion until its purge date, with its public key and usage', async () => {
    const { key, verdict, fake } = await collect();
    expect(key).toMatchObject({
      state: 'pending-deletion',
      deletion: { protected: true, scheduledAt: '2027-02-18T00:00:00Z' },
      keyType: 'RSA',
      protection: 'hsm',
      usage: ['sign', 'verify'],
      createdAt: '2023-01-10T00:00:00Z',
    });
    expect(key?.fingerprints?.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/scheduled for deletion on 2027-02-18/);
    expect(fake.operations()).toEqual(expect.arrayContaining(['keyvault:ListDeletedKeys', 'keyvault:GetDeletedKey']));
    // Not asked of a vault whose data plane is closed to the audit (one gap for it, not two).
    expect(fake.requests.filter((r) => r.operation === 'keyvault:ListDeletedKeys' && r.vault === 'locked-down')).toEqual([]);
  });

  it('an acknowledged deletion passes', async () => {
    const { verdict } = await collect({ 'keyhygiene:deletion-approved': 'CHG-1042' });
    expect(verdict?.outcome).toBe('pass');
  });

  it('a vault made without soft delete (before Azure enforced it) is not asked: it has no deleted keys, and the list would be an error', async () => {
    const { key, gaps, fake } = await collect(undefined, false);
    expect(key).toBeUndefined();
    expect(gaps.filter((g) => g.operation === 'keyvault:ListDeletedKeys')).toEqual([]);
    expect(fake.requests.filter((r) => r.operation === 'keyvault:ListDeletedKeys' && r.vault === 'corp-signing')).toEqual([]);
  });
});
