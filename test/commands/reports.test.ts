// The built CLI end to end: report formats, baselines, `diff`, evidence bundles and `evidence verify`.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { STORM_POLICY, STORM_SNAPSHOT } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';
import { sarifValidator } from '../report/sarif-schema.ts';

const tmp = tempDir();
const NOW = ['--now', '2026-11-01T06:00:00Z'];

describe('keyhygiene audit --example storm-0558 with every report format', () => {
  it('writes valid SARIF, a self-contained HTML report, JUnit and CSV in one run', async () => {
    const out = (f: string) => join(tmp.dir, f);
    const r = await runCli([
      'audit',
      '--example',
      'storm-0558',
      ...['-f', 'sarif', '-o', out('r.sarif'), '-f', 'html', '-o', out('r.html'), '-f', 'junit', '-o', out('r.xml'), '-f', 'csv', '-o', out('r.csv')],
    ]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    const validate = sarifValidator();
    const sarif = JSON.parse(readFileSync(out('r.sarif'), 'utf8'));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    // Run from the package root: the policy is a relative path under %SRCROOT%.
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'examples/storm-0558/keyhygiene.yaml',
      uriBaseId: '%SRCROOT%',
    });
    // ...at the line of the key class that classified the key, not line 1 for every finding.
    const policyLines = readFileSync('examples/storm-0558/keyhygiene.yaml', 'utf8').split('\n');
    const shared = sarif.runs[0].results.find(
      (x: { properties: { scope?: { keyClass?: string } } }) => x.properties.scope?.keyClass === 'token-signing-shared',
    );
    expect(shared.locations[0].physicalLocation.region.startLine).toBe(policyLines.findIndex((l) => /^ {2}token-signing-shared:/.test(l)) + 1);
    expect(readFileSync(out('r.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*alias\/msa-consumer-signing-2016[\s\S]*<\/html>\n$/);
    expect(readFileSync(out('r.xml'), 'utf8')).toMatch(/<testsuites name="keyhygiene"/);
    expect(readFileSync(out('r.csv'), 'utf8').split('\r\n')[0]).toMatch(/^outcome,severity,rule,/);
  });
});

describe('baselines', () => {
  const base = join(tmp.dir, 'base.json');

  it('--baseline marks findings; --fail-on new opens the gate when nothing is new', async () => {
    expect((await runCli(['audit', '--example', 'storm-0558', ...NOW, '-f', 'json', '-o', base])).status).toBe(1);
    const marked = join(tmp.dir, 'marked.json');
    const r = await runCli([
      'audit',
      '--example',
      'storm-0558',
      ...NOW,
      '--baseline',
      base,
      '--fail-on',
      'new',
      '--allow-incomplete',
      '-f',
      'json',
      '-o',
      marked,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(marked, 'utf8'));
    expect(result.baseline.counts.new).toBe(0);
    expect(result.baseline.counts.resolved).toBe(0);
    // Findings are counted by root cause (the common endpoint fails two keys as one).
    expect(result.baseline.counts.unchanged).toBe(result.summary.rootCauses.total + result.summary.outcomes.waived);
    expect(result.results.filter((x: { outcome: string }) => x.outcome === 'fail').every((x: { baseline: string }) => x.baseline === 'unchanged')).toBe(true);
    // The severity gate still applies without --fail-on new.
    expect((await runCli(['audit', '--example', 'storm-0558', ...NOW, '--baseline', base, '--allow-incomplete'])).status).toBe(1);
  });

  it('--fail-on new fails on a failure the baseline did not have', async () => {
    const older = JSON.parse(readFileSync(base, 'utf8'));
    const dropped = older.results.find((x: { outcome: string }) => x.outcome === 'fail');
    older.results = older.results.filter((x: { fingerprint: string }) => x.fingerprint !== dropped.fingerprint);
    const file = join(tmp.dir, 'older.json');
    writeFileSync(file, JSON.stringify(older));
    const r = await runCli(['audit', '--example', 'storm-0558', ...NOW, '--baseline', file, '--fail-on', 'new', '--allow-incomplete', '-f', 'markdown']);
    expect(r.status, r.stderr).toBe(1);
  });

  it("the policy's `baseline:` key (relative to the policy file) works like --baseline", async () => {
    const dir = join(tmp.dir, 'policy-baseline');
    const policy = join(dir, 'keyhygiene.yaml');
    mkdirSync(dir);
    writeFileSync(join(dir, 'accepted.json'), readFileSync(base));
    writeFileSync(policy, `version: 1\nextends: [${STORM_POLICY}]\nbaseline: accepted.json\n`);
    const out = join(tmp.dir, 'policy-baseline.json');
    const r = await runCli([
      'audit',
      '--policy',
      policy,
      '--snapshot',
      STORM_SNAPSHOT,
      ...NOW,
      '--fail-on',
      'new',
      '--allow-incomplete',
      '-f',
      'json',
      '-o',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.baseline.file).toBe(join(dir, 'accepted.json'));
    expect(result.baseline.counts.new).toBe(0);
  });

  it('bad baselines are usage errors with a clear message, never a stack trace', async () => {
    const noBase = await runCli(['audit', '--example', 'storm-0558', '--fail-on', 'new']);
    expect(noBase.status).toBe(2);
    expect(noBase.stderr).toMatch(/--fail-on new needs a baseline/);
    const missing = await runCli(['audit', '--example', 'storm-0558', '--baseline', join(tmp.dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: the baseline file does not exist/);
    const sarifAsBase = join(tmp.dir, 'not-a-result.json');
    writeFileSync(sarifAsBase, JSON.stringify({ version: '2.1.0', runs: [] }));
    const wrong = await runCli(['audit', '--example', 'storm-0558', '--baseline', sarifAsBase]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/not a keyhygiene result of version 1\.0/);
    for (const x of [noBase, missing, wrong]) expect(hasStackTrace(x.stderr)).toBe(false);
  });

  it('keyhygiene diff reports new and resolved findings, and exits 1 only on new failures', async () => {
    const older = JSON.parse(readFileSync(base, 'utf8'));
    const dropped = older.results.find((x: { outcome: string }) => x.outcome === 'fail');
    const extra = { ...dropped, fingerprint: 'b'.repeat(32), rootCause: undefined, message: 'a finding fixed since' };
    older.results = [...older.results.filter((x: { fingerprint: string }) => x.fingerprint !== dropped.fingerprint), extra];
    const file = join(tmp.dir, 'diff-old.json');
    writeFileSync(file, JSON.stringify(older));
    const text = await runCli(['diff', file, base]);
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/1 new, \d+ unchanged, 1 resolved findings\./);
    expect(text.stdout).toContain(dropped.message);
    expect(text.stdout).toContain('a finding fixed since');
    const json = JSON.parse((await runCli(['diff', file, base, '--format', 'json'])).stdout);
    expect(json.added.map((x: { fingerprint: string }) => x.fingerprint)).toEqual([dropped.fingerprint]);
    expect(json.resolved.map((x: { fingerprint: string }) => x.fingerprint)).toEqual(['b'.repeat(32)]);
    expect(await runCli(['diff', base, base, '--format', 'markdown'])).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^## keyhygiene diff\n\n0 new/),
    });
  });
});

describe('evidence bundles from the CLI', () => {
  it('audit --evidence writes a signed bundle; evidence verify passes it and names a file changed by one byte', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = tmp.write('signing.pem', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const pub = tmp.write('signing.pub.pem', publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const dir = join(tmp.dir, 'evidence');
    const a = await runCli(['audit', '--example', 'storm-0558', '--evidence', dir, '--evidence-key', key, '-f', 'json', '-o', join(tmp.dir, 'ev.json')]);
    expect(a.status, a.stderr).toBe(1);
    expect(a.stderr).toMatch(/wrote evidence bundle .*manifest signed/);
    const ok = await runCli(['evidence', 'verify', dir, '--public-key', pub]);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK: the bundle is intact/);
    expect(ok.stdout).toMatch(/Signature \(ed25519, key SHA-256 [0-9a-f]{64}\): valid, by the pinned key/);

    const target = join(dir, 'result.json');
    const bytes = readFileSync(target);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) + 1;
    writeFileSync(target, bytes);
    const bad = await runCli(['evidence', 'verify', dir]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^CHANGED {3}result\.json$/m);
    expect(bad.stdout).toMatch(/FAILED/);
    const json = JSON.parse((await runCli(['evidence', 'verify', dir, '--json'])).stdout);
    expect(json.changed).toEqual(['result.json']);

    const again = await runCli(['audit', '--example', 'storm-0558', '--evidence', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/is not empty/);
  });
});
