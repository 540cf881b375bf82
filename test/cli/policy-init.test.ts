// policy init, then audit, as a first-time user runs them: in process, against a JWKS on 127.0.0.1.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseProviders } from '../../src/cli/policy-init.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
let server: Server;
let jwksUrl = '';

beforeAll(async () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const body = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'first-run', use: 'sig', alg: 'RS256' }] });
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const NO_CREDENTIALS = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '', HOME: tmp.dir };

describe('keyhygiene policy init, then audit', () => {
  it('--jwks URL: the audit straight after runs and reads the key set', async () => {
    const policy = `${tmp.dir}/jwks.yaml`;
    const init = await runCli(['policy', 'init', '--output', policy, '--jwks', jwksUrl], { env: NO_CREDENTIALS });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/auditing jwks/);
    const audit = await runCli(['audit', '--policy', policy, '--format', 'json'], { env: NO_CREDENTIALS });
    expect([0, 1, 3], audit.stderr).toContain(audit.status);
    const result = JSON.parse(audit.stdout);
    expect(result.inventory.publishedKeys).toBe(1);
    expect(result.gaps).toEqual([]);
  });

  it('with nothing found: the policy validates, and audit says in one paragraph exactly what to add (exit 2)', async () => {
    const policy = `${tmp.dir}/empty.yaml`;
    const init = await runCli(['policy', 'init', '--output', policy], { env: NO_CREDENTIALS });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/no provider.*--jwks URL/s);
    const audit = await runCli(['audit', '--policy', policy], { env: NO_CREDENTIALS });
    expect(audit.status).toBe(2);
    expect(hasStackTrace(audit.stderr)).toBe(false);
    expect(audit.stderr).toMatch(/nothing to audit[\s\S]*aws: \{\}[\s\S]*azure: \{\}[\s\S]*jwks:[\s\S]*policy init --force/);
    expect(
      audit.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('keyhygiene: error')),
    ).toHaveLength(1);
  });

  it('non-interactive: AWS credentials in the environment become an aws block with their region; --no-aws leaves it out', async () => {
    const env = { AWS_PROFILE: 'audit', AWS_REGION: 'eu-west-1', HOME: tmp.dir };
    const found = await runCli(['policy', 'init', '--output', '-'], { env });
    expect(found.stdout).toMatch(/\nproviders:\n {2}aws:\n {4}regions: \["eu-west-1"\]\n/);
    const skipped = await runCli(['policy', 'init', '--output', '-', '--no-aws', '--gcp-project', 'kms-audit-prod'], { env });
    expect(skipped.stdout).toMatch(/\nproviders:\n {2}gcp:\n {4}projects: \["kms-audit-prod"\]\n/);
    expect(skipped.stdout).not.toMatch(/\n {2}aws:/);
  });
});

describe('policy init on a terminal', () => {
  const env = { AWS_PROFILE: 'audit', AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 't', HOME: tmp.dir };
  it('asks before using each cloud it found, and for a JWKS URL', async () => {
    const questions: string[] = [];
    const answers = ['y', 'n', 'https://login.example.com/jwks.json'];
    const ask = async (q: string) => {
      questions.push(q);
      return answers.shift() ?? '';
    };
    const { providers } = await chooseProviders({}, { env, interactive: true, ask, exists: () => false });
    expect(questions[0]).toMatch(/Found AWS credentials \(AWS_PROFILE=audit\)\. Audit AWS KMS\? \[Y\/n\]/);
    expect(questions[1]).toMatch(/Found AZURE credentials/);
    expect(questions[2]).toMatch(/JWKS URL/);
    expect(providers).toEqual({ aws: {}, jwks: ['https://login.example.com/jwks.json'] });
  });

  it('asks nothing when flags decide, or when not interactive', async () => {
    const ask = async () => {
      throw new Error('asked');
    };
    expect((await chooseProviders({ jwks: ['https://a.example/jwks'] }, { env, interactive: true, ask, exists: () => false })).providers).toEqual({
      aws: {},
      azure: {},
      jwks: ['https://a.example/jwks'],
    });
    expect((await chooseProviders({}, { env, interactive: false, ask, exists: () => false })).providers).toEqual({ aws: {}, azure: {} });
  });
});
