// Pure mapping from scanner results to the model: ArtifactFindings and CollectionGaps. It lives with
// the scanner so that `keyhygiene scan` and the artifacts provider share it without scan importing a provider.
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import { MEMORY_TYPES } from './artifact-type.ts';
import type { FileResult, ScanGap } from './files.ts';

/** The provider id artifact records carry unless told otherwise. */
export const ARTIFACTS_PROVIDER_ID = 'artifacts';

export type Store = NonNullable<ArtifactFinding['store']>;

/** Findings of one scanned file: key material at offsets, plus one record per memory image. */
export function artifactRecords(file: FileResult, store: Store | undefined, provider = ARTIFACTS_PROVIDER_ID): ArtifactFinding[] {
  const st = store && Object.keys(store).length ? { store } : {};
  const out: ArtifactFinding[] = [];
  for (const e of file.entries) {
    if (!MEMORY_TYPES.has(e.artifactType)) continue;
    out.push({ id: e.location, provider, location: e.location, offset: 0, kind: 'memory-artifact', artifactType: e.artifactType, ...st });
  }
  for (const f of file.findings) {
    out.push({
      id: `${f.location}@${f.offset}`,
      provider,
      location: f.location,
      offset: f.offset,
      ...(f.virtualAddress ? { virtualAddress: f.virtualAddress } : {}),
      kind: 'key-material',
      artifactType: f.artifactType,
      materialFormat: f.format,
      ...(f.keyType ? { keyType: f.keyType } : {}),
      proof: f.proof,
      ...(f.encrypted ? { encrypted: true } : {}),
      ...(f.matchedKeyId ? { matchedKeyId: f.matchedKeyId } : {}),
      ...st,
      ...(f.fingerprints ? { fingerprints: f.fingerprints } : {}),
    });
  }
  return out;
}

/** Gaps with stable, unique ids. */
export function gapRecords(gaps: readonly ScanGap[], provider = ARTIFACTS_PROVIDER_ID): CollectionGap[] {
  const seen = new Map<string, number>();
  return gaps.map((g) => {
    let id = `${provider}:${g.location}:${g.operation}`;
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n > 0) id += `#${n + 1}`;
    return { id, provider, scope: { subjectId: g.location }, operation: g.operation.includes(':') ? g.operation : `scan:${g.operation}`, reason: g.reason };
  });
}
