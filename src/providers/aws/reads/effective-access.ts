// Effective access behind a key policy's delegation to IAM: the users and roles of the key's account
// whose identity policies (after denies, boundaries, SCPs and RCPs) allow the key, as access entries
// beside the key policy's and the grants'. The account's IAM is read once per run.
import type { AccessEntry } from '../../../model/access-entry.ts';
import { chainAccess } from '../access/chains.ts';
import { compileDocument } from '../access/document.ts';
import { type AccessIndex, delegatedAccounts, delegations, effectiveAccess, type KeyFacts, toAccessEntries, wildcardGrants } from '../access/evaluate.ts';
import { guardEntries } from '../access/guardrails.ts';
import type { AccountIam } from '../access/iam-details.ts';
import { type AwsRun, note } from '../context.ts';
import { accountAccess } from './accounts.ts';
import { accountIam } from './iam.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** Roles of the account that already have access to the key (named in its policy or grants). */
const accountRoles = (entries: readonly AccessEntry[], account: string) =>
  entries.filter((e) => e.principal.kind === 'role' && e.principal.account === account);

/** The accounts, the key's own or audited ones, of the roles and users a key policy statement or a grant names, sorted. */
function namedAccounts(entries: readonly AccessEntry[], own: string, scope: ReadonlySet<string> | undefined): string[] {
  const out = new Set<string>();
  for (const e of entries) {
    const a = e.principal.account;
    if (
      (e.source === 'key-policy' || e.source === 'grant') &&
      (e.principal.kind === 'role' || e.principal.kind === 'user') &&
      a &&
      (a === own || scope?.has(a))
    )
      out.add(a);
  }
  return [...out].sort();
}

/** An account's IAM for this key's evaluation; undefined with a gap on the key's access when it cannot be read. */
async function iamFor(run: AwsRun, k: KeyTarget, account: string): Promise<{ iam: AccountIam; index: AccessIndex } | undefined> {
  const own = account === k.where.account;
  const where = own ? k.where : run.home && (await accountAccess(run, run.home, account));
  const reading = where ? await accountIam(run, where) : { failure: `account ${account} could not be read (its audit role was not assumed)` };
  if (reading.iam && reading.index) return { iam: reading.iam, index: reading.index };
  const whose = own
    ? 'the IAM principals that can use'
    : `the use by the IAM principals of account ${account} (the key policy delegates to the account or names them)`;
  const why = `${reading.failure ?? 'IAM was not read'}; the key policy delegates to IAM or names roles of the account, so who can use the key is not known: grant iam:GetAccountAuthorizationDetails to the audit role`;
  note(run, 'iam:GetAccountAuthorizationDetails', { ...keyGap(k, whose, ['access']), ...(own ? {} : { idSuffix: `${k.idSuffix}:${account}` }) }, why);
  return undefined;
}

/**
 * The IAM principals behind the delegation, in the key's account and in every other audited account
 * the key policy delegates to (cross-account use needs the key policy and that account's identity
 * policies), and everyone who can assume a role with access (role chains, CI federation); [] when
 * neither applies; a gap when an account's IAM could not be read.
 */
export async function delegatedAccess(run: AwsRun, k: KeyTarget, policyText: string, key: KeyFacts, known: readonly AccessEntry[]): Promise<AccessEntry[]> {
  const keyPolicy = compileDocument(policyText, 'key policy');
  const own = k.where.account;
  const delegates = delegations(keyPolicy, own).length > 0 || wildcardGrants(keyPolicy).length > 0;
  const named = namedAccounts(known, own, run.scope);
  const foreign = [...new Set([...delegatedAccounts(keyPolicy), ...named])].filter((a) => a !== own && run.scope?.has(a)).sort();
  const accounts = [...(delegates || accountRoles(known, own).length ? [own] : []), ...foreign];
  if (accounts.length === 0) return [];
  const org = await run.org;
  const direct: AccessEntry[] = [];
  const iams = new Map<string, AccountIam>();
  for (const account of accounts) {
    const read = await iamFor(run, k, account);
    if (!read) continue;
    iams.set(account, read.iam);
    if (account === own ? delegates : delegatedAccounts(keyPolicy).includes(account))
      direct.push(...effectiveAccess(key, keyPolicy, read.iam, read.index, org, policyText).flatMap((a) => toAccessEntries(a)));
  }
  const chained: AccessEntry[] = [];
  for (const e of [...known, ...direct]) {
    const iam = e.principal.kind === 'role' && e.principal.account ? iams.get(e.principal.account) : undefined;
    const role = iam?.byArn.get(e.principal.id);
    if (!iam || !role) continue;
    // The SCPs of the account the chain is walked in apply to each hop (orgGuards: not on the management account).
    chained.push(...chainAccess(role, e, iam, run.config.maxChainDepth, org));
  }
  return [...direct, ...chained];
}

/**
 * The key policy's and grants' entries under the organization's SCPs and RCPs (when the organization
 * was read) and the explicit denies of the roles and users they name, in the key's account or another
 * audited one (their IAM, read once per run, also gives their tags and path).
 */
export async function guardedAccess(run: AwsRun, k: KeyTarget, entries: readonly AccessEntry[], key: KeyFacts): Promise<AccessEntry[]> {
  const org = (await run.org) ?? {};
  const iams = new Map<string, AccountIam>();
  for (const account of namedAccounts(entries, k.where.account, run.scope)) {
    const read = await iamFor(run, k, account);
    if (read) iams.set(account, read.iam);
  }
  const members = run.members;
  return guardEntries(entries, { key, org, iams, ...(members ? { members } : {}), now: iams.get(k.where.account)?.readAt ?? run.now().getTime() });
}
