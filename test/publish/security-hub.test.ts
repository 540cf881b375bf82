// publish security-hub against a loopback fake of Security Hub: the exact batches, the archives, and nothing else sent.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { createSecurityHubApi } from '../../src/publish/security-hub/client.ts';
import { PUBLISH_OPERATIONS } from '../../src/publish/security-hub/permissions.ts';
import { publishToSecurityHub } from '../../src/publish/security-hub/publish.ts';
import { asffId } from '../../src/report/asff.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { CHILD_ENV, cli } from '../helpers/cli.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';
import { asffValidator } from '../report/asff-schema.ts';
import { type HubFake, startHubFake } from './securityhub-fake.ts';

const ACCOUNT = '123456789012';
const PRODUCT = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const { result: storm } = stormRun();
const template = storm.results.find((r) => r.subject.id.startsWith('arn:aws:kms:')) as ResultEntry;

/** A result with n failing AWS key findings, numbered from `from`. */
function resultWith(ids: number[], at: string): AuditResult {
  const results = ids.map((i) => ({
    ...template,
    fingerprint: i.toString(16).padStart(32, '0'),
    subject: { ...template.subject, id: `arn:aws:kms:us-east-1:111111111111:key/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000` },
  }));
  return { ...storm, generatedAt: at, results, baseline: undefined };
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const idOf = (i: number) => asffId({ ruleId: template.ruleId, fingerprint: i.toString(16).padStart(32, '0') });

let fake: HubFake;
const saved = { ...process.env };
beforeAll(async () => {
  fake = await startHubFake({ account: ACCOUNT, pageSize: 40 });
  Object.assign(process.env, {
    ...CHILD_ENV,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_SECURITYHUB: fake.url,
    AWS_ENDPOINT_URL_STS: fake.url,
  });
});
afterAll(async () => {
  process.env = saved;
  await fake.close();
});

async function publish(result: AuditResult, scope = 'default', now = '2026-12-01T00:00:00Z') {
  const api = await createSecurityHubApi({ timeoutMs: 5000 });
  const start = fake.requests.length;
  try {
    const out = await publishToSecurityHub(api, result, reportMeta(), { scope, now: new Date(now) });
    return { out, sent: fake.requests.slice(start) };
  } finally {
    api.destroy();
  }
}

type Sent = Awaited<ReturnType<typeof publish>>['sent'];
const imports = (sent: Sent) => sent.filter((r) => r.op === 'securityhub:BatchImportFindings').map((r) => r.body.Findings as Record<string, unknown>[]);

describe('publish security-hub', () => {
  const validate = asffValidator();

  it('first publish: identity, read-back, then 230 findings in batches of 100, 100, 30; nothing archived', async () => {
    const { out, sent } = await publish(resultWith(range(0, 230), '2026-11-01T06:00:00.000Z'));
    expect(sent.map((r) => r.op)).toEqual(['sts:GetCallerIdentity', 'securityhub:GetFindings', ...Array(3).fill('securityhub:BatchImportFindings')]);
    const batches = imports(sent);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 30]);
    expect(batches.flat().map((f) => f.Id)).toEqual(range(0, 230).map(idOf));
    for (const f of batches.flat()) {
      expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
      expect(f).toMatchObject({ ProductArn: PRODUCT, RecordState: 'ACTIVE', ProductFields: { 'keyhygiene/scope': 'default' } });
    }
    expect(sent.every((r) => r.accessKeyId === CHILD_ENV.AWS_ACCESS_KEY_ID && r.region === 'eu-west-1')).toBe(true);
    expect(out).toMatchObject({ productArn: PRODUCT, imported: 230, archived: 0, failed: [], batches: 3 });
    const filters = sent[1]?.body.Filters as Record<string, unknown>;
    expect(filters).toEqual({
      ProductArn: [{ Value: PRODUCT, Comparison: 'EQUALS' }],
      GeneratorId: [{ Value: 'keyhygiene/', Comparison: 'PREFIX' }],
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
      ProductFields: [{ Key: 'keyhygiene/scope', Value: 'default', Comparison: 'EQUALS' }],
    });
  });

  it('second publish: the 105 findings no longer reported are archived (100 + 5), the rest keep their CreatedAt', async () => {
    const { out, sent } = await publish(resultWith(range(105, 230), '2026-11-11T06:00:00.000Z'));
    const reads = sent.filter((r) => r.op === 'securityhub:GetFindings');
    expect(reads).toHaveLength(Math.ceil(230 / 40));
    const batches = imports(sent);
    expect(batches.map((b) => b.length)).toEqual([100, 25, 100, 5]);
    const [current, archives] = [batches.slice(0, 2).flat(), batches.slice(2).flat()];
    expect(current.map((f) => f.Id)).toEqual(range(105, 230).map(idOf));
    for (const f of current) expect(f).toMatchObject({ RecordState: 'ACTIVE', CreatedAt: '2026-11-01T06:00:00.000Z', UpdatedAt: '2026-11-11T06:00:00.000Z' });
    expect(archives.map((f) => f.Id).sort()).toEqual(range(0, 105).map(idOf).sort());
    for (const f of archives) {
      expect(f).toMatchObject({
        RecordState: 'ARCHIVED',
        Workflow: { Status: 'RESOLVED' },
        UpdatedAt: '2026-12-01T00:00:00.000Z',
        CreatedAt: '2026-11-01T06:00:00.000Z',
      });
      expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(out).toMatchObject({ imported: 125, archived: 105, batches: 4 });
  });

  it('a third publish of the same result archives nothing more; another scope never archives ours', async () => {
    const again = await publish(resultWith(range(105, 230), '2026-11-12T06:00:00.000Z'));
    expect(imports(again.sent).map((b) => b.length)).toEqual([100, 25]);
    const other = await publish(resultWith([9999], '2026-11-12T06:00:00.000Z'), 'staging');
    expect(imports(other.sent).map((b) => b.length)).toEqual([1]);
    expect(other.out.archived).toBe(0);
    const active = [...fake.findings.values()].filter((f) => f.RecordState === 'ACTIVE');
    expect(active).toHaveLength(126);
  });

  it('only the declared operations reached the fake', () => {
    expect(new Set(fake.requests.map((r) => r.op))).toEqual(new Set(PUBLISH_OPERATIONS));
  });

  it('no other module imports the Security Hub SDK, so audit and the providers cannot write findings', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(PACKAGE_ROOT, 'src'));
    const importers = files.filter((f) => readFileSync(f, 'utf8').includes('@aws-sdk/client-securityhub')).map((f) => relative(PACKAGE_ROOT, f));
    expect(importers).toEqual(['src/publish/security-hub/client.ts']);
  });
});

/** The built CLI, spawned without blocking this process (the fake answers from here). */
function cliAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/run.js'), ...args], { env: { ...CHILD_ENV, ...env }, cwd: PACKAGE_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('keyhygiene publish security-hub (built CLI)', () => {
  const dir = tempDir();

  it('publishes through AWS_ENDPOINT_URL_*, and exits 3 listing what Security Hub refused', async () => {
    const file = dir.write('result.json', JSON.stringify(resultWith([1, 2, 3], '2026-11-20T06:00:00.000Z')));
    fake.refuse.add(idOf(2));
    const env = { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SECURITYHUB: fake.url, AWS_ENDPOINT_URL_STS: fake.url };
    const r = await cliAsync(['publish', 'security-hub', file, '--scope', 'cli'], env);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toContain(`published to ${PRODUCT}: 2 findings imported, 0 archived, in 1 batch`);
    expect(r.stderr).toContain(`refused ${idOf(2)}: InvalidInput`);
    fake.refuse.clear();
    const down = await cliAsync(['publish', 'security-hub', file, '--timeout', '2'], {
      ...env,
      AWS_ENDPOINT_URL_SECURITYHUB: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    });
    expect(down.status, down.stderr).toBe(3);
    expect(down.stderr).toContain('could not reach Security Hub in eu-west-1');
    const perms = cli(['permissions', 'publish-security-hub']);
    expect(perms.status).toBe(0);
    const doc = JSON.parse(perms.stdout) as { Statement: { Action: string[] }[] };
    expect(doc.Statement.flatMap((s) => s.Action).sort()).toEqual(['securityhub:BatchImportFindings', 'securityhub:GetFindings']);
  });
});
