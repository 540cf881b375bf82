// `keyhygiene explain-access KEY` as a user runs it: live through the AWS provider against the loopback
// fake (standard AWS_ENDPOINT_URL_* settings, injected credentials), then offline from the snapshot
// the same estate gives. The estate follows AWS's documented default key policy and GitHub's
// documented OIDC trust policy.
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsFake, type FakeWorld, startAwsFake } from '../../src/fakes/aws/server.ts';
import awsProvider from '../../src/providers/aws/index.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { expectOnlyDeclared } from '../helpers/read-only.ts';
import { tempDir } from '../helpers/tmp.ts';
import { githubTrust as documentedGithubTrust, SIGNING_SPKI } from '../providers/aws/world.ts';

const PROD = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${PROD}:key/prod-signer`;
const GITHUB = `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`;
const tmp = tempDir();

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const allow = (Action: string | string[], extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'KmsUse', Effect: 'Allow', Action, Resource: '*', ...extra }],
});
const ec2Trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const githubTrust = (sub: string) => documentedGithubTrust(GITHUB, sub);

/** A production signing key with the default key policy; IAM decides who uses it. */
const world = (): FakeWorld => ({
  callerAccount: PROD,
  accounts: [
    {
      id: PROD,
      iam: {
        roles: [
          { name: 'debug-shell', path: '/debug/', trust: ec2Trust, inline: [{ name: 'kms-everything', document: allow('kms:*') }] },
          { name: 'signer', path: '/deploy/', trust: githubTrust('repo:org/app:pull_request'), inline: [{ name: 'sign', document: allow(['kms:Sign']) }] },
          {
            name: 'ou-only',
            trust: ec2Trust,
            inline: [
              {
                name: 'from-ou',
                document: allow(['kms:Decrypt', 'kms:Sign'], {
                  Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } },
                }),
              },
            ],
          },
        ],
      },
      regions: {
        'us-east-1': {
          keys: [
            {
              id: 'prod-signer',
              spec: 'ECC_NIST_P256',
              usage: 'SIGN_VERIFY',
              createdAt: '2026-01-01T00:00:00Z',
              aliases: ['alias/token-signing'],
              publicKey: SIGNING_SPKI,
            },
          ],
        },
      },
    },
  ],
});

const policyFile = () =>
  tmp.write(
    'keyhygiene.yaml',
    `version: 1
providers:
  aws:
    regions: [us-east-1]
    retryBaseMs: 1
environments:
  production: { kind: production, match: [{ accounts: ['${PROD}'] }] }
  debug: { kind: debug, match: [{ paths: ['/debug/*'] }] }
precedence: { environments: [debug, production] }
ci:
  production:
    - repositories: [org/app]
      environments: [production]
`,
  );

const endpoints = (url: string) => Object.fromEntries(['KMS', 'STS', 'IAM', 'CLOUDTRAIL', 'CLOUDWATCH_LOGS'].map((s) => [`AWS_ENDPOINT_URL_${s}`, url]));

interface Path {
  status: string;
  principal: { id: string; name?: string };
  capabilities: string[];
  source: string;
  sourceId?: string;
  via?: string[];
  undecided?: { key: string }[];
  classification: { environment?: string; outcome: string };
  federation?: { verdict: string; why: string };
}

describe('keyhygiene explain-access', () => {
  it('live: lists the IAM roles behind the default key policy, the federated pull-request identity and the undecided path, reading only', async () => {
    fake = await startAwsFake(world());
    const policy = policyFile();
    const r = await runCli(['explain-access', 'alias/token-signing', '--policy', policy, '--json'], { env: endpoints(fake.url) });
    expect(r.status, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as { key: { id: string; environment?: string }; paths: Path[]; totals: Record<string, number>; collected: boolean };
    expect(e.key).toMatchObject({ id: KEY, environment: 'production' });
    expect(e.collected).toBe(true);
    const debug = e.paths.find((p) => p.principal.name === 'debug-shell');
    expect(debug).toMatchObject({
      status: 'can-use',
      source: 'iam-policy',
      sourceId: expect.stringContaining('KmsUse'),
      classification: { environment: 'debug' },
    });
    expect(debug?.capabilities).toContain('use-sign');
    const pr = e.paths.find((p) => p.principal.id === `${GITHUB}#repo:org/app:pull_request`);
    expect(pr).toMatchObject({ status: 'can-use', via: [GITHUB, `arn:aws:iam::${PROD}:role/deploy/signer`], federation: { verdict: 'ci' } });
    const ou = e.paths.find((p) => p.principal.name === 'ou-only');
    expect(ou?.status).toBe('may-use');
    expect(ou?.undecided?.map((c) => c.key)).toEqual(['aws:PrincipalOrgPaths']);
    // Sorted: every definite path before every undecided one, and the totals agree with the list.
    const order = e.paths.map((p) => p.status);
    expect(order.lastIndexOf('can-use')).toBeLessThan(order.indexOf('may-use'));
    expect(e.totals.mayUse).toBe(order.filter((s) => s === 'may-use').length);
    expectOnlyDeclared(fake.operations(), awsProvider);
    expect(fake.operations().every((op) => /:(Describe|Get|List)/.test(op))).toBe(true);
  });

  it('from a snapshot, as text: the same paths with statement, chain, federation verdict and UNDECIDED conditions', async () => {
    fake = await startAwsFake(world());
    const policy = policyFile();
    const snapshot = `${tmp.dir}/inventory.json`;
    const inv = await runCli(['inventory', '--policy', policy, '--output', snapshot], { env: endpoints(fake.url) });
    expect(inv.status, inv.stderr).toBe(0);
    await fake.close();
    fake = undefined;
    const r = await runCli(['explain-access', KEY, '--policy', policy, '--snapshot', snapshot]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CAN USE {2}role debug-shell \(arn:aws:iam::444455556666:role\/debug\/debug-shell\): .*use-sign/);
    expect(r.stdout).toMatch(/environment debug\n\s+through iam-policy role\/debug-shell inline policy kms-everything, statement KmsUse/);
    expect(r.stdout).toMatch(
      /via arn:aws:iam::444455556666:oidc-provider\/token\.actions\.githubusercontent\.com → arn:aws:iam::444455556666:role\/deploy\/signer/,
    );
    expect(r.stdout).toMatch(/federated from github .* admitting repo:org\/app:pull_request: ci, /);
    expect(r.stdout).toMatch(
      /MAY USE {2}role ou-only .*\n(.*\n)*\s+UNDECIDED: ForAnyValue:StringLike aws:PrincipalOrgPaths o-a1b2c3d4e5\/r-ab12\/ou-ab12-11111111\/\*/,
    );
    expect(r.stdout).not.toMatch(/BEGIN|PRIVATE KEY/);
  });

  it('a key that is not there is exit 2 with one paragraph and a suggestion; a key whose access was not read is exit 3', async () => {
    const snapshot = tmp.write(
      'partial.json',
      JSON.stringify({
        kind: 'keyhygiene-inventory',
        version: 1,
        generatedAt: '2026-06-01T00:00:00Z',
        providers: [{ id: 'aws', fills: [], startedAt: '2026-06-01T00:00:00Z', finishedAt: '2026-06-01T00:00:00Z' }],
        keys: [{ id: KEY, provider: 'aws', account: PROD, region: 'us-east-1', aliases: ['alias/token-signing'] }],
        trails: [],
        publishedKeys: [],
        artifacts: [],
        gaps: [
          {
            id: `aws:${PROD}:kms:GetKeyPolicy`,
            provider: 'aws',
            scope: { account: PROD, region: 'us-east-1', subjectId: KEY },
            operation: 'kms:GetKeyPolicy',
            reason: 'AccessDeniedException',
            affects: ['access'],
          },
        ],
      }),
    );
    const policy = policyFile();
    const missing = await runCli(['explain-access', 'alias/token-sign', '--policy', policy, '--snapshot', snapshot]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no key "alias\/token-sign" in the inventory \(1 key read\)\.\n\s+expected: .*\n\s+fix: did you mean "arn:aws:kms/);
    expect(hasStackTrace(missing.stderr)).toBe(false);
    const partial = await runCli(['explain-access', 'alias/token-signing', '--policy', policy, '--snapshot', snapshot]);
    expect(partial.status).toBe(3);
    expect(partial.stdout).toMatch(/access was not collected for this key: who can use it is UNKNOWN/);
    expect(partial.stdout).toMatch(/GAP kms:GetKeyPolicy: AccessDeniedException/);
  });

  it('--help shows examples', async () => {
    const r = await runCli(['explain-access', '--help']);
    expect(r.stdout).toMatch(/EXAMPLES/);
    expect(r.stdout).toMatch(/--snapshot inventory\.json/);
  });
});
