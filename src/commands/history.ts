import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base-command.ts';
import { UserError } from '../errors.ts';
import { historyError, openHistory } from '../history/db.ts';
import { ocsfFiles, recordOcsfFiles } from '../history/ocsf-source.ts';
import { historyReport } from '../history/query.ts';
import { renderHistoryText } from '../history/render.ts';

export default class History extends BaseCommand {
  static override summary = 'Show what scheduled audits found over time: first and last seen, open and resolved, time to fix, trends.';
  static override description =
    `Reads the history database that \`keyhygiene audit --history FILE\` keeps (one row per run, each result by fingerprint), or OCSF JSON Lines files written by \`audit --format ocsf\` (one file per run, e.g. synced from object storage).

A finding opens when a result fails (or is waived) and is resolved by the first later run that reports it passing or no longer reports it, provided that run evaluated its rule and had no collection gap covering its subject (OCSF files carry no gaps: there, absence alone resolves). Time to fix is from the run that opened it to the run that resolved it.

Exit codes: 0 shown, 2 unreadable, damaged or locked database, or bad OCSF input.`;
  static override examples = [
    { description: 'Per rule and concern, with trends, from the database', command: '<%= config.bin %> <%= command.id %> --db keyhygiene-history.db' },
    { description: 'Everything as JSON', command: '<%= config.bin %> <%= command.id %> --db keyhygiene-history.db --json > history.json' },
    {
      description: 'From OCSF files synced from a bucket',
      command: 'aws s3 sync s3://sec-lake/keyhygiene/ runs/ && <%= config.bin %> <%= command.id %> --ocsf runs/',
    },
  ];
  static override flags = {
    db: Flags.string({ description: 'history database written by `audit --history`', helpValue: 'FILE', exclusive: ['ocsf'] }),
    ocsf: Flags.string({ description: 'OCSF JSON Lines files or directories of them (repeatable)', helpValue: 'PATH', multiple: true }),
    json: Flags.boolean({ description: 'print the whole history as JSON' }),
    runs: Flags.integer({ description: 'how many recent runs the trend shows', default: 30, min: 1 }),
    limit: Flags.integer({ description: 'how many findings the text lists', default: 20, min: 0 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(History);
    if (!flags.db && !flags.ocsf?.length)
      throw new UserError({ message: 'history needs a source.', hint: 'give --db FILE (written by `audit --history FILE`) or --ocsf PATH' });
    let db: Awaited<ReturnType<typeof openHistory>>;
    let source: string;
    if (flags.db) {
      db = await openHistory(flags.db, { readOnly: true });
      source = flags.db;
    } else {
      const files = ocsfFiles(flags.ocsf ?? []);
      if (!files.length)
        throw new UserError({
          message: `no OCSF JSON Lines files (*.jsonl) under ${(flags.ocsf ?? []).join(', ')}.`,
          hint: 'write them with `keyhygiene audit --format ocsf --output run.ocsf.jsonl`',
        });
      db = await openHistory(':memory:');
      await recordOcsfFiles(db, files);
      source = `${files.length} OCSF file${files.length === 1 ? '' : 's'}`;
    }
    try {
      const report = historyReport(db, source, { runs: flags.runs, ...(flags.json ? {} : { limit: flags.limit }) });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderHistoryText(report, flags.limit));
    } catch (err) {
      throw err instanceof UserError ? err : historyError(source, err);
    } finally {
      db.close();
    }
  }
}
