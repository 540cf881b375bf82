// iam:GetAccountAuthorizationDetails: every user, group, role and managed policy of one account, read
// once per account per run (every key of the account shares it), paginated.

import { type AccessIndex, indexAccount } from '../access/evaluate.ts';
import { type AccountIam, type AuthorizationDetailsPage, accountIamFrom } from '../access/iam-details.ts';
import { type AwsRun, fail, list, type Where } from '../context.ts';

export interface IamReading {
  iam?: AccountIam;
  index?: AccessIndex;
  /** Why it could not be read (for the gap of each key that delegates to IAM). */
  failure?: string;
}

async function readIam(run: AwsRun, where: Where): Promise<IamReading> {
  const pages: AuthorizationDetailsPage[] = [];
  const filter = { Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] };
  try {
    await list(run, 'iam:GetAccountAuthorizationDetails', filter, where, (p) => pages.push(p as AuthorizationDetailsPage));
  } catch (err) {
    const what = `the IAM users, roles and policies of account ${where.account}`;
    fail(run, 'iam:GetAccountAuthorizationDetails', err, { what, account: where.account, affects: ['iam-principals'] });
    return { failure: `${what} could not be read (iam:GetAccountAuthorizationDetails failed)` };
  }
  const iam = accountIamFrom(where.account, pages, run.now().getTime());
  return { iam, index: indexAccount(iam) };
}

/** The account's IAM, read at most once per run. */
export function accountIam(run: AwsRun, where: Where): Promise<IamReading> {
  let p = run.iam?.get(where.account);
  if (!p) {
    p = readIam(run, where);
    run.iam ??= new Map();
    run.iam.set(where.account, p);
  }
  return p;
}
