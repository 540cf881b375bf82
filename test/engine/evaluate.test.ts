import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type EvaluateOptions, evaluate, fingerprint, utcTime } from '../../src/engine/evaluate.ts';
import { AuditResult, type ResultEntry } from '../../src/engine/result.ts';
import { type Severity, Severity as SeveritySchema } from '../../src/model/common.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import type { Waiver } from '../../src/policy/schema.ts';
import { defineRule } from '../../src/rules/define-rule.ts';
import { findRule, RULES } from '../../src/rules/index.ts';
import type { AnyRule } from '../../src/rules/types.ts';
import { ACCOUNT, access, daysAgo, gap, inventory, key, NOW, trail } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

// Throwaway rules, defined inline and made visible to the engine through the registry's lookup.
const extraRules = vi.hoisted(() => new Map<string, unknown>());
vi.mock('../../src/rules/index.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/rules/index.ts')>();
  return { ...orig, findRule: (id: string) => (extraRules.get(id) as ReturnType<typeof orig.findRule>) ?? orig.findRule(id) };
});

const throwing = defineRule({
  id: 'test-throws',
  meta: { category: 'coverage', severity: 'low', description: 'Never throws.', rationale: 'test', remediation: 'test', subject: 'key' },
  options: z.strictObject({}),
  messages: { never: 'never' },
  check(k) {
    if (k.name === 'boom') throw new Error('boom: cannot read properties of undefined');
  },
});

const perPrincipal = defineRule({
  id: 'test-per-principal',
  meta: {
    category: 'scope',
    severity: 'medium',
    description: 'Nobody has access.',
    rationale: 'test',
    remediation: 'test',
    subject: 'key',
    needs: ['access'],
    appliesTo: (k) => k.state === 'enabled',
  },
  options: z.strictObject({ escalateTo: SeveritySchema.optional() }),
  messages: { has: '{who} has access.' },
  check(k, ctx) {
    for (const a of k.access ?? []) ctx.report('has', { who: a.principal.id }, { key: a.principal.id, escalateTo: ctx.options.escalateTo });
  },
});

/** A rule that only declares what it needs (its check reports nothing). */
const needing = (id: string, needs: Parameters<typeof defineRule>[0]['meta']['needs']) =>
  defineRule({
    id,
    meta: { category: 'rotation', severity: 'high', description: 'Has what it needs.', rationale: 'test', remediation: 'test', subject: 'key', needs },
    options: z.strictObject({}),
    messages: { never: 'never' },
    check() {},
  });

const needy = needing('test-needs', [['fingerprints.spkiSha256', 'publicKey'], 'rotation.periodDays']);
// A path as its only alternative, and a plain member: each read where it is.
const needyOne = needing('test-needs-one', [['rotation.periodDays'], 'exportable']);

for (const r of [throwing, perPrincipal, needy, needyOne]) extraRules.set(r.id, r);

const ruleById = (id: string): AnyRule => findRule(id) as AnyRule;

function policy(rules: (string | [string, Severity] | [string, Severity, Record<string, unknown>])[], waivers: Waiver[] = []): ResolvedPolicy {
  return {
    baseDir: '.',
    extends: ['test'],
    ...TEST_POLICY,
    providers: {},
    rules: new Map(
      rules.map((r) => {
        const [id, severity, options] = typeof r === 'string' ? [r, undefined, undefined] : r;
        const rule = ruleById(id);
        return [id, { severity: severity ?? rule.meta.severity, options: rule.options.parse(options ?? {}) }];
      }),
    ),
    waivers,
  };
}

const run = (inv: Partial<Omit<Inventory, 'kind' | 'version'>>, p: ResolvedPolicy, opts: Partial<EvaluateOptions> = {}) =>
  evaluate(inventory(inv), p, { now: NOW, includePassed: true, ...opts });

const keyA = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/a', name: 'a' });
const keyB = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/b', name: 'b' });
const twoPrincipals = [access({ id: 'p1' }), access({ id: 'p2' })];
const waiver = (w: Partial<Waiver>): Waiver => ({
  rule: 'test-per-principal',
  reason: 'accepted until the migration lands',
  approver: 'ciso@example.com',
  expires: '2026-12-31',
  ...w,
});

describe('evaluate: one outcome per applicable (rule, subject) pair', () => {
  const inv: Partial<Omit<Inventory, 'kind' | 'version'>> = {
    keys: [
      key({ id: 'k-good' }),
      key({ id: 'k-old', createdAt: daysAgo(900), currentVersionCreatedAt: daysAgo(900), tags: {} }),
      key({ id: 'k-disabled', state: 'disabled' }),
      key({ id: 'k-bare', usage: undefined, state: undefined, access: undefined, tags: undefined }),
      key({
        id: 'k-data',
        usage: ['encrypt', 'decrypt'],
        tags: { env: 'prod', 'key-class': 'data-encryption' },
        rotation: { supported: true, automatic: false },
        access: [access(), access({ id: 'arn:aws:iam::333333333333:user/dev', account: '333333333333' }, ['use-decrypt'])],
      }),
      // One principal through a key policy and a grant, and two public statements without a Sid:
      // still one finding per finding key (unique fingerprints).
      key({
        id: 'k-dup',
        access: [
          access(),
          access({ id: 'arn:aws:iam::333333333333:user/dev', account: '333333333333' }, ['use-sign']),
          access({ id: 'arn:aws:iam::333333333333:user/dev', account: '333333333333' }, ['use-decrypt'], { source: 'grant', sourceId: 'g-1' }),
          access({ kind: 'public', id: '*', account: undefined }, ['use-sign']),
          access({ kind: 'public', id: '*', account: undefined }, ['use-decrypt']),
        ],
      }),
    ],
    trails: [trail(), trail({ id: 't-excluding', excludedSources: ['kms.amazonaws.com'] })],
    gaps: [gap({ scope: { account: ACCOUNT, region: 'us-east-1', subjectId: 'k-bare' } })],
  };

  it('holds for every registered rule', () => {
    const p = policy(RULES.map((r) => r.id));
    const result = run(inv, p);
    const full = inventory(inv);
    const byKind = { key: full.keys, trail: full.trails, 'published-key': full.publishedKeys, artifact: full.artifacts, gap: full.gaps };
    for (const rule of RULES) {
      const subjects = byKind[rule.meta.subject];
      const counts = result.rules.find((r) => r.id === rule.id)?.counts;
      expect(counts, rule.id).toBeDefined();
      let notApplicable = 0;
      for (const s of subjects) {
        const entries = result.results.filter((e) => e.ruleId === rule.id && e.subject.id === s.id);
        if (entries.length === 0) {
          notApplicable++;
          continue;
        }
        const outcomes = new Set(entries.map((e) => e.outcome));
        if (outcomes.has('fail') || outcomes.has('waived')) {
          expect(
            [...outcomes].every((o) => o === 'fail' || o === 'waived'),
            `${rule.id} × ${s.id}`,
          ).toBe(true);
          expect(new Set(entries.map((e) => e.fingerprint)).size, `${rule.id} × ${s.id}: one entry per finding`).toBe(entries.length);
        } else {
          expect(entries, `${rule.id} × ${s.id}: exactly one outcome`).toHaveLength(1);
        }
      }
      expect(counts?.['not-applicable'], `${rule.id} not-applicable`).toBe(notApplicable);
      for (const o of ['fail', 'error', 'unknown', 'waived', 'pass'] as const) {
        expect(counts?.[o], `${rule.id} ${o}`).toBe(result.results.filter((e) => e.ruleId === rule.id && e.outcome === o).length);
      }
    }
    // Subjects of other kinds are never evaluated by a rule.
    for (const e of result.results) expect(e.subject.kind).toBe(ruleById(e.ruleId).meta.subject);
  });

  it('produces a result that satisfies the versioned result schema', () => {
    expect(() => AuditResult.parse(run(inv, policy(RULES.map((r) => r.id))))).not.toThrow();
  });

  it('counts passes without listing them unless asked', () => {
    const p = policy(['test-per-principal']);
    const listed = run({ keys: [key({ access: [] })] }, p);
    const quiet = run({ keys: [key({ access: [] })] }, p, { includePassed: false });
    expect(listed.results.map((r) => r.outcome)).toEqual(['pass']);
    expect(listed.results[0]?.message).toBe('Nobody has access.');
    expect(quiet.results).toEqual([]);
    expect(quiet.summary.outcomes.pass).toBe(1);
    expect(quiet.rules[0]?.counts.pass).toBe(1);
    expect(quiet.subjects[0]?.status).toBe('pass');
  });
});

describe('evaluate: not-applicable, unknown and error', () => {
  it('counts not-applicable but never lists it', () => {
    const result = run({ keys: [key({ state: 'disabled' }), keyA] }, policy(['automatic-rotation', 'test-per-principal']));
    expect(result.rules.find((r) => r.id === 'automatic-rotation')?.counts['not-applicable']).toBe(2);
    expect(result.rules.find((r) => r.id === 'test-per-principal')?.counts['not-applicable']).toBe(1);
    expect(result.results.some((r) => r.outcome === 'not-applicable')).toBe(false);
    expect(result.results.filter((r) => r.ruleId === 'automatic-rotation')).toEqual([]);
    expect(result.summary.outcomes['not-applicable']).toBe(3);
    expect(result.subjects.find((s) => s.id === key().id)?.status).toBe('not-applicable');
  });

  it('is unknown when a needed field is missing, naming it (alternatives joined)', () => {
    const result = run({ keys: [key({ rotation: { supported: true, periodDays: 30 } })] }, policy(['test-needs']));
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({
      outcome: 'unknown',
      missing: ['fingerprints.spkiSha256 | publicKey'],
      message: 'Not evaluated: fingerprints.spkiSha256 | publicKey was not collected for this subject.',
    });
    const second = run({ keys: [key({ publicKey: 'AAAA', rotation: { supported: true } })] }, policy(['test-needs']));
    expect(second.results[0]?.missing).toEqual(['rotation.periodDays']);
    const ok = run({ keys: [key({ fingerprints: { spkiSha256: 'a'.repeat(64) }, rotation: { supported: true, periodDays: 30 } })] }, policy(['test-needs']));
    expect(ok.results[0]?.outcome).toBe('pass');
  });

  it('reads a need of one path and a need of one member where they are', () => {
    const p = policy(['test-needs-one']);
    expect(run({ keys: [key({ rotation: { supported: true, periodDays: 30 }, exportable: false })] }, p).results[0]?.outcome).toBe('pass');
    expect(run({ keys: [key({ rotation: { supported: true }, exportable: false })] }, p).results[0]?.missing).toEqual(['rotation.periodDays']);
    expect(run({ keys: [key({ rotation: { supported: true, periodDays: 30 }, exportable: undefined })] }, p).results[0]?.missing).toEqual(['exportable']);
  });

  it('is unknown when a gap hides the field, and the message names the gap', () => {
    const p = policy(['test-per-principal']);
    const result = run({ keys: [key({ access: undefined })], gaps: [gap()] }, p);
    expect(result.results[0]).toMatchObject({
      outcome: 'unknown',
      missing: ['access'],
      message: 'Not evaluated: access was not collected (kms:ListGrants: AccessDenied).',
    });
    // A gap with no `affects` hides everything in its scope.
    const wide = run({ keys: [key({ access: undefined })], gaps: [gap({ affects: undefined, operation: 'kms:ListKeys' })] }, p);
    expect(wide.results[0]?.message).toContain('(kms:ListKeys: AccessDenied)');
  });

  it('blames only gaps whose provider, scope and fields cover the subject', () => {
    const p = policy(['test-per-principal']);
    const blamed = (g: Parameters<typeof gap>[0]) =>
      run({ keys: [key({ access: undefined })], gaps: [gap(g)] }, p).results[0]?.message.includes('kms:ListGrants');
    expect(blamed({ scope: { account: '999999999999' } })).toBe(false);
    expect(blamed({ scope: { account: ACCOUNT, region: 'eu-west-1' } })).toBe(false);
    expect(blamed({ scope: { container: 'kv-1' } })).toBe(false);
    expect(blamed({ scope: { subjectId: 'another-key' } })).toBe(false);
    expect(blamed({ provider: 'azure-keyvault' })).toBe(false);
    expect(blamed({ affects: ['rotation'] })).toBe(false);
    expect(blamed({ scope: {} })).toBe(true);
    expect(blamed({ scope: { subjectId: key().id } })).toBe(true);
    // Every such subject is still unknown: a gap that does not explain it does not make it pass.
    expect(run({ keys: [key({ access: undefined })], gaps: [gap({ affects: ['rotation'] })] }, p).results[0]?.outcome).toBe('unknown');
  });

  it('is error when a rule throws, and the other subjects and rules go on', () => {
    const result = run({ keys: [keyA, key({ id: 'k-boom', name: 'boom' })] }, policy(['test-throws', 'test-per-principal']));
    const errors = result.results.filter((r) => r.outcome === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      ruleId: 'test-throws',
      subject: { id: 'k-boom' },
      severity: 'low',
      message: 'The rule failed while evaluating this subject: boom: cannot read properties of undefined',
    });
    expect(result.rules.find((r) => r.id === 'test-throws')?.counts).toMatchObject({ error: 1, pass: 1 });
    expect(result.rules.find((r) => r.id === 'test-per-principal')?.counts.fail).toBe(2);
    expect(result.summary.outcomes.error).toBe(1);
    expect(result.summary.incomplete).toBe(true);
    // error outranks fail in a subject's status
    expect(result.subjects.find((s) => s.id === 'k-boom')?.status).toBe('error');
  });
});

describe('evaluate: waivers', () => {
  const p = (...w: Waiver[]) => policy(['test-per-principal'], w);

  it('waives an exact subject while the waiver is active, and keeps the result visible', () => {
    const result = run({ keys: [keyA, keyB] }, p(waiver({ subject: keyA.id, ticket: 'SEC-42' })));
    const a = result.results.filter((r) => r.subject.id === keyA.id);
    expect(a.map((r) => r.outcome)).toEqual(['waived']);
    expect(a[0]?.waiver).toEqual({
      reason: 'accepted until the migration lands',
      approver: 'ciso@example.com',
      expires: '2026-12-31',
      ticket: 'SEC-42',
      status: 'active',
    });
    expect(result.results.filter((r) => r.subject.id === keyB.id).map((r) => r.outcome)).toEqual(['fail']);
    expect(result.summary.failuresBySeverity.medium).toBe(1);
    expect(result.summary.outcomes.waived).toBe(1);
    expect(result.waivers).toEqual([expect.objectContaining({ rule: 'test-per-principal', subject: keyA.id, status: 'active', matched: 1 })]);
    expect(result.subjects.find((s) => s.id === keyA.id)?.status).toBe('waived');
  });

  it('treats `subject` as exact: a "*" in it is not a wildcard', () => {
    const result = run({ keys: [keyA] }, p(waiver({ subject: 'arn:aws:kms:us-east-1:111111111111:key/*' })));
    expect(result.results.map((r) => r.outcome)).toEqual(['fail']);
    expect(result.waivers[0]).toMatchObject({ status: 'unused', matched: 0 });
  });

  it('matches an explicit glob against every subject it covers', () => {
    const result = run(
      { keys: [keyA, keyB, key({ id: 'arn:aws:kms:eu-west-1:111111111111:key/z', region: 'eu-west-1' })] },
      p(waiver({ subjectGlob: 'arn:aws:kms:us-east-1:111111111111:key/*' })),
    );
    expect(result.results.map((r) => [r.subject.id, r.outcome])).toEqual([
      ['arn:aws:kms:eu-west-1:111111111111:key/z', 'fail'],
      [keyA.id, 'waived'],
      [keyB.id, 'waived'],
    ]);
    expect(result.waivers[0]).toMatchObject({ subjectGlob: 'arn:aws:kms:us-east-1:111111111111:key/*', status: 'active', matched: 2 });
  });

  it('waives only the named finding of a subject', () => {
    const result = run({ keys: [key({ access: twoPrincipals })] }, p(waiver({ subject: key().id, finding: 'p1' })));
    expect(result.results.map((r) => [r.findingKey, r.outcome])).toEqual([
      ['p2', 'fail'],
      ['p1', 'waived'],
    ]);
    expect(result.waivers[0]).toMatchObject({ finding: 'p1', matched: 1, status: 'active' });
  });

  it('turns an expired waiver back into a failure, marked and listed as expired', () => {
    const result = run({ keys: [keyA] }, p(waiver({ subject: keyA.id, expires: '2026-05-31' })));
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ outcome: 'fail', waiver: { status: 'expired', expires: '2026-05-31' } });
    expect(result.results[0]?.message).toBe(`${access().principal.id} has access. (waiver expired 2026-05-31)`);
    expect(result.summary.failuresBySeverity.medium).toBe(1);
    expect(result.summary.outcomes.waived).toBe(0);
    expect(result.waivers[0]).toMatchObject({ status: 'expired', matched: 1 });
  });

  it('keeps a date-only waiver active to the end of that day (UTC), and honours full timestamps', () => {
    const today = run({ keys: [keyA] }, p(waiver({ subject: keyA.id, expires: '2026-06-01' })));
    expect(today.results[0]?.outcome).toBe('waived');
    const lateToday = run({ keys: [keyA] }, p(waiver({ subject: keyA.id, expires: '2026-06-01' })), { now: new Date('2026-06-01T23:59:00Z') });
    expect(lateToday.results[0]?.outcome).toBe('waived');
    const tomorrow = run({ keys: [keyA] }, p(waiver({ subject: keyA.id, expires: '2026-06-01' })), { now: new Date('2026-06-02T00:00:00Z') });
    expect(tomorrow.results[0]?.outcome).toBe('fail');
    const stamp = run({ keys: [keyA] }, p(waiver({ subject: keyA.id, expires: '2026-05-31T23:00:00Z' })));
    expect(stamp.results[0]?.waiver?.status).toBe('expired');
  });

  it('reports a waiver that matched nothing as unused, and applies waivers only to their rule', () => {
    const result = run(
      { keys: [keyA] },
      policy(
        ['test-per-principal', 'test-throws'],
        [waiver({ subject: 'arn:aws:kms:us-east-1:111111111111:key/gone' }), waiver({ rule: 'test-throws', subject: keyA.id })],
      ),
    );
    expect(result.results.find((r) => r.ruleId === 'test-per-principal')?.outcome).toBe('fail');
    expect(result.waivers.map((w) => [w.rule, w.subject, w.status, w.matched])).toEqual([
      ['test-per-principal', 'arn:aws:kms:us-east-1:111111111111:key/gone', 'unused', 0],
      ['test-throws', keyA.id, 'unused', 0],
    ]);
  });

  it('resolves a waiver naming a rule alias to the rule', () => {
    const result = run({ keys: [key({ expiresAt: daysAgo(3) })] }, policy(['expired-key-in-use'], [waiver({ rule: 'ROT-04', subject: key().id })]));
    expect(result.results.map((r) => r.outcome)).toEqual(['waived']);
    expect(result.waivers[0]).toMatchObject({ rule: 'expired-key-in-use', status: 'active', matched: 1 });
  });
});

describe('evaluate: fingerprints and determinism', () => {
  it('gives stable fingerprints: same inputs, same fingerprint; different finding key, different fingerprint', () => {
    const p = policy(['test-per-principal']);
    const one = run({ keys: [key({ access: twoPrincipals })] }, p);
    const two = run({ keys: [key({ access: twoPrincipals })] }, p, { now: new Date('2027-01-01T00:00:00Z') });
    expect(one.results.map((r) => r.fingerprint)).toEqual(two.results.map((r) => r.fingerprint));
    const [f1, f2] = one.results.map((r) => r.fingerprint);
    expect(f1).not.toBe(f2);
    for (const r of one.results) {
      expect(r.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(r.fingerprint).toBe(fingerprint('test-per-principal', key().id, r.findingKey));
    }
    expect(fingerprint('r', 's', 'a')).not.toBe(fingerprint('r', 's', 'b'));
    expect(fingerprint('r', 's')).not.toBe(fingerprint('r', 's2'));
    expect(fingerprint('r', 's')).not.toBe(fingerprint('r2', 's'));
  });

  it('keeps a finding fingerprint when only its message or severity changes', () => {
    const young = run({ keys: [key({ createdAt: daysAgo(45), currentVersionCreatedAt: daysAgo(45) })] }, policy(['key-material-max-age']));
    const older = run({ keys: [key({ createdAt: daysAgo(400), currentVersionCreatedAt: daysAgo(400) })] }, policy([['key-material-max-age', 'low']]));
    expect(young.results[0]?.message).not.toBe(older.results[0]?.message);
    expect(young.results[0]?.severity).not.toBe(older.results[0]?.severity);
    expect(young.results[0]?.fingerprint).toBe(older.results[0]?.fingerprint);
  });

  const estate: Partial<Omit<Inventory, 'kind' | 'version'>> = {
    providers: [{ id: 'b-provider' }, { id: 'a-provider' }, { id: 'b-provider' }],
    keys: [
      key({ id: 'k-3', access: [access({ id: 'z' }), access({ id: 'a' })] }),
      key({ id: 'k-1', createdAt: daysAgo(900), currentVersionCreatedAt: daysAgo(900), expiresAt: daysAgo(2) }),
      key({ id: 'k-2', name: 'boom', access: undefined }),
    ],
    trails: [trail({ id: 't-2' }), trail({ id: 't-1', retentionDays: 10 })],
    gaps: [gap({ id: 'g-2', scope: { subjectId: 'k-2' } }), gap({ id: 'g-1', provider: 'azure-keyvault', scope: {} })],
  };
  const estatePolicy = () =>
    policy(
      ['test-throws', 'test-per-principal', 'key-material-max-age', 'expired-key-in-use', 'collection-complete', 'key-log-retention', 'automatic-rotation'],
      [waiver({ subject: 'k-3', finding: 'z' }), waiver({ rule: 'collection-complete', subjectGlob: 'g-*', expires: '2026-01-01' })],
    );

  it('sorts results: outcome, then severity, rule, subject and finding key', () => {
    const result = run(estate, estatePolicy());
    const order = ['fail', 'error', 'unknown', 'waived', 'pass'];
    const sev = ['critical', 'high', 'medium', 'low', 'info'];
    const keyOf = (r: ResultEntry) => [order.indexOf(r.outcome), sev.indexOf(r.severity), r.ruleId, r.subject.id, r.findingKey ?? ''] as const;
    for (let i = 1; i < result.results.length; i++) {
      const a = keyOf(result.results[i - 1] as ResultEntry);
      const b = keyOf(result.results[i] as ResultEntry);
      const c = a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]) || a[3].localeCompare(b[3]) || a[4].localeCompare(b[4]);
      expect(c, `${JSON.stringify(a)} before ${JSON.stringify(b)}`).toBeLessThan(0);
    }
    expect(new Set(result.results.map((r) => r.outcome))).toEqual(new Set(['fail', 'error', 'unknown', 'waived', 'pass']));
    expect(result.subjects.map((s) => `${s.kind}:${s.id}`)).toEqual(['key:k-1', 'key:k-2', 'key:k-3', 'trail:t-1', 'trail:t-2']);
    expect(result.gaps.map((g) => g.id)).toEqual(['g-1', 'g-2']);
    expect(result.rules.map((r) => r.id)).toEqual([...result.rules.map((r) => r.id)].sort());
    expect(result.inventory.providers).toEqual(['a-provider', 'b-provider']);
  });

  it('renders byte-identical JSON for two runs, whatever the input order', () => {
    const a = JSON.stringify(run(estate, estatePolicy()));
    const b = JSON.stringify(run(estate, estatePolicy()));
    expect(b).toBe(a);
    const reversed = {
      ...estate,
      keys: [...(estate.keys ?? [])].reverse(),
      trails: [...(estate.trails ?? [])].reverse(),
      gaps: [...(estate.gaps ?? [])].reverse(),
      providers: [...(estate.providers ?? [])].reverse(),
    };
    const p = estatePolicy();
    const c = JSON.stringify(run(reversed, { ...p, rules: new Map([...p.rules].reverse()) }));
    expect(c).toBe(a);
  });
});

describe('evaluate: severity', () => {
  it('uses the configured severity, not the rule default', () => {
    const result = run({ keys: [key({ access: [access()] })] }, policy([['test-per-principal', 'info']]));
    expect(result.results[0]?.severity).toBe('info');
    expect(result.summary.failuresBySeverity.info).toBe(1);
  });

  it('escalates a finding above the configured severity', () => {
    const result = run({ keys: [key({ access: [access()] })] }, policy([['test-per-principal', 'low', { escalateTo: 'critical' }]]));
    expect(result.results[0]?.severity).toBe('critical');
    expect(result.summary.failuresBySeverity).toMatchObject({ critical: 1, low: 0 });
    expect(result.rules[0]?.severity).toBe('low');
  });

  it('never lowers a configured severity', () => {
    const result = run({ keys: [key({ access: [access()] })] }, policy([['test-per-principal', 'high', { escalateTo: 'info' }]]));
    expect(result.results[0]?.severity).toBe('high');
    const real = run({ keys: [key({ exportable: true })] }, policy([['hsm-custody', 'critical']]));
    expect(real.results[0]?.severity).toBe('critical');
    const lowered = run({ keys: [key({ exportable: true })] }, policy([['hsm-custody', 'low']]));
    expect(lowered.results[0]?.severity).toBe('critical');
  });
});

describe('evaluate: summary', () => {
  it('counts outcomes, failures by severity, subjects by worst status and gaps', () => {
    const result = run(
      {
        keys: [
          key({ id: 'k-fail', access: twoPrincipals }),
          key({ id: 'k-pass', access: [] }),
          key({ id: 'k-unknown', access: undefined }),
          key({ id: 'k-na', state: 'disabled' }),
          key({ id: 'k-error', name: 'boom', access: [] }),
        ],
        trails: [trail()],
        gaps: [gap({ provider: 'gcp-kms', id: 'gcp-kms::x', scope: {} })],
      },
      policy(['test-per-principal', 'test-throws']),
    );
    expect(result.summary.outcomes).toEqual({ fail: 2, error: 1, unknown: 1, waived: 0, pass: 6, 'not-applicable': 1 });
    const sum = { fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 };
    for (const r of result.rules) for (const [o, n] of Object.entries(r.counts)) sum[o as keyof typeof sum] += n;
    expect(sum).toEqual(result.summary.outcomes);
    expect(result.summary.failuresBySeverity).toEqual({ critical: 0, high: 0, medium: 2, low: 0, info: 0 });
    expect(result.summary.gaps).toBe(1);
    expect(result.summary.subjects.total).toBe(6); // five keys and one trail; gaps are not subjects here
    expect(Object.fromEntries(result.subjects.map((s) => [s.id, s.status]))).toEqual({
      'k-error': 'error',
      'k-fail': 'fail',
      'k-na': 'pass',
      'k-pass': 'pass',
      'k-unknown': 'unknown',
      [trail().id]: 'not-applicable',
    });
    expect(result.summary.subjects.byStatus).toEqual({ fail: 1, error: 1, unknown: 1, waived: 0, pass: 2, 'not-applicable': 1 });
    expect(result.subjects.find((s) => s.id === 'k-fail')?.counts).toMatchObject({ fail: 2, pass: 1 });
    expect(result.subjects.find((s) => s.id === 'k-fail')?.scope).toEqual({
      environment: 'production',
      trustDomain: 'consumer',
      keyClass: 'token-signing-shared',
    });
    expect(result.inventory).toMatchObject({ keys: 5, trails: 1, publishedKeys: 0, artifacts: 0 });
    expect(result.policy).toEqual({ extends: ['test'], rulesEnabled: 2 });
    expect(result.generatedAt).toBe(NOW.toISOString());
  });

  it('flags the audit incomplete on a gap, an unknown or an error, and only then', () => {
    const p = policy(['test-per-principal', 'test-throws']);
    expect(run({ keys: [keyA] }, p).summary.incomplete).toBe(false);
    expect(run({ keys: [keyA], gaps: [gap({ provider: 'gcp-kms', id: 'gcp-kms::x', scope: {} })] }, p).summary.incomplete).toBe(true);
    expect(run({ keys: [key({ access: undefined })] }, p).summary.incomplete).toBe(true);
    expect(run({ keys: [key({ name: 'boom' })] }, p).summary.incomplete).toBe(true);
    // A failure alone does not make the audit incomplete.
    const failing = run({ keys: [key({ access: twoPrincipals })] }, p);
    expect(failing.summary.outcomes.fail).toBe(2);
    expect(failing.summary.incomplete).toBe(false);
  });
});

describe('evaluate: facts rules share are kept per evaluation', () => {
  it('merges a key access entries afresh in each evaluation, even for the same array changed in place', () => {
    // Records are not modified during an evaluation, but a caller may change one between two
    // evaluations: the second must judge what the record holds then, not a merge kept from the first.
    // Two paths of one principal (key policy and grant): merged into one entry, a new array.
    const mail = { id: 'arn:aws:iam::222222222222:role/mail', name: 'mail', account: '222222222222' };
    const entries = [access(mail), access(mail, ['use-sign'], { source: 'grant' })];
    const inv = { keys: [key({ access: entries })] };
    const p = policy(['cross-scope-access']);
    const first = run(inv, p).results.filter((r) => r.ruleId === 'cross-scope-access');
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((r) => r.outcome === 'fail')).toBe(true);
    expect(first.map((r) => r.message)).toContain('mail of trust domain enterprise can use-sign this key of trust domain consumer.');
    entries[0] = access();
    entries[1] = access({}, ['use-sign'], { source: 'grant' });
    const second = run(inv, p).results.filter((r) => r.ruleId === 'cross-scope-access');
    expect(second.map((r) => r.outcome)).toEqual(['pass']);
  });
});

describe('utcTime (the timestamp layout read without Date.parse)', () => {
  it('reads exactly what Date.parse reads, and leaves every other layout to it', () => {
    const same = [
      '2026-11-01T00:00:00Z',
      '2026-11-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2024-02-29T12:30:45Z',
      // Past the month's end Date.parse rolls over into the next month; so does this.
      '2026-02-31T00:00:00Z',
      '2026-04-31T08:00:00.250Z',
      '0100-01-01T00:00:00Z',
      '0400-02-29T00:00:00Z',
      '1600-03-01T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '2000-02-29T23:59:59Z',
      '2100-02-29T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const s of same) expect(utcTime(s), s).toBe(Date.parse(s));
    // Every day of every month (31 included) over four centuries, as Date.parse reads it.
    for (let y = 1897; y <= 2304; y += 1)
      for (let m = 1; m <= 12; m++)
        for (const d of [1, 28, 29, 30, 31]) {
          const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T13:07:59.001Z`;
          if (utcTime(s) !== Date.parse(s)) expect(utcTime(s), s).toBe(Date.parse(s));
        }
    const other = [
      '2026-11-01',
      '2026-11-01T00:00Z',
      '2026-11-01T00:00:00+01:00',
      '2026-11-01t00:00:00Z',
      '2026-11-01T00:00:00.5Z',
      '2026-11-01T00:00:00.12Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-32T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '0099-01-01T00:00:00Z',
      '2026-1a-01T00:00:00Z',
      '+02026-01-01T00:00:00Z',
      '',
    ];
    for (const s of other) expect(utcTime(s), s).toBeUndefined();
  });
});
