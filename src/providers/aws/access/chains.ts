// Role chains and federation: who can become a role that can use a key. Walks trust policies backwards
// from each role with access (breadth first, a depth limit, no role visited twice on one path):
// principals of the account whose identity policies allow sts:AssumeRole on the role (when the trust
// names the account), principals the trust names directly, other accounts, and federated identities
// (OIDC providers such as GitHub Actions, GitLab, Terraform Cloud or an EKS cluster, one principal per
// admitted `sub` pattern; SAML providers and IAM Identity Center; Cognito identity pools and the web
// identity providers). Each is reported with the path it takes. Pure.
import { type AccessCondition, type AccessEntry, federationIssuer, type Principal } from '../../../model/access-entry.ts';
import { globToRegExp } from '../../../util/glob.ts';
import { isDeletedPrincipalId, principalFromAws } from '../normalize.ts';
import { allOf, anyOf, evalConditions, type Facts, notDenied, type Outcome, YES } from './conditions.ts';
import type { Stmt } from './document.ts';
import { namesPrincipal, type OrgPolicies, orgGuards, principalOf } from './evaluate.ts';
import { type AccountIam, type IamPrincipal, principalFacts } from './iam-details.ts';

const ASSUME = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];
const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/** The issuer host of an OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>[/path]). */
export const oidcHost = (provider: string): string => provider.replace(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\//, '');

const POSITIVE = /^(ForAnyValue:)?(StringEquals|StringLike)$/;

/** The values positive operators admit for one condition key ([] = not pinned). */
const admitted = (conds: readonly AccessCondition[], key: string): string[] => {
  const k = key.toLowerCase();
  const hits = conds.filter((c) => c.key.toLowerCase() === k && POSITIVE.test(c.operator));
  return hits.length ? [...new Set(hits.flatMap((c) => c.values))].sort() : [];
};

/** The `sub` patterns a trust statement admits for an issuer ([] = any subject); positive operators only. */
export const admittedSubjects = (conds: readonly AccessCondition[], host: string): string[] => admitted(conds, `${host}:sub`);

/** One identity a trust statement admits, and what the audit cannot decide about it. */
interface Admitted {
  principal: Principal;
  undecided: AccessCondition[];
  /** The identity provider (its ARN, or a web identity provider's host): first on the path. */
  provider: string;
}
type Found = Omit<Admitted, 'provider'>;

const OIDC_PROVIDER = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/(.+)$/;
const SAML_PROVIDER = /^arn:aws[a-z-]*:iam::(\d{12}):saml-provider\/(.+)$/;

/**
 * An IAM OIDC provider: one principal per admitted `sub` pattern, `any-authenticated` when none is
 * pinned. CI issuers are classified by the `ci:` block; another issuer (an EKS cluster, an IdP) is in
 * the provider's account, so the policy's account matchers classify it as they do the account's roles.
 */
function oidcPrincipals(provider: string, account: string, conds: readonly AccessCondition[]): Found[] {
  const host = oidcHost(provider);
  const issuer = federationIssuer(host);
  const subjects = admittedSubjects(conds, host);
  const federation = { provider, issuer, subjects: [] as string[] };
  const owner = issuer === 'other' ? { account } : {};
  if (subjects.length === 0)
    return [{ principal: { kind: 'any-authenticated', id: `${provider}#*`, name: `any subject of ${host}`, federation, ...owner }, undecided: [] }];
  return subjects.map((sub) => ({
    principal: { kind: 'user', id: `${provider}#${sub}`, name: `${host} ${sub}`, federation: { ...federation, subjects: [sub] }, ...owner },
    undecided: [],
  }));
}

/** SAML keys that name the assertion, its audience or its format, not which of the IdP's users it is for. */
const SAML_NOT_WHO = new Set(['saml:aud', 'saml:sub', 'saml:sub_type', 'saml:iss', 'saml:namequalifier', 'saml:doc']);

/**
 * A SAML provider (IAM User Guide, "Create a role for SAML 2.0 federation"; IAM Identity Center's
 * permission-set roles trust its AWSSSO_…_DO_NOT_DELETE provider): the IdP's users it assigns the role,
 * one principal per `SAML:sub` the trust pins, else one group for the role. They are in the provider's
 * account (classified by the policy's matchers); a pin on another attribute (SAML:eduPersonAffiliation…)
 * narrows them in a way the audit cannot read: undecided.
 */
function samlPrincipals(provider: string, account: string, name: string, conds: readonly AccessCondition[], role: IamPrincipal): Found[] {
  const undecided = conds.filter((c) => c.key.toLowerCase().startsWith('saml:') && !SAML_NOT_WHO.has(c.key.toLowerCase()));
  const subjects = admitted(conds, 'SAML:sub');
  const sso = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(role.name)?.[1];
  if (subjects.length) return subjects.map((sub) => ({ principal: { kind: 'user', id: `${provider}#${sub}`, name: `${name} ${sub}`, account }, undecided }));
  const who = sso ? `IAM Identity Center users of permission set ${sso}` : `users of SAML provider ${name} assigned role ${role.name}`;
  return [{ principal: { kind: 'group', id: `${provider}#${role.arn}`, name: who, account }, undecided }];
}

const COGNITO = 'cognito-identity.amazonaws.com';

/**
 * Amazon Cognito identity pools (Cognito Developer Guide, "IAM roles": the trust pins the pool with
 * `cognito-identity.amazonaws.com:aud` and the kind of identity with `…:amr`): a role that admits
 * unauthenticated (guest) identities, or does not pin `amr`, can be assumed by anyone on the internet;
 * one for authenticated identities by whoever can sign in to the pool's providers (undecided).
 */
function cognitoPrincipals(conds: readonly AccessCondition[]): Found[] {
  const pools = admitted(conds, `${COGNITO}:aud`);
  const amr = admitted(conds, `${COGNITO}:amr`).map((v) => v.toLowerCase());
  const pool = pools.length ? pools.join(',') : 'any identity pool';
  const id = `${COGNITO}#${pools.join(',') || '*'}`;
  if (amr.length === 0 || amr.some((v) => globToRegExp(v).test('unauthenticated')))
    return [{ principal: { kind: 'public', id: `${id}#unauthenticated`, name: `unauthenticated identities of ${pool}` }, undecided: [] }];
  const signIn = { key: `${COGNITO}:amr`, operator: 'who can sign in is set by the identity pool', values: amr };
  return [{ principal: { kind: 'any-authenticated', id: `${id}#authenticated`, name: `authenticated identities of ${pool}` }, undecided: [signIn] }];
}

/** Web identity providers named by host (accounts.google.com, graph.facebook.com, www.amazon.com): one user per pinned `sub`, any of their users otherwise. */
function webIdentityPrincipals(host: string, conds: readonly AccessCondition[]): Found[] {
  if (host === COGNITO) return cognitoPrincipals(conds);
  const subjects = admittedSubjects(conds, host);
  if (subjects.length === 0) return [{ principal: { kind: 'any-authenticated', id: `${host}#*`, name: `any user of ${host}` }, undecided: [] }];
  return subjects.map((sub) => ({ principal: { kind: 'user', id: `${host}#${sub}`, name: `${host} ${sub}` }, undecided: [] }));
}

/** Federated identities admitted by one trust statement of `role`: none is dropped. */
function federatedPrincipals(s: Stmt, role: IamPrincipal): Admitted[] {
  return (s.principals?.federated ?? []).flatMap((provider) => {
    const oidc = OIDC_PROVIDER.exec(provider);
    const saml = SAML_PROVIDER.exec(provider);
    const admitted = oidc
      ? oidcPrincipals(provider, oidc[1] as string, s.conditions)
      : saml
        ? samlPrincipals(provider, saml[1] as string, saml[2] as string, s.conditions, role)
        : webIdentityPrincipals(provider, s.conditions);
    return admitted.map((a) => ({ ...a, provider }));
  });
}

/** What the condition evaluator knows of `p` calling sts:AssumeRole on `role` (the role is the resource). */
const assumeFacts = (p: IamPrincipal, role: IamPrincipal, now: number | undefined): Facts => ({
  principal: principalFacts(p),
  key: { arn: role.arn, account: role.account, region: 'us-east-1' },
  ...(now !== undefined ? { now } : {}),
});

/** The statements of one effect that apply to `f`'s principal calling sts:AssumeRole on `role`, any of them. */
const onAssume = (stmts: readonly Stmt[], effect: 'Allow' | 'Deny', role: IamPrincipal, f: Facts): Outcome =>
  anyOf(
    stmts
      .filter((s) => s.effect === effect && s.matchesAction('sts:AssumeRole') && resourceHit(s, role.arn))
      .map((s) => evalConditions(s.conditions, f, effect)),
  );

/** Whether an IAM principal's identity policies let it call sts:AssumeRole on `role` (denies and boundary applied). */
function mayAssume(p: IamPrincipal, role: IamPrincipal, now: number | undefined): Outcome {
  const f = assumeFacts(p, role, now);
  const steps = [onAssume(p.statements, 'Allow', role, f), notDenied(onAssume(p.statements, 'Deny', role, f))];
  if (p.boundary) steps.push(onAssume(p.boundary, 'Allow', role, f), notDenied(onAssume(p.boundary, 'Deny', role, f)));
  return allOf(steps);
}

/**
 * The organization's SCPs on `p` calling sts:AssumeRole on `role`: every level must allow it and none
 * deny it (an SCP that denies sts:AssumeRole to a debug OU's principals cuts the chain). Those
 * `orgGuards` applies to `p`; YES when none.
 */
function scpAllowsAssume(p: IamPrincipal, role: IamPrincipal, org: OrgPolicies | undefined, now: number | undefined): Outcome {
  const scp = orgGuards(p, undefined, org).levels;
  if (!scp?.length) return YES;
  const f = assumeFacts(p, role, now);
  return allOf([...scp.map((level) => onAssume(level, 'Allow', role, f)), notDenied(anyOf(scp.map((level) => onAssume(level, 'Deny', role, f))))]);
}

function resourceHit(s: Stmt, arn: string): boolean {
  if (!s.resources) return true;
  const hit = s.resources.patterns.some((p) => p === '*' || globToRegExp(p).test(arn));
  return s.resources.not ? !hit : hit;
}

interface Hop {
  principal: Principal;
  /** A federated identity's provider. */
  provider?: string;
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
function delegatedAssumers(role: IamPrincipal, iam: AccountIam, s: Stmt, org: OrgPolicies | undefined): Hop[] {
  const hops: Hop[] = [];
  for (const p of assumingPrincipals(iam)) {
    if (p === role) continue;
    const may = allOf([mayAssume(p, role, iam.readAt), trustAdmits(s, role, p, iam.readAt), scpAllowsAssume(p, role, org, iam.readAt)]);
    if (may.v !== 'no') hops.push({ principal: principalOf(p), iam: p, through: s.origin, undecided: may.undecided });
  }
  return hops;
}

/**
 * The trust policy's own say on one IAM principal it lets in through statement `s`: that statement's
 * conditions (aws:PrincipalArn, aws:PrincipalTag… decided; sts:ExternalId, MFA assumed) and the trust's
 * Deny statements naming the principal (IAM User Guide, "Role trust policies"; the evaluation logic).
 */
function trustAdmits(s: Stmt, role: IamPrincipal, p: IamPrincipal, now: number | undefined): Outcome {
  const f = assumeFacts(p, role, now);
  const denies = (role.trust ?? []).filter((d) => d.effect === 'Deny' && d.matchesAction('sts:AssumeRole') && namesPrincipal(d, p));
  return allOf([evalConditions(s.conditions, f, 'Allow'), notDenied(anyOf(denies.map((d) => evalConditions(d.conditions, f, 'Deny'))))]);
}

/** Everyone one trust policy lets assume `role`. */
function assumers(role: IamPrincipal, iam: AccountIam, org: OrgPolicies | undefined): Hop[] {
  const hops: Hop[] = [];
  for (const s of role.trust ?? []) {
    if (s.effect !== 'Allow' || !ASSUME.some((a) => s.matchesAction(a))) continue;
    for (const a of federatedPrincipals(s, role)) hops.push({ principal: a.principal, through: s.origin, undecided: a.undecided, provider: a.provider });
    for (const v of s.principals?.aws ?? []) {
      if (isDeletedPrincipalId(v)) continue;
      const account = ACCOUNT_ROOT.exec(v)?.[1] ?? (/^\d{12}$/.test(v) ? v : undefined);
      if (account === iam.account) {
        hops.push(...delegatedAssumers(role, iam, s, org));
        continue;
      }
      const known = iam.byArn.get(v);
      const admits = known ? allOf([trustAdmits(s, role, known, iam.readAt), scpAllowsAssume(known, role, org, iam.readAt)]) : undefined;
      if (admits?.v === 'no') continue;
      hops.push(
        known
          ? { principal: principalOf(known), iam: known, through: s.origin, undecided: admits?.undecided ?? [] }
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
export function chainAccess(target: IamPrincipal, entry: AccessEntry, iam: AccountIam, maxDepth: number, org?: OrgPolicies): AccessEntry[] {
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
    reach = walk(target, iam, maxDepth, org);
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

function walk(target: IamPrincipal, iam: AccountIam, maxDepth: number, org: OrgPolicies | undefined): Reach[] {
  const out: Reach[] = [];
  const seen = new Set<string>([target.arn]);
  let frontier: { role: IamPrincipal; via: string[]; undecided: AccessCondition[] }[] = [{ role: target, via: [target.arn], undecided: [] }];
  // One hop past the limit is still listed, undecided: a longer chain is never silently dropped.
  for (let depth = 1; depth <= maxDepth + 1 && frontier.length; depth++) {
    const next: typeof frontier = [];
    for (const { role, via, undecided } of frontier) {
      for (const hop of assumers(role, iam, org)) {
        if (seen.has(hop.principal.id)) continue;
        seen.add(hop.principal.id);
        const beyond = depth > maxDepth ? [{ key: 'role chain', operator: `longer than maxChainDepth ${maxDepth}`, values: via }] : [];
        const conds = [...undecided, ...hop.undecided, ...beyond];
        const path = hop.provider ? [hop.provider, ...via] : via;
        out.push({ principal: hop.principal, source: 'iam-policy', sourceId: hop.through, via: path, ...(conds.length ? { undecided: conds } : {}) });
        if (hop.iam?.kind === 'role' && depth <= maxDepth) next.push({ role: hop.iam, via: [hop.iam.arn, ...via], undecided: conds });
      }
    }
    frontier = next;
  }
  return out;
}
