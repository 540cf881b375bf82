// The Storm-0558 example audited in-process (no build needed): the shared input of the report tests.
import { join } from 'node:path';
import { auditInventory, loadSnapshots } from '../../src/audit.ts';
import type { AuditResult } from '../../src/engine/result.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { EXAMPLES_DIR } from '../../src/paths.ts';
import { type ResolvedPolicy, resolvePolicyFile } from '../../src/policy/resolve.ts';

export const STORM_POLICY = join(EXAMPLES_DIR, 'storm-0558', 'keyhygiene.yaml');
export const STORM_SNAPSHOT = join(EXAMPLES_DIR, 'storm-0558', 'inventory.json');

export function stormRun(opts: { includePassed?: boolean } = {}): { policy: ResolvedPolicy; inventory: Inventory; result: AuditResult } {
  const policy = resolvePolicyFile(STORM_POLICY);
  const inventory = loadSnapshots([STORM_SNAPSHOT]);
  const result = auditInventory(inventory, policy, new Date(inventory.generatedAt), opts.includePassed ?? false);
  return { policy, inventory, result };
}
