import { evaluate } from '../engine/evaluate.ts';
import type { Outcome } from '../engine/result.ts';
import type { KeyClass, KeyClassLogging } from '../policy/schema.ts';
import type { AnyRule } from '../rules/types.ts';
import { EXAMPLE_NOW, EXAMPLE_POLICY, exampleInventory } from './example-base.ts';
import type { RuleExample } from './types.ts';

/** The example key's class, requiring identity-plane records. */
const withLogging = (logging: KeyClassLogging): Record<string, KeyClass> => ({
  ...EXAMPLE_POLICY.keyClasses,
  'token-signing-shared': { ...(EXAMPLE_POLICY.keyClasses['token-signing-shared'] as KeyClass), logging },
});

/** Evaluate one documented example with the engine: the outcome and messages on the example subject. Pure. */
export function runExample(rule: AnyRule, ex: RuleExample): { outcome: Outcome; messages: string[] } {
  const inv = exampleInventory(ex, rule.meta.subject);
  const result = evaluate(
    inv,
    {
      baseDir: '.',
      extends: ['docs-example'],
      ...EXAMPLE_POLICY,
      keyClasses: ex.logging ? withLogging(ex.logging) : EXAMPLE_POLICY.keyClasses,
      providers: {},
      rules: new Map([[rule.id, { severity: rule.meta.severity, options: rule.options.parse(ex.options ?? {}) }]]),
      waivers: ex.waivers ?? [],
      ...(ex.relyingParties ? { relyingParties: ex.relyingParties } : {}),
    },
    { now: new Date(EXAMPLE_NOW), includePassed: true },
  );
  const subject = { key: inv.keys, trail: inv.trails, gap: inv.gaps, 'published-key': inv.publishedKeys, artifact: inv.artifacts }[rule.meta.subject][0];
  const entries = result.results.filter((r) => r.subject.id === subject?.id);
  return { outcome: entries[0]?.outcome ?? 'not-applicable', messages: entries.filter((e) => e.outcome === 'fail').map((e) => e.message) };
}
