// Snapshot files for tests of sharded collection: write an inventory (or a part) as the CLI writes it,
// and audit snapshot files as `audit --snapshot` does, keeping what a comparison needs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditInventory, loadSnapshots } from '../../src/audit.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { jsonChunks } from '../../src/util/json-stream.ts';

/** Write `inv` to `dir/name` through the streaming JSON writer; the file's path. */
export function writeSnapshot(dir: string, name: string, inv: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, [...jsonChunks(inv)].join(''));
  return file;
}

/** Results, gaps and summary of auditing the snapshot files (merged when several) with the policy file. */
export function auditSnapshots(policyFile: string, files: string[], now: Date) {
  const { results, gaps, summary } = auditInventory(loadSnapshots(files), resolvePolicyFile(policyFile), now);
  return { results, gaps, summary };
}
