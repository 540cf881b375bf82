// The organization's guardrails on what a key policy statement or a grant allows: the SCPs of the
// principal's account (a member of the audited organization) and the RCPs of the key's account limit
// those as they limit what IAM allows (IAM User Guide, policy evaluation logic: an explicit deny in an
// SCP or RCP wins, and every SCP level must allow). An SCP that denies kms:Sign to a debug OU means its
// roles cannot sign, whatever the key policy or a grant says. Three-valued like the rest: a condition on
// a fact not read (the tags of a principal in another account) leaves the capability undecided. Pure.
import type { AccessEntry, Capability } from '../../../model/access-entry.ts';
import { actionsOfEntry, KMS_ACTIONS, perimeterOf } from '../normalize.ts';
import { allOf, anyOf, type Facts, NO, notDenied, type Outcome } from './conditions.ts';
import type { Stmt } from './document.ts';
import {
  applies,
  inOrganization,
  type KeyFacts,
  matching,
  principalOf as modelPrincipal,
  namesPrincipal,
  type OrgGuards,
  type OrgPolicies,
  orgGuards,
  resourceMatches,
  resourceOrgOf,
  uniqueConds,
} from './evaluate.ts';
import { type AccountIam, type IamPrincipal, principalFacts } from './iam-details.ts';

export interface GuardInputs {
  key: KeyFacts;
  /** The organization's policies; `{}` when they were not read (no SCP or RCP applies). */
  org: OrgPolicies;
  /** The IAM of the accounts whose roles and users a statement or grant names, when read: their tags, path and denies. */
  iams: ReadonlyMap<string, AccountIam>;
  /** Every account of the organization, when the audit listed them (`accounts: organization`). */
  members?: ReadonlySet<string>;
  /** The time requests are taken to be made (aws:CurrentTime). */
  now?: number;
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//;

/** The principal an entry names: what the audit knows of it, and its IAM record when read; undefined for principals guardrails do not evaluate. */
function resolvePrincipal(e: AccessEntry, x: GuardInputs): { facts: Facts['principal']; known?: IamPrincipal } | undefined {
  const p = e.principal;
  if (!p.account) return undefined;
  if (p.kind === 'account') return { facts: { arn: p.id, account: p.account, kind: 'role', name: '', anyone: true } };
  if (p.kind !== 'role' && p.kind !== 'user') return undefined;
  const session = ASSUMED_ROLE.exec(p.id);
  const iam = x.iams.get(p.account);
  const known = session ? iam?.principals.find((r) => r.kind === 'role' && r.name === session[3]) : iam?.byArn.get(p.id);
  if (known) return { facts: principalFacts(known), known };
  // A session of a role not read: its role ARN (the path) is unknown.
  return { facts: { arn: p.id, account: p.account, kind: p.kind, name: p.name ?? '', ...(session ? { anyone: true } : {}) } };
}

interface Guards extends OrgGuards {
  /** The principal's own identity policies and permission boundary: their explicit denies win over a key policy or grant. */
  own: readonly Stmt[];
}

/** One action under the guardrails: every SCP level allows it, and no SCP, RCP or identity policy denies it. */
function guardAction(action: string, g: Guards, f: Facts, cache: Map<Stmt, Outcome>): Outcome {
  const on = (stmts: readonly Stmt[]) => anyOf(stmts.map((s) => applies(s, f, cache)));
  const steps = (g.levels ?? []).map((level) => on(matching(level, 'Allow', action)));
  const denies = [
    ...(g.levels ?? []).flatMap((level) => matching(level, 'Deny', action)),
    ...matching(g.rcps, 'Deny', action).filter((s) => namesPrincipal(s, f.principal)),
    ...matching(g.own, 'Deny', action),
  ];
  steps.push(notDenied(on(denies)));
  return allOf(steps);
}

/** The entry split by what the guardrails leave: decided capabilities, undecided ones; [] when nothing is left. */
function guardEntry(e: AccessEntry, actions: ReadonlySet<string>, principal: Facts['principal'], x: GuardInputs, known?: IamPrincipal): AccessEntry[] {
  const g: Guards = {
    ...orgGuards(known ?? principal, x.key, x.org),
    own: known ? [...known.statements, ...(known.boundary ?? [])].filter((s) => s.effect === 'Deny') : [],
  };
  if (!g.levels?.length && g.rcps.length === 0 && g.own.length === 0) return [e];
  const resourceOrg = resourceOrgOf(x.key.account, x.org);
  const f: Facts = {
    principal,
    key: x.key,
    ...orgFacts(principal.account, x),
    ...(resourceOrg ? { resourceOrg } : {}),
    ...(x.now !== undefined ? { now: x.now } : {}),
  };
  const cache = new Map<Stmt, Outcome>();
  const caps = new Map<Capability, Outcome>();
  for (const action of actions) {
    const cap = KMS_ACTIONS[action] as Capability;
    caps.set(cap, anyOf([caps.get(cap) ?? NO, guardAction(`kms:${action}`, g, f, cache)]));
  }
  const decided = [...caps].filter(([, o]) => o.v === 'yes');
  const open = [...caps].filter(([, o]) => o.v === 'maybe');
  const assumed = uniqueConds([...(e.assumed ?? []), ...[...caps.values()].flatMap((o) => (o.v === 'no' ? [] : o.assumed))]);
  const base = { ...e, ...(assumed.length ? { assumed } : {}) };
  const out: AccessEntry[] = [];
  if (decided.length) out.push({ ...base, capabilities: decided.map(([c]) => c).sort() });
  if (open.length)
    out.push({ ...base, capabilities: open.map(([c]) => c).sort(), undecided: uniqueConds([...(e.undecided ?? []), ...open.flatMap(([, o]) => o.undecided)]) });
  return out;
}

/**
 * aws:PrincipalOrgID and aws:PrincipalOrgPaths of a principal in an account of the organization; for
 * one outside it (not among the organization's accounts, when those were listed), that it is outside.
 */
function orgFacts(account: string, x: GuardInputs): Pick<Facts, 'orgId' | 'orgPath' | 'outsideOrg'> {
  const member = inOrganization(account, x.org, x.members);
  const path = x.org.paths?.get(account);
  if (member && x.org.orgId) return { orgId: x.org.orgId, ...(path ? { orgPath: path } : {}) };
  return x.members && x.org.orgId && !member ? { outsideOrg: x.org.orgId } : {};
}

/**
 * Whether an RCP statement's Resource is this key, decided: a statement for other keys (another region,
 * another key id) neither takes actions away nor confines, nor does one whose Resource has a policy
 * variable (the caller, anyone, is not known) or is otherwise undecided.
 */
function coversKey(s: Stmt, key: GuardInputs['key']): boolean {
  if (s.resources?.patterns.some((p) => p.includes('${'))) return false;
  return resourceMatches(s, { principal: { arn: '', account: '', kind: 'role', name: '', anyone: true }, key }) === true;
}

/**
 * A wildcard principal under the key account's RCPs: an unconditional RCP deny takes its actions away,
 * and RCP denies that together form a perimeter ("deny unless in our organization", as AWS's RCP
 * examples write it) over every action left confine it, as the same statement in the key policy would.
 */
function guardWildcard(e: AccessEntry, x: GuardInputs): AccessEntry[] {
  const denies = orgGuards({ arn: '*', account: '' }, x.key, x.org).rcps.filter((s) => s.effect === 'Deny' && coversKey(s, x.key));
  if (denies.length === 0) return [e];
  const left = [...actionsOfEntry(e)].filter((a) => !denies.some((s) => s.conditions.length === 0 && s.matchesAction(`kms:${a}`)));
  if (left.length === 0) return [];
  const caps = [...new Set(left.map((a) => KMS_ACTIONS[a] as Capability))].sort();
  const out: AccessEntry = { ...e, capabilities: caps };
  if (e.confined) return [out];
  const perimeters = denies.map((s) => ({ s, who: s.conditions.length ? perimeterOf(s.conditions) : undefined })).filter((p) => p.who);
  const covering = perimeters.filter((p) => left.some((a) => p.s.matchesAction(`kms:${a}`)));
  if (!left.every((a) => covering.some((p) => p.s.matchesAction(`kms:${a}`)))) return [out];
  return [{ ...out, confined: true, conditions: [...(e.conditions ?? []), ...covering.flatMap((p) => p.who ?? [])] }];
}

/**
 * The key policy's and grants' entries under the organization's SCPs and RCPs and the explicit denies of
 * the named principal's own identity policies and boundary (an explicit deny anywhere wins), the roles
 * and users read carrying their tags and path; other entries as they are.
 */
export function guardEntries(entries: readonly AccessEntry[], x: GuardInputs): AccessEntry[] {
  return entries.flatMap((e) => {
    if (e.source !== 'key-policy' && e.source !== 'grant') return [e];
    if (e.principal.id === '*') return guardWildcard(e, x);
    const principal = resolvePrincipal(e, x);
    if (!principal) return [e];
    // A role or user the audit read carries its tags and path, as its IAM entries do: environment and
    // trust-domain matchers on tags or paths classify it (a debug-tagged role named in a key policy was
    // classified by its account alone).
    const named =
      principal.known && !e.principal.tags && !e.principal.path ? { ...e, principal: { ...modelPrincipal(principal.known), id: e.principal.id } } : e;
    // The actions are the original entry's (kept beside it, not in it): a copy would fall back to every action of its capabilities.
    return guardEntry(named, actionsOfEntry(e), principal.facts, x, principal.known);
  });
}
