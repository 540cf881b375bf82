import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasRocaFingerprint, rocaMasks } from '../../src/crypto/roca.ts';
import { rocaShapedModulus } from '../helpers/published-keys.ts';

describe('ROCA fingerprint', () => {
  it('tabulates the same subgroup masks as the published detector', () => {
    expect(rocaMasks().slice(0, 8)).toEqual([6n, 30n, 126n, 1026n, 5658n, 107286n, 199410n, 8388606n]);
  });

  it('detects a modulus built the Infineon way', () => {
    const n = rocaShapedModulus();
    expect(n.length).toBeGreaterThanOrEqual(256);
    expect(hasRocaFingerprint(n)).toBe(true);
  });

  it('does not flag sound keys: freshly generated ones and the real 2016 Microsoft key', () => {
    for (let i = 0; i < 3; i++) {
      const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
      expect(hasRocaFingerprint(Buffer.from(jwk.n as string, 'base64url'))).toBe(false);
    }
    const ms = JSON.parse(readFileSync(new URL('../fixtures/jwks/microsoft-consumers-keys-2016.json', import.meta.url), 'utf8'));
    expect(hasRocaFingerprint(Buffer.from(ms.keys[0].n, 'base64url'))).toBe(false);
  });
});
