// The README's sample output of the example audit is what the tool prints now: its summary lines are
// compared with a fresh run, so a change to a rule's reach cannot leave the first page a user reads stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const SUMMARY_LINES = /^(Summary|Keys|Evaluated|Expired waivers|Unused waivers): .*$|^The audit is incomplete.*$/gm;

describe('README sample of `audit --example storm-0558`', () => {
  it('has the summary lines the audit prints', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558']);
    expect(r.status).toBe(1);
    const shown = README.match(SUMMARY_LINES) ?? [];
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(shown).toEqual(r.stdout.match(SUMMARY_LINES));
  });
});
