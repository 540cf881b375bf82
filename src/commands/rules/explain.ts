import * as Args from '@oclif/core/args';
import { z } from 'zod';
import { BaseCommand } from '../../cli/base-command.ts';
import { UserError } from '../../errors.ts';
import { findRule, RULES } from '../../rules/index.ts';
import { suggestion } from '../../util/did-you-mean.ts';

export default class RulesExplain extends BaseCommand {
  static override summary = 'Explain a rule: what it checks, why, how to fix it, and its options with defaults.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> <%= command.id %> key-material-max-age', '<%= config.bin %> <%= command.id %> ROT-01 --json'];
  static override args = { rule: Args.string({ description: 'rule id or alias', required: true }) };

  async run(): Promise<Record<string, unknown>> {
    const { args } = await this.parse(RulesExplain);
    const rule = findRule(args.rule);
    if (!rule)
      throw new UserError({
        message: `unknown rule "${args.rule}".${suggestion(
          args.rule,
          RULES.map((r) => r.id),
        )}`,
        hint: 'run `keyhygiene rules list`',
      });
    const schema = z.toJSONSchema(rule.options, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, { description?: string; default?: unknown }>;
    };
    const defaults = rule.options.parse({}) as Record<string, unknown>;
    const options = Object.entries(schema.properties ?? {}).map(([name, p]) => ({ name, default: defaults[name], description: p.description ?? '' }));
    const info = {
      id: rule.id,
      aliases: [...(rule.aliases ?? [])],
      category: rule.meta.category,
      severity: rule.meta.severity,
      subject: rule.meta.subject,
      description: rule.meta.description,
      rationale: rule.meta.rationale,
      remediation: rule.meta.remediation,
      options,
      messages: rule.messages,
    };
    if (!this.jsonEnabled()) {
      this.log(`${rule.id}${info.aliases.length ? ` (${info.aliases.join(', ')})` : ''} — ${rule.meta.category}, default severity ${rule.meta.severity}`);
      this.log('');
      this.log(rule.meta.description);
      this.log('');
      this.log(`Why: ${rule.meta.rationale}`);
      this.log('');
      this.log(`Fix: ${rule.meta.remediation}`);
      this.log('');
      if (options.length) {
        this.log('Options (defaults):');
        for (const o of options) this.log(`  ${o.name} = ${JSON.stringify(o.default)}  ${o.description}`);
      } else this.log('Options: none');
      this.log('');
      this.log(`Configure: rules: { ${rule.id}: [high, { …options }] }   or   ${rule.id}: off`);
    }
    return info;
  }
}
