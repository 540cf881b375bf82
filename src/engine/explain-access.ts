// `keyhygiene explain-access KEY`: every principal that can use one key, through which statement,
// role chain or federation, under which conditions, and how the policy classifies it. Pure: a
// function of the inventory (live or from a snapshot) and the policy; the command only prints it.
import { UserError } from '../errors.ts';
import { type AccessCondition, type AccessEntry, CAPABILITIES, type Capability, type Principal } from '../model/access-entry.ts';
import type { Inventory } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import { plural } from '../util/plural.ts';
import { createClassifier } from './classify.ts';
import { ciVerdict } from './classify-ci.ts';
import { gapCovers } from './evaluate.ts';

/** Capabilities that use the key (or hand its use on); `administer` and `read` alone do not. */
const USE: ReadonlySet<Capability> = new Set(CAPABILITIES.filter((c) => c !== 'administer' && c !== 'read'));

export interface AccessPath {
  /** `can-use`: every condition decided or assumed; `may-use`: a condition left undecided; `manages`: administer/read only. */
  status: 'can-use' | 'may-use' | 'manages';
  principal: Pick<Principal, 'kind' | 'id' | 'name' | 'account' | 'tenant' | 'path'>;
  capabilities: Capability[];
  source: AccessEntry['source'];
  sourceId?: string;
  via?: string[];
  conditions?: AccessCondition[];
  assumed?: AccessCondition[];
  undecided?: AccessCondition[];
  classification: {
    environment?: string;
    environmentKind?: string;
    trustDomain?: string;
    /** `ambiguous` or `unclassified`: verdicts that depend on this principal are unknown. */
    outcome: 'decided' | 'ambiguous' | 'unclassified';
  };
  federation?: NonNullable<Principal['federation']> & { verdict: string; why: string };
}

export interface AccessExplanation {
  key: { id: string; name?: string; aliases?: string[]; provider: string; account?: string; region?: string; environment?: string; trustDomain?: string };
  /** False when no access list was collected for the key: nothing below is a claim. */
  collected: boolean;
  paths: AccessPath[];
  /** Collection gaps that hide part of this key's access: the list may be incomplete. */
  gaps: { id: string; operation: string; reason: string }[];
  totals: { canUse: number; mayUse: number; manages: number };
}

/** The key a name refers to: id (ARN, URI, resource name), name or alias; exactly one, else exit 2. */
export function findKey(inventory: Inventory, name: string): KeyRecord {
  const exact = inventory.keys.filter((k) => k.id === name);
  const hits = exact.length ? exact : inventory.keys.filter((k) => k.name === name || (k.aliases ?? []).includes(name));
  if (hits.length === 1 && hits[0]) return hits[0];
  if (hits.length > 1)
    throw new UserError({
      message: `"${name}" names ${hits.length} keys (${hits
        .slice(0, 5)
        .map((k) => k.id)
        .join(', ')}${hits.length > 5 ? ', …' : ''}).`,
      expected: 'one key: its id (ARN, key URI or resource name) is unique',
      hint: 'pass the full id of the one you mean',
    });
  const near = inventory.keys.filter((k) => [k.id, k.name, ...(k.aliases ?? [])].some((v) => v?.includes(name))).slice(0, 3);
  throw new UserError({
    message: `no key "${name}" in the inventory (${plural(inventory.keys.length, 'key')} read).`,
    expected: 'a key id (ARN, key URI or resource name), a key name or an alias such as alias/token-signing',
    hint: near.length
      ? `did you mean ${near.map((k) => `"${k.id}"`).join(' or ')}?`
      : '`keyhygiene inventory -o inventory.json` lists what the providers read; check the policy covers the key’s account and region',
  });
}

const condKey = (c: AccessCondition) => `${c.operator} ${c.key} ${c.values.join(',')}`;
const STATUS_ORDER = { 'can-use': 0, 'may-use': 1, manages: 2 } as const;

function pathOf(entry: AccessEntry, classify: ReturnType<typeof createClassifier>, policy: ResolvedPolicy): AccessPath {
  const p = entry.principal;
  const scope = classify.principal(p);
  const status = !entry.capabilities.some((c) => USE.has(c)) ? 'manages' : entry.undecided?.length ? 'may-use' : 'can-use';
  const environment = scope.environments.length === 1 ? scope.environments[0] : undefined;
  const outcome = scope.ambiguous ? 'ambiguous' : scope.environments.length === 0 ? 'unclassified' : 'decided';
  return {
    status,
    principal: {
      kind: p.kind,
      id: p.id,
      ...(p.name ? { name: p.name } : {}),
      ...(p.account ? { account: p.account } : {}),
      ...(p.tenant ? { tenant: p.tenant } : {}),
      ...(p.path ? { path: p.path } : {}),
    },
    capabilities: [...entry.capabilities].sort(),
    source: entry.source,
    ...(entry.sourceId ? { sourceId: entry.sourceId } : {}),
    ...(entry.via?.length ? { via: entry.via } : {}),
    ...(entry.conditions?.length ? { conditions: entry.conditions } : {}),
    ...(entry.assumed?.length ? { assumed: entry.assumed } : {}),
    ...(entry.undecided?.length ? { undecided: entry.undecided } : {}),
    classification: {
      ...(outcome === 'decided' && environment ? { environment, environmentKind: scope.environmentKinds[0] } : {}),
      ...(scope.trustDomains.length === 1 && !scope.ambiguous?.trustDomains ? { trustDomain: scope.trustDomains[0] } : {}),
      outcome,
    },
    ...(p.federation ? { federation: { ...p.federation, ...ciVerdict(p.federation, policy.ci) } } : {}),
  };
}

function comparePaths(a: AccessPath, b: AccessPath): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    a.principal.id.localeCompare(b.principal.id) ||
    (a.via ?? []).join('>').localeCompare((b.via ?? []).join('>')) ||
    a.source.localeCompare(b.source) ||
    (a.sourceId ?? '').localeCompare(b.sourceId ?? '')
  );
}

/** Every principal that can (or, with undecided conditions, may) use the key, classified and sorted. */
export function explainAccess(inventory: Inventory, policy: ResolvedPolicy, key: KeyRecord): AccessExplanation {
  const classify = createClassifier(policy, [key]);
  const scope = classify.key(key);
  const paths = (key.access ?? []).map((e) => pathOf(e, classify, policy)).sort(comparePaths);
  const gaps = inventory.gaps
    .filter((g) => (g.affects === undefined || g.affects.includes('access')) && gapCovers(g, key.provider, key, key.id))
    .map((g) => ({ id: g.id, operation: g.operation, reason: g.reason }));
  const count = (s: AccessPath['status']) => paths.filter((p) => p.status === s).length;
  return {
    key: {
      id: key.id,
      ...(key.name ? { name: key.name } : {}),
      ...(key.aliases?.length ? { aliases: key.aliases } : {}),
      provider: key.provider,
      ...(key.account ? { account: key.account } : {}),
      ...(key.region ? { region: key.region } : {}),
      ...(scope.environment ? { environment: scope.environment } : {}),
      ...(scope.trustDomain ? { trustDomain: scope.trustDomain } : {}),
    },
    collected: key.access !== undefined,
    paths,
    gaps,
    totals: { canUse: count('can-use'), mayUse: count('may-use'), manages: count('manages') },
  };
}

const LABEL = { 'can-use': 'CAN USE', 'may-use': 'MAY USE', manages: 'MANAGES' } as const;

function pathLines(p: AccessPath): string[] {
  const who = p.principal.name && p.principal.name !== p.principal.id ? `${p.principal.name} (${p.principal.id})` : p.principal.id;
  const c = p.classification;
  const where =
    c.outcome === 'decided'
      ? `environment ${c.environment}${c.environmentKind && c.environmentKind !== c.environment ? ` (${c.environmentKind})` : ''}`
      : c.outcome === 'ambiguous'
        ? 'environment AMBIGUOUS (dependent verdicts are unknown)'
        : 'environment (none: dependent verdicts follow `unclassified:`)';
  const lines = [
    `  ${LABEL[p.status]}  ${who.startsWith(p.principal.kind) ? '' : `${p.principal.kind} `}${who}: ${p.capabilities.join(', ')}`,
    `      ${where}${c.trustDomain ? `, trust domain ${c.trustDomain}` : ''}`,
    `      through ${p.source}${p.sourceId ? ` ${p.sourceId}` : ''}`,
  ];
  if (p.via) lines.push(`      via ${p.via.join(' → ')}`);
  if (p.federation) {
    const subs = p.federation.subjects.length ? p.federation.subjects.join(', ') : 'any subject';
    lines.push(`      federated from ${p.federation.issuer} (${p.federation.provider}) admitting ${subs}: ${p.federation.verdict}, ${p.federation.why}`);
  }
  if (p.conditions) lines.push(`      conditions: ${p.conditions.map(condKey).join('; ')}`);
  if (p.assumed) lines.push(`      assumed met by the caller: ${p.assumed.map(condKey).join('; ')}`);
  if (p.undecided) lines.push(`      UNDECIDED: ${p.undecided.map(condKey).join('; ')}`);
  return lines;
}

/** The explanation as lines for a terminal (the command escapes them). */
export function accessLines(e: AccessExplanation): string[] {
  const k = e.key;
  const names = [...new Set([k.name, ...(k.aliases ?? [])])].filter((n): n is string => !!n && n !== k.id);
  const lines = [
    `key ${k.id}${names.length ? ` (${names.join(', ')})` : ''}`,
    `  ${k.provider}${k.account ? ` ${k.account}` : ''}${k.region ? ` ${k.region}` : ''}; environment ${k.environment ?? '(none)'}, trust domain ${k.trustDomain ?? '(none)'}`,
  ];
  if (!e.collected) lines.push('  access was not collected for this key: who can use it is UNKNOWN');
  else
    lines.push(
      `  ${e.totals.canUse} can use it, ${e.totals.mayUse} may (a condition is undecided), ${e.totals.manages} only manage or read it${e.gaps.length ? ' — INCOMPLETE, see the gaps below' : ''}`,
    );
  for (const p of e.paths) lines.push(...pathLines(p));
  for (const g of e.gaps) lines.push(`  GAP ${g.operation}: ${g.reason}`);
  return lines;
}
