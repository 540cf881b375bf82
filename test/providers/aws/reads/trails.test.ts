// CloudTrail Lake event data stores and advanced event selectors written as the CloudTrail API
// Reference and User Guide write them, read through the real SDK from the simulator, then judged by
// key-use-logged: an event data store records key use as a trail does; a selector that leaves KMS out
// by any operator records none of it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditInventory } from '../../../../src/audit.ts';
import { type AwsFake, type FakeWorld, startAwsFake } from '../../../../src/fakes/aws/server.ts';
import type { FakeEventDataStore, FakeFieldSelector, FakeTrail } from '../../../../src/fakes/aws/types.ts';
import type { Inventory } from '../../../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../../../src/policy/resolve.ts';
import awsProvider, { collectAws } from '../../../../src/providers/aws/index.ts';
import { expectOnlyDeclared } from '../../../helpers/read-only.ts';

const ACCOUNT = '444455556666';
const NOW = new Date('2026-06-01T00:00:00Z');
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/data`;

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const estate = (eventDataStores: FakeEventDataStore[], trails: FakeTrail[] = []): FakeWorld => ({
  callerAccount: ACCOUNT,
  accounts: [{ id: ACCOUNT, eventDataStores, trails, regions: { 'us-east-1': { keys: [{ id: 'data', createdAt: '2026-01-01T00:00:00Z' }] } } }],
});

async function verdictOf(world: FakeWorld) {
  fake = await startAwsFake(world);
  const out = await collectAws(
    { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1 },
    { now: () => NOW, baseDir: '.', env: {} },
    { endpoint: fake.url, credentials: { accessKeyId: 'AKIDKEYHYGIENEDEMO', secretAccessKey: 'x' }, pageSize: 1 },
  );
  const file = join(mkdtempSync(join(tmpdir(), 'kh-lake-')), 'keyhygiene.yaml');
  writeFileSync(file, 'version: 1\nrules: { key-use-logged: high }\n');
  const inventory = {
    kind: 'keyhygiene-inventory',
    version: 1,
    generatedAt: NOW.toISOString(),
    publishedKeys: [],
    artifacts: [],
    ...out,
    providers: [out.run],
  };
  const result = auditInventory(inventory as unknown as Inventory, resolvePolicyFile(file), NOW, true);
  expectOnlyDeclared(fake.operations(), awsProvider);
  const listed = fake.requests.filter((r) => r.op === 'cloudtrail:ListEventDataStores').length;
  await fake.close();
  fake = undefined;
  return { out, listed, verdict: result.results.find((r) => r.ruleId === 'key-use-logged' && r.subject.id === KEY) };
}

const mgmt = (...fields: FakeFieldSelector[]) => ({
  Name: 'Management events',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...fields],
});
// CloudTrail User Guide, "Create an event data store for Config configuration items": not KMS events.
const configItems = {
  name: 'config-items',
  region: 'us-east-1',
  advancedSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['ConfigurationItem'] }] }],
};

describe('CloudTrail Lake event data stores', () => {
  it('an organization event data store of all management events covers the key with no trail at all (paged list; Config-item stores ignored)', async () => {
    const lake = { name: 'org-lake', region: 'us-east-1', organization: true, multiRegion: true, retentionDays: 2557 };
    const { out, verdict, listed } = await verdictOf(estate([configItems, lake]));
    expect(out.gaps).toEqual([]);
    expect(listed).toBe(2);
    expect(out.trails).toEqual([
      expect.objectContaining({
        id: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/org-lake-0000`,
        name: 'org-lake',
        kind: 'cloudtrail',
        scope: { provider: 'aws-kms', accounts: '*', regions: '*' },
        enabled: true,
        capturesDataPlane: true,
        capturesAdminEvents: true,
        excludedSources: [],
        retentionDays: 2557,
      }),
    ]);
    expect(verdict?.outcome).toBe('pass');
  });

  it.each([
    ['ingestion stopped', { status: 'STOPPED_INGESTION' }, 'fail', /is not logging/],
    ['KMS left out (eventSource NotEquals)', { advancedSelectors: [mgmt({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] })] }, 'fail', /excludes kms/],
    ['writes only', { advancedSelectors: [mgmt({ Field: 'readOnly', Equals: ['false'] })] }, 'fail', /admin events only/],
    // Only some KMS events (an eventName filter): neither recorded nor not.
    [
      'decrypt events filtered out by eventName',
      { advancedSelectors: [mgmt({ Field: 'eventName', NotStartsWith: ['Decrypt'] })] },
      'unknown',
      /capturesDataPlane/,
    ],
  ])('an event data store with %s', async (_name, over, outcome, message) => {
    const { verdict } = await verdictOf(estate([{ name: 'lake', region: 'us-east-1', ...over }]));
    expect(verdict?.outcome).toBe(outcome);
    expect(verdict?.message).toMatch(message);
  });

  it('a failed ListEventDataStores is a gap on trails: the key is unknown, never a fail or pass on a guess', async () => {
    fake = await startAwsFake(estate([]), { faults: [{ op: 'cloudtrail:ListEventDataStores', error: 'AccessDenied' }] });
    const out = await collectAws(
      { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1 },
      { now: () => NOW, baseDir: '.', env: {} },
      { endpoint: fake.url, credentials: { accessKeyId: 'AKIDKEYHYGIENEDEMO', secretAccessKey: 'x' } },
    );
    expect(out.gaps).toEqual([
      expect.objectContaining({ operation: 'cloudtrail:ListEventDataStores', affects: ['trails'], scope: { account: ACCOUNT, region: 'us-east-1' } }),
    ]);
  });
});

describe('trail advanced event selectors with every operator', () => {
  it('a trail whose management selector drops kms.* with NotStartsWith records no key use: key-use-logged fails', async () => {
    const trail = { name: 'mgmt', homeRegion: 'us-east-1', multiRegion: true, advancedSelectors: [mgmt({ Field: 'eventSource', NotStartsWith: ['kms.'] })] };
    const { out, verdict } = await verdictOf(estate([], [trail]));
    expect(out.trails[0]).toMatchObject({ capturesDataPlane: false, excludedSources: ['kms.amazonaws.com'] });
    expect(verdict?.outcome).toBe('fail');
  });
});
