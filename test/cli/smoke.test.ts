// The few tests that spawn the real process (bin/run.js): the rest of the CLI tests run the same
// commands in process (runCli), which is faster by the ~0.5 s start of each spawn.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { CHILD_ENV, cli, hasStackTrace } from '../helpers/cli.ts';

describe('the keyhygiene binary', () => {
  it('starts, prints help with the commands, and exits 0', () => {
    const r = cli(['--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/USAGE[\s\S]*audit[\s\S]*scan/);
  });

  it('audits the example and exits 1 on its failures, with nothing on stderr but progress-free text', () => {
    const r = cli(['audit', '--example', 'storm-0558', '--format', 'json']);
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).summary.outcomes.fail).toBeGreaterThan(0);
  });

  it('exits 2 on a bad flag, with a clear message and no stack trace', () => {
    const r = cli(['audit', '--fail-on', 'severe']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--fail-on/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('exits 2 (not 127) on a mistyped command, with the nearest command', () => {
    const r = cli(['audti']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Did you mean "keyhygiene audit"?');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('piped into head, stops quietly and still exits with its own code (not 13 for a flush that never drains)', () => {
    const bin = join(PACKAGE_ROOT, 'bin/run.js');
    const script = `"${process.execPath}" "${bin}" rules list | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const r = spawnSync('bash', ['-c', script], { cwd: PACKAGE_ROOT, env: CHILD_ENV, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain('status=0');
    expect(r.stderr).not.toMatch(/unsettled top-level await|EPIPE/i);
  });
});
