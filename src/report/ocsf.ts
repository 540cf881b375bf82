// OCSF 1.8.0 Compliance Finding events (class_uid 2003, category Findings): one per result, for
// security data lakes (Amazon Security Lake custom sources, SIEMs). `ocsf` writes JSON Lines (one
// event per line, what Security Lake and most pipelines ingest); `ocsf-json` writes one JSON array.
import type { AuditResult, Outcome, ResultEntry } from '../engine/result.ts';
import { eachResult } from '../engine/result-view.ts';
import type { ControlRef } from '../frameworks/controls.ts';
import type { Severity } from '../model/common.ts';
import { chunked, joined, jsonArrayLines } from '../util/json-stream.ts';
import { entryCause } from './root-causes.ts';
import { RULE_HELP_BASE } from './sarif.ts';
import type { Reporter, ReportMeta } from './types.ts';

export const OCSF_VERSION = '1.8.0';
export const OCSF_CLASS_UID = 2003;
export const OCSF_CATEGORY_UID = 2;

const SEVERITY_ID: Record<Severity, [number, string]> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

/** compliance.status_id: 1 Pass, 2 Warning (no result: data missing), 3 Fail, 99 Other. */
const COMPLIANCE_STATUS: Record<Outcome, [number, string]> = {
  pass: [1, 'Pass'],
  fail: [3, 'Fail'],
  waived: [3, 'Fail'],
  unknown: [2, 'Warning'],
  error: [2, 'Warning'],
  'not-applicable': [99, 'Not applicable'],
};

/** Finding status_id: 1 New (open), 3 Suppressed (waived), 4 Resolved. */
const FINDING_STATUS: Record<Outcome, [number, string]> = {
  fail: [1, 'New'],
  unknown: [1, 'New'],
  error: [1, 'New'],
  waived: [3, 'Suppressed'],
  pass: [4, 'Resolved'],
  'not-applicable': [4, 'Resolved'],
};

/** The cloud a provider id belongs to, as OCSF `cloud.provider` names it; undefined for non-cloud subjects. */
export function cloudOf(provider: string | undefined): string | undefined {
  if (!provider) return undefined;
  if (provider.startsWith('aws')) return 'AWS';
  if (provider.startsWith('azure')) return 'Azure';
  if (provider.startsWith('gcp')) return 'GCP';
  return undefined;
}

/** A resource type in the cloud's own vocabulary where there is one. */
export function resourceType(subject: ResultEntry['subject']): string {
  const cloud = cloudOf(subject.provider);
  if (subject.kind === 'key' && cloud === 'AWS') return 'AWS::KMS::Key';
  if (subject.kind === 'key' && cloud === 'Azure') return 'Microsoft.KeyVault/vaults/keys';
  if (subject.kind === 'key' && cloud === 'GCP') return 'cloudkms.googleapis.com/CryptoKey';
  const names: Record<ResultEntry['subject']['kind'], string> = {
    key: 'Key',
    trail: 'Audit trail',
    'published-key': 'Published key (JWKS)',
    artifact: 'Key material in an artifact',
    gap: 'Collection gap',
  };
  return names[subject.kind];
}

/** Framework controls for a rule, limited to the frameworks the run asked for (--framework) when it asked. */
export function controlsFor(result: AuditResult, meta: ReportMeta, ruleId: string): readonly ControlRef[] {
  const all = meta.controls?.(ruleId) ?? [];
  const asked = result.compliance?.map((c) => c.framework);
  return asked?.length ? all.filter((c) => asked.includes(c.framework)) : all;
}

function compliance(result: AuditResult, meta: ReportMeta, r: ResultEntry, resolved: boolean): Record<string, unknown> {
  const controls = controlsFor(result, meta, r.ruleId);
  const [statusId, status] = resolved ? [99, 'Resolved'] : COMPLIANCE_STATUS[r.outcome];
  return {
    control: r.ruleId,
    standards: [...new Set(controls.map((c) => c.title))],
    requirements: controls.map((c) => `${c.framework} ${c.control}`),
    ...(controls.length
      ? {
          checks: controls.map((c) => ({
            uid: c.control,
            name: c.controlTitle,
            standards: [c.title],
            version: c.edition,
            status,
            status_id: statusId,
          })),
        }
      : {}),
    status,
    status_id: statusId,
    status_detail: resolved ? 'no longer reported: fixed, or the subject is gone' : r.message,
  };
}

function resource(r: ResultEntry): Record<string, unknown> {
  const s = r.subject;
  const labels = Object.entries(r.scope ?? {}).map(([k, v]) => `${k}:${v}`);
  return {
    uid: s.id,
    type: resourceType(s),
    role_id: 1,
    role: 'Target',
    ...(s.name ? { name: s.name } : {}),
    ...(cloudOf(s.provider) ? { provider: cloudOf(s.provider) } : {}),
    ...(s.region ? { region: s.region } : {}),
    ...(labels.length ? { labels } : {}),
  };
}

/** OCSF account.type_id for what each cloud calls an account. */
const ACCOUNT_TYPE: Record<string, { type_id: number; type: string }> = {
  AWS: { type_id: 10, type: 'AWS Account' },
  Azure: { type_id: 13, type: 'Azure Subscription' },
  GCP: { type_id: 11, type: 'GCP Project' },
};

function cloud(r: ResultEntry): Record<string, unknown> | undefined {
  const provider = cloudOf(r.subject.provider);
  if (!provider) return undefined;
  const account = r.subject.account;
  return {
    provider,
    ...(account ? { account: { uid: account, ...ACCOUNT_TYPE[provider] } } : {}),
    ...(account && provider === 'GCP' ? { project_uid: account } : {}),
    ...(r.subject.region ? { region: r.subject.region } : {}),
  };
}

function activity(r: ResultEntry, resolved: boolean): [number, string] {
  if (resolved) return [3, 'Close'];
  return r.baseline === 'unchanged' ? [2, 'Update'] : [1, 'Create'];
}

/** One OCSF Compliance Finding event for one result (`resolved`: a baseline finding this run no longer has). */
/** The root cause a failure belongs to (rule + causing resource): events sharing its uid are one problem. */
function rootCauseOf(r: ResultEntry): { uid: string; resource: { kind: string; id: string } } {
  const { id, resource } = entryCause(r);
  return { uid: id, resource };
}

export function ocsfEvent(result: AuditResult, meta: ReportMeta, r: ResultEntry, resolved = false): Record<string, unknown> {
  const info = meta.rule(r.ruleId);
  const [activityId, activityName] = activity(r, resolved);
  const [severityId, severity] = SEVERITY_ID[r.severity];
  const [statusId, status] = resolved ? [4, 'Resolved'] : FINDING_STATUS[r.outcome];
  const time = Date.parse(result.generatedAt);
  const where = cloud(r);
  return {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: OCSF_CATEGORY_UID,
    category_name: 'Findings',
    class_uid: OCSF_CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: OCSF_CLASS_UID * 100 + activityId,
    type_name: `Compliance Finding: ${activityName}`,
    time,
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    status_code: resolved ? 'resolved' : r.outcome,
    message: r.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: result.tool.name, vendor_name: 'keyhygiene project', version: result.tool.version, uid: result.tool.name },
      profiles: where ? ['cloud'] : [],
      log_name: 'keyhygiene audit',
      event_code: r.ruleId,
      original_time: result.generatedAt,
    },
    finding_info: {
      uid: r.fingerprint,
      title: info?.description ?? r.ruleId,
      desc: r.message,
      types: [`keyhygiene/${r.category}`],
      analytic: { uid: r.ruleId, name: r.ruleId, type_id: 1, type: 'Rule', category: r.category },
      product: { name: result.tool.name, vendor_name: 'keyhygiene project', version: result.tool.version },
      src_url: `${RULE_HELP_BASE}${r.ruleId}`,
      ...(r.findingKey ? { uid_alt: r.findingKey } : {}),
    },
    ...(where ? { cloud: where } : {}),
    resources: [resource(r)],
    compliance: compliance(result, meta, r, resolved),
    remediation: { desc: info?.remediation ?? `See ${RULE_HELP_BASE}${r.ruleId}`, references: [`${RULE_HELP_BASE}${r.ruleId}`] },
    unmapped: {
      keyhygiene: {
        outcome: resolved ? 'resolved' : r.outcome,
        subject: r.subject,
        ...(r.scope ? { scope: r.scope } : {}),
        ...(r.missing ? { missing: r.missing } : {}),
        ...(r.waiver ? { waiver: r.waiver } : {}),
        ...(r.baseline ? { baseline: r.baseline } : {}),
        ...(r.outcome === 'fail' || r.outcome === 'waived' ? { root_cause: rootCauseOf(r) } : {}),
      },
    },
  };
}

/** Every event of a result, in result order, then the baseline's resolved findings as Close events. Lazy. */
export function* ocsfEvents(result: AuditResult, meta: ReportMeta): Generator<Record<string, unknown>> {
  for (const r of eachResult(result)) yield ocsfEvent(result, meta, r);
  for (const r of result.baseline?.resolved ?? []) yield ocsfEvent(result, meta, r, true);
}

function* ocsfLines(result: AuditResult, meta: ReportMeta): Generator<string> {
  for (const e of ocsfEvents(result, meta)) yield `${JSON.stringify(e)}\n`;
}

export const renderOcsfLines = (result: AuditResult, meta: ReportMeta): string => joined(ocsfLines(result, meta));

export const renderOcsfArray = (result: AuditResult, meta: ReportMeta): string => joined(jsonArrayLines(ocsfEvents(result, meta)));

export const ocsfReporter: Reporter = {
  id: 'ocsf',
  description: `OCSF ${OCSF_VERSION} Compliance Finding events (class 2003), JSON Lines: one event per result`,
  extension: 'ocsf.jsonl',
  render: renderOcsfLines,
  renderChunks: (result, meta) => chunked(ocsfLines(result, meta)),
};

export const ocsfJsonReporter: Reporter = {
  id: 'ocsf-json',
  description: `OCSF ${OCSF_VERSION} Compliance Finding events (class 2003) as one JSON array`,
  extension: 'ocsf.json',
  render: renderOcsfArray,
  renderChunks: (result, meta) => chunked(jsonArrayLines(ocsfEvents(result, meta))),
};
