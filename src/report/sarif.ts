// SARIF 2.1.0 as GitHub code scanning ingests it (github/codeql-action/upload-sarif).
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { eachResult } from '../engine/result-view.ts';
import type { Severity } from '../model/common.ts';
import { jsonChunks, LazyArray } from '../util/json-stream.ts';
import { fileLocationOf, sarifArtifactLocation } from './locations.ts';
import { causeLabel, type FailureGroup, failureGroups } from './root-causes.ts';
import type { Reporter, ReportMeta } from './types.ts';

/** The OASIS SARIF 2.1.0 schema with errata 01, the one GitHub and validators follow. */
export const SARIF_SCHEMA_URL = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const RULE_HELP_BASE = 'https://keyhygiene.dev/rules/';
const INFORMATION_URI = 'https://keyhygiene.dev';

/** SARIF levels from our severities. */
export const SARIF_LEVEL: Record<Severity, Sarif.Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub's `security-severity` (0–10): ≥9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

const titleCase = (id: string) =>
  id
    .split('-')
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join('');

function ruleDescriptor(rule: AuditResult['rules'][number], meta: ReportMeta): Sarif.ReportingDescriptor {
  const info = meta.rule(rule.id);
  const description = info?.description ?? rule.id;
  const helpText = [description, info?.rationale ? `Why: ${info.rationale}` : '', info?.remediation ? `Fix: ${info.remediation}` : ''].filter(Boolean);
  const helpMarkdown = [
    `**${description}**`,
    info?.rationale ? `\n**Why it matters.** ${info.rationale}` : '',
    info?.remediation ? `\n**How to fix.** ${info.remediation}` : '',
    `\nCategory: \`${rule.category}\` · severity in this policy: \`${rule.severity}\` · [rule documentation](${RULE_HELP_BASE}${rule.id})`,
  ].filter(Boolean);
  return {
    id: rule.id,
    name: titleCase(rule.id),
    shortDescription: { text: description },
    fullDescription: { text: info?.rationale ? `${description} ${info.rationale}` : description },
    help: { text: helpText.join('\n\n'), markdown: helpMarkdown.join('\n') },
    helpUri: `${RULE_HELP_BASE}${rule.id}`,
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'cryptography', rule.category],
      category: rule.category,
      ...(rule.severity === 'info' ? {} : { 'security-severity': SECURITY_SEVERITY[rule.severity] }),
    },
  };
}

function level(r: ResultEntry): Sarif.Result.level {
  if (r.outcome === 'fail' || r.outcome === 'waived') return SARIF_LEVEL[r.severity];
  if (r.outcome === 'error') return 'warning';
  if (r.outcome === 'unknown') return 'note';
  return 'none';
}

function kind(r: ResultEntry): Sarif.Result.kind {
  if (r.outcome === 'fail' || r.outcome === 'waived') return 'fail';
  if (r.outcome === 'pass') return 'pass';
  if (r.outcome === 'not-applicable') return 'notApplicable';
  return 'review'; // unknown, error: a person must look, the tool could not decide
}

function message(r: ResultEntry): string {
  const subject = r.subject.name && r.subject.name !== r.subject.id ? `${r.subject.name} (${r.subject.id})` : r.subject.id;
  const prefix = r.outcome === 'unknown' && !/^not evaluated/i.test(r.message) ? 'Not evaluated: ' : '';
  const missing = r.missing?.length ? ` Missing data: ${r.missing.join(', ')}.` : '';
  return `${prefix}${r.message} [${subject}]${missing}`;
}

/**
 * Where GitHub code scanning shows a result: the file it lives in (IaC declaration, artifact and
 * offset), else the policy line that classified its subject or configured its rule (line 1 when the
 * policy names neither); the subject itself as a logical location.
 */
function locationOf(r: ResultEntry, meta: ReportMeta, policyLocation: Sarif.ArtifactLocation): Sarif.Location {
  const file = fileLocationOf(r);
  const physicalLocation: Sarif.PhysicalLocation = file
    ? {
        artifactLocation: sarifArtifactLocation(file.path, meta.srcRoot),
        region: { startLine: file.line ?? 1 },
        ...(file.offset !== undefined ? { address: { absoluteAddress: file.offset, kind: 'data' } } : {}),
      }
    : { artifactLocation: policyLocation, region: { startLine: meta.policyLine?.(r) ?? 1 } };
  const logical: Sarif.LogicalLocation = {
    name: r.subject.location?.address ?? r.subject.name ?? r.subject.id,
    fullyQualifiedName: r.subject.id,
    kind: r.subject.kind === 'artifact' ? 'object' : 'resource',
  };
  return { physicalLocation, logicalLocations: [logical] };
}

/** A waiver as SARIF carries it (errata 01: `status`, not the draft's `state`). */
function suppressionsOf(r: ResultEntry): Pick<Sarif.Result, 'suppressions'> {
  if (r.outcome !== 'waived' || !r.waiver) return {};
  const { reason, approver, expires, ticket } = r.waiver;
  return {
    suppressions: [{ kind: 'external', status: 'accepted', justification: reason, properties: { approver, expires, ...(ticket ? { ticket } : {}) } }],
  };
}

function resultOf(r: ResultEntry, meta: ReportMeta, ruleIndex: ReadonlyMap<string, number>, policyLocation: Sarif.ArtifactLocation): Sarif.Result {
  const index = ruleIndex.get(r.ruleId);
  return {
    ruleId: r.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    kind: kind(r),
    level: level(r),
    message: { text: message(r) },
    locations: [locationOf(r, meta, policyLocation)],
    // Our fingerprint is stable across runs (rule, subject, finding key). It also stands in for
    // GitHub's line hash: many cloud findings share one policy line, which would merge them.
    partialFingerprints: { primaryLocationLineHash: r.fingerprint, 'keyhygiene/v1': r.fingerprint },
    fingerprints: { 'keyhygiene/v1': r.fingerprint },
    ...(r.baseline ? { baselineState: r.baseline } : {}),
    ...suppressionsOf(r),
    properties: {
      outcome: r.outcome,
      severity: r.severity,
      category: r.category,
      subjectKind: r.subject.kind,
      ...(r.subject.provider ? { provider: r.subject.provider } : {}),
      ...(r.findingKey ? { findingKey: r.findingKey } : {}),
      ...(r.scope ? { scope: r.scope } : {}),
      ...(r.waiver?.status === 'expired' ? { expiredWaiver: r.waiver } : {}),
    },
  };
}

/** GitHub code scanning shows up to 1000 related locations: the first ones name the subjects, the count says how many. */
const MAX_RELATED = 100;

/**
 * One SARIF result per root cause: the first failure's location, the other subjects as related
 * locations, the root cause's id as fingerprint (a trail failing thirty keys is one alert).
 */
function causeResultOf(group: FailureGroup, meta: ReportMeta, ruleIndex: ReadonlyMap<string, number>, policyLocation: Sarif.ArtifactLocation): Sarif.Result {
  const [first, ...rest] = group.entries as [ResultEntry, ...ResultEntry[]];
  const base = resultOf({ ...first, severity: group.cause.severity }, meta, ruleIndex, policyLocation);
  const { cause } = group;
  const n = cause.subjects.length;
  const text = n > 1 || cause.resource.id !== first.subject.id ? `${message(first)} Root cause: ${causeLabel(cause)}.` : message(first);
  return {
    ...base,
    message: { text },
    ...(rest.length
      ? { relatedLocations: rest.slice(0, MAX_RELATED).map((r, i) => ({ id: i + 1, ...locationOf(r, meta, policyLocation), message: { text: r.message } })) }
      : {}),
    partialFingerprints: { primaryLocationLineHash: cause.id, 'keyhygiene/v1': cause.id },
    fingerprints: { 'keyhygiene/v1': cause.id },
    properties: { ...base.properties, rootCause: { id: cause.id, resource: cause.resource, affectedSubjects: n } },
  };
}

function invocationOf(result: AuditResult): Sarif.Invocation {
  const notifications: Sarif.Notification[] = result.gaps.map((g) => ({
    level: 'warning',
    message: { text: `Could not read ${g.operation} (${g.provider}): ${g.reason}` },
    descriptor: { id: 'collection-gap' },
    properties: { gap: g.id, scope: g.scope, ...(g.affects ? { affects: g.affects } : {}) },
  }));
  return { executionSuccessful: true, endTimeUtc: result.generatedAt, toolExecutionNotifications: notifications };
}

/** The SARIF results: one per root cause, then one per other result (lazily: each made as it is written). */
function* sarifResults(
  result: AuditResult,
  meta: ReportMeta,
  ruleIndex: ReadonlyMap<string, number>,
  policyLocation: Sarif.ArtifactLocation,
): Generator<Sarif.Result> {
  for (const g of failureGroups(result)) if (g.entries.length > 0) yield causeResultOf(g, meta, ruleIndex, policyLocation);
  for (const r of eachResult(result)) if (r.outcome !== 'fail') yield resultOf(r, meta, ruleIndex, policyLocation);
}

/** Render a result as a SARIF 2.1.0 log with one run. */
export function renderSarif(result: AuditResult, meta: ReportMeta): Sarif.Log {
  const log = sarifLog(result, meta);
  const run = log.runs[0] as Sarif.Run;
  return { ...log, runs: [{ ...run, results: [...(run.results ?? [])] }] };
}

/** The SARIF log with its results as a LazyArray: jsonChunks writes them one by one, JSON.stringify as an array. */
function sarifLog(result: AuditResult, meta: ReportMeta): Sarif.Log {
  const rules = [...result.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const policyLocation = sarifArtifactLocation(result.policy.file ?? 'keyhygiene.yaml', meta.srcRoot);
  const staleWaivers = result.waivers.filter((w) => w.status !== 'active');
  const driver: Sarif.ToolComponent = {
    name: 'keyhygiene',
    version: result.tool.version,
    semanticVersion: result.tool.version,
    informationUri: INFORMATION_URI,
    rules: rules.map((r) => ruleDescriptor(r, meta)),
    notifications: [{ id: 'collection-gap', shortDescription: { text: 'A provider could not read part of the inventory.' } }],
  };
  const run: Sarif.Run = {
    tool: { driver },
    invocations: [invocationOf(result)],
    ...(meta.srcRoot
      ? { originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(meta.srcRoot.endsWith('/') ? meta.srcRoot : `${meta.srcRoot}/`).href } } }
      : {}),
    ...(meta.sarifCategory ? { automationDetails: { id: meta.sarifCategory.endsWith('/') ? meta.sarifCategory : `${meta.sarifCategory}/` } } : {}),
    columnKind: 'utf16CodeUnits',
    // A LazyArray typed as the array it writes as.
    results: new LazyArray(() => sarifResults(result, meta, ruleIndex, policyLocation)) as unknown as Sarif.Result[],
    properties: {
      summary: result.summary,
      policy: { extends: result.policy.extends, rulesEnabled: result.policy.rulesEnabled },
      ...(staleWaivers.length ? { waiversNeedingAttention: staleWaivers } : {}),
      ...(result.baseline ? { baseline: { generatedAt: result.baseline.generatedAt, counts: result.baseline.counts } } : {}),
    },
  };
  return { $schema: SARIF_SCHEMA_URL, version: '2.1.0', runs: [run] };
}

export const sarifReporter: Reporter = {
  id: 'sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif)',
  extension: 'sarif',
  render: (result, meta) => `${JSON.stringify(sarifLog(result, meta), null, 2)}\n`,
  // runs[0].results is made and written result by result (a LazyArray; jsonChunks streams the first levels).
  renderChunks: (result, meta) => jsonChunks(sarifLog(result, meta)),
};
