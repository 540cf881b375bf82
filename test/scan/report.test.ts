import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactFinding } from '../../src/model/artifact-finding.ts';
import { scanPaths } from '../../src/scan/index.ts';
import { renderScanText, type ScanResult, scanExitCode, scanResult } from '../../src/scan/report.ts';

const finding = (over: Partial<ArtifactFinding>): ArtifactFinding => ({
  id: `core.1234@${over.offset ?? 0}`,
  provider: 'scan',
  location: 'core.1234',
  offset: 0,
  artifactType: 'elf-core',
  materialFormat: 'der-pkcs8',
  keyType: 'EC',
  proof: 'private-key-present',
  ...over,
});

function result(findings: ArtifactFinding[]): ScanResult {
  return {
    kind: 'keyhygiene-scan',
    version: 1,
    summary: {
      files: 1,
      bytes: 2048,
      knownKeys: 1,
      privateKeys: 1,
      matchedPrivateKeys: 1,
      encryptedKeys: 1,
      unverifiedKeys: 1,
      publicOnlyMatches: 1,
      memoryArtifacts: 1,
      gaps: 1,
    },
    findings,
    gaps: [
      {
        id: 'scan:core.1234:scan:truncated',
        provider: 'scan',
        scope: { subjectId: 'core.1234' },
        operation: 'scan:truncated',
        reason: '4096 bytes were not scanned',
      },
    ],
  };
}

describe('renderScanText', () => {
  const all = result([
    finding({ kind: 'memory-artifact', materialFormat: undefined, proof: undefined, keyType: undefined }),
    finding({ offset: 4096, virtualAddress: '0x7f0000001000', matchedKeyId: 'alias/signing' }),
    finding({ offset: 8192, fingerprints: { spkiSha256: 'ab'.repeat(32) } }),
    finding({ offset: 12288, proof: 'unproven', encrypted: true, materialFormat: 'pem-encrypted', matchedKeyId: 'alias/data' }),
    finding({ offset: 16384, proof: 'public-key-only', matchedKeyId: 'alias/signing' }),
    finding({ offset: 20480, proof: 'unproven' }),
  ]);

  it('writes one line per finding kind, with offset, address, format and proof', () => {
    const lines = renderScanText(all).split('\n');
    expect(lines[0]).toBe('MEMORY IMAGE   core.1234 (elf-core)');
    expect(lines[1]).toBe(
      'PRIVATE KEY    core.1234 @ 4096 (0x1000, address 0x7f0000001000): der-pkcs8, EC, in elf-core; possession proven; matches alias/signing: presumed compromised, rotate now',
    );
    expect(lines[2]).toBe(
      `PRIVATE KEY    core.1234 @ 8192 (0x2000): der-pkcs8, EC, in elf-core; possession proven; matches no known key (spki sha256 ${'ab'.repeat(32)})`,
    );
    expect(lines[3]).toBe('ENCRYPTED KEY  core.1234 @ 12288 (0x3000): pem-encrypted, EC, in elf-core; passphrase-protected; matches alias/data');
    expect(lines[4]).toBe('UNPROVEN       core.1234 @ 20480 (0x5000): der-pkcs8, EC, in elf-core; looks like a private key but could not be verified');
    expect(lines[5]).toBe('NOT SCANNED    core.1234: truncated: 4096 bytes were not scanned');
    expect(lines.some((l) => l.startsWith('public key'))).toBe(false);
    expect(lines.filter(Boolean).at(-1)).toMatch(
      /^Scanned 1 file \(2\.0 KiB\) against 1 known public key: 1 private key \(1 matched to known keys\), 1 encrypted, 1 unverified \(not clean\), 1 public-only match \(--show-public lists them\), 1 memory image, 1 not scanned\.$/,
    );
  });

  it('lists public-only matches with --show-public', () => {
    const text = renderScanText(all, { showPublic: true });
    expect(text).toContain(
      'public key     core.1234 @ 16384 (0x4000): der-pkcs8, EC, in elf-core; public half of alias/signing only, no private factor nearby',
    );
    expect(text).not.toContain('--show-public lists them');
  });
});

describe('unverified private-key blocks are never clean', () => {
  const report = (hits: Partial<ArtifactFinding>[]): ScanResult => {
    const r = result(hits.map((h, i) => finding({ offset: i * 4096, ...h })));
    const material = r.findings.filter((f) => f.kind !== 'memory-artifact');
    const unverifiedKeys = material.filter((f) => f.proof === 'unproven' && !f.encrypted && f.materialFormat !== 'ec-point').length;
    return { ...r, gaps: [], summary: { ...r.summary, privateKeys: 0, encryptedKeys: 0, gaps: 0, unverifiedKeys } };
  };
  it('a truncated PEM or unverifiable DER private key exits 3 (0 with --allow-incomplete)', () => {
    for (const materialFormat of ['pem', 'der-pkcs8', 'openssh', 'jwk'] as const) {
      const r = report([{ proof: 'unproven', materialFormat }]);
      expect(scanExitCode(r), materialFormat).toBe(3);
      expect(scanExitCode(r, true), materialFormat).toBe(0);
    }
  });
  it('an unproven public structure (an EC point with no scalar proven) stays exit 0', () => {
    expect(scanExitCode(report([{ proof: 'unproven', materialFormat: 'ec-point' }]))).toBe(0);
  });
  it('a real scan of a truncated PEM private key counts it unverified and exits 3; the intact key exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-unverified-'));
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      writeFileSync(join(dir, 'cut.pem'), `${pem.slice(0, 900)}\n-----END PRIVATE KEY-----\n`);
      const cut = scanResult(await scanPaths({ inputs: [join(dir, 'cut.pem')], baseDir: dir, known: [], jobs: 1 }));
      expect(cut.summary).toMatchObject({ privateKeys: 0, unverifiedKeys: 1 });
      expect(scanExitCode(cut)).toBe(3);
      expect(renderScanText(cut)).toMatch(/1 unverified \(not clean\)/);
      writeFileSync(join(dir, 'whole.pem'), pem);
      const whole = scanResult(await scanPaths({ inputs: [join(dir, 'whole.pem')], baseDir: dir, known: [], jobs: 1 }));
      expect(whole.summary).toMatchObject({ privateKeys: 1, unverifiedKeys: 0 });
      expect(scanExitCode(whole)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a SEC1 key without its curve (RFC 5915 parameters omitted, no public key), in DER or PEM, is unverified (exit 3) unless a known key proves it (exit 1); so is a damaged 48-byte Ed25519 PKCS#8 PEM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-curveless-'));
    try {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const d = Buffer.from(ec.privateKey.export({ format: 'jwk' }).d as string, 'base64url');
      // ECPrivateKey ::= SEQUENCE { version INTEGER 1, privateKey OCTET STRING } (parameters and publicKey are OPTIONAL)
      const bare = Buffer.concat([Buffer.from([0x30, 5 + d.length, 2, 1, 1, 4, d.length]), d]);
      writeFileSync(join(dir, 'bare.der'), Buffer.concat([Buffer.alloc(64, 0x5a), bare, Buffer.alloc(64, 0x5a)]));
      writeFileSync(join(dir, 'bare.pem'), `-----BEGIN EC PRIVATE KEY-----\n${bare.toString('base64')}\n-----END EC PRIVATE KEY-----\n`);
      const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' });
      ed[9] ^= 0xff; // the algorithm OID's last byte: no longer Ed25519, no longer parseable
      writeFileSync(join(dir, 'ed.pem'), `-----BEGIN PRIVATE KEY-----\n${ed.toString('base64')}\n-----END PRIVATE KEY-----\n`);
      for (const name of ['bare.der', 'bare.pem', 'ed.pem']) {
        const r = scanResult(await scanPaths({ inputs: [join(dir, name)], baseDir: dir, known: [], jobs: 1 }));
        expect(r.summary, name).toMatchObject({ privateKeys: 0, unverifiedKeys: 1 });
        expect(scanExitCode(r), name).toBe(3);
      }
      const known = [{ id: 'kms/p256', publicKey: ec.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') }];
      for (const name of ['bare.der', 'bare.pem']) {
        const r = scanResult(await scanPaths({ inputs: [join(dir, name)], baseDir: dir, known, jobs: 1 }));
        expect(r.summary, name).toMatchObject({ privateKeys: 1, unverifiedKeys: 0 });
        expect(r.findings.find((f) => f.kind !== 'memory-artifact')?.matchedKeyId, name).toBe('kms/p256');
        expect(scanExitCode(r), name).toBe(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
