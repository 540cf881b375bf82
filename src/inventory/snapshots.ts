// Reading inventory snapshots: the one path for `audit --snapshot`, the `snapshot` provider, `scan
// --snapshot` and the demo. Several snapshots merge as collections do (identical duplicates collapse,
// conflicting ones become gaps), keep the provider runs that produced them, and are dated by the
// newest of them, so `--now snapshot` evaluates as of the latest evidence.
import type { Inventory } from '../model/inventory.ts';
import { readTextFile } from '../util/read-text.ts';
import { mergeInventories, parseInventory } from './parse.ts';
import { readInventoryFile } from './read.ts';

export interface SnapshotInput {
  /** Absolute path to read. */
  file: string;
  /** How the user wrote it (named in errors). */
  label: string;
}

export type ReadText = (file: string, what: string, hint: string) => string;

const HINT = 'check the path, or write one with `keyhygiene inventory --output FILE`';

/**
 * Read, validate and merge snapshot files; throws a UserError naming the file and place on bad input.
 * With the default reader (readTextFile) each file is streamed, whatever its size (read.ts); an
 * injected reader (a test counting reads) is given each file whole.
 */
export function readSnapshots(inputs: readonly SnapshotInput[], read: ReadText): Inventory {
  const parts = inputs.map((s) => (read === readTextFile ? readInventoryFile(s.file, s.label) : parseInventory(read(s.file, 'snapshot', HINT), s.label)));
  // One part of a sharded collection still goes through the merge: the shards that did not come are gaps.
  if (parts.length === 1 && !parts[0]?.shard) return parts[0] as Inventory;
  const newest = parts
    .map((p) => p.generatedAt)
    .sort()
    .at(-1);
  return mergeInventories(parts, newest as string);
}
