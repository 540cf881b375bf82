// kms:GetKeyPolicy: the key policy, as access entries.
import type { AccessEntry } from '../../../model/access-entry.ts';
import { type AwsRun, fail, note, send } from '../context.ts';
import { KeyPolicyError, policyToAccess } from '../normalize.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** The policy text; rejects when the read failed for good (the caller records the gap once the key is known). */
export const fetchKeyPolicy = async (run: AwsRun, k: KeyTarget): Promise<string> =>
  String((await send(run, 'kms:GetKeyPolicy', { KeyId: k.keyId, PolicyName: 'default' }, k.where)).Policy ?? '');

/** The policy's access entries; undefined (with a gap on `access`) when it was not read or does not parse. */
export function keyPolicyAccess(run: AwsRun, k: KeyTarget, policy: PromiseSettledResult<string>): AccessEntry[] | undefined {
  const gap = keyGap(k, 'the key policy', ['access']);
  if (policy.status === 'rejected') {
    fail(run, 'kms:GetKeyPolicy', policy.reason, gap);
    return undefined;
  }
  try {
    return policyToAccess(policy.value);
  } catch (err) {
    // Our interpreter's words (KeyPolicyError) are the why; anything else is a surprise, not shown raw.
    const why = err instanceof KeyPolicyError ? err.message : 'the key policy could not be interpreted';
    note(run, 'kms:GetKeyPolicy', gap, `${why}; check the key policy document in KMS`, 'invalid-response');
    return undefined;
  }
}
