// Plans Terraform says are not the whole story: errored plans, a JSON format of another major version,
// and incomplete plans with deferred changes (internal/command/jsonplan of Terraform 1.9+:
// `errored`, `complete`, `deferred_changes[].reason`; format_version "Reject any input which reports
// an unsupported major version" in the JSON output format page).
import { describe, expect, it } from 'vitest';
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
