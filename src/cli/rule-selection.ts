// --severity, --rule and --skip-rule: which of the policy's enabled rules run. Pure.
import { UserError } from '../errors.ts';
import { SEVERITIES, type Severity } from '../model/common.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import { findRule, RULES } from '../rules/index.ts';
import { didYouMean } from '../util/did-you-mean.ts';

export interface RuleSelection {
  severity?: string[];
  rule?: string[];
  skipRule?: string[];
}

function checkRuleIds(ids: readonly string[], flag: string): void {
  for (const id of ids) {
    if (findRule(id)) continue;
    const near = didYouMean(
      id,
      RULES.map((r) => r.id),
    );
    throw new UserError({
      message: `${flag} ${id}: no such rule.`,
      hint: near ? `did you mean ${near}? (see \`keyhygiene rules list\`)` : 'see `keyhygiene rules list`',
    });
  }
}

/**
 * The policy with only the selected rules enabled: --rule keeps only those, --skip-rule drops those,
 * --severity keeps rules whose severity in this policy is listed. Selecting nothing is an error, not a clean run.
 */
export function selectRules(policy: ResolvedPolicy, sel: RuleSelection): ResolvedPolicy {
  const { severity = [], rule = [], skipRule = [] } = sel;
  if (!severity.length && !rule.length && !skipRule.length) return policy;
  for (const s of severity)
    if (!SEVERITIES.includes(s as Severity)) throw new UserError({ message: `--severity ${s} is not a severity.`, expected: SEVERITIES.join(', ') });
  checkRuleIds(rule, '--rule');
  checkRuleIds(skipRule, '--skip-rule');
  const canonical = (id: string) => findRule(id)?.id ?? id;
  const only = new Set(rule.map(canonical));
  const skip = new Set(skipRule.map(canonical));
  const rules = new Map(
    [...policy.rules].filter(([id, cfg]) => (!only.size || only.has(id)) && !skip.has(id) && (!severity.length || severity.includes(cfg.severity))),
  );
  if (rules.size === 0)
    throw new UserError({
      file: policy.file,
      message: 'the rule filters leave no enabled rule to run.',
      hint: 'check --rule, --skip-rule and --severity against `keyhygiene rules list` and the severities your policy sets',
    });
  return { ...policy, rules };
}
