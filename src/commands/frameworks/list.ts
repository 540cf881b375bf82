import { BaseCommand } from '../../cli/base-command.ts';
import { loadAllFrameworks } from '../../frameworks/load.ts';
import { plural } from '../../util/plural.ts';

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
      const counts = rows.map((r) => `${plural(r.controls, 'control')}, ${plural(r.rules, 'rule')}`);
      const packs = rows.map((r) => `pack ${r.pack}`);
      const [w, cw, pw] = [rows.map((r) => r.id), counts, packs].map((col) => Math.max(...col.map((c) => c.length)));
      rows.forEach((r, i) => {
        this.log(`${r.id.padEnd(w)}  ${counts[i]?.padEnd(cw)}  ${packs[i]?.padEnd(pw)}  ${r.title} ${r.edition} (numbering: ${r.source})`);
      });
      this.log('');
      this.log('Audit against one: keyhygiene audit --framework ID   ·   Its rules: keyhygiene rules list --framework ID');
    }
    return rows;
  }
}
