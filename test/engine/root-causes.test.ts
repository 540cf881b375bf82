// One problem, one finding: failures keep their per-subject detail and share a root cause (rule + the
// resource that causes them); reports, summary counts, SARIF and baselines follow root causes.
import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/engine/baseline.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { AuditResult } from '../../src/engine/result.ts';
import { type Failure, groupCauses } from '../../src/engine/root-causes.ts';
import type { KeyRecord } from '../../src/model/key-record.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { textReporter } from '../../src/report/text.ts';
import noPublicNetwork from '../../src/rules/exposure/no-public-network-access.ts';
import keyUseLogged from '../../src/rules/logging/key-use-logged.ts';
import crossScope from '../../src/rules/scope/cross-scope-access.ts';
import { access, inventory, key, NOW, trail } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

const policy: ResolvedPolicy = {
  baseDir: '.',
  extends: ['test'],
  ...TEST_POLICY,
  providers: {},
  rules: new Map([
    [keyUseLogged.id, { severity: 'high', options: keyUseLogged.options.parse({}) }],
    [noPublicNetwork.id, { severity: 'medium', options: noPublicNetwork.options.parse({}) }],
    [crossScope.id, { severity: 'critical', options: crossScope.options.parse({}) }],
  ]),
  waivers: [],
};

const awsKey = (n: number): KeyRecord => key({ id: `arn:aws:kms:us-east-1:111111111111:key/k${n}`, name: `k${n}`, aliases: [] });
const vaultKey = (vault: string, n: number): KeyRecord =>
  key({
    id: `https://${vault}.vault.azure.net/keys/k${n}`,
    name: `k${n}`,
    provider: 'azure-keyvault',
    account: 'sub-1',
    region: 'westeurope',
    container: vault,
    aliases: [],
    network: { publicAccess: true },
  });
const blindTrail = trail({ name: 'org', excludedSources: ['kms.amazonaws.com'] });
const foreign = access({ id: 'arn:aws:iam::222222222222:role/mail-validator', name: 'mail-validator', account: '222222222222' });

const estate = (keys: KeyRecord[]) => inventory({ keys, trails: [blindTrail] });
const run = (keys: KeyRecord[]) => evaluate(estate(keys), policy, { now: NOW });

describe('root causes', () => {
  const keys = [awsKey(1), awsKey(2), awsKey(3), vaultKey('kv-open', 1), vaultKey('kv-open', 2)];
  const result = run(keys);

  it('a trail that excludes KMS events is one root cause for every key it covers, each failure kept', () => {
    const trailFails = result.results.filter((r) => r.ruleId === 'key-use-logged' && r.subject.provider === 'aws-kms');
    expect(trailFails.map((r) => r.subject.id)).toEqual(keys.slice(0, 3).map((k) => k.id));
    expect(new Set(trailFails.map((r) => r.rootCause?.id)).size).toBe(1);
    const cause = result.rootCauses?.find((c) => c.ruleId === 'key-use-logged' && c.resource.kind === 'trail');
    expect(cause).toMatchObject({ resource: { kind: 'trail', id: blindTrail.id, name: 'org' }, severity: 'high', subjects: keys.slice(0, 3).map((k) => k.id) });
  });

  it('a vault open to the internet is one root cause for its keys; summary counts root causes beside failures', () => {
    const vault = result.rootCauses?.find((c) => c.ruleId === 'no-public-network-access');
    expect(vault).toMatchObject({ resource: { kind: 'vault', id: 'azure-keyvault/sub-1/kv-open', name: 'kv-open' } });
    expect(vault?.subjects).toHaveLength(2);
    // No trail at all in the vaults' subscription and region: one more root cause (the location) for both.
    expect(result.rootCauses?.find((c) => c.resource.kind === 'account')).toMatchObject({
      ruleId: 'key-use-logged',
      resource: { id: 'azure-keyvault/sub-1/westeurope' },
    });
    expect(result.summary.outcomes.fail).toBe(7);
    expect(result.summary.rootCauses).toEqual({ total: 3, bySeverity: { critical: 0, high: 2, medium: 1, low: 0, info: 0 } });
    expect(AuditResult.safeParse(result).success).toBe(true);
  });

  it('one foreign role on three keys is one root cause per boundary it crosses (the role), not three', () => {
    const r = run([awsKey(1), awsKey(2), awsKey(3)].map((k) => ({ ...k, access: [...(k.access ?? []), foreign] })));
    const causes = r.rootCauses?.filter((c) => c.ruleId === 'cross-scope-access') ?? [];
    // Other trust domain, and no declared environment: two problems of the role, each on all three keys.
    expect(r.results.filter((x) => x.ruleId === 'cross-scope-access')).toHaveLength(6);
    expect(causes.map((c) => [c.resource.kind, c.resource.id, c.subjects.length])).toEqual([
      ['principal', foreign.principal.id, 3],
      ['principal', foreign.principal.id, 3],
    ]);
  });

  it('the text summary counts root causes beside failures; SARIF has one result per root cause', () => {
    const text = textReporter.render(result, reportMeta({ color: false }));
    // The text table has one row per root cause, the subjects it fails listed under it (ids verbatim); its summary counts root causes.
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('key-use-logged'))).toHaveLength(2);
    const trailRow = lines.findIndex((l) => l.includes('key-use-logged') && l.includes('(3 subjects)'));
    expect(lines.slice(trailRow + 1, trailRow + 4).every((l) => /^ +- \S+key\/k\d$/.test(l))).toBe(true);
    expect(text).toMatch(/3 root causes \(critical 0, high 2, medium 1, low 0\) of 7 failures/);
    const sarif = renderSarif(result, reportMeta()).runs[0]?.results ?? [];
    const logged = sarif.filter((x) => x.ruleId === 'key-use-logged' && x.properties?.rootCause?.resource?.kind === 'trail');
    expect(sarif.filter((x) => x.ruleId === 'key-use-logged')).toHaveLength(2);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.relatedLocations).toHaveLength(2);
    expect(logged[0]?.properties).toMatchObject({ rootCause: { affectedSubjects: 3 } });
  });

  it('baselines follow root causes: a new key under the same blind trail is not a new problem; fixing the trail resolves it once', () => {
    const grown = run([...keys, awsKey(4)]);
    const marked = applyBaseline(grown, result);
    expect(marked.results.find((r) => r.subject.id.endsWith('key/k4'))?.baseline).toBe('unchanged');
    expect(marked.baseline?.counts).toEqual({ new: 0, unchanged: 3, resolved: 0 });
    const fixed = evaluate(inventory({ keys, trails: [trail({ name: 'org' })] }), policy, { now: NOW });
    expect(applyBaseline(fixed, result).baseline?.counts).toEqual({ new: 0, unchanged: 2, resolved: 1 });
  });
});

describe('groupCauses', () => {
  type Item = { id: string; subject: string; severity: Failure['severity'] };
  const resource = { kind: 'trail', id: 'trail-1' };
  // One object filled and returned for every item, as the result store does.
  const scratch: Failure = { id: '', ruleId: 'r', severity: 'info', message: 'm', subjectId: '', resource: () => resource };
  const fact = (x: Item): Failure => Object.assign(scratch, { id: x.id, subjectId: x.subject, severity: x.severity });
  const group = (items: Item[]) =>
    groupCauses(items, fact, true).map((g) => ({ id: g.cause.id, severity: g.cause.severity, subjects: g.cause.subjects, n: g.entries.length }));

  it('lists each cause subject once, in order, whatever order and repeats the failures come in', () => {
    const items: Item[] = [
      { id: 'c1', subject: 'k-b', severity: 'high' },
      { id: 'c1', subject: 'k-b', severity: 'high' },
      { id: 'c1', subject: 'k-d', severity: 'high' },
      { id: 'c2', subject: 'k-a', severity: 'medium' },
      { id: 'c1', subject: 'k-a', severity: 'critical' },
      { id: 'c1', subject: 'k-d', severity: 'high' },
      { id: 'c1', subject: 'k-c', severity: 'high' },
      { id: 'c2', subject: 'k-a', severity: 'medium' },
      { id: 'c2', subject: 'k-c', severity: 'medium' },
    ];
    expect(group(items)).toEqual([
      { id: 'c1', severity: 'critical', subjects: ['k-a', 'k-b', 'k-c', 'k-d'], n: 6 },
      { id: 'c2', severity: 'medium', subjects: ['k-a', 'k-c'], n: 3 },
    ]);
  });

  it('keeps sorted subjects as they come and drops a repeat of the last', () => {
    const items: Item[] = ['a', 'a', 'b', 'c', 'c', 'c', 'd'].map((subject) => ({ id: 'c', subject, severity: 'low' }));
    expect(group(items)).toEqual([{ id: 'c', severity: 'low', subjects: ['a', 'b', 'c', 'd'], n: 7 }]);
  });
});
