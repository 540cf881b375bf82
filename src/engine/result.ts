import { z } from 'zod';
import { CollectionGap } from '../model/collection-gap.ts';
import { Severity, Timestamp } from '../model/common.ts';

export const RESULT_VERSION = '1.0';

export const OUTCOMES = ['fail', 'error', 'unknown', 'waived', 'pass', 'not-applicable'] as const;
export const Outcome = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof Outcome>;

const counts = <T extends readonly string[]>(keys: T) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, z.number().int().nonnegative()])) as { [K in T[number]]: z.ZodNumber });

export const OutcomeCounts = counts(OUTCOMES);
export type OutcomeCounts = z.infer<typeof OutcomeCounts>;
export const SeverityCounts = counts(['critical', 'high', 'medium', 'low', 'info'] as const);
export type SeverityCounts = z.infer<typeof SeverityCounts>;

export const SubjectRef = z.strictObject({
  kind: z.enum(['key', 'trail', 'published-key', 'artifact', 'gap']),
  id: z.string(),
  provider: z.string().optional(),
  name: z.string().optional(),
  account: z.string().optional().describe('account, subscription or project that holds the subject, when the provider reports one'),
  region: z.string().optional().describe('region or location of the subject, when the provider reports one'),
  location: z
    .strictObject({ address: z.string(), file: z.string().optional(), line: z.number().int().positive().optional() })
    .optional()
    .describe('planned subjects: the IaC resource address and, when the source was at hand, file and line'),
});
export type SubjectRef = z.infer<typeof SubjectRef>;

export const ScopeRef = z.strictObject({
  environment: z.string().optional(),
  trustDomain: z.string().optional(),
  keyClass: z.string().optional(),
});

/** The resource whose state causes a failure: a trail, a vault, an endpoint, a role… or the subject itself. */
export const CauseResource = z.strictObject({
  kind: z.string().describe('trail, vault, account, endpoint, principal, or the subject kind (key…) when the subject itself is the cause'),
  id: z.string(),
  name: z.string().optional(),
});
export type CauseResource = z.infer<typeof CauseResource>;

export const RootCauseRef = z
  .strictObject({
    id: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .describe('stable across runs: hash of rule, cause resource and finding key; equals the fingerprint when the subject itself is the cause'),
    resource: CauseResource,
  })
  .describe('the rule and the resource that cause this failure: failures sharing it are one problem, fixed in one place');
export type RootCauseRef = z.infer<typeof RootCauseRef>;

/** Failures grouped by root cause: what the gate, the summary and SARIF count. */
export const RootCause = z.strictObject({
  id: RootCauseRef.shape.id,
  ruleId: z.string(),
  severity: Severity.describe('the highest severity among its failures'),
  resource: CauseResource,
  message: z.string().describe('the message of its first failure'),
  subjects: z.array(z.string()).describe('ids of the subjects that fail because of it, sorted'),
});
export type RootCause = z.infer<typeof RootCause>;

export const WaiverStatus = z.enum(['active', 'expired', 'unused']);

export const AppliedWaiver = z.strictObject({
  reason: z.string(),
  approver: z.string(),
  expires: z.string(),
  ticket: z.string().optional(),
  status: z.enum(['active', 'expired']),
});

export const ResultEntry = z.strictObject({
  ruleId: z.string(),
  category: z.string(),
  severity: Severity,
  outcome: Outcome,
  subject: SubjectRef,
  message: z.string(),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('stable across runs: hash of rule, subject and finding key'),
  findingKey: z.string().optional().describe('what distinguishes several findings of one rule on one subject'),
  scope: ScopeRef.optional(),
  missing: z.array(z.string()).optional().describe('for unknown: the data that was not collected'),
  waiver: AppliedWaiver.optional(),
  rootCause: RootCauseRef.optional().describe('fail and waived: the root cause this finding belongs to'),
  baseline: z.enum(['new', 'unchanged']).optional().describe('with --baseline: whether the baseline had this finding (by root cause)'),
});
export type ResultEntry = z.infer<typeof ResultEntry>;

/** The comparison with a previous result (--baseline FILE or the policy's `baseline:`). */
export const BaselineSummary = z.strictObject({
  file: z.string().optional(),
  generatedAt: Timestamp.describe('when the baseline result was generated'),
  counts: z.strictObject({
    new: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    resolved: z.number().int().nonnegative(),
  }),
  resolved: z
    .array(ResultEntry.omit({ baseline: true, waiver: true }))
    .describe('findings of the baseline that this run no longer has (fixed, or the subject is gone)'),
});
export type BaselineSummary = z.infer<typeof BaselineSummary>;

export const CONTROL_STATUSES = ['satisfied', 'failed', 'not-assessed'] as const;
export const ControlStatus = z.enum(CONTROL_STATUSES);
export type ControlStatus = z.infer<typeof ControlStatus>;

/** One framework's per-control view of a result (keyhygiene audit --framework ID). */
export const ComplianceSummary = z.strictObject({
  framework: z.string(),
  title: z.string(),
  edition: z.string(),
  source: z.string().describe('where the control numbers come from: primary, secondary or vendor-mapping'),
  counts: z.strictObject({ satisfied: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), 'not-assessed': z.number().int().nonnegative() }),
  controls: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      source: z.string(),
      status: ControlStatus.describe(
        'failed: a mapped rule failed; not-assessed: a mapped rule is off, undecided (unknown, error) or applied to nothing; else satisfied',
      ),
      counts: OutcomeCounts.describe('outcomes of the mapped rules, summed'),
      rules: z.array(z.strictObject({ id: z.string(), enabled: z.boolean(), counts: OutcomeCounts.optional() })),
      reason: z.string().optional().describe('why the control is not assessed'),
    }),
  ),
});
export type ComplianceSummary = z.infer<typeof ComplianceSummary>;

export const AuditResult = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(RESULT_VERSION),
  tool: z.strictObject({ name: z.literal('keyhygiene'), version: z.string() }),
  generatedAt: Timestamp,
  policy: z.strictObject({
    file: z.string().optional(),
    extends: z.array(z.string()),
    rulesEnabled: z.number().int().nonnegative(),
  }),
  inventory: z.strictObject({
    generatedAt: Timestamp,
    providers: z.array(z.string()),
    keys: z.number().int().nonnegative(),
    trails: z.number().int().nonnegative(),
    publishedKeys: z.number().int().nonnegative(),
    artifacts: z.number().int().nonnegative(),
  }),
  summary: z.strictObject({
    outcomes: OutcomeCounts.describe('every evaluated (rule, subject) pair and finding'),
    failuresBySeverity: SeverityCounts,
    rootCauses: z
      .strictObject({ total: z.number().int().nonnegative(), bySeverity: SeverityCounts })
      .optional()
      .describe('failures counted by root cause (one trail excluding KMS events is one, however many keys it covers)'),
    subjects: z.strictObject({ total: z.number().int().nonnegative(), byStatus: OutcomeCounts }),
    gaps: z.number().int().nonnegative(),
    incomplete: z.boolean().describe('true when collection gaps, unknown or error outcomes exist'),
  }),
  rules: z.array(
    z.strictObject({
      id: z.string(),
      category: z.string(),
      severity: Severity,
      counts: OutcomeCounts,
    }),
  ),
  subjects: z.array(
    SubjectRef.extend({
      scope: ScopeRef.optional(),
      status: Outcome.describe('worst outcome over the rules that apply'),
      counts: OutcomeCounts,
    }),
  ),
  rootCauses: z.array(RootCause).optional().describe('failures (not waived) grouped by root cause, most severe first'),
  results: z.array(ResultEntry).describe('every outcome other than pass and not-applicable (passes too with --include-passed)'),
  waivers: z.array(
    z.strictObject({
      rule: z.string(),
      subject: z.string().optional(),
      subjectGlob: z.string().optional(),
      finding: z.string().optional(),
      reason: z.string(),
      approver: z.string(),
      expires: z.string(),
      ticket: z.string().optional(),
      status: WaiverStatus,
      matched: z.number().int().nonnegative(),
    }),
  ),
  gaps: z.array(CollectionGap),
  compliance: z.array(ComplianceSummary).optional().describe('per-control summaries, one per --framework'),
  baseline: BaselineSummary.optional().describe('comparison with a previous result, with --baseline'),
});
export type AuditResult = z.infer<typeof AuditResult>;

export const emptyOutcomeCounts = (): OutcomeCounts => ({ fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 });
export const emptySeverityCounts = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

/** Worst first: the status of a subject is the first of these it has. */
export const OUTCOME_PRECEDENCE: readonly Outcome[] = ['error', 'fail', 'unknown', 'waived', 'pass', 'not-applicable'];
