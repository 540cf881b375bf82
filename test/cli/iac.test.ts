import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Demo from '../../src/commands/demo.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';

const TF = 'test/fixtures/iac/terraform/plan.json';
const AZ = 'test/fixtures/iac/terraform-azure/plan.json';
const ARM = 'test/fixtures/iac/arm/main.json';
const CFN = 'test/fixtures/iac/cloudformation/template.yaml';
const NOW = '2026-12-01T00:00:00Z';

interface Result {
  results: { ruleId: string; outcome: string; subject: { id: string; location?: { address: string; file?: string; line?: number } } }[];
}

const iacAudit = (...args: string[]) =>
  runCli(['audit', '--example', 'storm-0558', '--now', NOW, '--fail-on', 'none', '--allow-incomplete', '--format', 'json', '--include-passed', ...args]);

/** Rule ids that reached a verdict (pass or fail) somewhere in a result. */
const decided = (r: Result) => new Set(r.results.filter((e) => e.outcome === 'pass' || e.outcome === 'fail').map((e) => e.ruleId));

describe('keyhygiene audit --iac', () => {
  it('SARIF points each finding at the .tf line that declares the resource', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558', '--now', NOW, '--iac', TF, '--format', 'sarif', '--fail-on', 'none', '--allow-incomplete']);
    expect(r.status, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout);
    const hit = sarif.runs[0].results.find(
      (x: { ruleId: string; locations: { logicalLocations: { name: string }[] }[] }) =>
        x.ruleId === 'nonprod-principal-access' && x.locations[0]?.logicalLocations[0]?.name === 'module.signing["consumer"].aws_kms_key.signing',
    );
    expect(hit.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'test/fixtures/iac/terraform/modules/kms/main.tf', uriBaseId: '%SRCROOT%' },
      region: { startLine: 9 },
    });
  });

  it('good resources pass, bad ones fail, unknown ones stay unknown, runtime-only rules do not apply, deletions are not subjects', async () => {
    const r = await iacAudit('--iac', TF);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as Result;
    const outcome = (rule: string, address: string) =>
      result.results.filter((e) => e.ruleId === rule && e.subject.location?.address === address).map((e) => e.outcome);
    expect(outcome('automatic-rotation', 'aws_kms_key.data')).toEqual(['pass']);
    expect(outcome('automatic-rotation', 'aws_kms_key.archive')).toEqual(['fail']);
    expect(outcome('nonprod-principal-access', 'module.signing["consumer"].aws_kms_key.signing')).toEqual(['fail']);
    expect(outcome('key-use-logged', 'aws_kms_key.data')).toEqual(['pass']);
    expect(outcome('no-public-principal', 'aws_kms_key.orders')).toEqual(['unknown']);
    expect(outcome('key-material-max-age', 'aws_kms_key.data')).toEqual([]); // not applicable to a planned key
    expect(result.results.some((e) => e.subject.id.includes('legacy'))).toBe(false);
  });

  it('--changed-only: the unchanged key is never a finding, the changed ones still are', async () => {
    const result = JSON.parse((await iacAudit('--iac', TF, '--changed-only')).stdout) as Result;
    expect(result.results.filter((e) => e.subject.location?.address === 'aws_kms_key.archive')).toEqual([]);
    expect(result.results.some((e) => e.ruleId === 'nonprod-principal-access' && e.outcome === 'fail')).toBe(true);
  });

  it('a file that is not a plan or template exits 2 with file and place, no stack trace', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558', '--iac', 'test/fixtures/iac/malformed/unknown-intrinsic.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown-intrinsic\.yaml:6:\d+: unknown tag !Concat/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('the example policy decides the same rule ids on the IaC fixtures as on the demo estate read live through the fakes', async () => {
    const iac = JSON.parse((await iacAudit('--iac', TF, '--iac', AZ, '--iac', ARM, '--iac', CFN)).stdout) as Result;
    const file = join(mkdtempSync(join(tmpdir(), 'kh-iac-demo-')), 'result.json');
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await Demo.run(['--format', 'json', '--output', file, '--fail-on', 'none', '--allow-incomplete', '--include-passed'], { root: PACKAGE_ROOT });
    } finally {
      process.stderr.write = write;
      process.exitCode = undefined;
    }
    const live = JSON.parse(readFileSync(file, 'utf8')) as Result;
    const both = [...decided(iac)].filter((id) => decided(live).has(id));
    // The demo serves the example estate through the AWS simulator; the rules it decides are decided on the plans too.
    for (const id of [
      'automatic-rotation',
      'nonprod-principal-access',
      'cross-scope-access',
      'key-use-logged',
      'hsm-custody',
      'admin-use-separated',
      'trail-tamper-evident',
    ])
      expect(both).toContain(id);
    const liveOnly = [...decided(live)].filter((id) => !decided(iac).has(id));
    // Only rules that need a deployed key's history (or published key sets) are decided live alone, and
    // release-policy-debug-disabled: the IaC reader does not read an ARM key's release_policy yet (azurerm has none).
    expect(
      liveOnly.filter(
        (id) =>
          !/max-age|unused|pending-deletion|published|drill|superseded|key-set|known-compromised|collection-complete|waiver|release-policy-debug-disabled/.test(
            id,
          ),
      ),
      JSON.stringify(liveOnly),
    ).toEqual([]);
  }, 180_000);
});

describe('keyhygiene audit --iac with an iac block that lists no paths', () => {
  const policyWith = (iac: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'kh-iac-policy-')), 'keyhygiene.yaml');
    writeFileSync(file, `version: 1\nproviders:\n  iac:\n${iac}`);
    return file;
  };

  it('the block gives account and region to the files on the command line (it exited 2: missing required key "paths")', async () => {
    const policy = policyWith('    account: "111111111111"\n    region: us-east-1\n');
    const r = await runCli([
      'audit',
      '-p',
      policy,
      '--now',
      NOW,
      '--iac',
      join(PACKAGE_ROOT, TF),
      '--fail-on',
      'none',
      '--allow-incomplete',
      '--format',
      'json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results.length).toBeGreaterThan(0);
  });

  it('without --iac, no plan to read exits 2 saying where to name one', async () => {
    const r = await runCli(['audit', '-p', policyWith('    account: "111111111111"\n'), '--now', NOW]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/providers\.iac names no plan or template/);
    expect(r.stderr).toMatch(/--iac/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
