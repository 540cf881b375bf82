// A Terraform plan of many keys, each with its alias, key policy and grant bound by count.index
// (configuration references, as terraform show -json writes them): the iac provider's collect time at
// two sizes, in the same run. Linear work grows 4× from 500 to 2,000 keys; a scan of every policy,
// grant and alias per key (and per resolve, a copy of every candidate) grew it about 27× (329 s at 2,000).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { default: iac } = await import(new URL('../dist/providers/iac/index.js', import.meta.url).href);
const { IacConfig } = await import(new URL('../dist/providers/iac/schema.js', import.meta.url).href);
const { readTextFile } = await import(new URL('../dist/util/read-text.js', import.meta.url).href);
const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.bench');
mkdirSync(dir, { recursive: true });

const AWS = 'registry.terraform.io/hashicorp/aws';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/admin' }, Action: 'kms:*', Resource: '*' }],
});

function change(type, name, i, after, unknown) {
  return {
    address: `${type}.${name}[${i}]`,
    mode: 'managed',
    type,
    name,
    index: i,
    provider_name: AWS,
    change: { actions: ['create'], before: null, after, after_unknown: unknown },
  };
}

function writePlan(n) {
  const changes = [];
  for (let i = 0; i < n; i++) {
    changes.push(
      change(
        'aws_kms_key',
        'k',
        i,
        { enable_key_rotation: true, is_enabled: true, tags: { env: 'prod' } },
        { arn: true, id: true, key_id: true, policy: true },
      ),
    );
    changes.push(change('aws_kms_alias', 'a', i, { name: `alias/k${i}` }, { target_key_id: true, id: true }));
    changes.push(change('aws_kms_key_policy', 'p', i, { policy: POLICY }, { key_id: true, id: true }));
    changes.push(
      change('aws_kms_grant', 'g', i, { grantee_principal: 'arn:aws:iam::111111111111:role/app', operations: ['Decrypt'] }, { key_id: true, grant_id: true }),
    );
  }
  const byIndex = (type, name, expressions) => ({
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    provider_config_key: 'aws',
    expressions,
    count_expression: { constant_value: n },
  });
  const keyRef = { references: ['aws_kms_key.k', 'count.index'] };
  const plan = {
    format_version: '1.2',
    resource_changes: changes,
    configuration: {
      provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } } },
      root_module: {
        resources: [
          byIndex('aws_kms_key', 'k', { enable_key_rotation: { constant_value: true } }),
          byIndex('aws_kms_alias', 'a', { target_key_id: keyRef }),
          byIndex('aws_kms_key_policy', 'p', { key_id: keyRef, policy: { constant_value: POLICY } }),
          byIndex('aws_kms_grant', 'g', { key_id: keyRef }),
        ],
      },
    },
    complete: true,
    errored: false,
  };
  const file = join(dir, `iac-plan-${n}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

async function collectSeconds(file) {
  const t0 = process.hrtime.bigint();
  const out = await iac.collect(IacConfig.parse({ paths: [file], account: '111111111111' }), {
    now: () => new Date(),
    baseDir: dir,
    env: {},
    readText: readTextFile,
    listDir: () => [],
  });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, keys: out.keys?.length ?? 0 };
}

export default async () => {
  await collectSeconds(writePlan(50)); // warm up
  const small = await collectSeconds(writePlan(500));
  const large = await collectSeconds(writePlan(2000));
  const ratio = large.seconds / small.seconds;
  console.log(`${small.keys} keys: ${small.seconds.toFixed(2)} s; ${large.keys} keys: ${large.seconds.toFixed(2)} s; ratio ${ratio.toFixed(1)}×`);
  return {
    goals: [
      { name: '2,000 keys with alias, key policy and grant each ≤ 8× the time of 500 (linear: 4×)', met: ratio <= 8, detail: `${ratio.toFixed(1)}×` },
      { name: '2,000 keys collected in ≤ 5 s', met: large.seconds <= 5, detail: `${large.seconds.toFixed(2)} s` },
    ],
  };
};
