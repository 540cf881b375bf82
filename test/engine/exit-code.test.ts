import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { type ExitPolicy, exitCodeFor, type FailOn } from '../../src/engine/exit-code.ts';
import { type AuditResult, emptyOutcomeCounts, emptySeverityCounts, RESULT_VERSION, type SeverityCounts } from '../../src/engine/result.ts';
import { EXIT } from '../../src/errors.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import keyMaterialMaxAge from '../../src/rules/rotation/key-material-max-age.ts';
import { daysAgo, gap, inventory, key, NOW } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

function result(failures: Partial<SeverityCounts> = {}, incomplete = false): AuditResult {
  const failuresBySeverity = { ...emptySeverityCounts(), ...failures };
  const outcomes = { ...emptyOutcomeCounts(), fail: Object.values(failuresBySeverity).reduce((a, b) => a + b, 0) };
  return {
    version: RESULT_VERSION,
    tool: { name: 'keyhygiene', version: '0.0.0' },
    generatedAt: NOW.toISOString(),
    policy: { extends: ['test'], rulesEnabled: 1 },
    inventory: { generatedAt: NOW.toISOString(), providers: [], keys: 0, trails: 0, publishedKeys: 0, artifacts: 0 },
    summary: { outcomes, failuresBySeverity, subjects: { total: 0, byStatus: emptyOutcomeCounts() }, gaps: 0, incomplete },
    rules: [],
    subjects: [],
    results: [],
    waivers: [],
    gaps: [],
  };
}

const gate = (failOn: FailOn, allowIncomplete = false): ExitPolicy => ({ failOn, allowIncomplete });

describe('exitCodeFor', () => {
  it('documents the table: 0 clean, 1 findings, 2 usage, 3 incomplete', () => {
    expect(EXIT).toEqual({ clean: 0, findings: 1, usage: 2, incomplete: 3 });
  });

  it('is 0 for a clean, complete audit', () => {
    expect(exitCodeFor(result(), gate('info'))).toBe(0);
    expect(exitCodeFor(result(), gate('none'))).toBe(0);
  });

  it.each<[FailOn, Partial<SeverityCounts>, number]>([
    ['high', { high: 1 }, 1],
    ['high', { critical: 2 }, 1],
    ['high', { medium: 3, low: 1, info: 9 }, 0],
    ['critical', { high: 5 }, 0],
    ['critical', { critical: 1 }, 1],
    ['low', { low: 1 }, 1],
    ['info', { info: 1 }, 1],
    ['medium', { info: 4, low: 4 }, 0],
    ['none', { critical: 10 }, 0],
  ])('fail-on %s with failures %j exits %i', (failOn, failures, code) => {
    expect(exitCodeFor(result(failures), gate(failOn))).toBe(code);
  });

  it('is 3 when the audit is incomplete, unless explicitly allowed', () => {
    expect(exitCodeFor(result({}, true), gate('high'))).toBe(EXIT.incomplete);
    expect(exitCodeFor(result({}, true), gate('none'))).toBe(EXIT.incomplete);
    expect(exitCodeFor(result({}, true), gate('high', true))).toBe(EXIT.clean);
  });

  it('never masks findings at the threshold behind an incomplete audit', () => {
    expect(exitCodeFor(result({ critical: 1 }, true), gate('high'))).toBe(EXIT.findings);
    expect(exitCodeFor(result({ critical: 1 }, true), gate('high', true))).toBe(EXIT.findings);
  });

  it('is 3, not 0, when the only findings are below the threshold but something could not be read', () => {
    expect(exitCodeFor(result({ low: 2 }, true), gate('high'))).toBe(EXIT.incomplete);
    expect(exitCodeFor(result({ low: 2 }, true), gate('high', true))).toBe(EXIT.clean);
  });

  it('follows the evaluated result: a collection gap alone never exits 0', () => {
    const policy: ResolvedPolicy = {
      baseDir: '.',
      extends: ['test'],
      ...TEST_POLICY,
      providers: {},
      rules: new Map([['key-material-max-age', { severity: 'high', options: keyMaterialMaxAge.options.parse({}) }]]),
      waivers: [],
    };
    const clean = evaluate(inventory({ keys: [key()] }), policy, { now: NOW });
    expect(exitCodeFor(clean, gate('high'))).toBe(EXIT.clean);
    const withGap = evaluate(inventory({ keys: [key()], gaps: [gap({ provider: 'azure-keyvault', id: 'azure-keyvault::login' })] }), policy, { now: NOW });
    expect(exitCodeFor(withGap, gate('high'))).toBe(EXIT.incomplete);
    const old = evaluate(inventory({ keys: [key({ createdAt: daysAgo(45), currentVersionCreatedAt: daysAgo(45) })] }), policy, { now: NOW });
    expect(exitCodeFor(old, gate('high'))).toBe(EXIT.findings);
    expect(exitCodeFor(old, gate('critical'))).toBe(EXIT.clean);
  });
});
