// `keyhygiene help COMMAND` prints what `keyhygiene COMMAND --help` prints (git and npm users type it).
import { describe, expect, it } from 'vitest';
import Audit from '../../src/commands/audit.ts';
import Inventory from '../../src/commands/inventory.ts';
import Merge from '../../src/commands/merge.ts';
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

  /** The USAGE section of COMMAND --help on one line, after checking it names every flag of the command. */
  function usageOf(command: string[], flags: Record<string, { char?: string }>): string {
    const r = cli([...command, '--help']);
    expect(r.status).toBe(0);
    const usage = (r.stdout.split('USAGE\n')[1] ?? '').split('\n\n')[0]?.replace(/\s+/g, ' ') ?? '';
    for (const [name, flag] of Object.entries(flags)) expect(usage, name).toMatch(new RegExp(`(^|[[ ])(--${name}|-${flag.char ?? '\0'})[ \\]]`));
    return usage;
  }

  it('audit --help USAGE names every flag, --changed-only as an option of --iac (not of --snapshot)', () => {
    const usage = usageOf(['audit'], Audit.flags);
    expect(usage).toContain('[-s FILE... | --iac FILE... [--changed-only]]');
    expect(usage).not.toContain('--changed-only [');
  });

  it('inventory --help USAGE: --shard stands alone, --shard-plan goes with it; merge --help names the parts', () => {
    expect(usageOf(['inventory'], Inventory.flags)).toContain('[--shard K/N|auto [--shard-count N] [--shard-plan FILE] | --plan-shards N]');
    expect(usageOf(['merge'], Merge.flags)).toContain('$ keyhygiene merge PART... -o FILE');
  });
});
