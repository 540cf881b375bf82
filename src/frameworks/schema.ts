import { z } from 'zod';

/**
 * Where a control's number and wording come from: `primary` read in the standard itself,
 * `secondary` from a source that summarises it, `vendor-mapping` from a tool's mapping (Prowler's
 * compliance files) rather than the licensed standard. Only paraphrases are stored, never the text.
 */
export const SOURCE_KINDS = ['primary', 'secondary', 'vendor-mapping'] as const;
export const SourceKind = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof SourceKind>;

export const FrameworkControl = z.strictObject({
  id: z.string().min(1).describe('the control number as the framework prints it (3.6, SC-12(3), A.8.24, rec-6-rotation)'),
  title: z.string().min(1).max(240).describe('a one-line paraphrase in our words, never the standard text'),
  ref: z.string().optional().describe('a symbolic key that stays the same across versions, e.g. CIS-AWS:kms-rotation'),
  source: SourceKind.optional().describe('overrides the framework default for this control'),
  note: z.string().optional(),
  rules: z.array(z.string().min(1)).min(1).describe('rule ids whose outcomes are evidence for this control'),
});
export type FrameworkControl = z.infer<typeof FrameworkControl>;

/** A framework mapping file, policies/frameworks/<id>.yaml. */
export const Framework = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).describe('framework file format version'),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes')
    .describe('equals the file name, e.g. cis-aws-v5'),
  title: z.string().min(1),
  publisher: z.string().min(1),
  edition: z.string().min(1).describe('version or date of the framework'),
  pack: z.string().min(1).describe('the built-in pack that enables every rule this framework maps'),
  source: SourceKind.describe('where the control numbers come from, unless a control says otherwise'),
  sourceNote: z.string().min(1).describe('which source, and what to verify before printing'),
  url: z.string().optional(),
  controls: z.array(FrameworkControl).min(1),
});
export type Framework = z.infer<typeof Framework>;
