// Plans Terraform says are not the whole story: errored plans, a JSON format of another major version,
// and incomplete plans with deferred changes (internal/command/jsonplan of Terraform 1.9+:
// `errored`, `complete`, `deferred_changes[].reason`; format_version "Reject any input which reports
// an unsupported major version" in the JSON output format page).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTerraformPlan } from '../../../src/providers/iac/terraform.ts';
import { collectIac, FIXTURES, userError } from './helpers.ts';

describe('iac provider: plans Terraform marks incomplete', () => {
  it('an errored plan exits 2: resources after the error may be missing', async () => {
    const err = await userError([`${FIXTURES}/malformed/errored-plan.json`]);
    expect(err.exitCode).toBe(2);
    expect(err.diagnostics[0]?.file).toBe(`${FIXTURES}/malformed/errored-plan.json`);
    expect(err.diagnostics[0]?.message).toMatch(/errored: true/);
    expect(err.diagnostics[0]?.hint).toMatch(/terraform plan -out/);
  });

  it('a plan JSON of another major format version exits 2', async () => {
    const err = await userError([`${FIXTURES}/malformed/plan-format-2.json`]);
    expect(err.exitCode).toBe(2);
    expect(err.diagnostics[0]?.message).toMatch(/format_version is "2\.0"/);
    expect(err.diagnostics[0]?.hint).toMatch(/upgrade keyhygiene/);
  });

  it('a plan of the 0.x format (Terraform 0.12 to 1.0) exits 2 saying which release writes 1.x (it named Terraform 0.12 as one)', async () => {
    const err = await userError([`${FIXTURES}/malformed/plan-format-0.json`]);
    expect(err.exitCode).toBe(2);
    expect(err.diagnostics[0]?.expected).toMatch(/Terraform 1\.1 or later/);
    expect(err.diagnostics[0]?.expected).not.toMatch(/0\.12/);
    expect(err.diagnostics[0]?.hint).toMatch(/plan again with Terraform 1\.1 or later/);
  });

  it('a deferred key is a subject with every verdict unknown; other deferred changes leave access and trails unknown', async () => {
    const plan = `${FIXTURES}/terraform-deferred/plan.json`;
    const out = await collectIac([plan], { account: '111122223333' });
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual(['aws_kms_key.data', 'aws_kms_key.tenant']);
    const tenant = out.gaps?.find((g) => g.scope.subjectId === `${plan}#aws_kms_key.tenant` && g.operation === 'terraform-plan:deferred');
    expect(tenant?.reason).toMatch(/instance_count_unknown/);
    // No `affects`: everything about the deferred key is unknown.
    expect(tenant?.affects).toBeUndefined();
    const data = out.gaps?.find((g) => g.scope.subjectId === `${plan}#aws_kms_key.data` && g.operation === 'terraform-plan:incomplete');
    expect(data?.affects).toEqual(['access', 'trails']);
    expect(data?.reason).toMatch(/aws_kms_grant\.app \(deferred_prereq\)/);
  });
});

describe('deferred changes of the azapi provider', () => {
  it('a deferred azapi_resource (a role assignment made through azapi) is named among the changes that may change access', async () => {
    const doc = JSON.parse(readFileSync(`${FIXTURES}/terraform-deferred/plan.json`, 'utf8'));
    const grant = doc.deferred_changes.find((d: { resource_change: { address: string } }) => d.resource_change.address === 'aws_kms_grant.app');
    grant.resource_change = {
      ...grant.resource_change,
      address: 'azapi_resource.crypto_user',
      type: 'azapi_resource',
      name: 'crypto_user',
      provider_name: 'registry.terraform.io/azure/azapi',
    };
    const file = join(mkdtempSync(join(tmpdir(), 'kh-iac-')), 'plan.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = await collectIac([file], { account: '111122223333' });
    const gap = out.gaps?.find((g) => g.scope.subjectId === `${file}#aws_kms_key.data` && g.operation === 'terraform-plan:incomplete');
    expect(gap?.reason).toMatch(/azapi_resource\.crypto_user \(deferred_prereq\)/);
  });
});

describe('deferred changes at scale', () => {
  it('a deferred change is one planned resource, also when it repeats a resource change; thousands are read in linear time', { timeout: 60_000 }, () => {
    const doc = JSON.parse(readFileSync(`${FIXTURES}/terraform-deferred/plan.json`, 'utf8'));
    const [first] = doc.deferred_changes;
    const copies = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ ...first, resource_change: { ...first.resource_change, address: `${prefix}[${i}]`, index: i } }));
    const N = 8000;
    doc.resource_changes = [...doc.resource_changes, ...copies(N, 'aws_kms_key.changed').map((d) => d.resource_change)];
    // Every resource change is deferred again, and N more are deferred only.
    doc.deferred_changes = [...copies(N, 'aws_kms_key.changed'), ...copies(N, 'aws_kms_key.later')];
    const t0 = performance.now();
    const plan = readTerraformPlan(doc, 'plan.json');
    const ms = performance.now() - t0;
    const addresses = plan.resources.map((r) => r.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.filter((a) => a.startsWith('aws_kms_key.later')).length).toBe(N);
    expect(plan.resources.filter((r) => r.deferred).length).toBe(N);
    expect(plan.deferred.length).toBe(2 * N);
    // Linear: about 2 s here; copying the list of a refKey's instances for each one took 17 s.
    expect(ms).toBeLessThan(12_000);
  });
});
