// Rendering of `keyhygiene scan` results (pure): text for people, JSON for machines. Findings carry
// locations, offsets, formats, fingerprints and proof states: never key bytes.
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import { isUnverifiedPrivate } from '../model/artifact-formats.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import type { ScanReport } from './index.ts';
import { artifactRecords, gapRecords } from './records.ts';

export const SCAN_RESULT_VERSION = 1;

export interface ScanResult {
  kind: 'keyhygiene-scan';
  version: number;
  summary: {
    files: number;
    bytes: number;
    knownKeys: number;
    privateKeys: number;
    matchedPrivateKeys: number;
    encryptedKeys: number;
    /** private-key blocks (PEM, DER, OpenSSH, JWK, …) that could not be parsed or verified: undecided, never clean */
    unverifiedKeys: number;
    publicOnlyMatches: number;
    memoryArtifacts: number;
    gaps: number;
  };
  findings: ArtifactFinding[];
  gaps: CollectionGap[];
}

export function scanResult(report: ScanReport, store?: ArtifactFinding['store']): ScanResult {
  const findings = report.files.flatMap((f) => artifactRecords(f, store));
  const gaps = [...new Map(gapRecords([...report.gaps, ...report.files.flatMap((f) => f.gaps)]).map((g) => [g.id, g])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const material = findings.filter((f) => f.kind !== 'memory-artifact');
  const priv = material.filter((f) => f.proof === 'private-key-present');
  return {
    kind: 'keyhygiene-scan',
    version: SCAN_RESULT_VERSION,
    summary: {
      files: report.files.length,
      bytes: report.bytes,
      knownKeys: report.knownKeys,
      privateKeys: priv.length,
      matchedPrivateKeys: priv.filter((f) => f.matchedKeyId).length,
      encryptedKeys: material.filter((f) => f.encrypted).length,
      unverifiedKeys: material.filter(isUnverifiedPrivate).length,
      publicOnlyMatches: material.filter((f) => f.proof === 'public-key-only').length,
      memoryArtifacts: findings.length - material.length,
      gaps: gaps.length,
    },
    findings,
    gaps,
  };
}

/** 1 when private material (proven or encrypted) was found; else 3 when something could not be read; else 0. */
export function scanExitCode(r: ScanResult, allowIncomplete = false): number {
  if (r.summary.privateKeys > 0 || r.summary.encryptedKeys > 0) return 1;
  if ((r.summary.gaps > 0 || r.summary.unverifiedKeys > 0) && !allowIncomplete) return 3;
  return 0;
}

const size = (n: number): string => {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${u[i]}`;
};

type ScanFinding = ScanResult['findings'][number];

/** One finding's line, or none (a public-only match without --show-public). */
function findingLine(f: ScanFinding, opts: { showPublic?: boolean }): string | undefined {
  if (f.kind === 'memory-artifact') return `MEMORY IMAGE   ${f.location} (${f.artifactType})`;
  const where = `${f.location} @ ${f.offset} (0x${f.offset.toString(16)}${f.virtualAddress ? `, address ${f.virtualAddress}` : ''})`;
  const what = `${f.materialFormat ?? 'unknown'}, ${f.keyType ?? 'unknown type'}, in ${f.artifactType}`;
  if (f.proof === 'private-key-present') {
    return f.matchedKeyId
      ? `PRIVATE KEY    ${where}: ${what}; possession proven; matches ${f.matchedKeyId}: presumed compromised, rotate now`
      : `PRIVATE KEY    ${where}: ${what}; possession proven; matches no known key${f.fingerprints?.spkiSha256 ? ` (spki sha256 ${f.fingerprints.spkiSha256})` : ''}`;
  }
  if (f.encrypted) return `ENCRYPTED KEY  ${where}: ${what}; passphrase-protected${f.matchedKeyId ? `; matches ${f.matchedKeyId}` : ''}`;
  if (f.proof === 'public-key-only') {
    return opts.showPublic
      ? `public key     ${where}: ${what}; public half of ${f.matchedKeyId ?? 'an unknown key'} only, no private factor nearby`
      : undefined;
  }
  return `UNPROVEN       ${where}: ${what}; looks like a private key but could not be verified`;
}

export function renderScanText(r: ScanResult, opts: { showPublic?: boolean } = {}): string {
  const lines: string[] = [];
  for (const f of r.findings) {
    const line = findingLine(f, opts);
    if (line !== undefined) lines.push(line);
  }
  for (const g of r.gaps) lines.push(`NOT SCANNED    ${g.scope.subjectId ?? ''}: ${g.operation.replace(/^scan:/, '')}: ${g.reason}`);
  const s = r.summary;
  if (lines.length) lines.push('');
  lines.push(
    `Scanned ${s.files} file${s.files === 1 ? '' : 's'} (${size(s.bytes)}) against ${s.knownKeys} known public key${s.knownKeys === 1 ? '' : 's'}: ` +
      `${s.privateKeys} private key${s.privateKeys === 1 ? '' : 's'} (${s.matchedPrivateKeys} matched to known keys), ${s.encryptedKeys} encrypted, ` +
      (s.unverifiedKeys ? `${s.unverifiedKeys} unverified (not clean), ` : '') +
      `${s.publicOnlyMatches} public-only match${s.publicOnlyMatches === 1 ? '' : 'es'}${opts.showPublic || s.publicOnlyMatches === 0 ? '' : ' (--show-public lists them)'}, ` +
      `${s.memoryArtifacts} memory image${s.memoryArtifacts === 1 ? '' : 's'}, ${s.gaps} not scanned.`,
  );
  return `${lines.join('\n')}\n`;
}
