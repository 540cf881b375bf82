import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();

describe('rules', () => {
  it('list prints every rule by category; --json is machine-readable', async () => {
    const text = await runCli(['rules', 'list']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/ROTATION\n {2}automatic-rotation/);
    const json = JSON.parse((await runCli(['rules', 'list', '--json'])).stdout);
    expect(json.find((r: { id: string }) => r.id === 'key-material-max-age').aliases).toContain('ROT-01');
  });

  it('explain shows rationale, remediation and options with defaults, by id or alias', async () => {
    const r = await runCli(['rules', 'explain', 'ROT-01']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/key-material-max-age \(ROT-01\)/);
    expect(r.stdout).toMatch(/escalationFactor = 2/);
    const bad = await runCli(['rules', 'explain', 'key-material-maxage']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule "key-material-maxage"\. Did you mean "key-material-max-age"\?/);
    expect(hasStackTrace(bad.stderr)).toBe(false);
  });
});

describe('policy', () => {
  it('init writes a starter policy that validates, and refuses to overwrite', async () => {
    const file = `${tmp.dir}/keyhygiene.yaml`;
    expect((await runCli(['policy', 'init', '--output', file])).status).toBe(0);
    const v = await runCli(['policy', 'validate', file]);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/is valid/);
    const again = await runCli(['policy', 'init', '--output', file]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('validate reports problems with exit 2, as text or JSON', async () => {
    const file = tmp.write('bad.yaml', 'version: 1\nenviroments: {}\n');
    const r = await runCli(['policy', 'validate', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2:1: unknown key "enviroments"/);
    const j = await runCli(['policy', 'validate', file, '--json']);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout).error.diagnostics[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('validate takes the policy as audit does: --policy or KEYHYGIENE_POLICY, and refuses two different files', async () => {
    const good = `${tmp.dir}/named.yaml`;
    expect((await runCli(['policy', 'init', '--output', good])).status).toBe(0);
    const bad = tmp.write('env-bad.yaml', 'version: 1\nenviroments: {}\n');
    const byFlag = await runCli(['policy', 'validate', '--policy', good]);
    expect(byFlag.status, byFlag.stderr).toBe(0);
    expect(byFlag.stdout).toContain(`${good} is valid.`);
    const byEnv = await runCli(['policy', 'validate'], { env: { KEYHYGIENE_POLICY: bad } });
    expect(byEnv.status).toBe(2);
    expect(byEnv.stderr).toMatch(/env-bad\.yaml:2:1: unknown key "enviroments"/);
    const both = await runCli(['policy', 'validate', good, '--policy', bad]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/two policy files were named/);
  });

  it('schema prints the JSON Schemas', async () => {
    expect(JSON.parse((await runCli(['policy', 'schema'])).stdout).title).toMatch(/policy/);
    expect(JSON.parse((await runCli(['policy', 'schema', 'result'])).stdout).title).toMatch(/result/);
  });
});

describe('--help of every command', () => {
  it('lists every value a flag accepts (a helpValue must not hide them)', async () => {
    const dir = join(import.meta.dirname, '../../src/commands');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const checked: string[] = [];
    for (const file of files) {
      const cmd = (await import(join(dir, file))).default as { flags?: Record<string, { options?: readonly string[] }> };
      const withOptions = Object.entries(cmd.flags ?? {}).filter(([, f]) => f.options?.length);
      if (!withOptions.length) continue;
      const id = file
        .replace(/\.ts$/, '')
        .replace(/\/index$/, '')
        .split('/');
      const help = (await runCli([...id, '--help'])).stdout;
      for (const [name, f] of withOptions) {
        for (const value of f.options ?? []) expect(help, `${id.join(' ')} --${name} ${value}`).toContain(value);
        checked.push(`${id.join(' ')} --${name}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['audit --format', 'audit --severity', 'demo --format', 'diff --format']));
  });
});
