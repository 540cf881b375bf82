import { describe, expect, it } from 'vitest';
import { auditInventory, loadSnapshots } from '../../src/audit.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { AuditResult } from '../../src/engine/result.ts';
import { complianceFor, complianceView } from '../../src/frameworks/compliance.ts';
import { loadFramework } from '../../src/frameworks/load.ts';
import type { Framework } from '../../src/frameworks/schema.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { findReporter } from '../../src/report/index.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { findRule } from '../../src/rules/index.ts';
import { inventory, key, NOW, trail } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

const fw: Framework = {
  version: 1,
  id: 'demo',
  title: 'Demo',
  publisher: 'Example',
  edition: '1',
  pack: 'recommended',
  source: 'secondary',
  sourceNote: 'test',
  controls: [
    { id: 'LOG', title: 'key use is logged', rules: ['key-use-logged'] },
    { id: 'AGE', title: 'keys are young', rules: ['key-material-max-age'] },
    { id: 'OFF', title: 'a rule the policy leaves off', rules: ['key-use-logged', 'unused-key'] },
    { id: 'NONE', title: 'nothing to judge', rules: ['waiver-hygiene'], source: 'primary' },
  ],
};

function run(inv: Parameters<typeof inventory>[0], rules: string[]) {
  return evaluate(
    inventory(inv),
    {
      baseDir: '.',
      extends: ['test'],
      ...TEST_POLICY,
      providers: {},
      rules: new Map(rules.map((id) => [id, { severity: 'high' as const, options: findRule(id)?.options.parse({}) }])),
      waivers: [],
    },
    { now: NOW },
  );
}

describe('complianceFor', () => {
  it('satisfied, failed and not assessed, with the reason and summed counts', () => {
    const result = run({ keys: [key()], trails: [trail({ excludedSources: ['kms.amazonaws.com'] })] }, [
      'key-use-logged',
      'key-material-max-age',
      'waiver-hygiene',
    ]);
    const s = complianceFor(result, fw);
    const by = Object.fromEntries(s.controls.map((c) => [c.id, c]));
    expect(by.LOG?.status).toBe('failed');
    expect(by.LOG?.counts.fail).toBe(1);
    expect(by.AGE?.status).toBe('satisfied');
    expect(by.OFF?.status).toBe('failed'); // a failure outranks a rule that is off
    expect(by.NONE).toMatchObject({ status: 'not-assessed', source: 'primary', reason: expect.stringMatching(/no subject/) });
    expect(s.counts).toEqual({ satisfied: 1, failed: 2, 'not-assessed': 1 });
  });

  it('a control whose rule is off is not assessed, never satisfied', () => {
    const s = complianceFor(run({ keys: [key()] }, ['key-use-logged']), fw);
    expect(s.controls.find((c) => c.id === 'OFF')).toMatchObject({ status: 'not-assessed', reason: expect.stringMatching(/unused-key/) });
    expect(s.controls.find((c) => c.id === 'OFF')?.rules).toEqual([
      expect.objectContaining({ id: 'key-use-logged', enabled: true }),
      { id: 'unused-key', enabled: false },
    ]);
  });

  it('unreadable data makes a control not assessed, never satisfied (peers report unreadable vaults as pass)', () => {
    const s = complianceFor(run({ keys: [key({ state: undefined })] }, ['key-material-max-age']), fw);
    expect(s.controls.find((c) => c.id === 'AGE')).toMatchObject({ status: 'not-assessed', reason: expect.stringMatching(/could not decide/) });
  });

  it('the compliance field validates against the result schema and views drop duplicate frameworks', () => {
    const result = run({ keys: [key()] }, ['key-use-logged']);
    result.compliance = complianceView(result, [fw, fw, loadFramework('cis-aws-v5')]);
    expect(result.compliance.map((c) => c.framework)).toEqual(['demo', 'cis-aws-v5']);
    expect(() => AuditResult.parse(result)).not.toThrow();
  });
});

describe('keyhygiene audit --example storm-0558 --framework cis-aws-v5 --format markdown', () => {
  const policy = resolvePolicyFile('examples/storm-0558/keyhygiene.yaml');
  const inv = loadSnapshots(['examples/storm-0558/inventory.json']);
  const result = auditInventory(inv, policy, new Date(inv.generatedAt));
  result.compliance = complianceView(result, [loadFramework('cis-aws-v5'), loadFramework('csrb-storm-0558')]);

  it('the markdown report shows the control summary', () => {
    const md = findReporter('markdown')?.render(result, reportMeta({ color: false })) ?? '';
    expect(md).toContain('### Compliance: CIS Amazon Web Services Foundations Benchmark 5.0.0 (`cis-aws-v5`)');
    expect(md).toMatch(/^\| 3\.1 \| ❌ failed \| .*`key-use-logged`/m); // the legacy trail excludes KMS events
    expect(md).toMatch(/^\| 3\.2 \| ❌ failed \| .*`trail-tamper-evident`/m);
    expect(md).toMatch(/^\| 4\.7 \| ⚪ not-assessed \| .*`key-deletion-alarm` \(off\)/m);
    expect(md).toMatch(/^\| F2 \| ❌ failed \|/m); // rotation paused, waiver expired
  });

  it('the text and JSON reports carry it too', () => {
    const text = findReporter('text')?.render(result, reportMeta({ color: false })) ?? '';
    expect(text).toMatch(
      /Compliance: CIS Amazon Web Services Foundations Benchmark 5\.0\.0 \(cis-aws-v5; numbering: vendor-mapping\) — \d+ satisfied, 2 failed/,
    );
    const json = JSON.parse(findReporter('json')?.render(result, reportMeta({ color: false })) ?? '{}');
    expect(json.compliance[0].controls.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual([
      '3.1:failed',
      '3.2:failed',
      '3.6:satisfied',
      '4.7:not-assessed',
    ]);
  });

  it('without --framework the result has no compliance field (additive)', () => {
    expect(auditInventory(inv, policy, new Date(inv.generatedAt)).compliance).toBeUndefined();
  });
});
