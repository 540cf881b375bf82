// AWS Security Finding Format (ASFF, SchemaVersion 2018-10-08) for AWS Security Hub: one finding per
// result, as a JSON array. `keyhygiene publish security-hub` sends the same findings with
// BatchImportFindings. A finding needs an AWS account: subjects in AWS carry their own; subjects
// elsewhere (Azure, GCP, JWKS, artifacts) are attributed to the publishing account when one is
// known (`publish` knows it) and are left out of `--format asff` otherwise.
import type { AuditResult, Outcome, ResultEntry } from '../engine/result.ts';
import { eachResult } from '../engine/result-view.ts';
import type { Severity } from '../model/common.ts';
import { chunked, joined, jsonArrayLines } from '../util/json-stream.ts';
import { controlsFor } from './ocsf.ts';
import { entryCause } from './root-causes.ts';
import { RULE_HELP_BASE } from './sarif.ts';
import type { Reporter, ReportMeta } from './types.ts';

export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Where findings are imported: the Security Hub account and region (the default product ARN is built from them). */
export interface AsffTarget {
  account: string;
  region: string;
  partition?: string;
}

export type AsffFinding = Record<string, unknown> & { Id: string; ProductArn: string; AwsAccountId: string; RecordState: string };

const LABEL: Record<Severity, string> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };
const COMPLIANCE: Record<Outcome, string> = {
  pass: 'PASSED',
  fail: 'FAILED',
  waived: 'FAILED',
  unknown: 'WARNING',
  error: 'WARNING',
  'not-applicable': 'NOT_AVAILABLE',
};
const WORKFLOW: Record<Outcome, string> = {
  pass: 'RESOLVED',
  fail: 'NEW',
  waived: 'SUPPRESSED',
  unknown: 'NEW',
  error: 'NEW',
  'not-applicable': 'RESOLVED',
};

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The default product ARN of an account's own findings. */
export const productArn = (t: AsffTarget): string => `arn:${t.partition ?? 'aws'}:securityhub:${t.region}:${t.account}:product/${t.account}/default`;

/** The finding Id: stable across runs, one per result fingerprint. */
export const asffId = (r: Pick<ResultEntry, 'ruleId' | 'fingerprint'>): string => `keyhygiene/${r.ruleId}/${r.fingerprint}`;

/** Partition, account and region of a subject that lives in AWS (read from its ARN, else from the record). */
function awsPlace(s: ResultEntry['subject']): { partition: string; account?: string; region?: string } | undefined {
  const arn = /^arn:(aws[a-z-]*):[^:]*:([^:]*):(\d{12}):/.exec(s.id);
  if (arn) return { partition: arn[1] as string, region: arn[2] || s.region, account: arn[3] };
  if (s.provider?.startsWith('aws') && s.account && /^\d{12}$/.test(s.account)) return { partition: 'aws', account: s.account, region: s.region };
  return undefined;
}

function resource(r: ResultEntry, place: ReturnType<typeof awsPlace>): Record<string, unknown> {
  const type = r.subject.kind === 'key' && place ? 'AwsKmsKey' : 'Other';
  const region = place?.region;
  return {
    Type: type,
    Id: clip(r.subject.id, 512),
    ...(place ? { Partition: place.partition } : {}),
    ...(region ? { Region: region } : {}),
    Details: {
      Other: Object.fromEntries(
        Object.entries({
          kind: r.subject.kind,
          provider: r.subject.provider,
          name: r.subject.name,
          account: r.subject.account,
          region: place ? undefined : r.subject.region,
          ...(r.scope ?? {}),
        }).flatMap(([k, v]) => (v ? [[k, clip(v, 1024)]] : [])),
      ),
    },
  };
}

function types(result: AuditResult, meta: ReportMeta, r: ResultEntry): string[] {
  const standards = [...new Set(controlsFor(result, meta, r.ruleId).map((c) => c.title))];
  const own = `Software and Configuration Checks/AWS Security Best Practices/keyhygiene ${r.category}`;
  return [
    own,
    ...standards.slice(0, 49).map((t) => `Software and Configuration Checks/Industry and Regulatory Standards/${clip(t.replaceAll('/', '-'), 200)}`),
  ];
}

/** One ASFF finding, or undefined when it cannot be attributed to an AWS account. `resolved`: archive it. */
export function asffFinding(result: AuditResult, meta: ReportMeta, r: ResultEntry, target?: AsffTarget, resolved = false): AsffFinding | undefined {
  const place = awsPlace(r.subject);
  const account = place?.account ?? target?.account;
  const region = target?.region ?? place?.region;
  if (!account || !region) return undefined;
  const home: AsffTarget = target ?? { account, region, partition: place?.partition };
  const info = meta.rule(r.ruleId);
  const requirements = controlsFor(result, meta, r.ruleId).map((c) => `${c.framework} ${c.control}`);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(r),
    ProductArn: productArn(home),
    ProductName: 'keyhygiene',
    CompanyName: 'keyhygiene project',
    GeneratorId: `keyhygiene/${r.ruleId}`,
    AwsAccountId: account,
    Types: types(result, meta, r),
    CreatedAt: result.generatedAt,
    UpdatedAt: result.generatedAt,
    Severity: { Label: LABEL[r.severity], Original: r.severity },
    Title: clip(info?.description ?? r.ruleId, 256),
    Description: clip(r.message, 1024),
    SourceUrl: `${RULE_HELP_BASE}${r.ruleId}`,
    Remediation: { Recommendation: { Text: clip(info?.remediation ?? r.ruleId, 512), Url: `${RULE_HELP_BASE}${r.ruleId}` } },
    ProductFields: {
      'keyhygiene/rule': r.ruleId,
      'keyhygiene/outcome': resolved ? 'resolved' : r.outcome,
      'keyhygiene/fingerprint': r.fingerprint,
      ...(r.outcome === 'fail' || r.outcome === 'waived' ? { 'keyhygiene/root-cause': entryCause(r).id } : {}),
      ...(r.missing ? { 'keyhygiene/missing': clip(r.missing.join(', '), 2048) } : {}),
      ...(r.waiver ? { 'keyhygiene/waiver': clip(`${r.waiver.status}: ${r.waiver.reason} (${r.waiver.approver}, until ${r.waiver.expires})`, 2048) } : {}),
    },
    Resources: [resource(r, place)],
    Compliance: { Status: resolved ? 'PASSED' : COMPLIANCE[r.outcome], ...(requirements.length ? { RelatedRequirements: requirements.slice(0, 32) } : {}) },
    Workflow: { Status: resolved ? 'RESOLVED' : WORKFLOW[r.outcome] },
    RecordState: resolved ? 'ARCHIVED' : 'ACTIVE',
  };
}

/** Every finding of a result that can be attributed to an account, in result order, then the baseline's resolved ones (ARCHIVED). Lazy. */
export function* asffFindings(result: AuditResult, meta: ReportMeta, target?: AsffTarget): Generator<AsffFinding> {
  for (const r of eachResult(result)) {
    const f = asffFinding(result, meta, r, target);
    if (f) yield f;
  }
  for (const r of result.baseline?.resolved ?? []) {
    const f = asffFinding(result, meta, r, target, true);
    if (f) yield f;
  }
}

export const renderAsff = (result: AuditResult, meta: ReportMeta): string => joined(jsonArrayLines(asffFindings(result, meta)));

export const asffReporter: Reporter = {
  id: 'asff',
  description: 'AWS Security Finding Format (Security Hub), a JSON array; findings about AWS subjects (publish security-hub sends all)',
  extension: 'asff.json',
  render: renderAsff,
  renderChunks: (result, meta) => chunked(jsonArrayLines(asffFindings(result, meta))),
};
