// Role chains and federation: who can become a role that can use a key. Walks trust policies backwards
// from each role with access (breadth first, a depth limit, no role visited twice on one path):
// principals of the account whose identity policies allow sts:AssumeRole on the role (when the trust
// names the account), principals the trust names directly, other accounts, and federated identities
// (OIDC providers such as GitHub Actions, GitLab and Terraform Cloud, one principal per admitted `sub`
// pattern). Each is reported with the path it takes. Pure.
import { type AccessCondition, type AccessEntry, federationIssuer, type Principal } from '../../../model/access-entry.ts';
import { globToRegExp } from '../../../util/glob.ts';
import { isDeletedPrincipalId, principalFromAws } from '../normalize.ts';
import { allOf, anyOf, evalConditions, type Facts, notDenied, type Outcome } from './conditions.ts';
import type { Stmt } from './document.ts';
import { principalOf } from './evaluate.ts';
import { type AccountIam, type IamPrincipal, principalFacts } from './iam-details.ts';

const ASSUME = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];
const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/** The issuer host of an OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>[/path]). */
export const oidcHost = (provider: string): string => provider.replace(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\//, '');

/** The `sub` patterns a trust statement admits for an issuer ([] = any subject); positive operators only. */
export function admittedSubjects(conds: readonly AccessCondition[], host: string): string[] {
  const subKey = `${host}:sub`.toLowerCase();
  const subs = conds.filter((c) => c.key.toLowerCase() === subKey && /^(ForAnyValue:)?(StringEquals|StringLike)$/.test(c.operator));
  return subs.length ? [...new Set(subs.flatMap((c) => c.values))].sort() : [];
}

/** Federated principals admitted by one trust statement. */
function federatedPrincipals(s: Stmt): Principal[] {
  const out: Principal[] = [];
  for (const provider of s.principals?.federated ?? []) {
    if (!provider.includes(':oidc-provider/')) continue;
    const host = oidcHost(provider);
    const issuer = federationIssuer(host);
    const subjects = admittedSubjects(s.conditions, host);
    const federation = { provider, issuer, subjects: [] as string[] };
    if (subjects.length === 0) out.push({ kind: 'any-authenticated', id: `${provider}#*`, name: `any subject of ${host}`, federation });
    for (const sub of subjects) out.push({ kind: 'user', id: `${provider}#${sub}`, name: `${host} ${sub}`, federation: { ...federation, subjects: [sub] } });
  }
  return out;
}

/** Whether an IAM principal's identity policies let it call sts:AssumeRole on `role` (denies and boundary applied). */
function mayAssume(p: IamPrincipal, role: IamPrincipal, now: number | undefined): Outcome {
  const f: Facts = {
    principal: principalFacts(p),
    key: { arn: role.arn, account: role.account, region: 'us-east-1' },
    ...(now !== undefined ? { now } : {}),
  };
  const on = (stmts: readonly Stmt[], effect: 'Allow' | 'Deny') =>
    anyOf(
      stmts
        .filter((s) => s.effect === effect && s.matchesAction('sts:AssumeRole') && resourceHit(s, role.arn))
        .map((s) => evalConditions(s.conditions, f, effect)),
    );
  const steps = [on(p.statements, 'Allow'), notDenied(on(p.statements, 'Deny'))];
  if (p.boundary) steps.push(on(p.boundary, 'Allow'), notDenied(on(p.boundary, 'Deny')));
  return allOf(steps);
}

function resourceHit(s: Stmt, arn: string): boolean {
  if (!s.resources) return true;
  const hit = s.resources.patterns.some((p) => p === '*' || globToRegExp(p).test(arn));
  return s.resources.not ? !hit : hit;
}

interface Hop {
  principal: Principal;
  iam?: IamPrincipal;
  through: string;
  undecided: AccessCondition[];
}

const assumeCache = new WeakMap<AccountIam, IamPrincipal[]>();

/** Principals with any identity statement allowing sts:AssumeRole (computed once per account). */
function assumingPrincipals(iam: AccountIam): IamPrincipal[] {
  let list = assumeCache.get(iam);
  if (!list) {
    list = iam.principals.filter((p) => p.statements.some((s) => s.effect === 'Allow' && s.matchesAction('sts:AssumeRole')));
    assumeCache.set(iam, list);
  }
  return list;
}

/** A trust naming the account: the principals whose identity policies allow sts:AssumeRole on the role. */
function delegatedAssumers(role: IamPrincipal, iam: AccountIam, through: string): Hop[] {
  const hops: Hop[] = [];
  for (const p of assumingPrincipals(iam)) {
    if (p === role) continue;
    const may = mayAssume(p, role, iam.readAt);
    if (may.v !== 'no') hops.push({ principal: principalOf(p), iam: p, through, undecided: may.undecided });
  }
  return hops;
}

/** Everyone one trust policy lets assume `role`. */
function assumers(role: IamPrincipal, iam: AccountIam): Hop[] {
  const hops: Hop[] = [];
  for (const s of role.trust ?? []) {
    if (s.effect !== 'Allow' || !ASSUME.some((a) => s.matchesAction(a))) continue;
    for (const principal of federatedPrincipals(s)) hops.push({ principal, through: s.origin, undecided: [] });
    for (const v of s.principals?.aws ?? []) {
      if (isDeletedPrincipalId(v)) continue;
      const account = ACCOUNT_ROOT.exec(v)?.[1] ?? (/^\d{12}$/.test(v) ? v : undefined);
      if (account === iam.account) {
        hops.push(...delegatedAssumers(role, iam, s.origin));
        continue;
      }
      const known = iam.byArn.get(v);
      hops.push(
        known
          ? { principal: principalOf(known), iam: known, through: s.origin, undecided: [] }
          : { principal: principalFromAws(v), through: s.origin, undecided: [] },
      );
    }
  }
  return hops;
}

type Reach = Omit<AccessEntry, 'capabilities'>;
const chainCache = new WeakMap<AccountIam, Map<string, Reach[]>>();
const mapped = new WeakMap<AccessEntry, { target: IamPrincipal; maxDepth: number; out: AccessEntry[] }[]>();

/**
 * Access entries for everyone who can reach `target` (a role with `entry`'s access) through trust
 * policies, at most `maxDepth` hops away; `via` lists the roles assumed, last = the target. The walk
 * depends only on the role, so it is done once per role and run.
 */
export function chainAccess(target: IamPrincipal, entry: AccessEntry, iam: AccountIam, maxDepth: number): AccessEntry[] {
  // Entries are shared by every key with the same access: so are the chains built on them.
  const done = mapped.get(entry)?.find((m) => m.target === target && m.maxDepth === maxDepth);
  if (done) return done.out;
  let byRole = chainCache.get(iam);
  if (!byRole) {
    byRole = new Map();
    chainCache.set(iam, byRole);
  }
  const id = `${maxDepth}\u0000${target.arn}`;
  let reach = byRole.get(id);
  if (!reach) {
    reach = walk(target, iam, maxDepth);
    byRole.set(id, reach);
  }
  const out = reach.map((r) => {
    const undecided = [...(entry.undecided ?? []), ...(r.undecided ?? [])];
    return { ...r, capabilities: entry.capabilities, ...(undecided.length ? { undecided } : {}) };
  });
  const list = mapped.get(entry) ?? [];
  list.push({ target, maxDepth, out });
  mapped.set(entry, list);
  return out;
}

function walk(target: IamPrincipal, iam: AccountIam, maxDepth: number): Reach[] {
  const out: Reach[] = [];
  const seen = new Set<string>([target.arn]);
  let frontier: { role: IamPrincipal; via: string[]; undecided: AccessCondition[] }[] = [{ role: target, via: [target.arn], undecided: [] }];
  // One hop past the limit is still listed, undecided: a longer chain is never silently dropped.
  for (let depth = 1; depth <= maxDepth + 1 && frontier.length; depth++) {
    const next: typeof frontier = [];
    for (const { role, via, undecided } of frontier) {
      for (const hop of assumers(role, iam)) {
        if (seen.has(hop.principal.id)) continue;
        seen.add(hop.principal.id);
        const beyond = depth > maxDepth ? [{ key: 'role chain', operator: `longer than maxChainDepth ${maxDepth}`, values: via }] : [];
        const conds = [...undecided, ...hop.undecided, ...beyond];
        const path = hop.principal.federation ? [hop.principal.federation.provider, ...via] : via;
        out.push({ principal: hop.principal, source: 'iam-policy', sourceId: hop.through, via: path, ...(conds.length ? { undecided: conds } : {}) });
        if (hop.iam?.kind === 'role' && depth <= maxDepth) next.push({ role: hop.iam, via: [hop.iam.arn, ...via], undecided: conds });
      }
    }
    frontier = next;
  }
  return out;
}
