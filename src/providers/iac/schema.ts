import { z } from 'zod';

export const IacConfig = z.strictObject({
  paths: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'Terraform plans (terraform show -json), CloudFormation/CDK templates, ARM templates (bicep build); relative to the policy file (optional when the files are given with audit --iac)',
    ),
  changedOnly: z.boolean().default(false).describe('evaluate only resources the plan creates, updates or replaces (deletions are never evaluated)'),
  sources: z
    .string()
    .min(1)
    .optional()
    .describe('directory of the root Terraform module, for file and line of each resource (default: the directory of each plan)'),
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional()
    .describe('AWS account the plan deploys to (AWS::AccountId, default key policy, account matchers)'),
  region: z.string().min(1).optional().describe("AWS region the plan deploys to (default: the plan's aws provider region)"),
  subscription: z.string().min(1).optional().describe('Azure subscription the plan or template deploys to (account matchers)'),
  tenant: z.string().min(1).optional().describe('Entra tenant of planned vaults and principals'),
});
export type IacConfig = z.infer<typeof IacConfig>;
