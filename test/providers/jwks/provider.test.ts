import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintsOf } from '../../../src/crypto/fingerprint.ts';
import { UserError } from '../../../src/errors.ts';
import type { CollectionGap } from '../../../src/model/collection-gap.ts';
import { Inventory } from '../../../src/model/inventory.ts';
import { parsePolicyText } from '../../../src/policy/load.ts';
import provider from '../../../src/providers/jwks/index.ts';
import { JwksConfig } from '../../../src/providers/jwks/schema.ts';
import type { CollectContext, ProviderOutput } from '../../../src/providers/types.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { type FakeIdp, startFakeIdp } from './fake-idp.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const fixtureDir = new URL('../../fixtures/jwks/', import.meta.url).pathname;
const fixture = (name: string) => JSON.parse(readFileSync(join(fixtureDir, name), 'utf8')) as Record<string, unknown>;
const ctx = (baseDir = fixtureDir): CollectContext => ({ now: () => NOW, baseDir, env: {} });
const pubJwk = (k: KeyObject, extra: Record<string, unknown>) => ({ ...(k.export({ format: 'jwk' }) as Record<string, unknown>), ...extra });

const shared = generateKeyPairSync('rsa', { modulusLength: 2048 });
const consumerOnly = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const enterpriseOnly = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const leaky = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const leakyJwk: Record<string, unknown> = {
  ...(leaky.privateKey.export({ format: 'jwk' }) as Record<string, unknown>),
  kid: 'leaky-1',
  use: 'sig',
  alg: 'ES256',
};

let idp: FakeIdp;
const collect = async (config: Record<string, unknown>, baseDir?: string): Promise<ProviderOutput> =>
  provider.collect(JwksConfig.parse({ caFile: idp.caFile, timeoutMs: 500, retries: 2, retryDelayMs: 1, ...config }), ctx(baseDir));

beforeAll(async () => {
  idp = await startFakeIdp();
  const u = idp.url;
  const ms = fixture('microsoft-consumers-keys-2016.json');
  const msDiscovery = { ...fixture('microsoft-consumers-openid-configuration.json'), jwks_uri: `${u}/ms/consumers/discovery/v2.0/keys` };
  const routes: Record<string, Parameters<typeof startFakeIdp>[0] extends Record<string, infer R> | undefined ? R : never> = {
    '/consumers/v2.0/.well-known/openid-configuration': { json: { issuer: `${u}/consumers/v2.0`, jwks_uri: `${u}/consumers/keys` } },
    '/consumers/keys': {
      json: {
        keys: [pubJwk(shared.publicKey, { kid: 'shared-1', use: 'sig', alg: 'RS256' }), pubJwk(consumerOnly.publicKey, { kid: 'consumer-1', use: 'sig' })],
      },
    },
    '/organizations/v2.0/.well-known/openid-configuration': { json: { issuer: `${u}/organizations/v2.0`, jwks_uri: `${u}/organizations/keys` } },
    '/organizations/keys': {
      json: { keys: [pubJwk(shared.publicKey, { kid: 'shared-1', use: 'sig', alg: 'RS256' }), pubJwk(enterpriseOnly.publicKey, { kid: 'ent-1', use: 'sig' })] },
    },
    '/common/v2.0/.well-known/openid-configuration': { json: { issuer: `${u}/{tenantid}/v2.0`, jwks_uri: `${u}/consumers/keys` } },
    '/leaky/keys': { json: { keys: [leakyJwk] } },
    '/ms/consumers/v2.0/.well-known/openid-configuration': { json: msDiscovery },
    '/ms/consumers/discovery/v2.0/keys': { json: ms },
    '/redirect/a': { redirect: '/redirect/b', status: 302 },
    '/redirect/b': { redirect: `${u}/consumers/keys`, status: 301 },
    '/loop': { redirect: '/loop' },
    '/downgrade': { redirect: 'http://127.0.0.1:9/keys' },
    '/slow': { delayMs: 3000, json: { keys: [] } },
    '/huge': { bytes: 2 * 1024 * 1024 },
    '/invalid': { text: '{"keys": [ {"kty": "RSA",' },
    '/not-a-set': { json: { issuer: 'x' } },
    '/gone': { json: { error: 'gone' }, status: 404 },
    '/flaky': { sequence: [{ json: {}, status: 503 }, { json: {}, status: 503 }, { json: { keys: [pubJwk(consumerOnly.publicKey, { kid: 'flaky-1' })] } }] },
    '/throttled': {
      sequence: [{ json: {}, status: 429, headers: { 'retry-after': '0' } }, { json: { keys: [pubJwk(consumerOnly.publicKey, { kid: 'after-429' })] } }],
    },
    '/throttled-long': { json: {}, status: 429, headers: { 'retry-after': '120' } },
    '/broken-discovery/.well-known/openid-configuration': { text: '<html>login</html>', contentType: 'text/html' },
  };
  for (const [k, v] of Object.entries(routes)) idp.routes.set(k, v);
});
afterAll(() => idp.close());

describe('jwks provider against a loopback HTTPS identity provider', () => {
  it('one key under a consumer and an enterprise issuer: two records joined by fingerprint', async () => {
    const out = await collect({
      issuers: [
        { issuer: `${idp.url}/consumers/v2.0`, trustDomain: 'consumer', environment: 'production' },
        { issuer: `${idp.url}/organizations/v2.0`, trustDomain: 'enterprise', environment: 'production' },
      ],
    });
    expect(out.gaps).toEqual([]);
    const sharedFp = fingerprintsOf(shared.publicKey);
    const copies = (out.publishedKeys ?? []).filter((k) => k.fingerprints.spkiSha256 === sharedFp.spkiSha256);
    expect(copies.map((k) => [k.id, k.issuer, k.labels?.trustDomain])).toEqual([
      [`${idp.url}/consumers/keys#shared-1`, `${idp.url}/consumers/v2.0`, 'consumer'],
      [`${idp.url}/organizations/keys#shared-1`, `${idp.url}/organizations/v2.0`, 'enterprise'],
    ]);
    expect(copies[0]?.fingerprints).toEqual(sharedFp);
    expect(copies[0]).toMatchObject({ kty: 'RSA', keySize: 2048, alg: 'RS256', privateMembers: [], knownCompromised: [], keySetSize: 2 });
    expect(copies[0]?.publicKey).toBe(shared.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'));
    // The output is a valid inventory part.
    expect(() =>
      Inventory.parse({ kind: 'keyhygiene-inventory', version: 1, generatedAt: NOW.toISOString(), publishedKeys: out.publishedKeys, gaps: out.gaps }),
    ).not.toThrow();
  });

  it('a declared multi-domain endpoint carries the trust domains it serves onto every key of its set', async () => {
    const out = await collect({
      issuers: [{ issuer: `${idp.url}/common/v2.0`, serves: ['enterprise', 'consumer', 'enterprise'] }],
      keySets: [{ url: `${idp.url}/organizations/keys`, issuers: [`${idp.url}/organizations/v2.0`], trustDomain: 'enterprise' }],
    });
    const common = (out.publishedKeys ?? []).filter((k) => k.url === `${idp.url}/consumers/keys`);
    expect(common.length).toBe(2);
    for (const k of common)
      expect(k.trustedBy).toEqual([expect.objectContaining({ issuer: `${idp.url}/{tenantid}/v2.0`, serves: ['consumer', 'enterprise'] })]);
    const ent = (out.publishedKeys ?? []).find((k) => k.url === `${idp.url}/organizations/keys`);
    expect(ent?.trustedBy?.[0]).not.toHaveProperty('serves');
    expect(() => JwksConfig.parse({ issuers: [{ issuer: `${idp.url}/common/v2.0`, serves: [] }] })).toThrow();
  });

  it('a set referenced by two discovery documents is read once and lists both issuers', async () => {
    const before = idp.requests.filter((r) => r.path === '/consumers/keys').length;
    const out = await collect({ issuers: [{ issuer: `${idp.url}/consumers/v2.0` }, { issuer: `${idp.url}/common/v2.0` }] });
    expect(idp.requests.filter((r) => r.path === '/consumers/keys').length - before).toBe(1);
    const k = out.publishedKeys?.find((p) => p.kid === 'consumer-1');
    expect(k?.issuer).toBeUndefined();
    expect(k?.trustedBy?.map((t) => t.issuer)).toEqual([`${idp.url}/consumers/v2.0`, `${idp.url}/{tenantid}/v2.0`]);
  });

  it('a set with a private member: the member is named, its value never leaves the provider', async () => {
    const out = await collect({ keySets: [{ url: `${idp.url}/leaky/keys`, issuers: ['https://leaky.example.com'] }] });
    expect(out.publishedKeys?.[0]).toMatchObject({ kid: 'leaky-1', privateMembers: ['d'], fingerprints: fingerprintsOf(leaky.publicKey) });
    expect(JSON.stringify(out)).not.toContain(leakyJwk.d as string);
  });

  it('real Microsoft 2016 consumer set: the Storm-0558 key is flagged by the built-in feed', async () => {
    const out = await collect({ issuers: [{ issuer: `${idp.url}/ms/consumers/v2.0`, trustDomain: 'consumer' }] });
    const k = out.publishedKeys?.[0];
    expect(k).toMatchObject({ kid: '1LTMzakihiRla_8z2BEJVXeWMqo', keyIssuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0' });
    expect(k?.knownCompromised?.map((m) => m.id)).toEqual(['storm-0558-msa-2016']);
    expect(k?.trustedBy?.[0]).toMatchObject({ via: 'discovery', discoveryUrl: `${idp.url}/ms/consumers/v2.0/.well-known/openid-configuration` });
  });

  it('follows bounded redirects and retries transient failures', async () => {
    const out = await collect({ keySets: [{ url: `${idp.url}/redirect/a` }, { url: `${idp.url}/flaky` }] });
    expect(out.gaps).toEqual([]);
    expect(out.publishedKeys?.map((k) => k.id).sort()).toEqual([
      `${idp.url}/flaky#flaky-1`,
      `${idp.url}/redirect/a#consumer-1`,
      `${idp.url}/redirect/a#shared-1`,
    ]);
    expect(idp.requests.filter((r) => r.path === '/flaky').length).toBe(3);
  });

  it('honours a short Retry-After and reports a long one instead of waiting', async () => {
    const started = Date.now();
    const out = await collect({ keySets: [{ url: `${idp.url}/throttled` }, { url: `${idp.url}/throttled-long` }], retries: 3 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(out.publishedKeys?.map((k) => k.kid)).toEqual(['after-429']);
    expect(out.gaps?.map((g) => g.reason)).toEqual([
      `the key set ${idp.url}/throttled-long could not be read: still throttled after retries (HTTP 429); lower quotaFraction, or rerun when the service is quieter`,
    ]);
    expect(out.gaps?.map((g) => g.detail)).toEqual(['HTTP 429 (Retry-After 120 s)']);
    expect(idp.requests.filter((r) => r.path === '/throttled-long').length).toBe(1);
  });

  it('every unreadable endpoint becomes a CollectionGap, and the collection goes on', async () => {
    const started = Date.now();
    const out = await collect({
      issuers: [{ issuer: `${idp.url}/broken-discovery` }, { issuer: `${idp.url}/no-such-issuer` }],
      keySets: [
        { url: `${idp.url}/slow` },
        { url: `${idp.url}/huge` },
        { url: `${idp.url}/invalid` },
        { url: `${idp.url}/not-a-set` },
        { url: `${idp.url}/gone` },
        { url: `${idp.url}/loop` },
        { url: `${idp.url}/downgrade` },
        { url: 'http://jwks.example.invalid/keys' },
        { url: `${idp.url}/consumers/keys` },
      ],
      retries: 0,
      maxBytes: 65_536,
      // /slow answers after 3 s; the other endpoints answer at once, even on a loaded machine, within this.
      timeoutMs: 1500,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    // A failed discovery document hides which set its issuer trusts: its gap covers the trust of every
    // published key (scope: the whole provider), named by the document's URL.
    const subjectOf = (g: CollectionGap) => g.scope.subjectId ?? g.id.replace(/^jwks:|:oidc:GetDiscovery$/g, '');
    const reasons = Object.fromEntries((out.gaps ?? []).map((g) => [subjectOf(g), `${g.operation}: ${g.reason}`]));
    const broken = `${idp.url}/broken-discovery/.well-known/openid-configuration`;
    const missing = `${idp.url}/no-such-issuer/.well-known/openid-configuration`;
    expect(reasons).toEqual({
      [broken]: expect.stringMatching(
        /^oidc:GetDiscovery: the discovery document \S+broken-discovery\S+ could not be read: the discovery document is not valid JSON \(.*\); check that the URL serves/,
      ),
      [missing]: `oidc:GetDiscovery: the discovery document ${missing} could not be read: not found (HTTP 404); check that the resource still exists and the configured names are right`,
      [`${idp.url}/slow`]: expect.stringMatching(
        /^jwks:GetKeySet: the key set \S+\/slow could not be read: no answer before the call deadline; raise timeoutMs/,
      ),
      [`${idp.url}/huge`]: `jwks:GetKeySet: the key set ${idp.url}/huge could not be read: response exceeds maxBytes 65536; raise providers.jwks.maxBytes if the document is meant to be this large`,
      [`${idp.url}/invalid`]: expect.stringMatching(/^jwks:GetKeySet: the key set \S+ could not be read: the key set is not valid JSON \(.*\); check that/),
      [`${idp.url}/not-a-set`]: expect.stringMatching(/could not be read: the document is not a JWK Set \(no "keys" array\); check that the URL serves/),
      [`${idp.url}/gone`]: expect.stringMatching(/^jwks:GetKeySet: the key set \S+\/gone could not be read: not found \(HTTP 404\); check that/),
      [`${idp.url}/loop`]: expect.stringMatching(/could not be read: more than 3 redirects; configure the final URL of the document$/),
      [`${idp.url}/downgrade`]: expect.stringMatching(
        /could not be read: redirect from https to http: refused \(127\.0\.0\.1:9\); configure the final URL of the document$/,
      ),
      'http://jwks.example.invalid/keys': expect.stringMatching(
        /^jwks:GetKeySet: the key set http:\/\/jwks\.example\.invalid\/keys could not be read: plain http is refused for jwks.example.invalid .*; configure an https:\/\/ URL/,
      ),
    });
    for (const g of out.gaps ?? []) expect(g.detail, g.id).toBeTruthy();
    expect(out.publishedKeys?.map((k) => k.kid)).toEqual(['consumer-1', 'shared-1']);
    for (const g of out.gaps ?? []) expect(g.id).toBe(`jwks:${subjectOf(g)}:${g.operation}`);
    for (const g of (out.gaps ?? []).filter((x) => x.operation === 'oidc:GetDiscovery')) {
      expect(g.scope).toEqual({});
      expect(g.affects).toEqual(['trustedBy', 'issuer', 'labels']);
    }
  });

  // RFC 9110 §8.4 / §12.5.3: a server may send any content coding to a request that does not rule it
  // out (CDNs often gzip JSON). A compressed set is read; a coding we cannot decode, a corrupt stream
  // or one that expands past maxBytes is a gap, never text misread as a set or a silent empty list.
  it('a key set sent gzip, deflate or br encoded is decoded; a corrupt, unknown or expanding one is a gap', async () => {
    const body = Buffer.from(JSON.stringify({ keys: [pubJwk(consumerOnly.publicKey, { kid: 'zipped-1', use: 'sig', alg: 'ES256' })] }));
    idp.routes.set('/enc/gzip', { encoded: gzipSync(body), encoding: 'gzip' });
    idp.routes.set('/enc/deflate', { encoded: deflateSync(body), encoding: 'deflate' });
    idp.routes.set('/enc/br', { encoded: brotliCompressSync(body), encoding: 'br' });
    idp.routes.set('/enc/bomb', { encoded: gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20)), encoding: 'gzip' });
    idp.routes.set('/enc/corrupt', { encoded: gzipSync(body).subarray(0, 20), encoding: 'gzip' });
    idp.routes.set('/enc/zstd', { encoded: body, encoding: 'zstd' });
    const names = ['gzip', 'deflate', 'br', 'bomb', 'corrupt', 'zstd'];
    const out = await collect({ keySets: names.map((n) => ({ url: `${idp.url}/enc/${n}` })), retries: 0, maxBytes: 65_536 });
    expect(out.publishedKeys?.map((k) => [k.url, k.kid])).toEqual(['br', 'deflate', 'gzip'].map((n) => [`${idp.url}/enc/${n}`, 'zipped-1']));
    const reasons = Object.fromEntries((out.gaps ?? []).map((g) => [g.scope.subjectId, g.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['bomb', 'corrupt', 'zstd'].map((n) => `${idp.url}/enc/${n}`));
    expect(reasons[`${idp.url}/enc/bomb`]).toMatch(/response exceeds maxBytes 65536 once decoded; raise providers.jwks.maxBytes/);
    expect(reasons[`${idp.url}/enc/corrupt`]).toMatch(/the gzip body could not be decoded .*; serve the document uncompressed or with gzip, deflate or br/);
    expect(reasons[`${idp.url}/enc/zstd`]).toMatch(/content coding zstd is not supported \(gzip, deflate and br are\)/);
  });

  it('a redirect whose empty body names a coding (as some CDNs send) is followed, not a corrupt-body gap', async () => {
    const body = Buffer.from(JSON.stringify({ keys: [pubJwk(consumerOnly.publicKey, { kid: 'moved-1', use: 'sig', alg: 'ES256' })] }));
    idp.routes.set('/enc/target', { encoded: gzipSync(body), encoding: 'gzip' });
    idp.routes.set('/enc/moved', { redirect: '/enc/target', status: 301, headers: { 'content-encoding': 'gzip', 'content-length': '0' } });
    const out = await collect({ keySets: [{ url: `${idp.url}/enc/moved` }], retries: 0 });
    expect(out.gaps ?? []).toEqual([]);
    expect(out.publishedKeys?.map((k) => k.kid)).toEqual(['moved-1']);
  });

  it('stalled issuers cannot outlast the budget: what is unread by then is a gap, and local sets still load', async () => {
    for (let i = 0; i < 6; i++) idp.routes.set(`/stall-${i}/.well-known/openid-configuration`, { delayMs: 10_000, json: { jwks_uri: '/x' } });
    const issuers = Array.from({ length: 6 }, (_, i) => ({ issuer: `${idp.url}/stall-${i}` }));
    const started = Date.now();
    const out = await collect({
      issuers,
      keySets: [{ path: 'microsoft-consumers-keys-2016.json' }],
      timeoutMs: 8_000,
      retries: 2,
      concurrency: 2,
      budgetMs: 700,
    });
    // Without the budget: 3 rounds of 2 issuers × 3 attempts × 8 s.
    expect(Date.now() - started).toBeLessThan(3_000);
    const gaps = out.gaps ?? [];
    expect(gaps.map((g) => g.id).sort()).toEqual(issuers.map((i) => `jwks:${i.issuer}/.well-known/openid-configuration:oidc:GetDiscovery`).sort());
    for (const g of gaps) {
      expect(g.kind).toBe('cancelled');
      expect(g.reason).toMatch(/could not be read: the provider's time budget ran out .*; raise the provider's budgetMs/);
      expect(g.detail).toMatch(/time budget of 700 ms ran out/);
      expect(g.affects).toEqual(['trustedBy', 'issuer', 'labels']);
    }
    expect(out.publishedKeys?.length).toBeGreaterThan(0);
  });

  it('an untrusted certificate is a TLS gap (no silent downgrade), without retries', async () => {
    const before = idp.requests.length;
    const out = await provider.collect(JwksConfig.parse({ keySets: [{ url: `${idp.url}/consumers/keys` }], retries: 3, retryDelayMs: 1 }), ctx());
    expect(out.gaps?.[0]?.reason).toMatch(/could not be read: TLS verification failed \(.+\); serve it with a certificate the system trusts/);
    expect(idp.requests.length).toBe(before);
  });

  it('plain http is allowed to loopback only while allowHttpLoopback is on', async () => {
    const plain = await startFakeIdp({ '/keys': { json: { keys: [pubJwk(consumerOnly.publicKey, { kid: 'c' })] } } }, { plain: true });
    try {
      const ok = await provider.collect(JwksConfig.parse({ keySets: [{ url: `${plain.url}/keys` }] }), ctx());
      expect(ok.publishedKeys?.map((k) => k.kid)).toEqual(['c']);
      const refused = await provider.collect(JwksConfig.parse({ keySets: [{ url: `${plain.url}/keys` }], allowHttpLoopback: false }), ctx());
      expect(refused.gaps?.[0]?.reason).toMatch(/could not be read: plain http is refused for 127\.0\.0\.1/);
      // A closed port: the socket's code in brackets, the raw text only in detail.
      const closed = await provider.collect(JwksConfig.parse({ keySets: [{ url: 'http://127.0.0.1:9/keys' }], retries: 0 }), ctx());
      expect(closed.gaps?.[0]?.reason).toBe(
        'the key set http://127.0.0.1:9/keys could not be read: the service failed (ECONNREFUSED); rerun; if it persists, check the service health page',
      );
      expect(closed.gaps?.[0]?.detail).toMatch(/ECONNREFUSED 127\.0\.0\.1:9/);
      expect(plain.requests.length).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it('reads local files relative to the policy, and a user feed of compromised keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-jwks-feed-'));
    const googleKid = 'd0ec514a32b6f88c0abd12a2840699bdd3deba9d';
    const feed = `kind: keyhygiene-known-compromised\nversion: 1\nkeys:\n  - id: our-leaked-2025\n    jwkThumbprint: ${fingerprintsOf(shared.publicKey).jwkThumbprint}\n`;
    writeFileSync(join(dir, 'feed.yaml'), feed);
    writeFileSync(join(dir, 'pinned.json'), JSON.stringify({ keys: [pubJwk(shared.publicKey, { kid: 'pinned' })] }));
    const out = await collect(
      {
        keySets: [{ path: join(fixtureDir, 'google-oauth2-v3-certs-2016.json'), issuers: ['https://accounts.google.com'] }, { path: 'pinned.json' }],
        knownCompromised: 'feed.yaml',
      },
      dir,
    );
    expect(out.publishedKeys?.map((k) => [k.kid, k.knownCompromised?.map((m) => `${m.id}@${m.source}`)])).toEqual([
      [googleKid, []],
      ['pinned', ['our-leaked-2025@feed.yaml']],
    ]);
  });

  it('a malformed feed or a missing key set file is a UserError naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-jwks-bad-'));
    writeFileSync(join(dir, 'feed.yaml'), 'kind: keyhygiene-known-compromised\nversion: 1\nkeys:\n  - id: x\n    x5t: not-a-thumbprint\n');
    const bad = collect({ keySets: [{ path: join(fixtureDir, 'google-oauth2-v3-certs-2016.json') }], knownCompromised: 'feed.yaml' }, dir);
    await expect(bad).rejects.toBeInstanceOf(UserError);
    await expect(bad).rejects.toThrow(/feed\.yaml:5:/);
    await expect(collect({ keySets: [{ path: 'missing.json' }] }, dir)).rejects.toThrow(/missing\.json: the key set file does not exist/);
  });

  it('is read-only by construction: only GETs reach the server, and output is deterministic', async () => {
    const config = {
      issuers: [{ issuer: `${idp.url}/consumers/v2.0` }, { issuer: `${idp.url}/organizations/v2.0` }],
      keySets: [{ url: `${idp.url}/leaky/keys` }],
    };
    const a = await collect(config);
    const b = await collect(config);
    expect(b).toEqual(a);
    expect(provider.operations).toEqual(['http:GET', 'fs:ReadFile']);
    expect(new Set(idp.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expectOnlyDeclared(
      idp.requests.map((r) => `http:${r.method}`),
      provider,
    );
  });
});

describe('jwks config', () => {
  it('a bad block in a policy is a located UserError, not a stack trace', () => {
    const text = 'version: 1\nproviders:\n  jwks:\n    issuers:\n      - issuer: login.example.com\n    timeoutMs: -5\n    maxRedirect: 2\n';
    let err: unknown;
    try {
      parsePolicyText(text, 'keyhygiene.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const lines = (err as UserError).diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(lines).toEqual([
      expect.stringMatching(/^5: .*providers\.jwks\.issuers\[0\]\.issuer/),
      expect.stringMatching(/^6: .*providers\.jwks\.timeoutMs/),
      expect.stringMatching(/^7: unknown key "maxRedirect" in providers\.jwks\. Did you mean "maxRedirects"\?/),
    ]);
  });

  it('needs at least one issuer or key set, and exactly one of url or path', () => {
    expect(JwksConfig.safeParse({}).success).toBe(false);
    expect(JwksConfig.safeParse({ keySets: [{ url: 'https://a/keys', path: 'b.json' }] }).success).toBe(false);
    expect(JwksConfig.parse({ issuers: [{ issuer: 'https://idp.example.com' }] })).toMatchObject({
      timeoutMs: 10_000,
      maxBytes: 1_048_576,
      maxRedirects: 3,
      allowHttp: false,
    });
  });
});
