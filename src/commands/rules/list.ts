import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base-command.ts';
import { loadFramework } from '../../frameworks/load.ts';
import { RULES } from '../../rules/index.ts';
import { RULE_CATEGORIES } from '../../rules/types.ts';

export default class RulesList extends BaseCommand {
  static override summary = 'List every rule with its category, default severity and description.';
  static override enableJsonFlag = true;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --category rotation',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --framework cis-aws-v5',
  ];
  static override flags = {
    category: Flags.string({ char: 'c', description: 'only rules of this category', options: [...RULE_CATEGORIES] }),
    framework: Flags.string({ description: 'only rules mapped to a control of this framework, with the controls they serve', helpValue: 'ID' }),
  };

  async run(): Promise<{ id: string; aliases: string[]; category: string; severity: string; description: string; controls?: string[] }[]> {
    const { flags } = await this.parse(RulesList);
    const framework = flags.framework ? loadFramework(flags.framework) : undefined;
    const controlsOf = new Map<string, string[]>();
    for (const c of framework?.controls ?? []) for (const id of c.rules) controlsOf.set(id, [...(controlsOf.get(id) ?? []), c.id]);
    const rows = RULES.filter((r) => (!flags.category || r.meta.category === flags.category) && (!framework || controlsOf.has(r.id))).map((r) => ({
      id: r.id,
      aliases: [...(r.aliases ?? [])],
      category: r.meta.category,
      severity: r.meta.severity,
      description: r.meta.description,
      ...(framework ? { controls: controlsOf.get(r.id) ?? [] } : {}),
    }));
    if (!this.jsonEnabled()) {
      const w = Math.max(...rows.map((r) => r.id.length));
      for (const cat of RULE_CATEGORIES) {
        const inCat = rows.filter((r) => r.category === cat);
        if (!inCat.length) continue;
        this.log(cat.toUpperCase());
        for (const r of inCat)
          this.log(`  ${r.id.padEnd(w)}  ${r.severity.padEnd(8)}  ${r.controls ? `[${framework?.id} ${r.controls.join(', ')}] ` : ''}${r.description}`);
        this.log('');
      }
      this.log('Explain one: keyhygiene rules explain RULE-ID');
    }
    return rows;
  }
}
