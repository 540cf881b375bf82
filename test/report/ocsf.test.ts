import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/engine/baseline.ts';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { complianceView } from '../../src/frameworks/compliance.ts';
import { loadFramework } from '../../src/frameworks/load.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { ocsfJsonReporter, ocsfReporter } from '../../src/report/ocsf.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { ocsfValidator } from './ocsf-schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed OCSF under test, checked by the schema first
type Event = Record<string, any>;
const validate = ocsfValidator();
const meta = reportMeta();

function eventsOf(result: AuditResult): Event[] {
  const text = ocsfReporter.render(result, meta);
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

function expectValid(events: Event[]): void {
  for (const e of events) {
    const ok = validate(e);
    expect(ok ? [] : validate.errors, `event ${e.finding_info?.uid}`).toEqual([]);
  }
}

describe('OCSF Compliance Finding', () => {
  const { result } = stormRun({ includePassed: true });

  it('writes one valid class 2003 event per result, JSON Lines and a JSON array with the same events', () => {
    const events = eventsOf(result);
    expect(events).toHaveLength(result.results.length);
    expect(events.length).toBeGreaterThan(10);
    expectValid(events);
    for (const e of events) {
      expect(e.class_uid).toBe(2003);
      expect(e.category_uid).toBe(2);
      expect(e.type_uid).toBe(200300 + e.activity_id);
      expect(e.metadata.version).toBe('1.8.0');
    }
    expect(JSON.parse(ocsfJsonReporter.render(result, meta))).toEqual(events);
  });

  it('carries the fingerprint as finding uid, severity, status and the resource with cloud, account and region', () => {
    const events = eventsOf(result);
    result.results.forEach((r, i) => {
      const e = events[i] as Event;
      expect(e.finding_info.uid).toBe(r.fingerprint);
      expect(e.finding_info.analytic.uid).toBe(r.ruleId);
      expect(e.resources[0].uid).toBe(r.subject.id);
      expect(e.severity).toBe({ info: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' }[r.severity]);
    });
    const fail = result.results.findIndex((r) => r.outcome === 'fail' && r.subject.id.startsWith('arn:aws:kms:'));
    const e = events[fail] as Event;
    const [, , , region, account] = (result.results[fail] as ResultEntry).subject.id.split(':');
    expect(e.cloud).toEqual({ provider: 'AWS', account: { uid: account, type_id: 10, type: 'AWS Account' }, region });
    expect(e.resources[0]).toMatchObject({ type: 'AWS::KMS::Key', provider: 'AWS', region });
    expect(e.metadata.profiles).toEqual(['cloud']);
    expect(e.compliance).toMatchObject({ status_id: 3, status: 'Fail' });
    expect(e.status_id).toBe(1);
    expect(e.remediation.desc.length).toBeGreaterThan(10);
    const pass = events.find((x) => x.status_code === 'pass') as Event;
    expect(pass.compliance.status_id).toBe(1);
    const azure = events.find((x) => x.cloud?.provider === 'Azure') as Event;
    expect(azure.cloud.account.type_id).toBe(13);
    expect(azure.resources[0].type).toBe('Microsoft.KeyVault/vaults/keys');
  });

  it('lists the framework controls a rule maps to, only the asked frameworks when --framework was given', () => {
    const all = eventsOf(result);
    const rotation = all.find((e) => e.compliance.checks?.some((c: Event) => c.standards[0].startsWith('CIS'))) as Event;
    expect(rotation.compliance.standards.length).toBeGreaterThan(1);
    const fw = loadFramework('cis-aws-v5');
    const only = eventsOf({ ...result, compliance: complianceView(result, [fw]) });
    expectValid(only);
    for (const e of only) for (const c of e.compliance.checks ?? []) expect(c.standards).toEqual([fw.title]);
    const mapped = new Set(fw.controls.flatMap((c) => c.rules));
    const withChecks = only.filter((e) => e.compliance.checks);
    expect(withChecks.length).toBeGreaterThan(0);
    for (const e of withChecks) expect(mapped.has(e.compliance.control)).toBe(true);
  });

  it('marks waived results suppressed, unknown as warning, and resolved baseline findings as Close events', () => {
    const r0 = result.results[0] as ResultEntry;
    const waived: ResultEntry = { ...r0, outcome: 'waived', waiver: { reason: 'r', approver: 'a', expires: '2027-01-01', status: 'active' } };
    const unknown: ResultEntry = { ...r0, fingerprint: 'a'.repeat(32), outcome: 'unknown', missing: ['rotation.lastRotatedAt'] };
    const gone: ResultEntry = { ...r0, fingerprint: 'b'.repeat(32), rootCause: undefined };
    const base = { ...result, results: [...result.results, gone] };
    const withBaseline = applyBaseline({ ...result, results: [waived, unknown] }, base, 'prev.json');
    const events = eventsOf(withBaseline);
    expectValid(events);
    expect(events.map((e) => [e.status, e.compliance.status, e.activity_name])).toEqual([
      ['Suppressed', 'Fail', 'Update'],
      ['New', 'Warning', 'Create'],
      ...(withBaseline.baseline?.resolved ?? []).map(() => ['Resolved', 'Resolved', 'Close']),
    ]);
    expect(events.some((e) => e.finding_info.uid === 'b'.repeat(32) && e.activity_id === 3)).toBe(true);
    expect(events[1]?.unmapped.keyhygiene.missing).toEqual(['rotation.lastRotatedAt']);
  });

  it('gives subjects outside a cloud no cloud object and no cloud profile, and still validates', () => {
    const r0 = result.results[0] as ResultEntry;
    const jwks: ResultEntry = { ...r0, subject: { kind: 'published-key', id: 'https://login.example.com#k1', provider: 'jwks' } };
    const [e] = eventsOf({ ...result, results: [jwks] }) as [Event];
    expectValid([e]);
    expect(e.cloud).toBeUndefined();
    expect(e.metadata.profiles).toEqual([]);
    expect(e.resources[0].type).toBe('Published key (JWKS)');
  });

  it('the vendored schema rejects what OCSF forbids (the validator can fail)', () => {
    const [e] = eventsOf(result) as [Event];
    expect(validate({ ...e, class_uid: 2001 })).toBe(false);
    expect(validate({ ...e, finding_info: { title: 'no uid' } })).toBe(false);
    expect(validate({ ...e, cloud: undefined })).toBe(false);
    expect(validate({ ...e, severity_id: 7 })).toBe(false);
    expect(validate({ ...e, surprise: 1 })).toBe(false);
  });

  it('an empty result is an empty file and an empty array', () => {
    expect(ocsfReporter.render({ ...result, results: [] }, meta)).toBe('');
    expect(JSON.parse(ocsfJsonReporter.render({ ...result, results: [] }, meta))).toEqual([]);
  });
});
