import { z } from 'zod';

/** An ISO 8601 timestamp with an explicit offset (`2024-01-31T00:00:00Z`). */
export const Timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp with offset, e.g. 2024-01-31T00:00:00Z');
export type Timestamp = z.infer<typeof Timestamp>;

/** Severity of a finding, highest first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Rank used for thresholds and sorting: lower is more severe. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Free-form labels (tags, labels) as provider-reported strings. */
export const Tags = z.record(z.string(), z.string());
export type Tags = z.infer<typeof Tags>;

/** Public-key fingerprints used to recognise one key across clouds, key sets and dumps. */
export const Fingerprints = z
  .strictObject({
    spkiSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .describe('hex SHA-256 of the DER SubjectPublicKeyInfo'),
    jwkThumbprint: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional()
      .describe('RFC 7638 JWK thumbprint (SHA-256, base64url)'),
  })
  .describe('Public-key fingerprints; never key material');
export type Fingerprints = z.infer<typeof Fingerprints>;

/** What an environment is for; exposure rules treat debug, development, ci and test as untrusted. */
export const ENVIRONMENT_KINDS = ['production', 'staging', 'development', 'test', 'ci', 'debug', 'corporate'] as const;
export const EnvironmentKind = z.enum(ENVIRONMENT_KINDS);
export type EnvironmentKind = z.infer<typeof EnvironmentKind>;

/** Where a subject comes from: `live` (read from the cloud) or `planned` (read from an IaC plan or template before deployment). */
export const PROVENANCES = ['live', 'planned'] as const;
export const Provenance = z
  .enum(PROVENANCES)
  .describe('planned = read from a Terraform plan, CloudFormation/CDK or ARM template before deployment; absent = live');
export type Provenance = z.infer<typeof Provenance>;

export const PLANNED_ACTIONS = ['create', 'update', 'replace', 'delete', 'no-op', 'read'] as const;

/** Where a planned subject is declared: its resource address and, when the source is at hand, file and line. */
export const SourceLocation = z
  .strictObject({
    address: z.string().min(1).describe('Terraform address, CloudFormation logical id or CDK construct path, ARM resource name'),
    file: z.string().optional().describe('file the resource is declared in (.tf, template), as given on the command line or in the policy'),
    line: z.number().int().positive().optional(),
    action: z.enum(PLANNED_ACTIONS).optional().describe('what the plan does to the resource (templates: create)'),
    context: z.boolean().optional().describe('unchanged by the plan (--changed-only): kept to resolve coverage (a trail over a changed key), never evaluated'),
  })
  .describe('where an IaC resource is declared');
export type SourceLocation = z.infer<typeof SourceLocation>;
