import { type Diagnostic, UserError } from '../errors.ts';
import { locate, MAX_YAML_ALIASES, parseYamlSource, type SourceMap, zodDiagnostics } from '../util/diagnose.ts';
import { readTextFile } from '../util/read-text.ts';
import { interpolate } from './interpolate.ts';
import { Policy } from './schema.ts';

export { readTextFile };

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks of the `rules:` block that need the rule registry (resolve.ts), run early when the schema fails. */
export type RuleChecks = (rules: Pick<ParsedPolicy, 'file' | 'rawRules' | 'src'>) => Diagnostic[];

/** A policy file parsed and validated against the schema, with its source map for later errors. */
export interface ParsedPolicy {
  file: string;
  policy: Policy;
  /** The `rules:` block as written; checked against the rule registry in resolve.ts. */
  rawRules: Record<string, unknown>;
  src: SourceMap;
}

/** Parse YAML text into a validated policy. Every problem is reported with file, line and column. */
export function parsePolicyText(
  text: string,
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  checkRules?: RuleChecks,
): ParsedPolicy {
  const { src, raw } = expanded(text, file, env);
  const diags: Diagnostic[] = [];
  if (raw === null || raw === undefined) {
    throw new UserError({
      file,
      line: 1,
      column: 1,
      message: 'the policy file is empty.',
      expected: 'version: 1, then extends, environments, trustDomains, keyClasses, rules…',
      hint: 'run `keyhygiene policy init` for a commented starter policy',
    });
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError({
      file,
      line: 1,
      column: 1,
      message: `the policy must be a YAML mapping, not ${Array.isArray(raw) ? 'a list' : typeof raw}.`,
      hint: 'run `keyhygiene policy init` for a commented starter policy',
    });
  }
  const obj = raw as Record<string, unknown>;
  const rawRules = obj.rules;
  if (rawRules !== undefined && !isMapping(rawRules)) {
    diags.push({
      ...locate(src, ['rules']),
      message: 'rules must be a mapping of rule id to setting.',
      expected: 'rules: { <rule-id>: off | <severity> | [<severity>, {options}] }',
    });
  }
  // Rule settings are checked against the registry (ids, options) when the policy is resolved.
  const parsed = Policy.safeParse({ ...obj, rules: undefined });
  if (!parsed.success) diags.push(...zodDiagnostics(parsed.error.issues, Policy, src, file, obj));
  if (diags.length || !parsed.success) {
    // One run names every problem: the rule settings are checked now too, not after the schema errors are fixed.
    if (checkRules && diags.length && isMapping(rawRules)) diags.push(...checkRules({ file, rawRules, src }));
    throw new UserError(diags);
  }
  return { file, policy: parsed.data, rawRules: (rawRules as Record<string, unknown> | undefined) ?? {}, src };
}

/** The YAML document with `${VAR}` references expanded (exit 2 at the reference for an unset one). */
function expanded(text: string, file: string, env: Readonly<Record<string, string | undefined>>): { src: SourceMap; raw: unknown } {
  const parsed = parseYamlSource(text, file);
  if (!text.includes('${')) return parsed;
  const diags = interpolate(parsed.src, text, env);
  if (diags.length) throw new UserError(diags);
  return { src: parsed.src, raw: parsed.src.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
}

export function loadPolicyFile(file: string, checkRules?: RuleChecks): ParsedPolicy {
  const text = readTextFile(file, 'policy file', 'pass --policy FILE, or run `keyhygiene policy init` to write ./keyhygiene.yaml');
  return parsePolicyText(text, file, process.env, checkRules);
}
