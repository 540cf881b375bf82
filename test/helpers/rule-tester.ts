// Table-driven rule tests (after ESLint's RuleTester and cdk-nag's TestType): each case names the
// subject, the expected outcome and, for failures, the expected message ids.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { Outcome, OutcomeCounts, ResultEntry } from '../../src/engine/result.ts';
import type { Severity } from '../../src/model/common.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import type { Environment, KeyClass, TrustDomain, Waiver } from '../../src/policy/schema.ts';
import type { AnyRule, MessageIdOf } from '../../src/rules/types.ts';
import { inventory, NOW } from './fixtures.ts';

/** The policy most rule tests share: prod/debug/ci environments, consumer/enterprise domains, classes. */
export const TEST_POLICY: Pick<ResolvedPolicy, 'environments' | 'trustDomains' | 'keyClasses'> = {
  environments: {
    production: { kind: 'production', match: [{ tags: { env: 'prod' } }, { principals: ['arn:aws:iam::111111111111:role/*'] }] },
    debug: { kind: 'debug', match: [{ tags: { env: 'debug' } }, { principals: ['arn:aws:iam::333333333333:*'] }] },
    ci: { kind: 'ci', match: [{ principals: ['arn:aws:iam::444444444444:role/ci-*'] }] },
  } satisfies Record<string, Environment>,
  trustDomains: {
    consumer: {
      match: [
        { tags: { 'trust-domain': 'consumer' } },
        { principals: ['arn:aws:iam::111111111111:role/*', 'arn:aws:iam::333333333333:*', 'arn:aws:iam::444444444444:*'] },
      ],
    },
    enterprise: { match: [{ tags: { 'trust-domain': 'enterprise' } }, { accounts: ['222222222222'] }] },
  } satisfies Record<string, TrustDomain>,
  keyClasses: {
    'token-signing-shared': { match: [{ tags: { 'key-class': 'token-signing-shared' } }], maxAgeDays: 30, requireHsm: true, requireAutomatedRotation: true },
    'data-encryption': { match: [{ tags: { 'key-class': 'data-encryption' } }], maxAgeDays: 365, maxRotationPeriodDays: 365 },
  } satisfies Record<string, KeyClass>,
};

/** An expected finding: its message id, or the id with (a subset of) the data it must carry. */
export type ExpectedMessage<Id extends string = string> = Id | { id: Id; data?: Record<string, string | number> };

export interface RuleCase<Id extends string = string> {
  name: string;
  /** The inventory to evaluate; the first subject of the rule's kind is the one judged. */
  inventory: Partial<Omit<Inventory, 'kind' | 'version'>>;
  options?: Record<string, unknown>;
  policy?: Partial<Pick<ResolvedPolicy, 'environments' | 'trustDomains' | 'keyClasses' | 'tokenIssuers' | 'precedence' | 'unclassified' | 'relyingParties'>>;
  outcome: Exclude<Outcome, 'waived'>;
  /** For fail: the findings (in any order) the rule must report, by message id (typed: an id the rule does not declare does not compile). */
  messages?: ExpectedMessage<Id>[];
  missing?: string;
  /** For unknown: the operation of the CollectionGap that explains the missing field (named in the message). Absent = no gap is blamed. */
  gapOperation?: string;
  /** For unknown without a gap: what the message must say (a classification that cannot be decided). */
  because?: RegExp;
  severity?: Severity;
  now?: Date;
  /** Policy waivers in force for the case (default none). */
  waivers?: Waiver[];
}

export interface Reported {
  messageId: string;
  data?: Record<string, string | number>;
}

export function runRule(
  rule: AnyRule,
  c: Omit<RuleCase, 'name' | 'outcome'>,
): { outcome: Outcome; results: ResultEntry[]; counts?: OutcomeCounts; reported: Reported[] } {
  const inv = inventory(c.inventory);
  const policy: ResolvedPolicy = {
    baseDir: '.',
    extends: ['test'],
    ...TEST_POLICY,
    ...c.policy,
    providers: {},
    // Options a case sets stand for the user's policy file, so messages name it as the limit's source.
    rules: new Map([
      [
        rule.id,
        {
          severity: rule.meta.severity,
          options: rule.options.parse(c.options ?? {}),
          ...(c.options ? { optionsFrom: { ref: 'keyhygiene.yaml', names: Object.keys(c.options) } } : {}),
        },
      ],
    ]),
    waivers: c.waivers ?? [],
  };
  const all: (Reported & { subjectId: string })[] = [];
  const result = evaluate(inv, policy, { now: c.now ?? NOW, includePassed: true, onFinding: (f) => all.push(f) });
  const subjects = { key: inv.keys, trail: inv.trails, 'published-key': inv.publishedKeys, artifact: inv.artifacts, gap: inv.gaps }[rule.meta.subject];
  const target = subjects[0]?.id;
  const results = result.results.filter((r) => r.subject.id === target);
  const rc = result.rules[0]?.counts;
  const outcome: Outcome = results.length === 0 && rc && rc['not-applicable'] > 0 ? 'not-applicable' : (results[0]?.outcome ?? 'not-applicable');
  const reported = all.filter((f) => f.subjectId === target).map(({ messageId, data }) => ({ messageId, ...(data ? { data } : {}) }));
  return { outcome, results, counts: rc, reported };
}

/** Run a table of cases; meta-tests check every rule has pass, fail, unknown and not-applicable cases. */
export function ruleTester<R extends AnyRule>(rule: R, cases: RuleCase<MessageIdOf<R>>[]): void {
  describe(rule.id, () => {
    for (const c of cases) {
      it(`${c.outcome}: ${c.name}`, () => {
        const { outcome, results, reported } = runRule(rule, c);
        expect(outcome, JSON.stringify(results.map((r) => r.message))).toBe(c.outcome);
        if (c.outcome === 'fail') {
          const expected = c.messages ?? [];
          expect(expected.length, 'a fail case must list its message ids').toBeGreaterThan(0);
          const ids = expected.map((m) => (typeof m === 'string' ? m : m.id));
          expect(reported.map((r) => r.messageId).sort()).toEqual([...ids].sort());
          for (const m of expected) {
            if (typeof m === 'string' || !m.data) continue;
            expect(
              reported.filter((r) => r.messageId === m.id).map((r) => r.data),
              `data of ${m.id}`,
            ).toContainEqual(expect.objectContaining(m.data));
          }
          for (const r of results) expect(r.message).not.toMatch(/\{\w+\}/);
          if (c.severity) expect(results.map((r) => r.severity)).toContain(c.severity);
        }
        if (c.outcome === 'unknown' && c.missing) expect(results[0]?.missing?.[0]).toBe(c.missing);
        if (c.outcome === 'unknown') {
          if (c.gapOperation) expect(results[0]?.message).toContain(`(${c.gapOperation}: `);
          else if (c.because) expect(results[0]?.message).toMatch(c.because);
          else expect(results[0]?.message).toMatch(/ for this subject\.$/);
        }
      });
    }
  });
}
