// Sharded collection of published key sets: each issuer and each declared key set is a unit. A set
// that several issuers name (Microsoft's multi-tenant keys, served to consumer and enterprise
// tokens alike) is read by the shard of each, which knows only its own issuers; the merge joins
// their trust so the merged audit equals the unsharded one, relying parties included.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { collectInventory, loadSnapshots, planUnits } from '../../src/audit.ts';
import { mergeInventories } from '../../src/inventory/parse.ts';
import { ShardUnits } from '../../src/inventory/shard.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { auditSnapshots, writeSnapshot } from '../helpers/snapshots.ts';
import { tempDir } from '../helpers/tmp.ts';
import { type FakeIdp, startFakeIdp } from '../providers/jwks/fake-idp.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/jwks/${name}`, import.meta.url), 'utf8'));
const tmp = tempDir();
let idp: FakeIdp;
let policyFile: string;

const write = (name: string, inv: unknown): string => writeSnapshot(tmp.dir, name, inv);
const audit = (files: string[]) => auditSnapshots(policyFile, files, NOW);
const collect = (shard?: ShardUnits) => collectInventory(resolvePolicyFile(policyFile), { now: NOW, env: {}, ...(shard ? { shard } : {}) });

beforeAll(async () => {
  idp = await startFakeIdp();
  const u = idp.url;
  const tenant = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Discovery documents as the Microsoft identity platform publishes them: the consumer and the
  // organizations endpoints name one multi-tenant key set; a tenant's endpoint names its own.
  const discovery = (path: string, issuer: string, jwks: string) =>
    idp.routes.set(`${path}/.well-known/openid-configuration`, { json: { issuer, jwks_uri: `${u}${jwks}`, id_token_signing_alg_values_supported: ['RS256'] } });
  discovery('/consumers/v2.0', `${u}/${CONSUMER_TENANT}/v2.0`, '/common/discovery/v2.0/keys');
  discovery('/organizations/v2.0', `${u}/{tenantid}/v2.0`, '/common/discovery/v2.0/keys');
  discovery('/contoso/v2.0', `${u}/contoso/v2.0`, '/contoso/discovery/v2.0/keys');
  idp.routes.set('/common/discovery/v2.0/keys', { json: fixture('microsoft-consumers-keys-2016.json') });
  idp.routes.set('/contoso/discovery/v2.0/keys', {
    json: { keys: [{ ...(tenant.publicKey.export({ format: 'jwk' }) as object), kid: 'contoso-1', use: 'sig', alg: 'ES256' }] },
  });
  idp.routes.set('/oauth2/v3/certs', { json: fixture('google-oauth2-v3-certs-2016.json') });
  const policy = {
    version: 1,
    environments: { production: { kind: 'production', match: [{ tags: { env: 'prod' } }] } },
    trustDomains: { consumer: { match: [{ tags: { 'trust-domain': 'consumer' } }] }, enterprise: { match: [{ tags: { 'trust-domain': 'enterprise' } }] } },
    relyingParties: {
      'enterprise-mail': {
        trustDomain: 'enterprise',
        environment: 'production',
        trusts: [`${u}/organizations/v2.0/.well-known/openid-configuration`],
        validatesIssuer: false,
      },
    },
    providers: {
      jwks: {
        caFile: idp.caFile,
        retries: 0,
        issuers: [
          { issuer: `${u}/consumers/v2.0`, trustDomain: 'consumer', environment: 'production' },
          { issuer: `${u}/organizations/v2.0`, trustDomain: 'enterprise', environment: 'production' },
          { issuer: `${u}/contoso/v2.0`, trustDomain: 'enterprise', environment: 'production' },
        ],
        keySets: [
          { url: `${u}/oauth2/v3/certs`, issuers: ['https://accounts.google.com'] },
          { url: `${u}/common/discovery/v2.0/keys`, issuers: ['https://login.microsoftonline.com/common/v2.0'] },
        ],
      },
    },
    rules: { 'relying-party-foreign-key': 'critical' },
  };
  policyFile = join(tmp.dir, 'keyhygiene.yaml');
  writeFileSync(policyFile, stringify(policy));
});
afterAll(() => idp.close());

describe('sharded jwks collection', () => {
  it('each issuer and each declared key set is a unit, listed without a request', async () => {
    const before = idp.requests.length;
    const units = await planUnits(resolvePolicyFile(policyFile), { now: () => NOW, env: {} });
    expect(units).toEqual([
      `jwks:issuer:${idp.url}/consumers/v2.0`,
      `jwks:issuer:${idp.url}/organizations/v2.0`,
      `jwks:issuer:${idp.url}/contoso/v2.0`,
      `jwks:key-set:${idp.url}/oauth2/v3/certs`,
      `jwks:key-set:${idp.url}/common/discovery/v2.0/keys`,
    ]);
    expect(idp.requests.length).toBe(before);
  });

  it('a key set named by issuers of different shards is joined: the merged audit equals the unsharded one', async () => {
    const u = idp.url;
    // The consumer and the organizations issuers in different shards, the declared copy of their set in a third.
    const plan = {
      [`jwks:issuer:${u}/consumers/v2.0`]: 1,
      [`jwks:issuer:${u}/organizations/v2.0`]: 2,
      [`jwks:issuer:${u}/contoso/v2.0`]: 1,
      [`jwks:key-set:${u}/oauth2/v3/certs`]: 2,
      [`jwks:key-set:${u}/common/discovery/v2.0/keys`]: 3,
    };
    const parts: Inventory[] = [];
    for (let k = 1; k <= 3; k++) parts.push(await collect(new ShardUnits({ index: k, count: 3, plan })));
    const shared = `${u}/common/discovery/v2.0/keys#1LTMzakihiRla_8z2BEJVXeWMqo`;
    const copies = parts.map((p) => p.publishedKeys.find((k) => k.id === shared));
    // Every part read the set and saw one issuer of it: no part alone knows it is shared.
    expect(copies.map((c) => c?.trustedBy?.length)).toEqual([1, 1, 1]);
    expect(copies.every((c) => c?.issuer !== undefined)).toBe(true);
    const merged = loadSnapshots(parts.map((p, i) => write(`jwks-part-${i + 1}.json`, p)));
    const joined = merged.publishedKeys.find((k) => k.id === shared);
    expect(joined?.trustedBy?.map((t) => t.issuer)).toEqual([
      `${u}/${CONSUMER_TENANT}/v2.0`,
      `${u}/{tenantid}/v2.0`,
      'https://login.microsoftonline.com/common/v2.0',
    ]);
    expect(joined?.issuer).toBeUndefined();
    expect(joined?.labels).toBeUndefined();
    expect(merged.gaps.filter((g) => g.operation === 'merge')).toEqual([]);

    const whole = write('jwks-whole.json', await collect());
    const expected = audit([whole]);
    // The enterprise relying party takes the shared set through the organizations endpoint; the joined
    // key serves two domains, so its verdict is unknown (the part that saw only the organizations
    // issuer would have passed it as an enterprise key).
    const rp = expected.results.filter((r) => r.ruleId === 'relying-party-foreign-key').map((r) => [r.subject.id, r.outcome]);
    expect(rp).toEqual([[shared, 'unknown']]);
    expect(audit(parts.map((p, i) => write(`jwks-part-${i + 1}.json`, p)).reverse())).toEqual(expected);
  });

  // Units are hashed by id, and the ids carry the fake's port, which changes from run to run: any one split
  // may put every key set in one part. Each split must merge to the unsharded audit; across 2 to 4 shards
  // at least one must really split the key sets (all in one part each time: odds below 1 in 100,000).
  it('2, 3 and 4 hashed parts each merge to the unsharded audit, and at least one split divides the key sets', async () => {
    const whole = audit([write('jwks-whole-hashed.json', await collect())]);
    const splits: number[] = [];
    for (const n of [2, 3, 4]) {
      const parts: string[] = [];
      let nonEmpty = 0;
      for (let k = 1; k <= n; k++) {
        const part = await collect(new ShardUnits({ index: k, count: n }));
        if (part.publishedKeys.length) nonEmpty++;
        parts.push(write(`jwks-hash-${k}-of-${n}.json`, part));
      }
      expect(audit(parts), `${n} parts`).toEqual(whole);
      splits.push(nonEmpty);
    }
    expect(Math.max(...splits)).toBeGreaterThan(1);
  });

  it('copies of a published key that differ beyond their trust are not joined: a conflict gap', () => {
    const key = {
      id: 'https://idp.example/keys#k1',
      provider: 'jwks',
      url: 'https://idp.example/keys',
      kty: 'RSA',
      fingerprints: { spkiSha256: 'a' },
      trustedBy: [{ via: 'discovery' as const, issuer: 'https://idp.example/a' }],
    };
    const part = (k: object): Inventory => ({
      kind: 'keyhygiene-inventory',
      version: 1,
      generatedAt: NOW.toISOString(),
      providers: [],
      keys: [],
      trails: [],
      publishedKeys: [k as Inventory['publishedKeys'][number]],
      artifacts: [],
      gaps: [],
    });
    const other = { ...key, trustedBy: [{ via: 'discovery' as const, issuer: 'https://idp.example/b' }] };
    const joined = mergeInventories([part(key), part(other)], NOW.toISOString());
    expect(joined.gaps).toEqual([]);
    expect(joined.publishedKeys[0]?.trustedBy?.map((t) => t.issuer)).toEqual(['https://idp.example/a', 'https://idp.example/b']);
    const rotated = { ...other, fingerprints: { spkiSha256: 'b' } };
    const conflict = mergeInventories([part(key), part(rotated)], NOW.toISOString());
    expect(conflict.gaps.map((g) => g.operation)).toEqual(['merge']);
    expect(conflict.publishedKeys).toHaveLength(1);
  });
});
