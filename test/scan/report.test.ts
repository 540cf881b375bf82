import { describe, expect, it } from 'vitest';
import type { ArtifactFinding } from '../../src/model/artifact-finding.ts';
import { renderScanText, type ScanResult } from '../../src/scan/report.ts';

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
      /^Scanned 1 file \(2\.0 KiB\) against 1 known public key: .*1 public-only match \(--show-public lists them\), 1 memory image, 1 not scanned\.$/,
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
