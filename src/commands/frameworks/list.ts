import { BaseCommand } from '../../cli/base-command.ts';
import { loadAllFrameworks } from '../../frameworks/load.ts';

export default class FrameworksList extends BaseCommand {
  static override summary = 'List the compliance frameworks keyhygiene maps its rules to.';
  static override description =
    'Each framework maps control ids (with a one-line paraphrase, never the standard text) to rule ids. Use an id with `keyhygiene audit --framework ID` for a per-control summary, or `keyhygiene rules list --framework ID`.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];

  async run(): Promise<{ id: string; title: string; edition: string; pack: string; source: string; controls: number; rules: number }[]> {
    await this.parse(FrameworksList);
    const rows = loadAllFrameworks().map((f) => ({
      id: f.id,
      title: f.title,
      edition: f.edition,
      pack: f.pack,
      source: f.source,
      controls: f.controls.length,
      rules: new Set(f.controls.flatMap((c) => c.rules)).size,
    }));
    if (!this.jsonEnabled()) {
      const w = Math.max(...rows.map((r) => r.id.length));
      for (const r of rows)
        this.log(
          `${r.id.padEnd(w)}  ${`${r.controls} controls, ${r.rules} rules`.padEnd(22)}  ${`pack ${r.pack}`.padEnd(16)}  ${r.title} ${r.edition} (numbering: ${r.source})`,
        );
      this.log('');
      this.log('Audit against one: keyhygiene audit --framework ID   ·   Its rules: keyhygiene rules list --framework ID');
    }
    return rows;
  }
}
