// organizations:DescribeOrganization, ListPolicies, DescribePolicy, ListTargetsForPolicy and ListParents:
// the organization's service control policies (SCPs) and resource control policies (RCPs), and which
// apply to each account (attached to it, to an OU above it or to the root). Read once per run, from the
// management or a delegated administrator account, only when the audit covers the organization.
import { compileDocument, type Stmt } from '../access/document.ts';
import type { OrgPolicies } from '../access/evaluate.ts';
import { type AwsRun, fail, list, send, type Where } from '../context.ts';

type Summary = { Id?: string; Name?: string };
const TYPES = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] as const;

/** Policy id → its statements and targets, for one policy type. */
async function policiesOfType(run: AwsRun, home: Where, type: (typeof TYPES)[number]): Promise<{ stmts: Stmt[]; targets: string[] }[]> {
  const summaries: Summary[] = [];
  await list(run, 'organizations:ListPolicies', { Filter: type }, home, (p) => summaries.push(...((p.Policies ?? []) as Summary[])));
  const out: { stmts: Stmt[]; targets: string[] }[] = [];
  await run.kit.pool(summaries, 4, async (s) => {
    if (!s.Id) return;
    const described = (await send(run, 'organizations:DescribePolicy', { PolicyId: s.Id }, home)).Policy as { Content?: string } | undefined;
    const targets: string[] = [];
    await list(run, 'organizations:ListTargetsForPolicy', { PolicyId: s.Id }, home, (p) => {
      for (const t of (p.Targets ?? []) as { TargetId?: string }[]) if (t.TargetId) targets.push(t.TargetId);
    });
    out.push({ stmts: compileDocument(described?.Content ?? '{}', `${type === 'SERVICE_CONTROL_POLICY' ? 'SCP' : 'RCP'} ${s.Name ?? s.Id}`), targets });
  });
  return out;
}

/** The chain of targets from the root down to the account: [root, ou…, account]. */
async function ancestry(run: AwsRun, home: Where, account: string): Promise<string[]> {
  const chain = [account];
  let child = account;
  for (let depth = 0; depth < 8; depth++) {
    const parents = ((await send(run, 'organizations:ListParents', { ChildId: child }, home)).Parents ?? []) as { Id?: string; Type?: string }[];
    const parent = parents[0];
    if (!parent?.Id) break;
    chain.unshift(parent.Id);
    if (parent.Type === 'ROOT') break;
    child = parent.Id;
  }
  return chain;
}

async function readOrg(run: AwsRun, home: Where, accounts: readonly string[]): Promise<OrgPolicies | undefined> {
  try {
    const org = (await send(run, 'organizations:DescribeOrganization', {}, home)).Organization as { Id?: string; MasterAccountId?: string } | undefined;
    const [scps, rcps] = await Promise.all(TYPES.map((t) => policiesOfType(run, home, t)));
    const scpLevels = new Map<string, Stmt[][]>();
    const rcpByAccount = new Map<string, Stmt[]>();
    const paths = new Map<string, string>();
    await run.kit.pool([...accounts], 4, async (account) => {
      const chain = await ancestry(run, home, account);
      // aws:PrincipalOrgPaths (IAM User Guide, global condition keys): o-…/r-…/ou-…/, the account not included.
      if (org?.Id && chain[0]?.startsWith('r-')) paths.set(account, `${[org.Id, ...chain.slice(0, -1)].join('/')}/`);
      // Every root, OU and account keeps at least one SCP while SCPs are enabled (FullAWSAccess by default);
      // a level with none means the policy type is disabled (disabling it detaches them all): no SCP applies.
      const levels = chain.map((target) => (scps ?? []).filter((p) => p.targets.includes(target)).flatMap((p) => p.stmts));
      scpLevels.set(
        account,
        levels.filter((level) => level.length > 0),
      );
      rcpByAccount.set(
        account,
        (rcps ?? []).filter((p) => chain.some((t) => p.targets.includes(t))).flatMap((p) => p.stmts),
      );
    });
    return {
      ...(org?.Id ? { orgId: org.Id } : {}),
      ...(org?.MasterAccountId ? { managementAccount: org.MasterAccountId } : {}),
      scpLevels,
      paths,
      rcps: rcpByAccount,
    };
  } catch (err) {
    // Without them the evaluation over-approximates (SCPs and RCPs only take permissions away): the gap says so.
    fail(run, 'organizations:ListPolicies', err, {
      what: 'the service and resource control policies of the AWS Organization (access is evaluated without them, so it may be over-reported)',
      account: home.account,
      affects: ['organization-policies'],
    });
    return undefined;
  }
}

/** The organization's SCPs and RCPs, read at most once per run; undefined when the audit is not organization-wide. */
export function orgPolicies(run: AwsRun, home: Where, accounts: readonly string[]): Promise<OrgPolicies | undefined> {
  if (run.config.accounts !== 'organization') return Promise.resolve(undefined);
  run.org ??= readOrg(run, home, accounts);
  return run.org;
}
