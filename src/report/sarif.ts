// SARIF 2.1.0 as GitHub code scanning ingests it (github/codeql-action/upload-sarif).
import { pathToFileURL } from 'node:url';
import type { AuditResult, ResultEntry } from '../engine/result.ts';
import type { Severity } from '../model/common.ts';
import { fileLocationOf, sarifArtifactLocation } from './locations.ts';
import type { Reporter, ReportMeta } from './types.ts';

export const SARIF_SCHEMA_URL = 'https://json.schemastore.org/sarif-2.1.0.json';
export const RULE_HELP_BASE = 'https://keyhygiene.dev/rules/';
const INFORMATION_URI = 'https://keyhygiene.dev';

type Level = 'error' | 'warning' | 'note' | 'none';

/** SARIF levels from our severities. */
export const SARIF_LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub's `security-severity` (0–10): ≥9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

const titleCase = (id: string) =>
  id
    .split('-')
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join('');

function ruleDescriptor(rule: AuditResult['rules'][number], meta: ReportMeta) {
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

function level(r: ResultEntry): Level {
  if (r.outcome === 'fail' || r.outcome === 'waived') return SARIF_LEVEL[r.severity];
  if (r.outcome === 'error') return 'warning';
  if (r.outcome === 'unknown') return 'note';
  return 'none';
}

function kind(r: ResultEntry): 'fail' | 'pass' | 'review' | 'notApplicable' {
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

/** Render a result as a SARIF 2.1.0 log with one run. */
export function renderSarif(result: AuditResult, meta: ReportMeta): Record<string, unknown> {
  const rules = [...result.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const policyPath = result.policy.file ?? 'keyhygiene.yaml';
  const policyLocation = sarifArtifactLocation(policyPath, meta.srcRoot);
  const results = result.results.map((r) => {
    const file = fileLocationOf(r);
    const physicalLocation = file
      ? {
          artifactLocation: sarifArtifactLocation(file.path, meta.srcRoot),
          region: { startLine: file.line ?? 1 },
          ...(file.offset !== undefined ? { address: { absoluteAddress: file.offset, kind: 'data' } } : {}),
        }
      : // A cloud resource has no file: point at the policy that asked for the check, and name the resource logically.
        { artifactLocation: policyLocation, region: { startLine: 1 } };
    const logical = {
      name: r.subject.location?.address ?? r.subject.name ?? r.subject.id,
      fullyQualifiedName: r.subject.id,
      kind: r.subject.kind === 'artifact' ? 'object' : 'resource',
    };
    const index = ruleIndex.get(r.ruleId);
    return {
      ruleId: r.ruleId,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      kind: kind(r),
      level: level(r),
      message: { text: message(r) },
      locations: [{ physicalLocation, logicalLocations: [logical] }],
      // Our fingerprint is stable across runs (rule, subject, finding key). It also stands in for
      // GitHub's line hash: every cloud finding points at line 1 of the policy, which would merge them.
      partialFingerprints: { primaryLocationLineHash: r.fingerprint, 'keyhygiene/v1': r.fingerprint },
      fingerprints: { 'keyhygiene/v1': r.fingerprint },
      ...(r.baseline ? { baselineState: r.baseline } : {}),
      ...(r.outcome === 'waived' && r.waiver
        ? {
            suppressions: [
              {
                kind: 'external',
                state: 'accepted',
                justification: r.waiver.reason,
                properties: { approver: r.waiver.approver, expires: r.waiver.expires, ...(r.waiver.ticket ? { ticket: r.waiver.ticket } : {}) },
              },
            ],
          }
        : {}),
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
  });
  const notifications = result.gaps.map((g) => ({
    level: 'warning' as const,
    message: { text: `Could not read ${g.operation} (${g.provider}): ${g.reason}` },
    descriptor: { id: 'collection-gap' },
    properties: { gap: g.id, scope: g.scope, ...(g.affects ? { affects: g.affects } : {}) },
  }));
  const staleWaivers = result.waivers.filter((w) => w.status !== 'active');
  return {
    $schema: SARIF_SCHEMA_URL,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyhygiene',
            version: result.tool.version,
            semanticVersion: result.tool.version,
            informationUri: INFORMATION_URI,
            rules: rules.map((r) => ruleDescriptor(r, meta)),
            notifications: [{ id: 'collection-gap', shortDescription: { text: 'A provider could not read part of the inventory.' } }],
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: result.generatedAt,
            toolExecutionNotifications: notifications,
          },
        ],
        ...(meta.srcRoot
          ? { originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(meta.srcRoot.endsWith('/') ? meta.srcRoot : `${meta.srcRoot}/`).href } } }
          : {}),
        ...(meta.sarifCategory ? { automationDetails: { id: meta.sarifCategory.endsWith('/') ? meta.sarifCategory : `${meta.sarifCategory}/` } } : {}),
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          summary: result.summary,
          policy: { extends: result.policy.extends, rulesEnabled: result.policy.rulesEnabled },
          ...(staleWaivers.length ? { waiversNeedingAttention: staleWaivers } : {}),
          ...(result.baseline ? { baseline: { generatedAt: result.baseline.generatedAt, counts: result.baseline.counts } } : {}),
        },
      },
    ],
  };
}

export const sarifReporter: Reporter = {
  id: 'sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif)',
  extension: 'sarif',
  render: (result, meta) => `${JSON.stringify(renderSarif(result, meta), null, 2)}\n`,
};
