// `keyhygiene audit --history FILE`: open the database before any work (a damaged or locked file
// stops the run early, exit 2), record the run after evaluation in one transaction, hand the trend
// to the reports.

import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import * as Flags from '@oclif/core/flags';
import type { AuditResult } from '../engine/result.ts';
import { openHistory } from '../history/db.ts';
import { type TrendPoint, trend } from '../history/query.ts';
import { recordRun, runRecordFromResult } from '../history/record.ts';
import type { Inventory } from '../model/inventory.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';

export const historyFlags = {
  history: Flags.string({
    description: 'record this run in a history database (SQLite; created if missing): see `keyhygiene history`',
    helpValue: 'FILE',
  }),
};

/** sha256 of the inventory, element by element, so a large inventory never becomes one string. */
export function inventoryHash(inv: Inventory): string {
  const h = createHash('sha256');
  for (const [k, v] of Object.entries(inv)) {
    h.update(`${k}\n`);
    if (Array.isArray(v)) for (const x of v) h.update(`${JSON.stringify(x)}\n`);
    else h.update(`${JSON.stringify(v)}\n`);
  }
  return h.digest('hex');
}

/** sha256 of the resolved policy (rules included), independent of where its files were. */
export function policyHash(policy: ResolvedPolicy): string {
  const { baseDir: _b, file: _f, ...rest } = policy;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, rules: [...policy.rules].sort(([a], [b]) => a.localeCompare(b)) }))
    .digest('hex');
}

export const openAuditHistory = (file: string | undefined): Promise<DatabaseSync | undefined> => (file ? openHistory(file) : Promise.resolve(undefined));

/** Record the run and return the recent trend (for the HTML report). Closes the database. */
export function recordAuditHistory(db: DatabaseSync, file: string, run: { result: AuditResult; policy: ResolvedPolicy; inventory: Inventory }): TrendPoint[] {
  try {
    const { resolved } = recordRun(db, runRecordFromResult(run.result, { policy: policyHash(run.policy), inventory: inventoryHash(run.inventory) }), file);
    process.stderr.write(`recorded run in ${file}${resolved ? `: ${resolved} finding${resolved > 1 ? 's' : ''} resolved since the last run` : ''}\n`);
    return trend(db, 30);
  } finally {
    db.close();
  }
}
