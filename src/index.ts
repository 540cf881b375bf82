// keyhygiene as a library (`import { audit } from 'keyhygiene'`): the steps `keyhygiene audit` runs,
// one function each. Documented in docs/api.md; the package's `exports` point here (dist/index.js).
import { auditInventory, collectInventory, loadSnapshots, withSnapshots } from './audit.ts';
import { exitCodeFor, type FailOn } from './engine/exit-code.ts';
import type { AuditResult } from './engine/result.ts';
import { UserError } from './errors.ts';
import type { Inventory } from './model/inventory.ts';
import { type ResolvedPolicy, resolvePolicyFile } from './policy/resolve.ts';
import type { ProgressEvent } from './providers/types.ts';
import { FORMAT_IDS, findReporter } from './report/index.ts';
import { policyLinesOf, reportMeta } from './report/meta.ts';
import { RULES } from './rules/index.ts';

export type { FailOn } from './engine/exit-code.ts';
export type { AuditResult, Outcome, ResultEntry } from './engine/result.ts';
export { eachResult, eachSubject, resultCount, subjectCount } from './engine/result-view.ts';
export { type Diagnostic, EXIT, UserError } from './errors.ts';
export type { Severity } from './model/common.ts';
export type { Inventory } from './model/inventory.ts';
export type { KeyRecord } from './model/key-record.ts';
export type { ResolvedPolicy } from './policy/resolve.ts';
export type { ProgressEvent } from './providers/types.ts';
export { FORMAT_IDS } from './report/index.ts';
export { VERSION } from './version.ts';

/** Read, validate and resolve a policy file (its `extends` packs and files merged). Throws UserError. */
export function loadPolicy(file: string): ResolvedPolicy {
  return resolvePolicyFile(file);
}

export interface CollectOptions {
  /** The moment of collection; default now. */
  now?: Date;
  /** Where credentials and endpoint settings are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Cancels every provider call. */
  signal?: AbortSignal;
  /** Called with a line for each provider that could read only part of what it wanted. */
  warn?: (message: string) => void;
  /** Called as providers read (provider, what, how many so far). */
  progress?: (event: ProgressEvent) => void;
}

/** Run the policy's providers (read-only) and return the inventory they read, with its collection gaps. */
export function collect(policy: ResolvedPolicy, opts: CollectOptions = {}): Promise<Inventory> {
  const { now, env, signal, warn, progress } = opts;
  return collectInventory(policy, { now: now ?? new Date(), env, signal, warn, progress });
}

/** Read one or more snapshot files (`keyhygiene inventory --output`) into one inventory. Throws UserError. */
export function readSnapshots(files: readonly string[]): Inventory {
  return loadSnapshots(files);
}

export interface EvaluateOptions {
  /** Evaluate as of this moment (key ages, waiver expiry); default now. */
  now?: Date;
  /** Keep passing results in the result (default: failures, waivers, unknowns and errors only). */
  includePassed?: boolean;
  /**
   * Hand the inventory over (default false): each key record is dropped from `inventory.keys` once
   * evaluated, and `inventory.keys` is empty afterwards. For a caller with nothing to do with the
   * inventory after evaluation (`keyhygiene audit` without --history or --evidence). Key records with
   * fingerprints stay reachable through the fingerprint index until evaluation ends.
   */
  release?: boolean;
}

/** Classify every key and principal and evaluate every enabled rule. Pure: no I/O (with `release`, it empties `inventory.keys`). */
export function evaluatePolicy(inventory: Inventory, policy: ResolvedPolicy, opts: EvaluateOptions = {}): AuditResult {
  return auditInventory(inventory, policy, opts.now ?? new Date(), opts.includePassed ?? false, opts.release === true);
}

export interface AuditOptions extends CollectOptions, EvaluateOptions {
  /** The policy file, or a policy already loaded with loadPolicy. */
  policy: string | ResolvedPolicy;
  /** Audit these snapshot files instead of running the providers. */
  snapshots?: readonly string[];
}

/** Load the policy, collect (or read snapshots) and evaluate: what `keyhygiene audit` does before it reports. */
export async function audit(opts: AuditOptions): Promise<{ policy: ResolvedPolicy; inventory: Inventory; result: AuditResult }> {
  const policy = typeof opts.policy === 'string' ? loadPolicy(opts.policy) : opts.policy;
  const inventory = await collect(opts.snapshots?.length ? withSnapshots(policy, opts.snapshots) : policy, opts);
  return { policy, inventory, result: evaluatePolicy(inventory, policy, opts) };
}

export interface RenderOptions {
  /** Directory file locations are made relative to (SARIF %SRCROOT%); default: paths as recorded. */
  srcRoot?: string;
  /** SARIF code scanning category. */
  sarifCategory?: string;
  /** Wrap the text report at this width; default: no wrapping. */
  width?: number;
}

/** Render a result in one format (json, sarif, markdown, html, junit, csv, text, ocsf, asff). Throws UserError for an unknown format. */
export function renderReport(result: AuditResult, format: string, opts: RenderOptions = {}): string {
  const reporter = findReporter(format);
  if (!reporter) throw new UserError({ message: `unknown report format "${format}".`, expected: FORMAT_IDS.join(', ') });
  return reporter.render(result, reportMeta({ color: false, ...policyLinesOf(result), ...opts }));
}

/** The exit code `keyhygiene audit` would give: 1 findings at or above failOn (default high), 3 incomplete, else 0. */
export function exitCode(result: AuditResult, opts: { failOn?: FailOn; allowIncomplete?: boolean } = {}): number {
  return exitCodeFor(result, { failOn: opts.failOn ?? 'high', allowIncomplete: opts.allowIncomplete ?? false });
}

/** Every built-in rule: id, category, default severity and one-line description. */
export function listRules(): { id: string; category: string; severity: string; description: string }[] {
  return RULES.map((r) => ({ id: r.id, category: r.meta.category, severity: r.meta.severity, description: r.meta.description }));
}
