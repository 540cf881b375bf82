// Issue 13 item 3: an Entra token endpoint that answers 503 forever. The Azure provider's reads all
// need that token: after the credential's retries it is a gap for the whole Azure provider (exit 3,
// or 1 when failures exist), and the other providers' results stand. A rejected secret stays exit 2.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../../src/engine/exit-code.ts';
import { EXIT, UserError } from '../../src/errors.ts';
import { type AzureFake, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startAzureFake } from '../../src/fakes/azure/server.ts';
import { createThrowawayCert } from '../../src/fakes/throwaway-cert.ts';
import { TENANT, testWorld } from '../providers/azure/world.ts';
import { auditWith } from './harness.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
const cert = createThrowawayCert();
const ENV = {
  AZURE_TENANT_ID: TENANT,
  AZURE_CLIENT_ID: FAKE_CLIENT_ID,
  AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
  AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
};
const jwk = { ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as object), kid: 'k1', use: 'sig', alg: 'ES256' };

let issuer: http.Server;
let origin = '';
let fake: AzureFake | undefined;
beforeAll(async () => {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.cert]);
  Object.assign(process.env, ENV);
  issuer = http.createServer((req, res) => {
    const body = req.url === '/idp/.well-known/openid-configuration' ? { issuer: `${origin}/idp`, jwks_uri: `${origin}/idp/keys` } : { keys: [jwk] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const k of Object.keys(ENV)) delete process.env[k];
  await fake?.close();
  await new Promise<void>((r) => issuer.close(() => r()));
});

const policyFor = (url: string) => `version: 1
providers:
  azure:
    cloud: custom
    authorityHost: ${url}
    armEndpoint: ${url}
    audience: https://management.azure.com
    timeoutMs: 2000
    budgetMs: 20000
    retry: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 }
  jwks:
    timeoutMs: 2000
    issuers:
      - { issuer: ${origin}/idp, trustDomain: idp }
`;

describe('an Entra token endpoint that answers 503 forever', () => {
  it('is a gap for the whole Azure provider; the JWKS provider still reads its issuer; exit 3, not 2', async () => {
    fake = await startAzureFake(testWorld(), { cert, retryAfterSeconds: 0, tokenStatus: 503 });
    const { inventory, result } = await auditWith(policyFor(fake.url));
    const tokenRequests = fake.requests.filter((r) => r.plane === 'entra' && r.path.endsWith('/token'));
    // Retried, then given up: more than one attempt, and no ARM or vault request without a token.
    expect(tokenRequests.length).toBeGreaterThan(1);
    expect(tokenRequests.every((r) => r.status === 503)).toBe(true);
    expect(fake.requests.filter((r) => r.plane !== 'entra')).toEqual([]);
    const azureGaps = inventory.gaps.filter((g) => g.provider === 'azure-keyvault');
    expect(azureGaps.map((g) => g.operation)).toEqual(['entra:GetToken']);
    expect(azureGaps[0]?.scope).toEqual({});
    expect(azureGaps[0]?.reason).toMatch(/access token/);
    expect(azureGaps[0]?.reason).toMatch(/503/);
    // The other provider's results stand.
    expect(inventory.publishedKeys.length).toBeGreaterThan(0);
    expect(result.summary.incomplete).toBe(true);
    const code = exitCodeFor(result, { failOn: 'none', allowIncomplete: false });
    expect(code).toBe(EXIT.incomplete);
    await fake.close();
    fake = undefined;
  });

  it('a rejected client secret is still bad input (exit 2 with the fix), not a gap', async () => {
    fake = await startAzureFake(testWorld(), { cert, retryAfterSeconds: 0, clientSecret: 'another-secret' });
    const err = await auditWith(policyFor(fake.url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/no usable credential/);
    await fake.close();
    fake = undefined;
  });
});
