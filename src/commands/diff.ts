import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.ts';
import { readResultFile } from '../cli/result-file.ts';
import { diffResults } from '../engine/baseline.ts';
import { diffJson, diffMarkdown, diffText } from '../report/diff.ts';
import { terminalSafeText } from '../util/terminal.ts';

export default class Diff extends BaseCommand {
  static override summary = 'Compare two JSON results: which findings are new, unchanged and resolved.';
  static override description = `Findings are matched by their stable fingerprint (rule, subject, finding key); a waived finding is still a finding.

EXIT CODES
  0  no new failure in NEW
  1  NEW has failures that OLD did not have
  2  usage or input error`;
  static override examples = [
    { description: 'What changed since last week', command: '<%= config.bin %> <%= command.id %> last-week.json result.json' },
    { description: 'As Markdown for a pull-request comment', command: '<%= config.bin %> <%= command.id %> main.json pr.json --format markdown' },
  ];
  static override args = {
    old: Args.string({ description: 'the earlier JSON result', required: true }),
    new: Args.string({ description: 'the later JSON result', required: true }),
  };
  static override flags = {
    format: Flags.string({ char: 'f', description: 'output format', options: ['text', 'markdown', 'json'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff);
    const before = readResultFile(args.old, 'old result');
    const after = readResultFile(args.new, 'new result');
    const d = diffResults(before, after, { old: args.old, new: args.new });
    process.stdout.write(flags.format === 'json' ? diffJson(d) : flags.format === 'markdown' ? diffMarkdown(d) : terminalSafeText(diffText(d)));
    process.exitCode = d.added.some((r) => r.outcome === 'fail') ? 1 : 0;
  }
}
