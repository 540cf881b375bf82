// The lookups evaluate builds once per run (issue 21): keys sharing one classification share one scope,
// found by what matched, never by a neighbour's; the fingerprint index returns the union of both
// fingerprints' records, sorted, each once; results of different subjects never share a reference.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import { findRule } from '../../src/rules/index.ts';
import type { AnyRule } from '../../src/rules/types.ts';
import { inventory, key, NOW } from '../helpers/fixtures.ts';
import { fp, published } from '../helpers/published-keys.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

function policy(ruleIds: string[], parts: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    baseDir: '.',
    extends: ['test'],
    ...TEST_POLICY,
    providers: {},
    rules: new Map(ruleIds.map((id) => [id, { severity: (findRule(id) as AnyRule).meta.severity, options: (findRule(id) as AnyRule).options.parse({}) }])),
    waivers: [],
    ...parts,
  };
}

const run = (inv: Partial<Omit<Inventory, 'kind' | 'version'>>, p: ResolvedPolicy) => evaluate(inventory(inv), p, { now: NOW, includePassed: true });

describe('classification shared by what matched', () => {
  // Every combination of environment, trust domain and class the test policy can give, plus the
  // ambiguous ones (two environments, two domains) and a key that matches nothing.
  const combos = [
    { env: 'prod', td: 'consumer', cls: 'token-signing-shared' },
    { env: 'prod', td: 'enterprise', cls: 'token-signing-shared' },
    { env: 'debug', td: 'consumer', cls: 'data-encryption' },
    { env: 'debug', td: 'enterprise', cls: 'data-encryption' },
    { env: 'prod', td: 'consumer', cls: 'data-encryption' },
    { env: 'none', td: 'none', cls: 'none' },
    { env: 'prod', td: 'consumer', cls: 'none' },
  ];
  const keys = combos.flatMap((c, i) =>
    [0, 1].map((copy) =>
      key({ id: `arn:aws:kms:us-east-1:111111111111:key/${i}-${copy}`, name: `k${i}-${copy}`, tags: { env: c.env, 'trust-domain': c.td, 'key-class': c.cls } }),
    ),
  );
  const result = run({ keys }, policy(['key-material-max-age']));
  const scopeOf = (id: string) => result.subjects.find((s) => s.id === id)?.scope;

  it.each(combos.map((c, i) => [i, c] as const))('combination %i gets its own environment, domain and class', (i, c) => {
    const expected = {
      ...(c.env === 'prod' ? { environment: 'production' } : c.env === 'debug' ? { environment: 'debug' } : {}),
      ...(c.td === 'none' ? {} : { trustDomain: c.td }),
      ...(c.cls === 'none' ? {} : { keyClass: c.cls }),
    };
    const a = scopeOf(`arn:aws:kms:us-east-1:111111111111:key/${i}-0`);
    const b = scopeOf(`arn:aws:kms:us-east-1:111111111111:key/${i}-1`);
    expect(a ?? {}).toEqual(expected);
    // Two keys with the same classification share one scope object; others never do.
    expect(b).toBe(a);
  });

  it('keys in an account both trust domains claim are ambiguous, not the first domain', () => {
    const both = key({ id: 'arn:aws:kms:us-east-1:222222222222:key/both', account: '222222222222', tags: { env: 'prod', 'trust-domain': 'consumer' } });
    const only = key({ id: 'arn:aws:kms:us-east-1:222222222222:key/only', account: '222222222222', tags: { env: 'prod' } });
    const r = run({ keys: [both, only] }, policy(['key-material-max-age']));
    expect(r.subjects.find((s) => s.id === both.id)?.scope).toEqual({ environment: 'production' });
    expect(r.subjects.find((s) => s.id === only.id)?.scope).toEqual({ environment: 'production', trustDomain: 'enterprise' });
  });
});

describe('one public key found by either fingerprint', () => {
  const a = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/zz-by-spki', fingerprints: { spkiSha256: fp('consumer-1').spkiSha256 } });
  const b = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/aa-by-jwk', fingerprints: { jwkThumbprint: fp('consumer-1').jwkThumbprint } });
  const both = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/mm-both', fingerprints: fp('consumer-1') });

  it('a published key whose SPKI names one record and whose JWK thumbprint names another has both owners, sorted, each once', () => {
    const r = run({ keys: [a, b, both], publishedKeys: [published()] }, policy(['published-key-inventoried']));
    const fail = r.results.find((x) => x.ruleId === 'published-key-inventoried' && x.outcome === 'fail');
    expect(fail?.message).toContain(`3 `);
    expect(fail?.message).toContain([b.id, both.id, a.id].join(', '));
  });

  it('one owner found by one fingerprint passes, asked again by another subject', () => {
    const second = published({ id: `${published().url}#again`, kid: 'again', fingerprints: fp('consumer-1') });
    const r = run({ keys: [both], publishedKeys: [published(), second] }, policy(['published-key-inventoried']));
    expect(r.results.filter((x) => x.ruleId === 'published-key-inventoried').map((x) => x.outcome)).toEqual(['pass', 'pass']);
  });
});

describe('results name their own subject', () => {
  it('each result carries its subject and scope, shared only among results of the same subject', () => {
    const k1 = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/one', name: 'one' });
    const k2 = key({ id: 'arn:aws:kms:us-east-1:111111111111:key/two', name: 'two', tags: { env: 'debug', 'trust-domain': 'enterprise' } });
    const r = run({ keys: [k1, k2] }, policy(['key-material-max-age', 'hsm-custody']));
    for (const x of r.results) expect(x.subject.name).toBe(x.subject.id.endsWith('/one') ? 'one' : 'two');
    const ofOne = r.results.filter((x) => x.subject.id === k1.id);
    const ofTwo = r.results.filter((x) => x.subject.id === k2.id);
    expect(ofOne.length).toBeGreaterThan(1);
    expect(ofOne[0]?.subject).not.toBe(ofTwo[0]?.subject);
    expect(ofTwo.every((x) => x.scope?.environment === 'debug' && x.scope.trustDomain === 'enterprise')).toBe(true);
  });
});
