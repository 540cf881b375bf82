// A mistyped command or flag: exit 2, one paragraph, the nearest valid spelling, no help dump.
import { describe, expect, it } from 'vitest';
import { commandNotFound, flagSpellings, parseErrorAsUsage } from '../../src/cli/usage-errors.ts';
import { UserError } from '../../src/errors.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';

const catalog = {
  bin: 'keyhygiene',
  commandIds: ['audit', 'inventory', 'policy:init', 'policy:validate', 'rules:explain', 'rules:list'],
  topics: ['policy', 'rules'],
};

describe('commandNotFound', () => {
  it('suggests the nearest command for a typo', () => {
    expect(commandNotFound('audti', [], catalog).message).toBe('"audti" is not a keyhygiene command. Did you mean "keyhygiene audit"?');
  });

  it('suggests within the topic when the topic is right', () => {
    const d = commandNotFound('rules:lst', [], catalog);
    expect(d.message).toContain('Did you mean "keyhygiene rules list"?');
    expect(d.expected).toBe('one of: rules explain, rules list');
    expect(d.hint).toContain('keyhygiene rules --help');
  });

  it('corrects a mistyped topic', () => {
    expect(commandNotFound('polcy:validate', [], catalog).message).toContain('Did you mean "keyhygiene policy validate"?');
  });

  it('makes no guess when nothing is near', () => {
    const d = commandNotFound('zzzzzzzz', [], catalog);
    expect(d.message).toBe('"zzzzzzzz" is not a keyhygiene command.');
    expect(d.hint).toBe('run "keyhygiene --help" for the list of commands');
  });

  it('names the extra word when the command exists', () => {
    const d = commandNotFound('audit:extra', [], catalog);
    expect(d.message).toBe('"keyhygiene audit" takes no argument "extra".');
  });
});

describe('parseErrorAsUsage', () => {
  const known = flagSpellings({ format: { char: 'f' }, 'fail-on': {}, policy: { char: 'p', aliases: ['config'] } });

  it('spells every flag as typed', () => {
    expect(known).toEqual(['--format', '-f', '--fail-on', '--policy', '--config', '-p']);
  });

  it('turns an unknown flag into one diagnostic per flag with the nearest one', () => {
    const e = parseErrorAsUsage({ message: 'Nonexistent flags: --fromat, --polcy=x', flags: ['--fromat', '--polcy=x'] }, 'keyhygiene audit', known);
    expect(e).toBeInstanceOf(UserError);
    expect(e?.diagnostics.map((d) => d.message)).toEqual([
      'keyhygiene audit: unknown flag --fromat. Did you mean --format?',
      'keyhygiene audit: unknown flag --polcy. Did you mean --policy?',
    ]);
  });

  it('makes no guess for a one-letter flag', () => {
    expect(parseErrorAsUsage({ message: '', flags: ['-x'] }, 'keyhygiene audit', known)?.diagnostics[0]?.message).toBe('keyhygiene audit: unknown flag -x.');
  });

  it('suggests the nearest option value', () => {
    const e = parseErrorAsUsage(
      { message: 'Expected --fail-on=hgh to be one of: critical, high, medium\nSee more help with --help' },
      'keyhygiene audit',
      known,
    );
    expect(e?.diagnostics[0]?.message).toBe('keyhygiene audit: --fail-on does not accept "hgh". Did you mean --fail-on high?');
    expect(e?.diagnostics[0]?.expected).toBe('one of: critical, high, medium');
  });

  it('leaves other errors alone', () => {
    expect(parseErrorAsUsage(new Error('boom'), 'keyhygiene audit', known)).toBeUndefined();
  });

  it.each([
    [
      {
        message: 'Missing 1 required arg:\nnew  the later JSON result\nSee more help with --help',
        oclif: { exit: 2 },
        args: [{ name: 'new', description: 'the later JSON result' }],
      },
      'keyhygiene audit: missing argument NEW.',
      'NEW: the later JSON result',
    ],
    [
      { message: 'The following error occurred:\n  \u001b[2mMissing required flag output\u001b[22m\nSee more help with --help', oclif: { exit: 2 } },
      'keyhygiene audit: missing required flag --output.',
      undefined,
    ],
    [
      { message: 'Parsing --report-limit \n\tExpected an integer greater than or equal to 1 but received: 0\nSee more help with --help', oclif: { exit: 2 } },
      'keyhygiene audit: --report-limit: Expected an integer greater than or equal to 1 but received: 0.',
      undefined,
    ],
    [{ message: 'Unexpected argument: b\nSee more help with --help', oclif: { exit: 2 } }, 'keyhygiene audit: Unexpected argument: b.', undefined],
  ])('turns oclif parse error %# into one paragraph', (err, message, expected) => {
    const d = parseErrorAsUsage(err, 'keyhygiene audit', known)?.diagnostics;
    expect(d).toHaveLength(1);
    expect(d?.[0]).toMatchObject({ message, hint: expect.stringContaining('keyhygiene audit --help') });
    expect(d?.[0]?.expected).toBe(expected);
  });

  it("leaves an error that is not oclif's to the caller", () => {
    expect(parseErrorAsUsage({ message: 'Missing 1 required arg' }, 'keyhygiene audit', known)).toBeUndefined();
  });
});

describe('the CLI on a typo', () => {
  it('exits 2 with a did-you-mean for a mistyped command', async () => {
    const r = await runCli(['audti']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyhygiene: error: "audti" is not a keyhygiene command\. Did you mean "keyhygiene audit"\?\n/);
    expect(r.stdout).toBe('');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('exits 2 with the nearest subcommand for a mistyped subcommand', async () => {
    const r = await runCli(['rules', 'lst']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Did you mean "keyhygiene rules list"?');
  });

  it('exits 2 naming the unknown flag and the nearest one, without the whole help', async () => {
    const r = await runCli(['audit', '--fromat', 'json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyhygiene: error: keyhygiene audit: unknown flag --fromat\. Did you mean --format\?\n/);
    expect(r.stderr.trim().split('\n')).toHaveLength(3);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/USAGE|FLAGS/);
  });

  it('suggests the nearest value of a flag with fixed options', async () => {
    const r = await runCli(['audit', '--fail-on', 'hgh']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--fail-on does not accept "hgh". Did you mean --fail-on high?');
  });
});

describe('missing arguments and flags on the command line', () => {
  it.each([
    [['diff', 'old.json'], /^keyhygiene: error: keyhygiene diff: missing argument NEW\.\n {2}expected: NEW: the later JSON result\n {2}fix: /],
    [['merge', 'part-1.json'], /^keyhygiene: error: keyhygiene merge: missing required flag --output\.\n {2}fix: /],
    [['audit', '--example', 'storm-0558', '--report-limit', '0'], /^keyhygiene: error: keyhygiene audit: --report-limit: Expected an integer/],
  ])('%j is exit 2 with one paragraph, no help dump', async (args, re) => {
    const r = await runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/USAGE|›/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('in-process runs in a shared worker', () => {
  it("a process warning raised elsewhere in the worker stays out of the command's stderr", async () => {
    const running = runCli(['merge', 'part-1.json']);
    process.emitWarning('11 drain listeners added to [Socket] (left by another file)', 'MaxListenersExceededWarning');
    const r = await running;
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyhygiene: error: keyhygiene merge: missing required flag --output\.\n/);
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
  });
});
