import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/engine/baseline.ts';
import type { ResultEntry } from '../../src/engine/result.ts';
import { asffFindings, asffReporter, productArn } from '../../src/report/asff.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { asffValidator } from './asff-schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed ASFF under test, checked by the schema first
type Finding = Record<string, any>;
const validate = asffValidator();
const meta = reportMeta();

function expectValid(findings: Finding[]): void {
  for (const f of findings) {
    const ok = validate(f);
    expect(ok ? [] : validate.errors, f.Id).toEqual([]);
  }
}

describe('ASFF', () => {
  const { result } = stormRun({ includePassed: true });

  it('writes a valid finding for every result about an AWS subject, with its own account, region and default product ARN', () => {
    const findings = JSON.parse(asffReporter.render(result, meta)) as Finding[];
    const aws = result.results.filter((r) => r.subject.id.startsWith('arn:aws:'));
    expect(findings).toHaveLength(aws.length);
    expect(findings.length).toBeGreaterThan(5);
    expectValid(findings);
    aws.forEach((r, i) => {
      const f = findings[i] as Finding;
      const [, , , region, account] = r.subject.id.split(':');
      expect(f.Id).toBe(`keyhygiene/${r.ruleId}/${r.fingerprint}`);
      expect(f.AwsAccountId).toBe(account);
      expect(f.ProductArn).toBe(`arn:aws:securityhub:${region}:${account}:product/${account}/default`);
      expect(f.GeneratorId).toBe(`keyhygiene/${r.ruleId}`);
      expect(f.CreatedAt).toBe(result.generatedAt);
      expect(f.Resources[0]).toMatchObject({ Id: r.subject.id, Partition: 'aws', Region: region });
      expect(f.RecordState).toBe('ACTIVE');
    });
    const fail = findings.find((f) => f.ProductFields['keyhygiene/outcome'] === 'fail') as Finding;
    expect(fail.Compliance.Status).toBe('FAILED');
    expect(fail.Workflow.Status).toBe('NEW');
    const pass = findings.find((f) => f.ProductFields['keyhygiene/outcome'] === 'pass') as Finding;
    expect(pass).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' } });
  });

  it('attributes subjects outside AWS to the publishing account and region when there is one', () => {
    const target = { account: '999999999999', region: 'eu-central-1' };
    const findings = [...asffFindings(result, meta, target)] as Finding[];
    expect(findings).toHaveLength(result.results.length);
    expectValid(findings);
    const azure = findings.find((f) => f.Resources[0].Id.startsWith('https://')) as Finding;
    expect(azure.AwsAccountId).toBe('999999999999');
    expect(azure.Resources[0].Type).toBe('Other');
    expect(azure.Resources[0].Partition).toBeUndefined();
    for (const f of findings) expect(f.ProductArn).toBe(productArn(target));
  });

  it('waived is FAILED and SUPPRESSED, unknown is WARNING, a baseline finding now gone is ARCHIVED and RESOLVED', () => {
    const r0 = result.results.find((r) => r.subject.id.startsWith('arn:aws:')) as ResultEntry;
    const waived: ResultEntry = { ...r0, outcome: 'waived', waiver: { reason: 'r', approver: 'a', expires: '2027-01-01', status: 'active' } };
    const unknown: ResultEntry = { ...r0, fingerprint: 'a'.repeat(32), outcome: 'unknown', missing: ['rotation'] };
    const gone: ResultEntry = { ...r0, fingerprint: 'b'.repeat(32), rootCause: undefined };
    const withBaseline = applyBaseline({ ...result, results: [waived, unknown] }, { ...result, results: [...result.results, gone] });
    const findings = JSON.parse(asffReporter.render(withBaseline, meta)) as Finding[];
    expectValid(findings);
    expect(findings.slice(0, 2).map((f) => [f.Compliance.Status, f.Workflow.Status, f.RecordState])).toEqual([
      ['FAILED', 'SUPPRESSED', 'ACTIVE'],
      ['WARNING', 'NEW', 'ACTIVE'],
    ]);
    const archived = findings.find((f) => f.Id.endsWith('b'.repeat(32))) as Finding;
    expect(archived).toMatchObject({ RecordState: 'ARCHIVED', Workflow: { Status: 'RESOLVED' } });
  });

  it('clips titles and descriptions to the documented limits', () => {
    const r0 = result.results.find((r) => r.subject.id.startsWith('arn:aws:')) as ResultEntry;
    const long: ResultEntry = { ...r0, message: 'x'.repeat(5000) };
    const [f] = JSON.parse(asffReporter.render({ ...result, results: [long] }, meta)) as Finding[];
    expect((f as Finding).Description).toHaveLength(1024);
    expectValid([f as Finding]);
  });

  it('the schema rejects a finding without a required field or with an unknown status (the validator can fail)', () => {
    const [f] = JSON.parse(asffReporter.render(result, meta)) as Finding[];
    const { AwsAccountId: _, ...noAccount } = f as Finding;
    expect(validate(noAccount)).toBe(false);
    expect(validate({ ...f, Workflow: { Status: 'OPEN' } })).toBe(false);
    expect(validate({ ...f, SchemaVersion: '2020-01-01' })).toBe(false);
    expect(validate({ ...f, Types: ['Whatever/x'] })).toBe(false);
  });
});
