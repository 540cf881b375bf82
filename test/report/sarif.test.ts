import { readFileSync } from 'node:fs';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { causeKey } from '../../src/engine/root-causes.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { policyLineIndex } from '../../src/report/policy-lines.ts';
import { renderSarif, sarifReporter } from '../../src/report/sarif.ts';
import { STORM_POLICY, stormRun } from '../helpers/storm-result.ts';
import { SARIF_SCHEMA_FILE, sarifValidator } from './sarif-schema.ts';

const validate = sarifValidator();
const meta = reportMeta({ srcRoot: '/work/repo' });

// biome-ignore lint/suspicious/noExplicitAny: tests break logs on purpose and read optional fields directly
type Loose = any;

function sarifOf(result: AuditResult, m = meta) {
  const log: Loose = JSON.parse(sarifReporter.render(result, m));
  const run: Loose = log.runs[0];
  return { log, run, results: run.results as Loose[], rules: run.tool.driver.rules as Sarif.ReportingDescriptor[] };
}

const storm = stormRun();

describe('sarif reporter', () => {
  it('writes a log the official SARIF 2.1.0 schema accepts', () => {
    const { log } = sarifOf(storm.result);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
  });

  it('the schema check is not a rubber stamp: a broken log is rejected', () => {
    const { log } = sarifOf(storm.result);
    log.runs[0].results[0].level = 'critical';
    expect(validate(log)).toBe(false);
    const { log: log2 } = sarifOf(storm.result);
    delete log2.runs[0].tool.driver.name;
    expect(validate(log2)).toBe(false);
  });

  it('one result per non-passing entry, rules with help text, help URI and GitHub security severity', () => {
    const { results, rules } = sarifOf(storm.result);
    // Failures are one SARIF result per root cause (the example's common endpoint fails two keys as one).
    const others = storm.result.results.filter((r) => r.outcome !== 'fail').length;
    expect(results).toHaveLength(others + (storm.result.rootCauses?.length ?? 0));
    expect(storm.result.rootCauses?.length).toBeLessThan(storm.result.results.length - others);
    expect(rules.map((r) => r.id)).toEqual(storm.result.rules.map((r) => r.id).sort());
    const rule = rules.find((r) => r.id === 'key-material-max-age');
    expect(rule?.helpUri).toBe('https://keyhygiene.dev/rules/key-material-max-age');
    expect(rule?.help?.text).toMatch(/Fix: /);
    expect(rule?.help?.markdown).toMatch(/\*\*How to fix\.\*\*/);
    expect(rule?.shortDescription?.text.length).toBeGreaterThan(10);
    for (const r of results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    const critical = rules.find((r) => storm.result.rules.find((x) => x.id === r.id)?.severity === 'critical');
    expect(critical?.properties?.['security-severity']).toBe('9.5');
    expect(critical?.defaultConfiguration?.level).toBe('error');
  });

  it('maps severities to levels, outcomes to kinds, and carries our fingerprints', () => {
    const { results } = sarifOf(storm.result);
    storm.result.results.forEach((entry) => {
      // Failures are one SARIF result per root cause, fingerprinted by it; the rest one per finding.
      const id = entry.outcome === 'fail' ? causeKey(entry) : entry.fingerprint;
      const r = results.find((x) => x.partialFingerprints['keyhygiene/v1'] === id) as (typeof results)[number];
      expect(r.ruleId).toBe(entry.ruleId);
      expect(r.partialFingerprints.primaryLocationLineHash).toBe(id);
      if (entry.outcome === 'fail') {
        expect(r.kind).toBe('fail');
        expect(r.level).toBe({ critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }[entry.severity]);
      }
      if (entry.outcome === 'unknown') {
        expect(r.kind).toBe('review');
        expect(r.level).toBe('note');
      }
    });
    expect(new Set(results.map((r) => r.partialFingerprints.primaryLocationLineHash)).size).toBe(results.length);
  });

  it('waived results become accepted external suppressions with their justification', () => {
    const { results } = sarifOf(storm.result);
    const waived = storm.result.results.filter((r) => r.outcome === 'waived');
    expect(waived.length).toBeGreaterThan(0);
    for (const w of waived) {
      const r = results.find((x) => x.partialFingerprints['keyhygiene/v1'] === w.fingerprint);
      expect(r?.suppressions).toEqual([
        {
          kind: 'external',
          status: 'accepted',
          justification: w.waiver?.reason,
          properties: expect.objectContaining({ approver: w.waiver?.approver, expires: w.waiver?.expires }),
        },
      ]);
    }
    expect(results.filter((r) => r.suppressions).length).toBe(waived.length);
  });

  it('cloud resources are logical locations; the policy file (relative to %SRCROOT%) is the physical one', () => {
    const policyFile = '/work/repo/policies/prod/keyhygiene.yaml';
    const { results, run } = sarifOf({ ...storm.result, policy: { ...storm.result.policy, file: policyFile } });
    const first = results[0];
    const entry = storm.result.results[0] as ResultEntry;
    expect(first.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'policies/prod/keyhygiene.yaml', uriBaseId: '%SRCROOT%' });
    expect(first.locations[0]?.logicalLocations[0]).toEqual({ name: entry.subject.name, fullyQualifiedName: entry.subject.id, kind: 'resource' });
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/repo/');
    // Outside the source root: an absolute file URI, still schema-valid.
    const outside = sarifOf({ ...storm.result, policy: { ...storm.result.policy, file: '/etc/key hygiene/p.yaml' } });
    expect(outside.results[0]?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'file:///etc/key%20hygiene/p.yaml' });
    expect(validate(outside.log)).toBe(true);
  });

  it('an artifact finding points at its file and byte offset; remote objects stay logical', () => {
    const base = storm.result.results[0] as ResultEntry;
    const artifact = (id: string): ResultEntry => ({
      ...base,
      ruleId: 'key-material-in-artifact',
      category: 'exposure',
      severity: 'critical',
      subject: { kind: 'artifact', id, provider: 'artifacts' },
      findingKey: undefined,
      scope: undefined,
      rootCause: undefined,
      // Distinct findings have distinct fingerprints (each its own root cause).
      fingerprint: Buffer.from(id).toString('hex').slice(-32).padStart(32, '0'),
    });
    const result = {
      ...storm.result,
      results: [artifact('/work/repo/dumps/app 1.dmp@4096'), artifact('s3://bucket/crash.dmp@12'), artifact('dumps/core.tar!inner/core@7')],
    };
    const { results, log } = sarifOf(result);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(results[0]?.locations[0]?.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'dumps/app%201.dmp', uriBaseId: '%SRCROOT%' },
      address: { absoluteAddress: 4096 },
    });
    expect(results[0]?.locations[0]?.logicalLocations[0]?.kind).toBe('object');
    // s3:// is not a file in the repository: the policy file stands in.
    // Failures come grouped by root cause, sorted by the causing resource's id.
    const at = (id: string) => results.find((r) => r.locations[0]?.logicalLocations[0]?.fullyQualifiedName === id);
    expect(at('s3://bucket/crash.dmp@12')?.locations[0]?.physicalLocation.artifactLocation.uri).not.toMatch(/^s3:/);
    expect(at('dumps/core.tar!inner/core@7')?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('dumps/core.tar');
  });

  it('baseline states and collection gaps as tool notifications', () => {
    // A baseline state belongs to a root cause (every failure of one cause shares it).
    const causeIds = [...new Set(storm.result.results.map(causeKey))];
    const stateOf = (r: ResultEntry) => (causeIds.indexOf(causeKey(r)) % 2 ? ('new' as const) : ('unchanged' as const));
    const entries = storm.result.results.map((r) => (r.outcome === 'fail' ? { ...r, baseline: stateOf(r) } : r));
    const { results, run, log } = sarifOf({ ...storm.result, results: entries });
    expect(validate(log)).toBe(true);
    const newCauses = new Set(entries.filter((r) => r.baseline === 'new').map(causeKey));
    expect(results.filter((r) => r.baselineState === 'new').length).toBe(newCauses.size);
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(storm.result.gaps.length);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain(storm.result.gaps[0]?.operation);
  });

  it('is deterministic', () => {
    expect(sarifReporter.render(storm.result, meta)).toBe(sarifReporter.render(stormRun().result, meta));
    expect(renderSarif(storm.result, reportMeta())).not.toHaveProperty('runs.0.originalUriBaseIds');
  });

  it('the vendored schema is the current OASIS one (errata 01): suppressions carry status, not state', () => {
    const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8'));
    expect(schema.id).toBe('https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json');
    expect(schema.definitions.suppression.properties).toHaveProperty('status');
    expect(schema.definitions.suppression.properties).not.toHaveProperty('state');
    const { log } = sarifOf(storm.result);
    expect(log.$schema).toBe(schema.id);
    const waived = log.runs[0].results.find((r: Loose) => r.suppressions);
    waived.suppressions[0].state = waived.suppressions[0].status;
    delete waived.suppressions[0].status;
    expect(validate(log)).toBe(false); // what keyhygiene wrote before errata 01 was followed
  });

  it('every result has a location code scanning accepts and a rule index, every rule a help URI', () => {
    const { results, rules } = sarifOf(storm.result);
    for (const r of results) {
      const physical = r.locations[0].physicalLocation;
      expect(physical.artifactLocation.uri.length).toBeGreaterThan(0);
      expect(physical.region.startLine).toBeGreaterThanOrEqual(1);
      expect(r.locations[0].logicalLocations[0].fullyQualifiedName.length).toBeGreaterThan(0);
      expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    }
    for (const rule of rules) expect(rule.helpUri).toBe(`https://keyhygiene.dev/rules/${rule.id}`);
  });

  it('a cloud finding points at the policy line that classified its key, else the rule setting', () => {
    const text = readFileSync(STORM_POLICY, 'utf8');
    const lines = text.split('\n');
    const lineOf = (re: RegExp) => lines.findIndex((l) => re.test(l)) + 1;
    const m = reportMeta({ srcRoot: '/work/repo', policyLine: policyLineIndex(STORM_POLICY, text) });
    const { results, log } = sarifOf(storm.result, m);
    expect(validate(log)).toBe(true);
    const withClass = storm.result.results.findIndex((r) => r.scope?.keyClass === 'token-signing-shared');
    expect(withClass).toBeGreaterThanOrEqual(0);
    expect(results[withClass].locations[0].physicalLocation.region.startLine).toBe(lineOf(/^ {2}token-signing-shared:/));
    // token-signing-tenant comes from the extended pack, not this file: the trust domain is the line here.
    const packClass = storm.result.results.findIndex((r) => r.scope?.keyClass === 'token-signing-tenant' && r.scope.trustDomain === 'consumer');
    expect(packClass).toBeGreaterThanOrEqual(0);
    expect(lines.some((l) => /^ {2}token-signing-tenant:/.test(l))).toBe(false);
    expect(results[packClass].locations[0].physicalLocation.region.startLine).toBe(lineOf(/^ {2}consumer:/));
    const starts = new Set(results.map((r: Loose) => r.locations[0].physicalLocation.region.startLine));
    expect(starts.size).toBeGreaterThan(1); // not every cloud finding on line 1
  });
});

describe('policy lines', () => {
  const text = [
    'version: 1',
    'environments:',
    '  prod:',
    '    kind: production',
    '    match: [{ tags: { env: prod } }]',
    'keyClasses:',
    '  signing:',
    '    maxAgeDays: 90',
    'rules:',
    '  key-material-max-age: high',
    '',
  ].join('\n');
  const lineOf = policyLineIndex('p.yaml', text);
  it('key class first, then environment, then the rule setting; nothing when the policy names neither', () => {
    expect(lineOf({ ruleId: 'x', scope: { keyClass: 'signing', environment: 'prod' } })).toBe(7);
    expect(lineOf({ ruleId: 'x', scope: { keyClass: 'other', environment: 'prod' } })).toBe(3);
    expect(lineOf({ ruleId: 'key-material-max-age' })).toBe(10);
    expect(lineOf({ ruleId: 'x' })).toBeUndefined();
  });
  it('a policy that no longer parses gives no line (the report falls back to line 1)', () => {
    expect(policyLineIndex('p.yaml', 'rules: [unclosed')({ ruleId: 'x' })).toBeUndefined();
  });
});
