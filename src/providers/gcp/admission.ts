// What a workload identity federation member admits: a `principal://…/subject/S` or
// `principalSet://…/attribute.A/V | group/G | *` member of a pool, through each active provider of the
// pool (its attributeMapping and attributeCondition). Pure.
//
// The member's selection and the provider's condition are ANDed and put in disjunctive normal form
// over atoms the evaluator reads: `claim == 'v'`, `claim in ['a', 'b']`, `'v' in claim` (lists),
// `claim.startsWith('p')`, after replacing `attribute.X` / `google.X` by their mapping when it is one
// claim (`assertion.repository`). Every other atom is opaque. Each term is one admitted set of tokens:
// for CI issuers (GitHub Actions, GitLab, Terraform Cloud) it becomes the `sub` pattern it admits
// (classified by the policy's `ci:` block like an AWS OIDC trust), undecided when an opaque atom or a
// pin on a claim the pattern cannot express narrows it; for Confidential Space it becomes the
// attestation pins the enclave rule judges. References: Google Cloud IAM "Workload identity
// federation" (attribute mappings and conditions), GitHub "About security hardening with OpenID
// Connect" (claims), Confidential Space "Attestation assertions".
import {
  type AccessCondition,
  type AccessEntry,
  CONFIDENTIAL_SPACE_ISSUER,
  federationIssuer,
  type Principal,
  WIF_ISSUER_KEY,
} from '../../model/access-entry.ts';
import { type CelNode, literalOf, parseCel, pathOf, pathsIn, sourceOf } from './cel.ts';

export interface RawWifPool {
  name: string;
  state?: string;
  disabled?: boolean;
}

export interface RawWifProvider {
  name: string;
  state?: string;
  disabled?: boolean;
  /** OIDC issuer; absent for AWS and SAML providers. */
  issuerUri?: string;
  allowedAudiences?: string[];
  attributeMapping: Record<string, string>;
  attributeCondition?: string;
  protocol: 'oidc' | 'aws' | 'saml' | 'other';
}

export type Selection =
  | { kind: 'subject'; value: string }
  | { kind: 'attribute'; name: string; value: string }
  | { kind: 'group'; value: string }
  | { kind: 'all' };

export interface WifMember {
  member: string;
  /** projects/NUM/locations/global/workloadIdentityPools/POOL */
  pool: string;
  /** The project (number) that holds the pool. */
  project: string;
  select: Selection;
}

const MEMBER = /^(principal|principalSet):\/\/iam\.googleapis\.com\/(projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+))\/(.+)$/;

/**
 * A Kubernetes identity of Workload Identity Federation for GKE: a member of the project's fleet pool
 * PROJECT_ID.svc.id.goog (`principal://…/PROJECT_ID.svc.id.goog/subject/ns/NS/sa/KSA`,
 * `principalSet://…/PROJECT_ID.svc.id.goog/namespace/NS`, …) or the older
 * `serviceAccount:PROJECT_ID.svc.id.goog[NS/KSA]`. Google manages that pool: workloadIdentityPools.list
 * never returns it and it has no providers to read, so the member is kept as it is written.
 */
export const isGkeMember = (member: string): boolean =>
  /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+\.svc\.id\.goog\//.test(member) ||
  /^serviceAccount:[^@[\]]+\.svc\.id\.goog\[[^\]]+\]$/.test(member);

/** A workload identity pool member (IAM principal identifier), or undefined (workforce pools, GKE identities, other members). */
export function parseWifMember(member: string): WifMember | undefined {
  const m = MEMBER.exec(member);
  if (!m || isGkeMember(member)) return undefined;
  const [, type, pool = '', project = '', , rest = ''] = m;
  const base = { member, pool, project };
  if (type === 'principal') return rest.startsWith('subject/') ? { ...base, select: { kind: 'subject', value: rest.slice('subject/'.length) } } : undefined;
  if (rest === '*') return { ...base, select: { kind: 'all' } };
  if (rest.startsWith('group/')) return { ...base, select: { kind: 'group', value: rest.slice('group/'.length) } };
  const attr = /^attribute\.([A-Za-z0-9_]+)\/(.+)$/.exec(rest);
  return attr ? { ...base, select: { kind: 'attribute', name: attr[1] as string, value: attr[2] as string } } : undefined;
}

// ---- atoms and terms ----------------------------------------------------------------------------

type Atom =
  | { k: 'eq'; path: string; value: string }
  | { k: 'glob'; path: string; pattern: string }
  | { k: 'has'; path: string; value: string }
  | { k: 'opaque'; text: string; paths: string[] };
type Term = Atom[];

const MAX_TERMS = 64;

/** A path of the condition as a claim path (`assertion.…`), or the reason it is not one. */
function resolve(parts: string[], mapping: Record<string, string>): { path: string } | { opaque: string[] } {
  if (parts[0] === 'assertion') return { path: parts.join('.') };
  if (parts[0] !== 'attribute' && parts[0] !== 'google') return { opaque: [parts.join('.')] };
  const key = parts.slice(0, 2).join('.');
  const expr = mapping[key];
  const ast = expr ? parseCel(expr) : undefined;
  const mapped = ast ? pathOf(ast) : undefined;
  if (mapped?.[0] !== 'assertion') return { opaque: ast ? pathsIn(ast) : [key] };
  return { path: [...mapped, ...parts.slice(2)].join('.') };
}

const opaque = (n: CelNode, mapping: Record<string, string>): Term[] => {
  const paths = pathsIn(n).flatMap((p) => {
    const r = resolve(p.split('.'), mapping);
    return 'path' in r ? [r.path] : r.opaque;
  });
  return [[{ k: 'opaque', text: sourceOf(n), paths }]];
};

function product(a: Term[], b: Term[]): Term[] | undefined {
  if (a.length * b.length > MAX_TERMS) return undefined;
  return a.flatMap((x) => b.map((y) => [...x, ...y]));
}

/** `claim == 'v'` (either side), `claim in [...]`, `'v' in claim`, `claim.startsWith('p')`; undefined otherwise. */
function atomsOf(n: CelNode, mapping: Record<string, string>): Term[] | undefined {
  const claim = (x: CelNode) => {
    const p = pathOf(x);
    const r = p ? resolve(p, mapping) : undefined;
    return r && 'path' in r ? r.path : undefined;
  };
  const lit = (x: CelNode) => {
    const v = literalOf(x);
    return v === undefined ? undefined : String(v);
  };
  if (n.op === '==') {
    const [l, r] = n.args;
    const [path, value] = claim(l) !== undefined ? [claim(l), lit(r)] : [claim(r), lit(l)];
    return path !== undefined && value !== undefined ? [[{ k: 'eq', path, value }]] : undefined;
  }
  if (n.op === 'in') {
    const [l, r] = n.args;
    const path = claim(r);
    const v = lit(l);
    if (path !== undefined && v !== undefined) return [[{ k: 'has', path, value: v }]];
    const lpath = claim(l);
    const values = r.op === 'list' ? r.args.map(lit) : undefined;
    if (lpath === undefined || !values || values.some((x) => x === undefined)) return undefined;
    return (values as string[]).map((value) => [{ k: 'eq', path: lpath, value }]);
  }
  if (n.op === 'rcall' && n.args[0] === 'startsWith' && n.args[2].length === 1) {
    const path = claim(n.args[1]);
    const prefix = lit(n.args[2][0] as CelNode);
    return path !== undefined && prefix !== undefined ? [[{ k: 'glob', path, pattern: `${prefix}*` }]] : undefined;
  }
  return undefined;
}

/** The expression in disjunctive normal form (terms ORed, atoms ANDed); [] = never true, [[]] = always. */
export function dnf(n: CelNode, mapping: Record<string, string>): Term[] {
  if (n.op === '&&') return product(dnf(n.args[0], mapping), dnf(n.args[1], mapping)) ?? opaque(n, mapping);
  if (n.op === '||') {
    const out = [...dnf(n.args[0], mapping), ...dnf(n.args[1], mapping)];
    return out.length > MAX_TERMS ? opaque(n, mapping) : out;
  }
  const v = literalOf(n);
  if (v === true) return [[]];
  if (v === false) return [];
  return atomsOf(n, mapping) ?? opaque(n, mapping);
}

function selectionAtoms(s: Selection, mapping: Record<string, string>): Term {
  if (s.kind === 'all') return [];
  const [parts, atom] =
    s.kind === 'subject'
      ? [['google', 'subject'], (path: string): Atom => ({ k: 'eq', path, value: s.value })]
      : s.kind === 'attribute'
        ? [['attribute', s.name], (path: string): Atom => ({ k: 'eq', path, value: s.value })]
        : [['google', 'groups'], (path: string): Atom => ({ k: 'has', path, value: s.value })];
  const r = resolve(parts, mapping);
  if ('path' in r) return [atom(r.path)];
  const what = s.kind === 'group' ? `'${s.value}' in google.groups` : `${parts.join('.')} == '${s.value}'`;
  return [{ k: 'opaque', text: `${what} (mapped from ${mapping[parts.join('.')] ?? 'nothing'})`, paths: r.opaque }];
}

/** The terms a member admits through one provider; undefined when the condition is not valid CEL. */
export function admittedTerms(member: WifMember, provider: RawWifProvider): Term[] | undefined {
  const sel = selectionAtoms(member.select, provider.attributeMapping);
  const cond = provider.attributeCondition?.trim();
  const ast = cond ? parseCel(cond) : undefined;
  if (cond && !ast) return undefined;
  const terms = ast ? dnf(ast, provider.attributeMapping) : [[]];
  return terms.map((t) => [...sel, ...t]).filter(satisfiable);
}

/** A term that pins one claim to two different values admits nothing. */
function satisfiable(t: Term): boolean {
  const eq = new Map<string, string>();
  for (const a of t) {
    if (a.k !== 'eq') continue;
    const v = eq.get(a.path);
    if (v !== undefined && v !== a.value) return false;
    eq.set(a.path, a.value);
  }
  return true;
}

// ---- CI issuers: the `sub` pattern a term admits --------------------------------------------------

interface CiShape {
  /** Claims the pattern expresses. */
  modeled: readonly string[];
  /** Claims that narrow who (an owner id, an actor) but never which runs kind: PRs stay PRs. */
  neutral: readonly string[];
  sub(pin: (claim: string) => string | undefined): string;
}

const CI_SHAPES: Record<'github' | 'gitlab' | 'terraform-cloud', CiShape> = {
  github: {
    modeled: ['sub', 'repository', 'repository_owner', 'environment', 'ref', 'ref_type'],
    neutral: ['repository_id', 'repository_owner_id', 'actor', 'actor_id', 'aud', 'repository_visibility', 'runner_environment', 'iss'],
    sub: (pin) => {
      const owner = pin('repository_owner');
      const repo = pin('repository') ?? (owner ? `${owner}/*` : '*');
      const env = pin('environment');
      if (env !== undefined) return `repo:${repo}:environment:${env}`;
      const ref = pin('ref') ?? { branch: 'refs/heads/*', tag: 'refs/tags/*' }[pin('ref_type') ?? ''];
      return ref !== undefined ? `repo:${repo}:ref:${ref}` : `repo:${repo}:*`;
    },
  },
  gitlab: {
    modeled: ['sub', 'project_path', 'namespace_path', 'ref', 'ref_type'],
    neutral: ['project_id', 'namespace_id', 'user_id', 'user_login', 'aud', 'iss'],
    sub: (pin) => {
      const ns = pin('namespace_path');
      const project = pin('project_path') ?? (ns ? `${ns}/*` : '*');
      const type = pin('ref_type');
      const ref = pin('ref');
      return type !== undefined && ref !== undefined ? `project_path:${project}:ref_type:${type}:ref:${ref}` : `project_path:${project}:*`;
    },
  },
  'terraform-cloud': {
    modeled: ['sub', 'terraform_organization_name', 'terraform_project_name', 'terraform_workspace_name', 'terraform_run_phase'],
    neutral: ['terraform_organization_id', 'terraform_project_id', 'terraform_workspace_id', 'aud', 'iss'],
    sub: (pin) =>
      `organization:${pin('terraform_organization_name') ?? '*'}:project:${pin('terraform_project_name') ?? '*'}:workspace:${pin('terraform_workspace_name') ?? '*'}:run_phase:${pin('terraform_run_phase') ?? '*'}`,
  },
};

export interface CiAdmission {
  sub: string;
  /** Atoms that narrow the admitted runs in a way the pattern cannot say (the access may be narrower). */
  narrowing: string[];
}

const atomText = (a: Atom): string =>
  a.k === 'eq'
    ? `${a.path} == '${a.value}'`
    : a.k === 'glob'
      ? `${a.path}.startsWith('${a.pattern.slice(0, -1)}')`
      : a.k === 'has'
        ? `'${a.value}' in ${a.path}`
        : a.text;

/** The `sub` pattern one term admits for a CI issuer, and what narrows it beyond the pattern. */
export function ciAdmission(issuer: keyof typeof CI_SHAPES, term: Term): CiAdmission {
  const shape = CI_SHAPES[issuer];
  const pins = new Map<string, string>();
  const narrowing: string[] = [];
  for (const a of term) {
    const claim = a.k !== 'opaque' && a.path.startsWith('assertion.') ? a.path.slice('assertion.'.length) : undefined;
    if (claim && shape.neutral.includes(claim) && a.k !== 'opaque') continue;
    if (claim && shape.modeled.includes(claim) && (a.k === 'eq' || a.k === 'glob')) {
      pins.set(claim, a.k === 'eq' ? a.value : a.pattern);
      continue;
    }
    narrowing.push(atomText(a));
  }
  const exactSub = pins.get('sub');
  return { sub: exactSub ?? shape.sub((c) => pins.get(c)), narrowing };
}

/** Which CI system an issuer is, or undefined for others. */
export function ciIssuer(issuerUri: string | undefined): keyof typeof CI_SHAPES | undefined {
  if (!issuerUri) return undefined;
  const i = federationIssuer(issuerUri);
  return i === 'other' ? undefined : i;
}

// ---- Confidential Space: the attestation pins a term carries --------------------------------------

export const isConfidentialSpace = (issuerUri: string | undefined): boolean =>
  !!issuerUri && issuerUri.replace(/\/+$/, '') === CONFIDENTIAL_SPACE_ISSUER.replace(/\/+$/, '');

/** The claims the enclave rule judges, with the atoms of a term about them (decided pins and opaque). */
export function attestationConditions(term: Term): { conditions: AccessCondition[]; undecided: AccessCondition[] } {
  const conditions: AccessCondition[] = [];
  const undecided: AccessCondition[] = [];
  const OPERATOR = { eq: 'StringEquals', has: 'ForAnyValue:StringEquals', glob: 'StringLike' } as const;
  for (const a of term) {
    if (a.k !== 'opaque') {
      conditions.push({ key: a.path, operator: OPERATOR[a.k], values: [a.k === 'glob' ? a.pattern : a.value] });
      continue;
    }
    const claims = new Set(a.paths.filter((x) => x.startsWith('assertion.')));
    undecided.push(...[...claims].map((key) => ({ key, operator: 'CEL', values: [a.text] })));
  }
  return { conditions, undecided };
}

/** The principal a CI term stands for. */
export function ciPrincipal(member: WifMember, provider: RawWifProvider, issuer: keyof typeof CI_SHAPES, sub: string): Principal {
  const host = (provider.issuerUri ?? '').replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  return {
    kind: 'user',
    // A subject member that admits exactly its own subject is named by the member alone.
    id: member.select.kind === 'subject' && member.select.value === sub ? member.member : `${member.member}#${sub}`,
    name: `${host} ${sub}`,
    account: member.project,
    federation: { provider: provider.name, issuer, subjects: [sub] },
  };
}

// ---- access entries -------------------------------------------------------------------------------

const CONDITION_KEY = 'iam.googleapis.com/workloadIdentityPoolProvider.attributeCondition';

export const active = (x: { state?: string; disabled?: boolean }): boolean => !x.disabled && (!x.state || x.state === 'ACTIVE');
const lastSegment = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** The entry's conditions and undecided list, with the provider's issuer, its CEL and what this term adds. */
function withConditions(base: AccessEntry, provider: RawWifProvider, extra: AccessCondition[], undecided: AccessCondition[]): Partial<AccessEntry> {
  const conditions = [
    ...(base.conditions ?? []),
    { key: WIF_ISSUER_KEY, operator: 'StringEquals', values: [provider.issuerUri ?? provider.protocol] },
    ...(provider.attributeCondition ? [{ key: CONDITION_KEY, operator: 'CEL', values: [provider.attributeCondition] }] : []),
    ...extra,
  ];
  const open = [...(base.undecided ?? []), ...undecided];
  return { conditions, ...(open.length ? { undecided: open } : {}) };
}

/** Entries for one term of a provider: who it admits, under which conditions, what stays undecided. */
function termEntry(base: AccessEntry, member: WifMember, provider: RawWifProvider, term: Term, suffix: string): AccessEntry {
  const ci = ciIssuer(provider.issuerUri);
  const pool = lastSegment(member.pool);
  if (ci) {
    const a = ciAdmission(ci, term);
    const narrowing = a.narrowing.length ? [{ key: CONDITION_KEY, operator: 'CEL', values: a.narrowing }] : [];
    return { ...base, principal: ciPrincipal(member, provider, ci, a.sub), ...withConditions(base, provider, [], narrowing) };
  }
  const id = `${member.member}#${lastSegment(provider.name)}${suffix}`;
  if (isConfidentialSpace(provider.issuerUri)) {
    const att = attestationConditions(term);
    const principal: Principal = {
      kind: 'service-principal',
      id,
      name: `Confidential Space workloads of pool ${pool} (provider ${lastSegment(provider.name)})`,
      account: member.project,
    };
    return { ...base, principal, ...withConditions(base, provider, att.conditions, att.undecided) };
  }
  // Another OIDC issuer (any subject it admits is a CI identity of unknown kind), AWS or SAML.
  const sub = term.find((a): a is Extract<Atom, { k: 'eq' }> => a.k === 'eq' && a.path === 'assertion.sub')?.value;
  const rest = term.filter((a) => !(a.k === 'eq' && a.path === 'assertion.sub')).map(atomText);
  const federation =
    provider.protocol === 'oidc' && provider.issuerUri ? { provider: provider.name, issuer: 'other' as const, subjects: sub ? [sub] : [] } : undefined;
  const principal: Principal = {
    kind: 'user',
    id,
    name: `${provider.issuerUri ?? provider.protocol} identities of pool ${pool}`,
    account: member.project,
    ...(federation ? { federation } : {}),
  };
  const narrowing = federation && rest.length ? [{ key: CONDITION_KEY, operator: 'CEL', values: rest }] : [];
  return { ...base, principal, ...withConditions(base, provider, [], narrowing) };
}

/**
 * The access entries a pool member's `base` entry stands for: one per provider of the pool and term of
 * its condition. A disabled or deleted pool or provider admits nothing; a condition that is not valid
 * CEL leaves one undecided entry with the expression.
 */
export function federatedEntries(
  base: AccessEntry,
  member: WifMember,
  pool: RawWifPool | undefined,
  providers: readonly RawWifProvider[],
  via: readonly string[],
): AccessEntry[] {
  if (!pool || !active(pool)) return [];
  const out: AccessEntry[] = [];
  for (const p of providers.filter(active)) {
    const terms = admittedTerms(member, p);
    const withVia = { ...base, via: [p.name, ...via] };
    if (!terms) {
      const bad = [{ key: CONDITION_KEY, operator: 'CEL', values: [p.attributeCondition ?? ''] }];
      out.push({ ...withVia, principal: { ...base.principal, id: `${member.member}#${lastSegment(p.name)}` }, ...withConditions(base, p, [], bad) });
      continue;
    }
    terms.forEach((t, i) => {
      out.push(termEntry(withVia, member, p, t, terms.length > 1 ? `#${i + 1}` : ''));
    });
  }
  return out;
}
