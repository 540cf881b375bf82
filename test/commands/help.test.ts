// `keyhygiene help COMMAND` prints what `keyhygiene COMMAND --help` prints (git and npm users type it).
import { describe, expect, it } from 'vitest';
import { cli, hasStackTrace } from '../helpers/cli.ts';

describe('keyhygiene help', () => {
  it('help scan is scan --help, byte for byte', () => {
    const viaHelp = cli(['help', 'scan']);
    const viaFlag = cli(['scan', '--help']);
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toContain('USAGE\n  $ keyhygiene scan PATH...');
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('a command inside a topic, and a topic', () => {
    const verify = cli(['help', 'evidence', 'verify']);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toBe(cli(['evidence', 'verify', '--help']).stdout);
    const topic = cli(['help', 'evidence']);
    expect(topic.status).toBe(0);
    expect(topic.stdout).toMatch(/COMMANDS\n {2}evidence verify/);
  });

  it('help alone is the root help', () => {
    const r = cli(['help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(cli(['--help']).stdout);
  });

  it('an unknown command is exit 2 with the nearest one, no stack trace', () => {
    const r = cli(['help', 'scna']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/"scna" is not a keyhygiene command\. Did you mean "scan"\?/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
