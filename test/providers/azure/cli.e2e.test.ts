// The built CLI (dist/, made by `npm run build`, which `npm test` runs first) in a child process,
// configured as a private-cloud user would: vault URLs, authority host and ARM endpoint in the
// policy, a service principal in the environment, and the fake's certificate trusted only through
// NODE_EXTRA_CA_CERTS. The fakes run in this process, so the child is spawned asynchronously.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureFake, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startAzureFake } from '../../../src/fakes/azure/server.ts';
import { PACKAGE_ROOT } from '../../../src/paths.ts';
import { hasStackTrace } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { TENANT, testWorld } from './world.ts';

const tmp = tempDir();
let fake: AzureFake;

beforeAll(async () => {
  fake = await startAzureFake(testWorld(), { clientSecret: FAKE_CLIENT_SECRET, retryAfterSeconds: 0 });
});
afterAll(() => fake.close());

function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  if (!existsSync(join(PACKAGE_ROOT, 'dist/providers/azure/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/run.js'), ...args], {
      cwd: tmp.dir,
      // Nothing from this machine: only what a CI job for a private cloud would set.
      env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, NO_COLOR: '1', AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const policy = () =>
  tmp.write(
    'keyhygiene.yaml',
    `version: 1
providers:
  azure:
    cloud: custom
    authorityHost: ${fake.url}
    armEndpoint: ${fake.url}
    audience: https://management.azure.com
    vaults:
      - ${fake.vaultUrls['corp-signing']}
      - ${fake.vaultUrls['legacy-app']}
      - ${fake.vaultUrls['locked-down']}
    retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 }
rules:
  key-log-retention: off
`,
  );

const credentials = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: FAKE_CLIENT_ID, AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET };

describe('keyhygiene audit with an azure provider block (built CLI, child process)', () => {
  it('inventories and evaluates the estate, trusting the fake only through NODE_EXTRA_CA_CERTS', async () => {
    const ca = tmp.write('fake-ca.pem', fake.cert.cert);
    const r = await run(['audit', '--policy', policy(), '--format', 'json', '--include-passed'], { ...credentials, NODE_EXTRA_CA_CERTS: ca });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const result = JSON.parse(r.stdout);
    const subjects = result.subjects.map((s: { id: string }) => s.id);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'https://corp-signing.vault.azure.net/keys/token-signing',
        'https://corp-signing.vault.azure.net/keys/old-ec',
        'https://legacy-app.vault.azure.net/keys/data-key',
      ]),
    );
    // Rules ran on what was collected: the vault without a diagnostic setting fails key-use-logged,
    // the one with an audit setting to Log Analytics passes, and the 403 vault is a gap.
    const outcome = (rule: string, subject: string) =>
      result.results.find((x: { ruleId: string; subject: { id: string } }) => x.ruleId === rule && x.subject.id === subject)?.outcome;
    expect(outcome('key-use-logged', 'https://legacy-app.vault.azure.net/keys/data-key')).toBe('fail');
    expect(outcome('key-use-logged', 'https://corp-signing.vault.azure.net/keys/token-signing')).toBe('pass');
    const gaps = result.results.filter((x: { ruleId: string }) => x.ruleId === 'collection-complete');
    expect(gaps.map((g: { message: string }) => g.message).join('\n')).toMatch(/locked-down.*access denied \(HTTP 403, Forbidden\)/);
    expect(result.summary.incomplete).toBe(true);
    expect(r.status).toBe(1);
    // Only declared read operations reached the fake.
    expect(fake.undeclared()).toEqual([]);
  });

  it('without the certificate trusted, fails with a clear message and exit code 2, not a stack trace', async () => {
    const r = await run(['audit', '--policy', policy()], { ...credentials, NODE_EXTRA_CA_CERTS: '/dev/null' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/keyhygiene: error: azure: no usable credential/);
    expect(r.stderr).toMatch(/certificate/i);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('a malformed vault URL in the policy: file, line, expected shape', async () => {
    const file = tmp.write('bad.yaml', `version: 1\nproviders:\n  azure:\n    vaults:\n      - http://my-vault.vault.azure.net/keys\n`);
    const r = await run(['audit', '--policy', file], credentials);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+/);
    expect(r.stderr).toMatch(/vault URL must be an https URL with no path/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('permissions azure prints the least-privilege custom role', async () => {
    const r = await run(['permissions', 'azure'], {});
    expect(r.status).toBe(0);
    const role = JSON.parse(r.stdout);
    expect(role.DataActions).toEqual(['Microsoft.KeyVault/vaults/keyrotationpolicies/read', 'Microsoft.KeyVault/vaults/keys/read']);
    expect(r.stderr).toMatch(/Azure custom role definition/);
  });
});
