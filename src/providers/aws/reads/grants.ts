// kms:ListGrants: the key's grants (skipped by the fast profile), merged with the key policy into access.
import type { AccessEntry } from '../../../model/access-entry.ts';
import { type AwsRun, fail, list } from '../context.ts';
import { type GrantShape, grantsToAccess } from '../normalize.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** Every grant; undefined under the fast profile; rejects when a page failed for good. */
export async function fetchGrants(run: AwsRun, k: KeyTarget): Promise<GrantShape[] | undefined> {
  if (run.fast) return undefined;
  const grants: GrantShape[] = [];
  await list(run, 'kms:ListGrants', { KeyId: k.keyId }, k.where, (p) => grants.push(...((p.Grants ?? []) as GrantShape[])));
  return grants;
}

/**
 * The key's access: policy entries plus grants, only when both were read. A failed ListGrants is a gap
 * on `access`; the fast profile leaves access absent (the key policy alone is not the whole answer).
 */
export function keyAccess(
  run: AwsRun,
  k: KeyTarget,
  policyAccess: AccessEntry[] | undefined,
  grants: PromiseSettledResult<GrantShape[] | undefined>,
): AccessEntry[] | undefined {
  if (grants.status === 'rejected') {
    fail(run, 'kms:ListGrants', grants.reason, keyGap(k, 'the grants', ['access']));
    return undefined;
  }
  return policyAccess && grants.value ? [...policyAccess, ...grantsToAccess(grants.value)] : undefined;
}
