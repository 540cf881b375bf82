// Effective access behind a key policy's delegation to IAM: the users and roles of the key's account
// whose identity policies (after denies, boundaries, SCPs and RCPs) allow the key, as access entries
// beside the key policy's and the grants'. The account's IAM is read once per run.
import type { AccessEntry } from '../../../model/access-entry.ts';
import { compileDocument } from '../access/document.ts';
import { delegations, effectiveAccess, type KeyFacts, toAccessEntries } from '../access/evaluate.ts';
import { type AwsRun, note } from '../context.ts';
import { accountIam } from './iam.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** The IAM principals behind the delegation; [] when the key policy does not delegate; a gap when IAM could not be read. */
export async function delegatedAccess(run: AwsRun, k: KeyTarget, policyText: string, key: KeyFacts): Promise<AccessEntry[]> {
  const keyPolicy = compileDocument(policyText, 'key policy');
  if (delegations(keyPolicy, k.where.account).length === 0) return [];
  const reading = await accountIam(run, k.where);
  if (!reading.iam || !reading.index) {
    const why = `${reading.failure ?? 'IAM was not read'}; the key policy delegates to IAM, so who can use the key is not known: grant iam:GetAccountAuthorizationDetails to the audit role`;
    note(run, 'iam:GetAccountAuthorizationDetails', keyGap(k, 'the IAM principals that can use', ['access']), why);
    return [];
  }
  const org = await run.org;
  return effectiveAccess(key, keyPolicy, reading.iam, reading.index, org).flatMap((a) => toAccessEntries(a));
}
