import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../src/paths.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
const NOW = '2026-11-01T06:00:00Z';

describe('keyhygiene audit --example storm-0558', () => {
  it('prints the example audit as a table and exits 1', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^SEVERITY\s+RULE\s+SUBJECT\s+MESSAGE/);
    expect(r.stdout).toContain('alias/msa-consumer-signing-2016');
    expect(r.stdout).toMatch(/Summary: 7 keys/);
    expect(r.stdout).not.toContain('\u001b['); // NO_COLOR
  });

  it('JSON validates against the shipped schema, is byte-identical across runs and covers all four concerns', async () => {
    const a = await runCli(['audit', '--example', 'storm-0558', '--format', 'json', '--now', NOW]);
    const b = await runCli(['audit', '--example', 'storm-0558', '--format', 'json', '--now', NOW]);
    expect(a.status).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    const result = JSON.parse(a.stdout);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'result.schema.json'), 'utf8')));
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const failing = new Set(result.results.filter((r: { outcome: string }) => r.outcome === 'fail').map((r: { category: string }) => r.category));
    for (const c of ['rotation', 'scope', 'exposure', 'logging']) expect(failing).toContain(c);
    const status = (name: string) => result.subjects.find((s: { name?: string }) => s.name === name)?.status;
    expect(status('alias/consumer-token-signing')).toBe('pass');
    expect(status('alias/enterprise-mailbox-data')).toBe('pass');
    expect(status('enterprise-token-signing')).toBe('pass');
    expect(status('alias/msa-consumer-signing-2016')).toBe('fail');
    expect(result.summary.incomplete).toBe(true);
    // Bundled files are named relative to the package, whatever the install directory.
    expect(result.policy).toMatchObject({ file: 'examples/storm-0558/keyhygiene.yaml', extends: ['recommended', 'examples/storm-0558/keyhygiene.yaml'] });
    expect(result.waivers.map((w: { status: string }) => w.status).sort()).toEqual(['active', 'expired', 'unused']);
  });

  it('writes several formats, one per --output, atomically', async () => {
    const json = join(tmp.dir, 'r.json');
    const md = join(tmp.dir, 'r.md');
    const r = await runCli(['audit', '--example', 'storm-0558', '-f', 'json', '-o', json, '-f', 'markdown', '-o', md, '-f', 'text']);
    expect(r.status).toBe(1);
    expect(JSON.parse(readFileSync(json, 'utf8')).version).toBe('1.0');
    expect(readFileSync(md, 'utf8')).toMatch(/^## keyhygiene audit/);
    expect(r.stdout).toMatch(/SEVERITY/);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--fail-on and --allow-incomplete set the documented exit codes', async () => {
    expect((await runCli(['audit', '--example', 'storm-0558', '--fail-on', 'none'])).status).toBe(3);
    expect((await runCli(['audit', '--example', 'storm-0558', '--fail-on', 'none', '--allow-incomplete'])).status).toBe(0);
    expect((await runCli(['audit', '--example', 'storm-0558', '--fail-on', 'critical'])).status).toBe(1);
  });

  it('inventory writes a snapshot that audits the same offline', async () => {
    const snap = join(tmp.dir, 'inv.json');
    const inv = await runCli(['inventory', '--policy', 'examples/storm-0558/keyhygiene.yaml', '--output', snap]);
    expect(inv.status, inv.stderr).toBe(3); // the example holds a collection gap
    expect(inv.stderr).toMatch(/wrote .*inv\.json: 7 keys/);
    const fromSnap = await runCli(['audit', '--policy', 'examples/storm-0558/keyhygiene.yaml', '--snapshot', snap, '--format', 'json', '--now', NOW]);
    const direct = await runCli(['audit', '--example', 'storm-0558', '--format', 'json', '--now', NOW]);
    expect(JSON.parse(fromSnap.stdout).results).toEqual(JSON.parse(direct.stdout).results);
  });
});

describe('bad input: exit 2, one clear message, no stack trace, nothing written', () => {
  const bad = async (args: string[], pattern: RegExp) => {
    const r = await runCli(args);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(hasStackTrace(r.stderr)).toBe(false);
    return r;
  };

  it('an unknown --format', async () =>
    await bad(
      ['audit', '--example', 'storm-0558', '--format', 'xml'],
      /--format does not accept "xml"\.[\s\S]*expected: one of: asff, csv, html, json, junit,/,
    ));
  it('an unknown flag', async () => bad(['audit', '--polcy', 'x.yaml'], /unknown flag --polcy\. Did you mean --policy\?/));
  it('a missing policy file', async () => bad(['audit'], /keyhygiene\.yaml: the policy file does not exist\.[\s\S]*policy init/));
  it('a malformed policy', async () => {
    const f = tmp.write('bad.yaml', 'version: 1\nrules:\n  key-use-logged: hgh\n');
    await bad(['audit', '--policy', f], /bad\.yaml:3:19: rules\.key-use-logged has an invalid setting "hgh"\. Did you mean "high"\?/);
  });
  it('a truncated snapshot', async () => {
    const text = readFileSync('examples/storm-0558/inventory.json', 'utf8');
    const f = tmp.write('cut.json', text.slice(0, 5000));
    await bad(['audit', '--policy', 'examples/storm-0558/keyhygiene.yaml', '--snapshot', f], /cut\.json:\d+:\d+: the snapshot is not complete JSON/);
  });
  it('a snapshot of a newer format version', async () => {
    const inv = JSON.parse(readFileSync('examples/storm-0558/inventory.json', 'utf8'));
    const f = tmp.write('v9.json', JSON.stringify({ ...inv, version: 9 }, null, 2));
    await bad(
      ['audit', '--policy', 'examples/storm-0558/keyhygiene.yaml', '--snapshot', f],
      /v9\.json:\d+:\d+: snapshot format version 9 is newer than this keyhygiene reads \(up to 1\)/,
    );
  });
  it('a snapshot with a wrong field, located', async () => {
    const inv = JSON.parse(readFileSync('examples/storm-0558/inventory.json', 'utf8'));
    inv.keys[0].usage = ['sing'];
    const f = tmp.write('typo.json', JSON.stringify(inv, null, 2));
    await bad(
      ['audit', '--policy', 'examples/storm-0558/keyhygiene.yaml', '--snapshot', f],
      /typo\.json:\d+:\d+: keys\[0\]\.usage\[0\] has an invalid value "sing"\. Did you mean "sign"\?/,
    );
  });
  it('--output into a missing directory writes nothing', async () => {
    const out = join(tmp.dir, 'no/such/dir/r.json');
    await bad(['audit', '--example', 'storm-0558', '--format', 'json', '--output', out], /the directory .*no\/such\/dir does not exist/);
    expect(existsSync(out)).toBe(false);
  });
  it('two formats for stdout', async () => bad(['audit', '--example', 'storm-0558', '-f', 'json', '-f', 'text'], /would all go to stdout/));
  it('an unreadable --now', async () => bad(['audit', '--example', 'storm-0558', '--now', 'yesterday'], /--now yesterday is not a date/));
  it('an unknown example', async () => bad(['audit', '--example', 'storm-0559'], /unknown example "storm-0559"/));
});

describe('help', () => {
  it('audit --help shows examples and the exit-code table', async () => {
    const r = await runCli(['audit', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('--example storm-0558');
    expect(r.stdout).toMatch(/3 +audit incomplete/);
  });
});
