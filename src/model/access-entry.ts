import { z } from 'zod';
import { Tags } from './common.ts';

export const PRINCIPAL_KINDS = ['user', 'role', 'group', 'service-principal', 'managed-identity', 'service', 'account', 'any-authenticated', 'public'] as const;

/** Who: a principal normalized across clouds. */
export const Principal = z.strictObject({
  kind: z.enum(PRINCIPAL_KINDS).describe('`public` is anyone, `any-authenticated` any signed-in identity of any tenant'),
  id: z.string().min(1).describe('ARN, object id, member string or service name'),
  name: z.string().optional(),
  account: z.string().optional().describe('AWS account, Azure tenant or GCP project the principal belongs to'),
  tenant: z.string().optional(),
  tags: Tags.optional().describe('tags of the principal (IAM user or role tags, or declared in the same IaC plan); classified by tag matchers'),
  path: z.string().optional().describe('IAM path of a user or role (/debug/, /ci/…); classified by path matchers'),
  federation: z
    .strictObject({
      provider: z.string().describe('the identity provider: an OIDC provider ARN or issuer host'),
      issuer: z.enum(['github', 'gitlab', 'terraform-cloud', 'other']),
      subjects: z.array(z.string()).describe('the `sub` patterns the trust admits; [] = any subject of the issuer'),
    })
    .optional()
    .describe('a federated workload identity (CI OIDC): classified by what it admits under the policy `ci:` block'),
});
export type Principal = z.infer<typeof Principal>;

const FEDERATION_ISSUERS: Record<string, 'github' | 'gitlab' | 'terraform-cloud'> = {
  'token.actions.githubusercontent.com': 'github',
  'gitlab.com': 'gitlab',
  'app.terraform.io': 'terraform-cloud',
};

/** Which CI system an OIDC issuer (a host, an issuer URL or a provider path) belongs to. */
export function federationIssuer(issuer: string): NonNullable<Principal['federation']>['issuer'] {
  const host = issuer.replace(/^https?:\/\//i, '').toLowerCase();
  return FEDERATION_ISSUERS[host.split('/')[0] ?? ''] ?? (/gitlab/i.test(host) ? 'gitlab' : 'other');
}

/** The OIDC issuer of Google Cloud Confidential Space attestation tokens (workload identity pool providers). */
export const CONFIDENTIAL_SPACE_ISSUER = 'https://confidentialcomputing.googleapis.com/';
/** The condition key naming the issuer a workload identity pool provider trusts, on entries it admits. */
export const WIF_ISSUER_KEY = 'iam.googleapis.com/workloadIdentityPoolProvider.issuer';

export const CAPABILITIES = [
  'use-sign',
  'use-verify',
  'use-encrypt',
  'use-decrypt',
  'use-mac',
  'use-wrap',
  'use-unwrap',
  'export',
  'administer',
  'create-grant',
  'read',
] as const;
export const Capability = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof Capability>;

/** Capabilities that let a principal produce or recover secrets with the key. */
export const PRIVATE_USE: ReadonlySet<Capability> = new Set(['use-sign', 'use-decrypt', 'use-mac', 'use-unwrap', 'export', 'create-grant']);

export const AccessCondition = z.strictObject({
  key: z.string().describe('condition key, e.g. aws:PrincipalOrgID or kms:ViaService'),
  operator: z.string(),
  values: z.array(z.string()),
});
export type AccessCondition = z.infer<typeof AccessCondition>;

/** What: one principal's capabilities on one key, from any source. */
export const AccessEntry = z.strictObject({
  principal: Principal,
  capabilities: z.array(Capability).min(1),
  source: z.enum(['key-policy', 'grant', 'iam-policy', 'rbac', 'access-policy', 'iam-binding', 'declared']),
  sourceId: z.string().optional().describe('statement id, grant id, role assignment id…'),
  conditions: z.array(AccessCondition).optional(),
  confined: z.boolean().optional().describe('true when conditions confine a wildcard principal to a known set (org, account, VPC endpoint)'),
  via: z
    .array(z.string())
    .optional()
    .describe('how the principal reaches the key: the roles it assumes (a role chain) or the identity provider and role (federation), in order'),
  undecided: z
    .array(AccessCondition)
    .optional()
    .describe('conditions the evaluator could not decide: the access may exist, and verdicts that depend on it are unknown'),
  assumed: z.array(AccessCondition).optional().describe('request conditions (encryption context, kms:ViaService…) taken as met by the caller'),
});
export type AccessEntry = z.infer<typeof AccessEntry>;
