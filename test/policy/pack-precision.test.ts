// Pack precision (issue 14 item 7). From the pack registry: every rule of every built-in pack keeps a
// good subject passing under that pack's options, and every limit a pack sets is tested at its edge —
// just inside passes, just outside fails. And a pack adds failures only where its documented control
// says so: adding storm-0558 to a clean estate adds none.
import { describe, expect, it } from 'vitest';
import { loadPackInfos, resolveAsUser } from '../../src/catalog/build.ts';
import { EXAMPLE_NOW } from '../../src/catalog/example-base.ts';
import { RULE_DOCS } from '../../src/catalog/index.ts';
import { runExample } from '../../src/catalog/run.ts';
import type { RuleExample } from '../../src/catalog/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { KeyRecord } from '../../src/model/key-record.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import { findRule } from '../../src/rules/index.ts';
import { daysAgo, daysAhead, inventory, key, NOW, trail } from '../helpers/fixtures.ts';

const day = (offset: number) => new Date(Date.parse(EXAMPLE_NOW) + offset * 86_400_000).toISOString();
const date = (offset: number) => day(offset).slice(0, 10);
const AZ = { id: 'https://kv-prod.vault.azure.net/keys/token-signing', provider: 'azure-keyvault', container: 'kv-prod' } as const;
const DATA_KEY = { usage: ['encrypt', 'decrypt'], keyType: 'AES', keySize: 256, tags: { env: 'prod' } } as Partial<KeyRecord>;
const waiver = (expires: string, ticket?: string) => ({
  rule: 'key-material-max-age',
  subject: 'arn:aws:kms:us-east-1:111111111111:key/0000-sign',
  reason: 'Successor key is being rolled out to relying parties.',
  approver: 'security@example.com',
  expires,
  ...(ticket ? { ticket } : {}),
});

type Edge = (value: never) => { inside: Omit<RuleExample, 'outcome'>; outside: Omit<RuleExample, 'outcome'> };

/** For each rule option a built-in pack sets: a subject just inside and one just outside the pack's value. */
const EDGES: Record<string, Edge> = {
  'key-log-retention.minDays': (min: number) => ({
    inside: { title: `kept ${min} days`, trail: { retentionDays: min } },
    outside: { title: `kept ${min - 1} days`, trail: { retentionDays: min - 1 } },
  }),
  'waiver-hygiene.maxHorizonDays': (max: number) => ({
    inside: { title: `a waiver ending in ${max} days`, waivers: [waiver(date(max), 'SEC-1')] },
    outside: { title: `a waiver ending in ${max + 1} days`, waivers: [waiver(date(max + 1), 'SEC-1')] },
  }),
  'waiver-hygiene.requireTicket': (required: boolean) => ({
    inside: { title: 'a waiver with a ticket', waivers: [waiver(date(30), 'SEC-1')] },
    outside: { title: 'a waiver without a ticket', waivers: [waiver(date(30), required ? undefined : 'SEC-1')] },
  }),
  'superseded-key-retired.graceDays': (grace: number) => ({
    inside: { title: `superseded ${grace} days ago`, key: { tags: { env: 'prod', 'superseded-at': date(-grace) } } },
    outside: { title: `superseded ${grace + 1} days ago`, key: { tags: { env: 'prod', 'superseded-at': date(-grace - 1) } } },
  }),
  'expiry-approaching.warnDays': (warn: number) => ({
    inside: { title: `expires in ${warn + 1} days`, key: { expiresAt: day(warn + 1) } },
    outside: { title: `expires in ${warn} days`, key: { expiresAt: day(warn) } },
  }),
  'automatic-rotation.maxPeriodDays': (max: number) => ({
    inside: { title: `rotates every ${max} days`, key: { ...DATA_KEY, rotation: { supported: true, automatic: true, periodDays: max } } },
    outside: { title: `rotates every ${max + 1} days`, key: { ...DATA_KEY, rotation: { supported: true, automatic: true, periodDays: max + 1 } } },
  }),
  'expiry-date-set.providers': () => ({
    inside: { title: 'an AWS key with a retire-by tag', key: { expiresAt: null, tags: { env: 'prod', 'retire-by': date(300) } } },
    outside: { title: 'an AWS signing key with no end date', key: { expiresAt: null } },
  }),
  'expiry-date-set.keys': () => ({
    inside: { title: 'an AWS data key with no end date', key: { ...DATA_KEY, expiresAt: null } },
    outside: { title: 'an AWS signing key with no end date', key: { expiresAt: null } },
  }),
  'single-region-key.allKeys': () => ({
    inside: { title: 'a single-Region data key', key: { ...DATA_KEY, multiRegion: false } },
    outside: { title: 'a multi-Region data key', key: { ...DATA_KEY, multiRegion: true } },
  }),
  'no-public-network-access.requirePrivateEndpoint': () => ({
    inside: { title: 'no public access, a private endpoint', key: { ...AZ, network: { publicAccess: false, privateEndpoint: true } } },
    outside: { title: 'no public access, no private endpoint', key: { ...AZ, network: { publicAccess: false, privateEndpoint: false } } },
  }),
  'key-deletion-alarm.requirePolicyChangeAlarm': () => ({
    inside: { title: 'alarms on deletion and policy change', trail: { alerts: { keyDisableOrDeletion: true, keyPolicyChange: true } } },
    outside: { title: 'an alarm on deletion only', trail: { alerts: { keyDisableOrDeletion: true, keyPolicyChange: false } } },
  }),
  'trail-tamper-evident.trailKinds': (kinds: string[]) => ({
    inside: { title: `an Azure diagnostic setting (not in ${kinds.join(', ')})`, trail: { kind: 'azure-diagnostic-setting', integrityValidation: false } },
    outside: { title: 'a CloudTrail trail without validation', trail: { kind: 'cloudtrail', integrityValidation: false } },
  }),
};

const packs = loadPackInfos().map((p) => ({ name: p.name, policy: resolveAsUser(p.name) }));

/** The options each pack itself sets (its own layer or a pack it extends), by rule. */
function packOptions(policy: ResolvedPolicy): [rule: string, option: string, options: Record<string, unknown>][] {
  return [...policy.rules].flatMap(([id, c]) =>
    c.optionsFrom ? c.optionsFrom.names.map((n) => [id, n, c.options as Record<string, unknown>] as [string, string, Record<string, unknown>]) : [],
  );
}

describe('pack precision: every limit a built-in pack sets, at its edge', () => {
  for (const { name, policy } of packs) {
    for (const [ruleId, option, options] of packOptions(policy)) {
      it(`${name}: ${ruleId}.${option} = ${JSON.stringify(options[option])}`, () => {
        const edge = EDGES[`${ruleId}.${option}`];
        expect(edge, `no edge case for ${ruleId}.${option}, which pack ${name} sets: add one to EDGES`).toBeDefined();
        const rule = findRule(ruleId);
        if (!edge || !rule) return;
        const { inside, outside } = edge(options[option] as never);
        const inRun = runExample(rule, { ...inside, outcome: 'pass', options });
        expect(['pass', 'not-applicable'], `${inside.title}: ${inRun.messages.join(' ')}`).toContain(inRun.outcome);
        const outRun = runExample(rule, { ...outside, outcome: 'fail', options });
        expect(outRun.outcome, outside.title).toBe('fail');
      });
    }
  }
});

describe('pack precision: the good subject of every rule passes in every pack that enables it', () => {
  for (const { name, policy } of packs) {
    it(name, () => {
      const broken: string[] = [];
      for (const [ruleId, config] of policy.rules) {
        const rule = findRule(ruleId);
        // A collection gap is the failure itself (collection-complete): its good subject is no gap at all.
        if (rule?.meta.subject === 'gap') continue;
        const good = (RULE_DOCS[ruleId]?.examples ?? []).filter((e) => e.outcome === 'pass');
        expect(good.length, `${ruleId} documents a passing example`).toBeGreaterThan(0);
        // A limit the pack sets is tested at its edge above; here the rule runs with the pack's options.
        if (!rule || config.optionsFrom) continue;
        for (const ex of good) {
          const run = runExample(rule, { ...ex, options: { ...(ex.options ?? {}), ...(config.options as object) } });
          if (run.outcome !== 'pass') broken.push(`${ruleId}: "${ex.title}" → ${run.outcome} ${run.messages.join(' ')}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});

/** A clean estate written from the docs: well-kept signing and data keys, logged, retired on time. */
function cleanEstate() {
  const signing = (id: string, extra: Partial<KeyRecord> = {}) =>
    key({
      id,
      tags: {
        env: 'prod',
        'trust-domain': 'consumer',
        'key-class': 'token-signing-shared',
        'retire-by': '2027-06-01',
        'keyhygiene:rotation': 'automated',
        'keyhygiene:rotation-drill': daysAgo(20).slice(0, 10),
      },
      currentVersionCreatedAt: daysAgo(10),
      ...extra,
    });
  const data = key({
    id: 'arn:aws:kms:us-east-1:111111111111:key/0000-data',
    name: 'alias/data',
    aliases: ['alias/data'],
    ...DATA_KEY,
    tags: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'data-encryption' },
    fingerprints: undefined,
    rotation: { supported: true, automatic: true, periodDays: 365, lastRotatedAt: daysAgo(100), nextRotationAt: daysAhead(265) },
    currentVersionCreatedAt: daysAgo(100),
    expiresAt: null,
  });
  return inventory({ keys: [signing('arn:aws:kms:us-east-1:111111111111:key/0000-sign'), data], trails: [trail({ retentionDays: 800 })] });
}

describe('pack precision: a pack adds failures only where its documented control says so', () => {
  const failuresWith = (packList: string, estate = cleanEstate()) => {
    const r = evaluate(estate, resolveAsUser(packList), { now: NOW, includePassed: true });
    return r.results.filter((x) => x.outcome === 'fail').map((x) => `${x.ruleId} ${x.subject.id}`);
  };
  const added = (estate = cleanEstate()) => {
    const base = new Set(failuresWith('recommended', estate));
    return failuresWith('recommended, storm-0558', estate).filter((f) => !base.has(f));
  };

  it('adding storm-0558 to a clean estate adds zero failures (a data key needs no end date: CSRB F1 is about signing keys)', () => {
    expect(added()).toEqual([]);
  });

  it('borderline: a signing key without its retire-by tag fails under storm-0558 only (its control, CSRB F1)', () => {
    const estate = cleanEstate();
    const k = estate.keys[0] as KeyRecord;
    const { 'retire-by': _gone, ...tags } = k.tags ?? {};
    expect(added({ ...estate, keys: [{ ...k, tags }, ...estate.keys.slice(1)] })).toEqual([`expiry-date-set ${k.id}`]);
  });
});
