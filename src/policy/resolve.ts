import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { type Diagnostic, UserError } from '../errors.ts';
import { SEVERITIES, type Severity } from '../model/common.ts';
import { PACKAGE_ROOT, PACKS_DIR } from '../paths.ts';
import type { ProvidersConfig } from '../providers/config.ts';
import { findRule, RULES } from '../rules/index.ts';
import { locate, zodDiagnostics } from '../util/diagnose.ts';
import { suggestion } from '../util/did-you-mean.ts';
import { loadPolicyFile, type ParsedPolicy } from './load.ts';
import {
  type Ci,
  DEFAULT_TAG_KEYS,
  type Environment,
  type KeyClass,
  type Matcher,
  type RelyingParty,
  type TagKeys,
  type TokenIssuer,
  type TrustDomain,
  type Unclassified,
  type Waiver,
} from './schema.ts';

export interface ResolvedRuleConfig {
  severity: Severity;
  options: unknown;
  /** The layer (pack name or policy file) that set the options last, and the options it named; absent = the rule's defaults. */
  optionsFrom?: { ref: string; names: readonly string[] };
}

/** A policy with its packs applied: what the engine evaluates. */
export interface ResolvedPolicy {
  file?: string;
  baseDir: string;
  /** Every pack and file applied, in order, the policy itself last. */
  extends: string[];
  environments: Record<string, Environment>;
  trustDomains: Record<string, TrustDomain>;
  keyClasses: Record<string, KeyClass>;
  /** Declared relying parties (absent in policies built in code before they existed). */
  relyingParties?: Record<string, RelyingParty>;
  /** Declared token issuers (absent in policies built in code before they existed). */
  tokenIssuers?: Record<string, TokenIssuer>;
  /** Which CI runs are production (federated identities); absent = none declared. */
  ci?: Ci;
  /** Which environment or trust domain wins when a subject matches several (later layers replace earlier lists). */
  precedence?: { environments?: string[]; trustDomains?: string[] };
  /** What a subject matching no environment or trust domain is (absent: unknown). */
  unclassified?: Unclassified;
  /** Tag keys renamed by the policy (absent fields keep DEFAULT_TAG_KEYS). */
  tagKeys?: TagKeys;
  providers: ProvidersConfig;
  /** Enabled rules only, by canonical id. */
  rules: Map<string, ResolvedRuleConfig>;
  waivers: Waiver[];
  baseline?: string;
}

export const DEFAULT_EXTENDS = ['recommended'];

export function listPacks(): string[] {
  return readdirSync(PACKS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

const isPath = (ref: string) => ref.includes('/') || ref.endsWith('.yaml') || ref.endsWith('.yml');

interface Layer {
  ref: string;
  parsed: ParsedPolicy;
  rules: Map<string, { level: Severity | 'off'; options?: Record<string, unknown> }>;
}

function ruleLayer(parsed: Pick<ParsedPolicy, 'file' | 'rawRules' | 'src'>, diags: Diagnostic[]): Layer['rules'] {
  const out: Layer['rules'] = new Map();
  for (const [id, setting] of Object.entries(parsed.rawRules)) {
    const rule = findRule(id);
    if (!rule) {
      diags.push({
        ...locate(parsed.src, ['rules'], id),
        message: `unknown rule "${id}".${suggestion(
          id,
          RULES.map((r) => r.id),
        )}`,
        hint: 'run `keyhygiene rules list` to see every rule id',
      });
      continue;
    }
    const levels = ['off', ...SEVERITIES] as const;
    const tuple = Array.isArray(setting) ? setting : [setting];
    const [level, options, ...rest] = tuple as [unknown, unknown, ...unknown[]];
    if (
      typeof level !== 'string' ||
      !(levels as readonly string[]).includes(level) ||
      rest.length > 0 ||
      (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options)))
    ) {
      diags.push({
        ...locate(parsed.src, ['rules', id]),
        message: `rules.${id} has an invalid setting ${JSON.stringify(setting)}.${typeof level === 'string' ? suggestion(level, levels) : ''}`,
        expected: `${levels.join(' | ')}, or [<severity>, {options}]`,
        hint: settingFix(id, setting),
      });
      continue;
    }
    if (options !== undefined) {
      const check = rule.options.safeParse(options);
      if (!check.success) {
        diags.push(...zodDiagnostics(check.error.issues, rule.options, parsed.src, parsed.file, options, ['rules', id, 1]));
        continue;
      }
    }
    out.set(rule.id, { level: level as Severity | 'off', options: options as Record<string, unknown> | undefined });
  }
  return out;
}

function loadLayers(file: string, stack: string[], diags: Diagnostic[]): Layer[] {
  if (stack.includes(file)) {
    throw new UserError({
      file,
      message: `policies extend each other in a cycle: ${[...stack, file].join(' → ')}.`,
      hint: 'remove one of the extends entries',
    });
  }
  const parsed = loadPolicyFile(file, (rules) => {
    const ruleDiags: Diagnostic[] = [];
    ruleLayer(rules, ruleDiags);
    return ruleDiags;
  });
  const layers: Layer[] = [];
  const refs = parsed.policy.extends ?? (stack.length === 0 ? DEFAULT_EXTENDS : []);
  refs.forEach((ref, index) => {
    let target: string;
    if (isPath(ref)) {
      target = isAbsolute(ref) ? ref : resolvePath(dirname(file), ref);
      if (!existsSync(target)) {
        diags.push({
          ...locate(parsed.src, ['extends', index]),
          message: `extends "${ref}": no such file (${target}).`,
          hint: 'use a path relative to this policy file, or a built-in pack name',
        });
        return;
      }
    } else {
      target = join(PACKS_DIR, `${ref}.yaml`);
      if (!existsSync(target)) {
        const packs = listPacks();
        diags.push({
          ...locate(parsed.src, ['extends', index]),
          message: `unknown pack "${ref}".${suggestion(ref, packs)}`,
          expected: `one of the built-in packs: ${packs.join(', ')}, or a relative path to a policy file`,
        });
        return;
      }
    }
    layers.push(...loadLayers(target, [...stack, file], diags));
  });
  layers.push({ ref: stack.length === 0 ? file : isPackFile(file) ? packName(file) : file, parsed, rules: ruleLayer(parsed, diags) });
  diags.push(...waiverDiagnostics(parsed));
  return layers;
}

/** A waiver must name a rule of the catalog: one naming a misspelt rule would waive nothing, silently. */
function waiverDiagnostics(parsed: ParsedPolicy): Diagnostic[] {
  return (parsed.policy.waivers ?? []).flatMap((w, i) =>
    findRule(w.rule)
      ? []
      : [
          {
            ...locate(parsed.src, ['waivers', i, 'rule']),
            message: `waiver names the rule "${w.rule}", which does not exist.${suggestion(
              w.rule,
              RULES.map((r) => r.id),
            )}`,
            hint: 'use a rule id from `keyhygiene rules list`',
          },
        ],
  );
}

const isPackFile = (file: string) => resolvePath(dirname(file)) === resolvePath(PACKS_DIR);
const packName = (file: string) => file.slice(file.lastIndexOf('/') + 1).replace(/\.yaml$/, '');

/** Apply the layers in order: later layers override earlier ones, ESLint style for rules. */
export function mergeLayers(layers: readonly Layer[], baseDir: string, file?: string): ResolvedPolicy {
  const out: ResolvedPolicy = {
    file,
    baseDir,
    extends: layers.map((l) => l.ref),
    environments: {},
    trustDomains: {},
    keyClasses: {},
    tokenIssuers: {},
    providers: {},
    rules: new Map(),
    waivers: [],
  };
  const levels = new Map<string, { level: Severity | 'off'; options?: Record<string, unknown>; from?: string }>();
  for (const { parsed, rules, ref } of layers) {
    const p = parsed.policy;
    for (const [name, env] of Object.entries(p.environments ?? {})) out.environments[name] = { ...out.environments[name], ...env };
    for (const [name, d] of Object.entries(p.trustDomains ?? {})) out.trustDomains[name] = { ...out.trustDomains[name], ...d };
    for (const [name, c] of Object.entries(p.keyClasses ?? {})) out.keyClasses[name] = { ...out.keyClasses[name], ...c };
    Object.assign(out.tokenIssuers as Record<string, TokenIssuer>, p.tokenIssuers ?? {});
    if (p.relyingParties) out.relyingParties = { ...out.relyingParties, ...p.relyingParties };
    if (p.precedence) out.precedence = { ...out.precedence, ...p.precedence };
    if (p.ci) out.ci = p.ci;
    if (p.unclassified !== undefined) out.unclassified = p.unclassified;
    if (p.tagKeys) out.tagKeys = { ...out.tagKeys, ...p.tagKeys };
    Object.assign(out.providers, p.providers ?? {});
    out.waivers.push(...(p.waivers ?? []));
    if (p.baseline !== undefined) out.baseline = resolvePath(dirname(parsed.file), p.baseline);
    for (const [id, setting] of rules) {
      const prev = levels.get(id);
      // A severity alone keeps the options set earlier; a tuple replaces them (ESLint semantics).
      const from = setting.options ? ref : prev?.from;
      levels.set(id, { level: setting.level, options: setting.options ?? prev?.options, ...(from ? { from } : {}) });
    }
  }
  for (const [id, { level, options, from }] of levels) {
    if (level === 'off') continue;
    const rule = findRule(id);
    if (!rule) continue;
    const optionsFrom = from && options ? { optionsFrom: { ref: from, names: Object.keys(options) } } : {};
    out.rules.set(id, { severity: level, options: rule.options.parse({ ...tagOptions(id, out.tagKeys), ...options }), ...optionsFrom });
  }
  if (out.tagKeys?.keyClass) out.keyClasses = renameKeyClassTag(out.keyClasses, out.tagKeys.keyClass);
  return out;
}

/** Rule options that name a tag key, and the `tagKeys` field that renames them. */
const TAG_OPTIONS: Record<string, [option: string, field: keyof TagKeys]> = {
  'rotation-automation-required': ['evidenceTag', 'rotation'],
  'rotation-drill-recent': ['drillTag', 'rotationDrill'],
  'key-pending-deletion': ['approvedTag', 'deletionApproved'],
  'single-region-key': ['approvedTag', 'multiRegion'],
  'key-age-alerting': ['declaredTag', 'ageAlert'],
};

/** The policy's tag key as the rule's option default; options the policy sets for the rule still win. */
function tagOptions(ruleId: string, tagKeys: TagKeys | undefined): Record<string, string> {
  const entry = TAG_OPTIONS[ruleId];
  const renamed = entry && tagKeys?.[entry[1]];
  return entry && renamed ? { [entry[0]]: renamed } : {};
}

/** Key-class matchers written with the default tag key (the packs') read the policy's tag key instead. */
function renameKeyClassTag(classes: Record<string, KeyClass>, tag: string): Record<string, KeyClass> {
  const from = DEFAULT_TAG_KEYS.keyClass;
  const rename = <M extends Pick<Matcher, 'tags'>>(m: M): M => {
    if (!m.tags || !(from in m.tags)) return m;
    const { [from]: value, ...rest } = m.tags;
    return { ...m, tags: { ...rest, [tag]: value as string | string[] } };
  };
  const renameAll = (m: Matcher): Matcher => {
    const r = rename(m);
    if (r.not === undefined) return r;
    return { ...r, not: Array.isArray(r.not) ? r.not.map(rename) : rename(r.not) };
  };
  return Object.fromEntries(Object.entries(classes).map(([name, c]) => [name, c.match ? { ...c, match: c.match.map(renameAll) } : c]));
}

/** Load a policy file with everything it extends, or throw one UserError listing every problem. */
export function resolvePolicyFile(file: string): ResolvedPolicy {
  const abs = resolvePath(file);
  const diags: Diagnostic[] = [];
  const asWritten = (ds: readonly Diagnostic[]) => ds.map((d) => ({ ...d, file: d.file ? relativeName(d.file, file, abs) : d.file }));
  let layers: Layer[];
  try {
    layers = loadLayers(abs, [], diags);
  } catch (err) {
    // Parse errors of any file are thrown at once: name the user's file as they spelled it there too.
    if (err instanceof UserError) throw new UserError(asWritten(err.diagnostics));
    throw err;
  }
  if (diags.length) throw new UserError(asWritten(diags));
  // Reports name files as the user wrote them; bundled examples and packs relative to the package,
  // so results do not depend on where keyhygiene is installed.
  const inPackage = (p: string) => p.startsWith(PACKAGE_ROOT);
  const shown = isAbsolute(file) && inPackage(abs) ? relative(PACKAGE_ROOT, abs) : file;
  const merged = mergeLayers(layers, dirname(abs), shown);
  const unknownNames = precedenceProblems(layers, merged);
  if (unknownNames.length) throw new UserError(asWritten(unknownNames));
  merged.extends = merged.extends.map((ref) => (ref === abs ? shown : isAbsolute(ref) && inPackage(ref) ? relative(PACKAGE_ROOT, ref) : ref));
  return merged;
}

/** `precedence:` and `unclassified:` may only name environments and trust domains the policy declares. */
function precedenceProblems(layers: readonly Layer[], merged: ResolvedPolicy): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const lists = { environments: Object.keys(merged.environments), trustDomains: Object.keys(merged.trustDomains) } as const;
  for (const { parsed } of layers) {
    const u = parsed.policy.unclassified;
    if (typeof u === 'object') {
      for (const [field, list] of [
        ['environment', lists.environments],
        ['trustDomain', lists.trustDomains],
      ] as const) {
        const name = u[field];
        if (name === undefined || list.includes(name)) continue;
        diags.push({
          ...locate(parsed.src, ['unclassified', field]),
          message: `unclassified.${field} names "${name}", which the policy does not declare.${suggestion(name, list)}`,
          expected: `one of: ${list.join(', ') || '(none declared)'}`,
        });
      }
    }
    for (const field of ['environments', 'trustDomains'] as const) {
      (parsed.policy.precedence?.[field] ?? []).forEach((name, i) => {
        if (lists[field].includes(name)) return;
        diags.push({
          ...locate(parsed.src, ['precedence', field, i]),
          message: `precedence.${field} names "${name}", which the policy does not declare.${suggestion(name, lists[field])}`,
          expected: `one of: ${lists[field].join(', ') || `(no ${field} declared)`}`,
        });
      });
    }
  }
  return diags;
}

/** Keep the user's spelling of their own file in messages; show packs by their path. */
function relativeName(diagFile: string, userFile: string, abs: string): string {
  return diagFile === abs ? userFile : diagFile;
}

export type { Layer };

/** How to write a rule's setting: options given alone as a mapping go second, after a severity. */
function settingFix(id: string, setting: unknown): string {
  if (setting !== null && typeof setting === 'object' && !Array.isArray(setting))
    return `options follow a severity in a list: \`${id}: [high, ${JSON.stringify(setting)}]\` (\`keyhygiene rules explain ${id}\` lists its options and default severity)`;
  return `write a severity (\`${id}: high\`), \`off\`, or a severity with options (\`${id}: [high, { option: value }]\`)`;
}
