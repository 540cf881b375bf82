// Effective access behind a key policy's delegation to IAM: the users and roles of the key's account
// whose identity policies (after denies, boundaries, SCPs and RCPs) allow the key, as access entries
// beside the key policy's and the grants'. The account's IAM is read once per run.
import type { AccessEntry } from '../../../model/access-entry.ts';
import { chainAccess } from '../access/chains.ts';
import { compileDocument } from '../access/document.ts';
import { delegations, effectiveAccess, type KeyFacts, toAccessEntries, wildcardGrants } from '../access/evaluate.ts';
import { guardEntries } from '../access/guardrails.ts';
import { type AwsRun, note } from '../context.ts';
import { accountIam } from './iam.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** Roles of the account that already have access to the key (named in its policy or grants). */
const accountRoles = (entries: readonly AccessEntry[], account: string) =>
  entries.filter((e) => e.principal.kind === 'role' && e.principal.account === account);

/**
 * The IAM principals behind the delegation, and everyone who can assume a role with access (role
 * chains, CI federation); [] when neither applies; a gap when IAM could not be read.
 */
export async function delegatedAccess(run: AwsRun, k: KeyTarget, policyText: string, key: KeyFacts, known: readonly AccessEntry[]): Promise<AccessEntry[]> {
  const keyPolicy = compileDocument(policyText, 'key policy');
  const delegates = delegations(keyPolicy, k.where.account).length > 0 || wildcardGrants(keyPolicy).length > 0;
  if (!delegates && accountRoles(known, k.where.account).length === 0) return [];
  const reading = await accountIam(run, k.where);
  if (!reading.iam || !reading.index) {
    const why = `${reading.failure ?? 'IAM was not read'}; the key policy delegates to IAM or names roles of the account, so who can use the key is not known: grant iam:GetAccountAuthorizationDetails to the audit role`;
    note(run, 'iam:GetAccountAuthorizationDetails', keyGap(k, 'the IAM principals that can use', ['access']), why);
    return [];
  }
  const { iam, index } = reading;
  const org = await run.org;
  const direct = delegates ? effectiveAccess(key, keyPolicy, iam, index, org, policyText).flatMap((a) => toAccessEntries(a)) : [];
  const chained: AccessEntry[] = [];
  for (const e of accountRoles([...known, ...direct], k.where.account)) {
    const role = iam.byArn.get(e.principal.id);
    if (role) chained.push(...chainAccess(role, e, iam, run.config.maxChainDepth));
  }
  return [...direct, ...chained];
}

/**
 * The key policy's and grants' entries under the organization's SCPs and RCPs (when the organization
 * was read); the key account's IAM, when a statement names its roles or users, gives their tags.
 */
export async function guardedAccess(run: AwsRun, k: KeyTarget, entries: readonly AccessEntry[], key: KeyFacts): Promise<AccessEntry[]> {
  const org = await run.org;
  if (!org) return [...entries];
  const local = entries.some(
    (e) => (e.source === 'key-policy' || e.source === 'grant') && e.principal.account === k.where.account && ['role', 'user'].includes(e.principal.kind),
  );
  const iam = local ? (await accountIam(run, k.where)).iam : undefined;
  return guardEntries(entries, { key, org, ...(iam ? { iam } : {}), now: iam?.readAt ?? run.now().getTime() });
}
