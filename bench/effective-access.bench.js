// Effective access at scale (issue 15): one account with 5,000 roles (a few hundred with KMS
// permissions, some of them tag- or resource-scoped, a tenth assumable by others) evaluated against
// 10,000 keys that keep the default key policy, role chains included. Budget: the evaluation bench's
// (≤ 0.3 s per 100k keys of rules) is for rules; here the goal is ≤ 5 s for the whole 50M pairs, by
// answers shared per key policy text (and per tag and alias set) and the index of ARN-reading
// principals by resource pattern. BENCH_ROLES and BENCH_KEYS set a reduced size for iteration.
import { performance } from 'node:perf_hooks';

const dist = (p) => new URL(`${process.env.BENCH_DIST ?? '../dist'}/${p}`, import.meta.url).href;
const { accountIamFrom } = await import(dist('providers/aws/access/iam-details.js'));
const { indexAccount, effectiveAccess, toAccessEntries } = await import(dist('providers/aws/access/evaluate.js'));
const { chainAccess } = await import(dist('providers/aws/access/chains.js'));
const { compileDocument } = await import(dist('providers/aws/access/document.js'));

const ROLES = Number(process.env.BENCH_ROLES ?? 5000);
const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const ACCOUNT = '444455556666';
const doc = (statements) => encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const trustAccount = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }]);
const trustEc2 = doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

function roles() {
  const out = [];
  for (let i = 0; i < ROLES; i++) {
    const policies = [{ PolicyName: 's3', PolicyDocument: doc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }]) }];
    if (i % 25 === 0) policies.push({ PolicyName: 'kms', PolicyDocument: doc([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]) });
    if (i % 25 === 1)
      policies.push({
        PolicyName: 'kms-tagged',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': `t${i % 7}` } } }]),
      });
    if (i % 25 === 2)
      policies.push({
        PolicyName: 'kms-one',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'kms:Sign', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k${i}` }]),
      });
    if (i % 10 === 3)
      policies.push({
        PolicyName: 'assume',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/r${i - 3}` }]),
      });
    out.push({
      Arn: `arn:aws:iam::${ACCOUNT}:role/r${i}`,
      RoleName: `r${i}`,
      Path: i % 50 === 0 ? '/debug/' : '/',
      Tags: [{ Key: 'env', Value: i % 50 === 0 ? 'debug' : 'prod' }],
      AssumeRolePolicyDocument: i % 10 === 0 ? trustAccount : trustEc2,
      RolePolicyList: policies,
    });
  }
  return out;
}

// BENCH_WILDCARD=1: the key policy also holds the "Allow access through EBS for all principals in the
// account that are authorized to use EBS" statement (a wildcard principal with kms:CallerAccount and
// kms:ViaService, as AWS managed keys have): every role of the account is a candidate for every key.
const throughEbs = {
  Sid: 'Allow access through EBS for all principals in the account that are authorized to use EBS',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
  Resource: '*',
  Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
};
const defaultPolicy = JSON.stringify({
  Version: '2012-10-17',
  Id: 'key-default-1',
  Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    ...(process.env.BENCH_WILDCARD === '1' ? [throughEbs] : []),
  ],
});

/** Run by bench/run.js (which prints the goal), or alone with `node bench/effective-access.bench.js`. */
export default async function bench() {
  const t0 = performance.now();
  const iam = accountIamFrom(ACCOUNT, [{ RoleDetailList: roles() }]);
  const index = indexAccount(iam);
  const t1 = performance.now();
  let entries = 0;
  let chained = 0;
  for (let k = 0; k < KEYS; k++) {
    const key = { arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k${k}`, account: ACCOUNT, region: 'us-east-1', aliases: [], tags: { team: `t${k % 7}` } };
    const policy = compileDocument(defaultPolicy, 'key policy');
    const direct = effectiveAccess(key, policy, iam, index, undefined, defaultPolicy).flatMap((a) => toAccessEntries(a));
    entries += direct.length;
    for (const e of direct) {
      const role = iam.byArn.get(e.principal.id);
      if (role) chained += chainAccess(role, e, iam, 4).length;
    }
  }
  const t2 = performance.now();
  console.log(`roles ${ROLES}, keys ${KEYS}: IAM compiled and indexed in ${((t1 - t0) / 1000).toFixed(2)} s`);
  console.log(`evaluated ${KEYS} keys × ${ROLES} roles in ${((t2 - t1) / 1000).toFixed(2)} s (${(((t2 - t1) / KEYS) * 1000).toFixed(0)} µs per key)`);
  console.log(`access entries: ${entries} direct, ${chained} through role chains (${(entries / KEYS).toFixed(1)} + ${(chained / KEYS).toFixed(1)} per key)`);
  const seconds = (t2 - t1) / 1000;
  return { goals: [{ name: `${KEYS} keys × ${ROLES} roles evaluated ≤ 5 s`, met: seconds <= 5, detail: `${seconds.toFixed(2)} s` }] };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await bench());
