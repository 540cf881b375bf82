import type { Principal } from '../model/access-entry.ts';
import type { Inventory } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import type { Matcher } from '../policy/schema.ts';
import { decide, matchesKey, matchesPrincipal, matchesPublished, placement } from './classify.ts';

/** A subject to explain, as found in an inventory (or a principal named on the command line). */
export type ExplainSubject = { kind: 'key'; value: KeyRecord } | { kind: 'principal'; value: Principal } | { kind: 'published-key'; value: PublishedKey };

/** One dimension of a classification: what matched, by which matcher, and what was decided. */
export interface DimensionExplanation {
  /** Every name whose matchers matched, with the index of each matcher that did (`environments.debug.match[1]`). */
  matched: { name: string; matchers: string[] }[];
  outcome: 'decided' | 'ambiguous' | 'placed' | 'unclassified';
  chosen?: string;
  /** How the choice was made: the only match, precedence, or the `unclassified:` placement. */
  how?: string;
}

export interface Explanation {
  subject: { kind: ExplainSubject['kind']; id: string; name?: string };
  environment: DimensionExplanation;
  trustDomain: DimensionExplanation;
  keyClasses?: { name: string; matchers: string[] }[];
}

type Groups = Record<string, { match?: readonly Matcher[] }>;

function matcherHits(groups: Groups, field: string, test: (m: Matcher) => boolean): DimensionExplanation['matched'] {
  const out: DimensionExplanation['matched'] = [];
  for (const [name, g] of Object.entries(groups)) {
    const matchers = (g.match ?? []).flatMap((m, i) => (test(m) ? [`${field}.${name}.match[${i}]`] : []));
    if (matchers.length) out.push({ name, matchers });
  }
  return out;
}

function dimension(matched: DimensionExplanation['matched'], precedence: readonly string[] | undefined, fallback: string | undefined): DimensionExplanation {
  const names = matched.map((m) => m.name);
  if (names.length === 0) {
    return fallback !== undefined
      ? { matched, outcome: 'placed', chosen: fallback, how: 'matches none: placed by `unclassified:`' }
      : { matched, outcome: 'unclassified', how: 'matches none; verdicts that depend on it follow `unclassified:` (default unknown)' };
  }
  const d = decide(names, precedence);
  if (d.ambiguous) return { matched, outcome: 'ambiguous', how: 'several match and `precedence:` does not decide: dependent verdicts are unknown' };
  return { matched, outcome: 'decided', chosen: d.chosen, how: names.length === 1 ? 'the only match' : 'first of the matches in `precedence:`' };
}

/** How the policy classifies one subject: every matcher that matched, and the decision taken from them. */
export function explain(policy: ResolvedPolicy, subject: ExplainSubject): Explanation {
  const test = (m: Matcher): boolean =>
    subject.kind === 'key'
      ? matchesKey(m, subject.value)
      : subject.kind === 'principal'
        ? matchesPrincipal(m, subject.value)
        : matchesPublished(m, subject.value);
  const order = policy.precedence ?? {};
  const fallback = placement(policy);
  const { id, name } = subject.value as { id: string; name?: string };
  // A published key's endpoint may declare its environment and trust domain: those win over matchers.
  const labels = subject.kind === 'published-key' ? subject.value.labels : undefined;
  const labelled = (label: string | undefined, field: string) => (label ? [{ name: label, matchers: [`the endpoint's ${field} label`] }] : undefined);
  return {
    subject: { kind: subject.kind, id, ...(name && name !== id ? { name } : {}) },
    environment: dimension(
      labelled(labels?.environment, 'environment') ?? matcherHits(policy.environments, 'environments', test),
      order.environments,
      fallback.environment,
    ),
    trustDomain: dimension(
      labelled(labels?.trustDomain, 'trustDomain') ?? matcherHits(policy.trustDomains, 'trustDomains', test),
      order.trustDomains,
      fallback.trustDomain,
    ),
    ...(subject.kind === 'key' ? { keyClasses: matcherHits(policy.keyClasses, 'keyClasses', test) } : {}),
  };
}

const AWS_ACCOUNT = /^arn:aws[a-z-]*:[a-z0-9-]+::(\d{12}):/;

/**
 * The subject a name refers to: a key (id, name or alias), a published key (id or kid), a principal of
 * an access entry (id or name), in that order; otherwise a principal with that id (its AWS account read
 * from an ARN), so a policy can be tried on a role before any inventory exists.
 */
export function findSubject(name: string, inventory: Inventory | undefined): ExplainSubject {
  const keys = inventory?.keys ?? [];
  const key = keys.find((k) => k.id === name || k.name === name || (k.aliases ?? []).includes(name));
  if (key) return { kind: 'key', value: key };
  const published = inventory?.publishedKeys.find((k) => k.id === name || k.kid === name);
  if (published) return { kind: 'published-key', value: published };
  for (const k of keys) {
    const entry = (k.access ?? []).find((e) => e.principal.id === name || e.principal.name === name);
    if (entry) return { kind: 'principal', value: entry.principal };
  }
  const account = AWS_ACCOUNT.exec(name)?.[1];
  return { kind: 'principal', value: { kind: 'role', id: name, ...(account ? { account } : {}) } };
}

/** The explanation as lines for a terminal. */
export function explanationLines(e: Explanation): string[] {
  const lines = [`${e.subject.kind} ${e.subject.id}${e.subject.name ? ` (${e.subject.name})` : ''}`];
  const dim = (label: string, d: DimensionExplanation) => {
    const verdict = d.outcome === 'ambiguous' ? 'AMBIGUOUS' : d.outcome === 'unclassified' ? '(none)' : (d.chosen ?? '');
    lines.push(`  ${label}: ${verdict} — ${d.how ?? ''}`);
    for (const m of d.matched) lines.push(`    ${m.name}: matched by ${m.matchers.join(', ')}`);
  };
  dim('environment', e.environment);
  dim('trust domain', e.trustDomain);
  if (e.keyClasses) {
    lines.push(
      `  key classes matched: ${e.keyClasses.map((c) => c.name).join(', ') || '(none)'}${e.keyClasses.length > 1 ? ' (the strictest maxAgeDays applies)' : ''}`,
    );
    for (const c of e.keyClasses) lines.push(`    ${c.name}: matched by ${c.matchers.join(', ')}`);
  }
  return lines;
}
