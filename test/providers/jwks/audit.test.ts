// End to end: a policy with a jwks block over a consumer and an enterprise issuer that share one key,
// next to a snapshot holding the inventoried key, audited with the recommended pack.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { auditInventory, collectInventory } from '../../../src/audit.ts';
import { fingerprintsOf } from '../../../src/crypto/fingerprint.ts';
import { exitCodeFor } from '../../../src/engine/exit-code.ts';
import type { AuditResult } from '../../../src/engine/result.ts';
import type { KeyRecord } from '../../../src/model/key-record.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import { type FakeIdp, startFakeIdp } from './fake-idp.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const KEY_ID = 'arn:aws:kms:us-east-1:111111111111:key/consumer-signing';
const shared = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ent = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const leaky = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pub = (k: typeof shared.publicKey, extra: Record<string, unknown>) => ({
  ...(k.export({ format: 'jwk' }) as Record<string, unknown>),
  use: 'sig',
  ...extra,
});

let idp: FakeIdp;
let result: AuditResult;

beforeAll(async () => {
  idp = await startFakeIdp();
  const u = idp.url;
  idp.routes.set('/consumers/v2.0/.well-known/openid-configuration', { json: { issuer: `${u}/consumers/v2.0`, jwks_uri: `${u}/consumers/keys` } });
  idp.routes.set('/consumers/keys', { json: { keys: [pub(shared.publicKey, { kid: 'msa-2026', alg: 'RS256' })] } });
  idp.routes.set('/organizations/v2.0/.well-known/openid-configuration', { json: { issuer: `${u}/organizations/v2.0`, jwks_uri: `${u}/organizations/keys` } });
  idp.routes.set('/organizations/keys', {
    json: { keys: [pub(shared.publicKey, { kid: 'msa-2026', alg: 'RS256' }), pub(ent.publicKey, { kid: 'aad-1', alg: 'ES256' })] },
  });
  idp.routes.set('/partner/keys', {
    json: { keys: [{ ...(leaky.privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'partner-1', use: 'sig' }] },
  });

  const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-jwks-audit-'));
  const inventoried: KeyRecord = {
    id: KEY_ID,
    provider: 'aws-kms',
    account: '111111111111',
    region: 'us-east-1',
    name: 'alias/msa-token-signing',
    usage: ['sign', 'verify'],
    keyType: 'RSA',
    keySize: 2048,
    state: 'enabled',
    createdAt: '2026-05-20T00:00:00Z',
    tags: { env: 'prod', 'trust-domain': 'consumer' },
    fingerprints: fingerprintsOf(shared.publicKey),
    publicKey: shared.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
  writeFileSync(
    join(dir, 'inventory.json'),
    JSON.stringify({ kind: 'keyhygiene-inventory', version: 1, generatedAt: NOW.toISOString(), providers: [{ id: 'aws-kms' }], keys: [inventoried] }),
  );
  const policy = {
    version: 1,
    environments: { production: { kind: 'production', match: [{ tags: { env: 'prod' } }] } },
    trustDomains: {
      consumer: { match: [{ tags: { 'trust-domain': 'consumer' } }] },
      enterprise: { match: [{ tags: { 'trust-domain': 'enterprise' } }] },
    },
    providers: {
      snapshot: { paths: ['inventory.json'] },
      jwks: {
        caFile: idp.caFile,
        retries: 0,
        issuers: [
          { issuer: `${u}/consumers/v2.0`, trustDomain: 'consumer', environment: 'production' },
          { issuer: `${u}/organizations/v2.0`, trustDomain: 'enterprise', environment: 'production' },
        ],
        keySets: [
          { url: `${u}/partner/keys`, issuers: ['https://partner.example.com'] },
          {
            path: new URL('../../fixtures/jwks/microsoft-consumers-keys-2016.json', import.meta.url).pathname,
            issuers: ['https://login.microsoftonline.com/common/v2.0'],
          },
        ],
      },
    },
    rules: { 'published-key-inventoried': ['high', { thirdPartyIssuers: ['https://partner.example.com', 'https://login.microsoftonline.com/*'] }] },
  };
  writeFileSync(join(dir, 'keyhygiene.yaml'), stringify(policy));
  const resolved = resolvePolicyFile(join(dir, 'keyhygiene.yaml'));
  const inventory = await collectInventory(resolved, { now: NOW, env: {} });
  result = auditInventory(inventory, resolved, NOW);
});
afterAll(() => idp.close());

const failures = (ruleId: string) => result.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail');

describe('audit with a jwks block and a snapshot', () => {
  it('reports the key shared by the consumer and enterprise issuers as critical against its inventoried record', () => {
    const onKey = failures('key-published-in-one-scope');
    expect(onKey.map((r) => [r.subject.id, r.severity, r.findingKey])).toEqual([
      [KEY_ID, 'critical', 'issuers'],
      [KEY_ID, 'critical', 'trust-domains'],
    ]);
    expect(onKey[1]?.message).toBe(
      `Key of trust domain consumer is trusted in trust domain(s) enterprise (issuers ${idp.url}/consumers/v2.0, ${idp.url}/organizations/v2.0).`,
    );
    expect(onKey[0]?.scope).toEqual({ environment: 'production', trustDomain: 'consumer' });
  });

  it('reports each published copy of the shared key too', () => {
    expect(failures('published-key-single-issuer').map((r) => `${r.subject.id} ${r.findingKey} ${r.severity}`)).toEqual([
      `${idp.url}/consumers/keys#msa-2026 issuers critical`,
      `${idp.url}/consumers/keys#msa-2026 trust-domains critical`,
      `${idp.url}/organizations/keys#msa-2026 issuers critical`,
      `${idp.url}/organizations/keys#msa-2026 trust-domains critical`,
    ]);
  });

  it('a set with a private member is critical', () => {
    expect(failures('published-key-private-members').map((r) => [r.subject.id, r.severity])).toEqual([[`${idp.url}/partner/keys#partner-1`, 'critical']]);
  });

  it('detects the known-compromised Storm-0558 key in the vendored fixture set, and its expired certificate', () => {
    const ioc = failures('known-compromised-key');
    expect(ioc).toHaveLength(1);
    expect(ioc[0]).toMatchObject({ severity: 'critical', findingKey: 'storm-0558-msa-2016' });
    expect(ioc[0]?.subject.id).toMatch(/microsoft-consumers-keys-2016\.json#1LTMzakihiRla_8z2BEJVXeWMqo$/);
    expect(failures('key-set-structure').map((r) => [r.findingKey, r.severity])).toContainEqual(['cert-expired', 'high']);
  });

  it('the shadow enterprise key (no inventoried owner) fails GOV-01, owned and third-party keys do not', () => {
    expect(failures('published-key-inventoried').map((r) => r.subject.id)).toEqual([`${idp.url}/organizations/keys#aad-1`]);
  });

  it('nothing could not be read, and the run fails the build', () => {
    expect(result.gaps).toEqual([]);
    expect(exitCodeFor(result, { failOn: 'high', allowIncomplete: false })).toBe(1);
  });
});
