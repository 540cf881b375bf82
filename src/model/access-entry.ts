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
  tags: Tags.optional().describe('tags of a principal declared in the same IaC plan (classified by tag matchers)'),
});
export type Principal = z.infer<typeof Principal>;

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
});
export type AccessEntry = z.infer<typeof AccessEntry>;
