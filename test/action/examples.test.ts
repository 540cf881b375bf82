// The example workflows in examples/github/ use the Action as action.yml declares it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/paths.ts';

const DIR = join(PACKAGE_ROOT, 'examples', 'github');
const action = parse(readFileSync(join(PACKAGE_ROOT, 'action.yml'), 'utf8'));

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

const workflows = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({
    file: f,
    wf: parse(readFileSync(join(DIR, f), 'utf8')) as { on: unknown; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> },
  }));

describe('examples/github', () => {
  it('holds the scheduled audit, the deploy gate, the SARIF upload and the IaC gates', () => {
    expect(workflows.map((w) => w.file).sort()).toEqual([
      'deploy-gate.yml',
      'iac-bicep.yml',
      'iac-cloudformation.yml',
      'iac-terraform.yml',
      'sarif-upload.yml',
      'scheduled-audit.yml',
    ]);
  });

  it('the IaC gates audit the plan or template with --iac and upload SARIF even when the gate failed', () => {
    for (const file of ['iac-terraform.yml', 'iac-cloudformation.yml', 'iac-bicep.yml']) {
      const steps = Object.values(workflows.find((w) => w.file === file)?.wf.jobs ?? {}).flatMap((j) => j.steps) as (Step & { if?: string; run?: string })[];
      const ours = steps.find((s) => s.id === 'keyhygiene');
      expect(String(ours?.with?.args)).toMatch(/--iac /);
      expect(String(ours?.with?.formats)).toContain('sarif');
      const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
      expect(upload?.with?.sarif_file).toBe(['$', '{{ steps.keyhygiene.outputs.sarif }}'].join(''));
      expect(upload?.if).toMatch(/always\(\)/);
      // The plan or template is produced before the gate reads it.
      expect(steps.findIndex((s) => /terraform show -json|cdk synth|bicep build/.test(s.run ?? ''))).toBeLessThan(steps.indexOf(ours as Step));
    }
  });

  for (const { file, wf } of workflows) {
    it(`${file}: passes only declared inputs and reads only declared outputs`, () => {
      const steps = Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
      const ours = steps.filter((s) => s.uses?.startsWith('keyhygiene/keyhygiene@'));
      expect(ours).toHaveLength(1);
      for (const key of Object.keys(ours[0]?.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
      const text = readFileSync(join(DIR, file), 'utf8');
      for (const m of text.matchAll(/steps\.keyhygiene\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1]);
      expect(wf.permissions['id-token']).toBe('write');
    });
  }

  it('uploads SARIF with upload-sarif from the Action output, even when the gate failed', () => {
    for (const file of ['scheduled-audit.yml', 'sarif-upload.yml']) {
      const steps = Object.values(workflows.find((w) => w.file === file)?.wf.jobs ?? {}).flatMap((j) => j.steps);
      const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@')) as Step & { if?: string };
      expect(upload?.with?.sarif_file).toBe(['$', '{{ steps.keyhygiene.outputs.sarif }}'].join(''));
      expect(upload?.if).toMatch(/always\(\)/);
      expect(workflows.find((w) => w.file === file)?.wf.permissions['security-events']).toBe('write');
    }
  });

  it('the scheduled audit assumes an AWS role and logs into Azure with OIDC; the gate fails only on new findings', () => {
    const text = readFileSync(join(DIR, 'scheduled-audit.yml'), 'utf8');
    expect(text).toContain('aws-actions/configure-aws-credentials@');
    expect(text).toContain('role-to-assume:');
    expect(text).toContain('azure/login@');
    expect(text).not.toMatch(/client-secret|aws-secret-access-key/);
    const gate = workflows.find((w) => w.file === 'deploy-gate.yml')?.wf;
    const step = gate?.jobs.keyhygiene?.steps.find((s) => s.id === 'keyhygiene');
    expect(step?.with?.['fail-on']).toBe('new');
    expect(step?.with?.baseline).toBeTruthy();
    expect((gate?.jobs.deploy as unknown as { needs?: string } | undefined)?.needs).toBe('keyhygiene');
  });
});
