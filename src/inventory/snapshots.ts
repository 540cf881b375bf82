// Reading inventory snapshots: the one path for `audit --snapshot`, the `snapshot` provider, `scan
// --snapshot` and the demo. Several snapshots merge as collections do (identical duplicates collapse,
// conflicting ones become gaps), keep the provider runs that produced them, and are dated by the
// newest of them, so `--now snapshot` evaluates as of the latest evidence.
import type { Inventory } from '../model/inventory.ts';
import { mergeInventories, parseInventory } from './parse.ts';

export interface SnapshotInput {
  /** Absolute path to read. */
  file: string;
  /** How the user wrote it (named in errors). */
  label: string;
}

export type ReadText = (file: string, what: string, hint: string) => string;

const HINT = 'check the path, or write one with `keyhygiene inventory --output FILE`';

/** Read, validate and merge snapshot files; throws a UserError naming the file and place on bad input. */
export function readSnapshots(inputs: readonly SnapshotInput[], read: ReadText): Inventory {
  const parts = inputs.map((s) => parseInventory(read(s.file, 'snapshot', HINT), s.label));
  if (parts.length === 1) return parts[0] as Inventory;
  const newest = parts
    .map((p) => p.generatedAt)
    .sort()
    .at(-1);
  return mergeInventories(parts, newest as string);
}
