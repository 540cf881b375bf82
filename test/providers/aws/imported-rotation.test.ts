// Symmetric keys with imported key material rotate on demand (AWS KMS Developer Guide, "Rotate KMS
// keys" and "List rotations and key materials"; API Reference: ListKeyRotations, RotationsListEntry:
// KeyMaterialState CURRENT / NON_CURRENT / PENDING_ROTATION, ImportState, RotationType ON_DEMAND).
// Such a key's current material is the last completed rotation, not the key's creation: read from
// ListKeyRotations, which the provider did not call for EXTERNAL keys (a key rotated last month was
// judged by material years old).
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsFake, startAwsFake } from '../../../src/fakes/aws/server.ts';
import awsProvider, { collectAws } from '../../../src/providers/aws/index.ts';
import { normalizeKey } from '../../../src/providers/aws/normalize.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { MGMT, world } from './world.ts';

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const NOW = new Date('2026-06-01T00:00:00Z');
const meta = { KeyId: 'k', CreationDate: new Date('2022-01-01T00:00:00Z'), KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'EXTERNAL', KeyState: 'Enabled' };

describe('imported key material rotated on demand', () => {
  it('normalize: the current material is the last completed rotation; material pending rotation is not one', () => {
    const k = normalizeKey({
      account: MGMT,
      region: 'us-east-1',
      metadata: meta,
      rotations: [
        { RotationDate: new Date('2025-02-01T00:00:00Z'), RotationType: 'ON_DEMAND', KeyMaterialState: 'CURRENT' },
        { RotationDate: new Date('2024-02-01T00:00:00Z'), RotationType: 'ON_DEMAND', KeyMaterialState: 'NON_CURRENT' },
        { KeyMaterialState: 'PENDING_ROTATION' },
      ],
    });
    expect(k.rotation).toEqual({ supported: false, lastRotatedAt: '2025-02-01T00:00:00.000Z' });
    expect(k.currentVersionCreatedAt).toBe('2025-02-01T00:00:00.000Z');
    expect(k.versionCount).toBe(3);
    // Not read (fast profile, or a failed read with its gap): material age is not known.
    expect(normalizeKey({ account: MGMT, region: 'us-east-1', metadata: meta }).currentVersionCreatedAt).toBeUndefined();
  });

  it('collect: ListKeyRotations is read for the imported key (and only read operations are sent)', async () => {
    const w = world();
    const keys = w.accounts[0]?.regions['us-east-1']?.keys ?? [];
    const imported = keys.find((k) => k.id === '1111-imported');
    if (!imported) throw new Error('the test world has no imported key');
    imported.rotation = { enabled: false, rotations: ['2024-03-01T00:00:00Z', '2026-04-15T00:00:00Z'] };
    fake = await startAwsFake(w);
    const out = await collectAws(
      { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1 },
      { now: () => NOW, baseDir: '.', env: process.env, warn: () => {} },
      { endpoint: fake.url },
    );
    const key = out.keys.find((k) => k.id.endsWith(':key/1111-imported'));
    expect(key).toMatchObject({
      origin: 'imported',
      rotation: { supported: false, lastRotatedAt: '2026-04-15T00:00:00.000Z' },
      currentVersionCreatedAt: '2026-04-15T00:00:00.000Z',
      versionCount: 3,
    });
    expect(fake.requests.filter((r) => r.op === 'kms:ListKeyRotations').map((r) => r.input.KeyId)).toContain('1111-imported');
    // Automatic rotation cannot be turned on for imported material: its status is not asked.
    expect(fake.requests.filter((r) => r.op === 'kms:GetKeyRotationStatus').map((r) => r.input.KeyId)).not.toContain('1111-imported');
    expectOnlyDeclared(fake.operations(), awsProvider);
  });
});
