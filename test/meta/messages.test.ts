// Every failure message states the observed value, the limit and where the limit comes from (issue 14
// item 6). A message template must carry a placeholder (the observed value) and a limit — a limit
// placeholder, or a literal "Limit:" — and a numeric limit must name its source (the option's pack or
// policy line through ctx.limitSource, or the key class). A rule whose limit is a fixed condition
// ("purge protection is on") states it once in `meta.fixedLimit` instead.
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../src/rules/define-rule.ts';
import { RULES } from '../../src/rules/index.ts';

const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
/** Placeholders that carry a limit: a number of days or bits, an allowlist, a date that ends a period. */
const LIMIT = new Set(['max', 'min', 'limit', 'allowed', 'grace', 'date', 'expires', 'minDays']);
/** Numeric limits come from somewhere the user can change: a rule option (pack, policy, default) or a key class. */
const NUMERIC = new Set(['max', 'min', 'grace', 'minDays']);
const SOURCE = new Set(['source', 'limitSource', 'class', 'keyClass']);

/** Why a message template does not meet the contract, or undefined when it does. */
function contractProblem(template: string, fixedLimit: string | undefined): string | undefined {
  const names = placeholders(template);
  if (names.length === 0 && !fixedLimit) return 'states no observed value (no placeholder) and the rule declares no fixedLimit';
  const hasLimit = names.some((n) => LIMIT.has(n)) || /\bLimit:/.test(template);
  if (!hasLimit && !fixedLimit) return 'names no limit (no limit placeholder, no "Limit:") and the rule declares no fixedLimit';
  if (names.some((n) => NUMERIC.has(n)) && !names.some((n) => SOURCE.has(n)) && !/\(policy |policy relyingParties/.test(template))
    return 'gives a numeric limit without saying where it comes from ({source} via ctx.limitSource, or the key class)';
  return undefined;
}

describe('failure messages state the observed value, the limit and its source', () => {
  for (const rule of RULES) {
    it(rule.id, () => {
      const fixed = rule.meta.fixedLimit;
      if (fixed !== undefined) expect(fixed.trim().length, `${rule.id}: an empty fixedLimit says nothing`).toBeGreaterThan(20);
      const problems = Object.entries(rule.messages)
        .map(([id, t]) => [id, contractProblem(t, fixed)] as const)
        .filter(([, p]) => p !== undefined)
        .map(([id, p]) => `${id}: ${p}`);
      expect(problems).toEqual([]);
    });
  }

  it('the contract itself rejects what it must', () => {
    expect(contractProblem('Key is bad.', undefined)).toMatch(/no observed value/);
    expect(contractProblem('Key {kid} is bad.', undefined)).toMatch(/names no limit/);
    expect(contractProblem('Key is {age} days old; the limit is {max}.', undefined)).toMatch(/where it comes from/);
    expect(contractProblem('Key is {age} days old; the limit is {max} ({source}).', undefined)).toBeUndefined();
    expect(contractProblem('Key {kid} is bad.', 'no key may ever be bad, whatever the pack says')).toBeUndefined();
    expect(formatMessage('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
