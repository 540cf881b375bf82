// The loopback Azure fake's test setup, shared by Azure provider tests: a throwaway certificate the
// process trusts, service-principal credentials the fake accepts, and the fake closed after each test.
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type AzureFake,
  FAKE_CLIENT_ID,
  FAKE_CLIENT_SECRET,
  type FakeAzureOptions,
  type FakeAzureWorld,
  startAzureFake,
} from '../../../src/fakes/azure/server.ts';
import { createThrowawayCert } from '../../../src/fakes/throwaway-cert.ts';
import { collectAzure } from '../../../src/providers/azure/index.ts';
import { AzureConfig, type AzureConfigInput } from '../../../src/providers/azure/schema.ts';
import { TENANT } from './world.ts';

export interface AzureFakeHarness {
  start(world: FakeAzureWorld, options?: FakeAzureOptions): Promise<AzureFake>;
  /** The throwaway certificate the process trusts, for a second fake a test runs itself. */
  cert: ReturnType<typeof createThrowawayCert>;
}

/**
 * Register the hooks; `start` runs a fake for the current test (closed after it), or with `perFile`
 * one fake the file's tests share (started in a `beforeAll`, closed after the file). The credential
 * variables are set again after each test, so a test may remove or spoil one.
 */
export function useAzureFake(opts: { perFile?: boolean } = {}): AzureFakeHarness {
  const cert = createThrowawayCert();
  const env = {
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: FAKE_CLIENT_ID,
    AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
    AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
  };
  let fake: AzureFake | undefined;
  beforeAll(() => {
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.cert]);
    Object.assign(process.env, env);
  });
  const close = async () => {
    await fake?.close();
    fake = undefined;
  };
  afterEach(async () => {
    Object.assign(process.env, env);
    if (!opts.perFile) await close();
  });
  afterAll(async () => {
    for (const k of Object.keys(env)) delete process.env[k];
    await close();
  });
  return {
    cert,
    async start(world, options = {}) {
      fake = await startAzureFake(world, { cert, retryAfterSeconds: 0, ...options });
      return fake;
    },
  };
}

/**
 * Collect from a fake as a private-cloud user configures it (authority host, ARM endpoint and audience
 * of their cloud), with quick retries; `config` adds or overrides settings.
 */
export function collectFromFake(
  fake: AzureFake,
  config: Partial<AzureConfigInput> = {},
  now = new Date('2026-12-05T00:00:00Z'),
  warn: (m: string) => void = () => {},
) {
  const parsed = AzureConfig.parse({
    cloud: 'custom',
    authorityHost: fake.url,
    armEndpoint: fake.url,
    audience: 'https://management.azure.com',
    retry: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
    ...config,
  });
  return collectAzure(parsed, { now: () => now, baseDir: '.', env: process.env, warn });
}
