// The demo's AWS part: an inventory seeds the simulator, and the real provider reads the same estate back.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Demo, { withEnv } from '../../src/commands/demo.ts';
import { type AwsDemo, demoEnv, policyFromAccess, startAwsDemo, worldFromInventory } from '../../src/demo/aws.ts';
import type { KeyRecord } from '../../src/model/key-record.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { collectAws } from '../../src/providers/aws/index.ts';
import { policyToAccess } from '../../src/providers/aws/normalize.ts';
import { ACCOUNT, access, daysAgo, gap, inventory, key, NOW, trail } from '../helpers/fixtures.ts';

const OTHER = '222222222222';

function estate() {
  const sign = key({ aliases: ['alias/token-signing'] });
  const data = key({
    id: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1111-data`,
    region: 'eu-west-1',
    name: 'alias/data',
    aliases: ['alias/data'],
    usage: ['encrypt', 'decrypt'],
    keyType: 'AES',
    keySize: 256,
    createdAt: daysAgo(400),
    currentVersionCreatedAt: daysAgo(35),
    rotation: { supported: true, automatic: true, periodDays: 90, lastRotatedAt: daysAgo(35) },
    tags: { env: 'prod', 'key-class': 'data-encryption' },
    access: [
      access({ kind: 'account', id: `arn:aws:iam::${ACCOUNT}:root`, name: `account ${ACCOUNT}`, account: ACCOUNT }, ['administer', 'read'], {
        sourceId: 'Root',
      }),
      access({ kind: 'account', id: `arn:aws:iam::${OTHER}:root`, name: `account ${OTHER}`, account: OTHER }, ['use-decrypt'], {
        sourceId: 'OrgDecrypt',
        confined: true,
        conditions: [{ key: 'kms:CallerAccount', operator: 'StringEquals', values: [OTHER] }],
      }),
      access({ kind: 'role', id: `arn:aws:iam::${OTHER}:role/app`, name: 'app', account: OTHER }, ['use-encrypt'], { source: 'grant', sourceId: 'g-1' }),
    ],
  });
  const imported = key({
    id: `arn:aws:kms:us-east-1:${OTHER}:key/2222-imported`,
    account: OTHER,
    name: 'alias/imported',
    aliases: ['alias/imported'],
    usage: ['sign', 'verify'],
    keyType: 'EC',
    keySize: undefined,
    curve: 'P-256',
    origin: 'imported',
    expiresAt: '2027-01-01T00:00:00.000Z',
    access: [access({ kind: 'public', id: '*' }, ['use-verify'], { sourceId: 'Anyone' })],
  });
  delete imported.keySize;
  return inventory({
    keys: [sign, data, imported],
    trails: [
      trail({ id: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`, scope: { provider: 'aws-kms', accounts: '*', regions: '*' } }),
      trail({
        id: `arn:aws:cloudtrail:us-east-1:${OTHER}:trail/local`,
        name: 'local',
        scope: { provider: 'aws-kms', accounts: [OTHER], regions: ['us-east-1'] },
        excludedSources: ['kms.amazonaws.com'],
        destination: { kind: 's3', id: 'local-logs' },
        retentionDays: null,
        integrityValidation: false,
      }),
    ],
    gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:ListGrants:0000-sign`, scope: { account: ACCOUNT, region: 'us-east-1', subjectId: key().id } })],
  });
}

const FIELDS = [
  'id',
  'account',
  'region',
  'name',
  'aliases',
  'usage',
  'keyType',
  'keySize',
  'curve',
  'origin',
  'state',
  'createdAt',
  'currentVersionCreatedAt',
  'expiresAt',
  'tags',
] as const;
const pick = (k: KeyRecord) => Object.fromEntries(FIELDS.map((f) => [f, k[f]]));
const accessSet = (k: KeyRecord | undefined) =>
  (k?.access ?? [])
    .map((a) => `${a.source} ${a.principal.kind} ${a.principal.id} ${a.confined ? 'confined ' : ''}${[...a.capabilities].sort().join(',')}`)
    .sort();

let demo: AwsDemo | undefined;
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
});

describe('worldFromInventory', () => {
  it('puts each key in its account and region, the organization trail owner first as the caller, and gaps as faults', () => {
    const { world, faults } = worldFromInventory(estate());
    expect(world.callerAccount).toBe(ACCOUNT);
    expect(world.accounts.map((a) => a.id)).toEqual([ACCOUNT, OTHER]);
    expect(Object.keys(world.accounts[0]?.regions ?? {}).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(faults).toEqual([{ op: 'kms:ListGrants', account: ACCOUNT, region: 'us-east-1', keyId: '0000-sign', error: 'AccessDenied' }]);
  });

  it('rebuilds a key policy whose analysis gives the access entries back, confined wildcards included', () => {
    const entries = estate().keys[1]?.access ?? [];
    const back = policyToAccess(JSON.stringify(policyFromAccess(entries)));
    expect(accessSet({ ...key(), access: back })).toEqual(accessSet({ ...key(), access: entries.filter((e) => e.source === 'key-policy') }));
  });
});

describe('startAwsDemo', () => {
  it('the real provider reads back the estate the inventory describes', async () => {
    const inv = estate();
    demo = await startAwsDemo(inv);
    const d = demo;
    expect(d.env.AWS_ENDPOINT_URL_KMS).toBe(d.fake.url);
    expect(d.env.AWS_EC2_METADATA_DISABLED).toBe('true');
    const out = await withEnv(d.env, () => collectAws(d.providerBlock, { now: () => NOW, baseDir: '.', env: process.env }));
    expect(out.keys.map(pick)).toEqual(inv.keys.map(pick).sort((a, b) => String(a.id).localeCompare(String(b.id))));
    for (const k of inv.keys) {
      const got = out.keys.find((x) => x.id === k.id);
      if (k.id.endsWith('0000-sign')) expect(got?.access).toBeUndefined();
      else expect(accessSet(got)).toEqual(accessSet(k));
      if (k.publicKey) expect(got?.publicKey).toBe(k.publicKey);
    }
    expect(out.gaps.map((g) => g.id)).toEqual(inv.gaps.map((g) => g.id));
    const pickTrail = (t: (typeof inv.trails)[number]) => [t.id, t.scope, t.enabled, t.capturesDataPlane, t.excludedSources, t.retentionDays, t.destination];
    expect(out.trails.map(pickTrail)).toEqual(inv.trails.map(pickTrail));
    // The demo environment was only set while the provider ran.
    expect(process.env.AWS_ENDPOINT_URL_KMS).toBeUndefined();
  });

  it('demoEnv unsets every variable that could pull in real credentials or endpoints', () => {
    const env = demoEnv('http://127.0.0.1:1', 'us-east-1');
    for (const v of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) {
      expect(v in env && env[v] === undefined).toBe(true);
    }
    expect(
      Object.entries(env)
        .filter(([k]) => k.startsWith('AWS_ENDPOINT_URL_'))
        .every(([, v]) => v === 'http://127.0.0.1:1'),
    ).toBe(true);
  });
});

describe('keyhygiene demo', () => {
  it('audits the example estate through the AWS provider, offline, with the audit output flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-demo-'));
    const file = join(dir, 'result.json');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await Demo.run(['--format', 'json', '--output', file, '--fail-on', 'none', '--allow-incomplete'], { root: PACKAGE_ROOT });
    } finally {
      process.stderr.write = write;
    }
    expect(process.exitCode).toBe(0);
    process.exitCode = undefined;
    const result = JSON.parse(readFileSync(file, 'utf8'));
    const subjects = new Set<string>(result.results.map((r: { subject: { id: string } }) => r.subject.id));
    expect([...subjects].some((s) => s.startsWith('arn:aws:kms:'))).toBe(true);
    expect(stderr.join('')).toMatch(/AWS simulator on http:\/\/127\.0\.0\.1:\d+/);
    expect(process.env.AWS_ENDPOINT_URL_KMS).toBeUndefined();
  });
});
