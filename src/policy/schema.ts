import { z } from 'zod';
import { ENVIRONMENT_KINDS, EnvironmentKind, Severity } from '../model/common.ts';
import { ProvidersConfig } from '../providers/config.ts';

export const POLICY_VERSION = 1;

const globs = (what: string) => z.array(z.string().min(1)).min(1).describe(`${what}; * and ? are wildcards, a leading ! excludes ("!*deploy*")`);

const MATCHER_FIELDS = {
  providers: globs('provider ids (aws-kms, azure-keyvault, jwks…)').optional(),
  accounts: globs('AWS accounts, Azure subscriptions or tenants, GCP projects — of keys and of principals').optional(),
  regions: globs('regions or locations').optional(),
  containers: globs('vaults, managed HSMs or key rings').optional(),
  ids: globs('key ARNs, URIs or resource names').optional(),
  tags: z
    .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))
    .optional()
    .describe('tag → value glob (or list of globs); all listed tags must match'),
  principals: globs('principal ids or names (ARNs, object ids, member strings)').optional(),
  paths: globs('IAM paths of principals (/debug/*, /ci/…): users and roles read from IAM carry theirs').optional(),
  issuers: globs('token issuers (OIDC issuer URLs)').optional(),
};

const nonEmpty = (m: object) => Object.keys(m).length > 0;
const NEEDS_A_FIELD = 'A matcher needs at least one field (providers, accounts, regions, containers, ids, tags, principals, paths, issuers or not).';

/** A matcher inside `not:` (no nested `not:`: one level of exclusion reads clearly). */
export const BaseMatcher = z.strictObject(MATCHER_FIELDS).refine(nonEmpty, { message: NEEDS_A_FIELD });
export type BaseMatcher = z.infer<typeof BaseMatcher>;

/**
 * One matcher: every field given must match (AND). A list of matchers matches when any does (OR).
 * Fields that do not apply to a subject (tags on a principal, say) make the matcher not match it.
 * A glob starting with `!` excludes; `not:` excludes what any of its matchers match.
 */
export const Matcher = z
  .strictObject({
    ...MATCHER_FIELDS,
    not: z
      .union([BaseMatcher, z.array(BaseMatcher).min(1)])
      .optional()
      .describe('excludes subjects that this matcher (or any of this list) matches; alone, matches every subject it does not'),
  })
  .refine(nonEmpty, { message: NEEDS_A_FIELD });
export type Matcher = z.infer<typeof Matcher>;

const matchList = z.array(Matcher).min(1).describe('matches when any matcher matches');

export { ENVIRONMENT_KINDS, EnvironmentKind };

export const Environment = z.strictObject({
  kind: EnvironmentKind.describe('what the environment is for; exposure rules treat debug, development, ci and test as untrusted'),
  description: z.string().optional(),
  match: matchList,
});
export type Environment = z.infer<typeof Environment>;

export const TrustDomain = z.strictObject({
  description: z.string().optional(),
  match: matchList,
});
export type TrustDomain = z.infer<typeof TrustDomain>;

/** What identity-plane records a token-signing key class requires, in days of retention. */
export const KeyClassLogging = z
  .strictObject({
    issuance: z.number().int().positive().optional().describe("days the issuer's record of each token issued with the key (Entra sign-in logs) must be kept"),
    use: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('days a premium-grade record of each use of those tokens at the relying party (MailItemsAccessed) must be kept'),
  })
  .refine((l) => l.issuance !== undefined || l.use !== undefined, { message: 'logging needs issuance, use or both (days of retention).' });
export type KeyClassLogging = z.infer<typeof KeyClassLogging>;

export const KeyClass = z.strictObject({
  description: z.string().optional(),
  match: z.array(Matcher).optional().describe('keys of this class; a class with no matcher is only a template'),
  maxAgeDays: z.number().int().positive().optional().describe('cryptoperiod: oldest acceptable age of the key material in use'),
  maxRotationPeriodDays: z.number().int().positive().optional().describe('longest automatic rotation period allowed'),
  requireHsm: z.boolean().optional().describe('material must be generated and held in an HSM, non-exportable'),
  requireAutomatedRotation: z.boolean().optional(),
  logging: KeyClassLogging.optional().describe('identity-plane records a token-signing key of this class needs (rule token-key-logging)'),
  source: z.string().optional().describe('where the limits come from (standard, section)'),
});
export type KeyClass = z.infer<typeof KeyClass>;

const TENANT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A token issuer declared in policy: which keys sign its tokens and which tenants' logs record them. */
export const TokenIssuer = z.strictObject({
  issuer: z.string().min(1).describe('the issuer URL (iss claim), e.g. https://login.microsoftonline.com/<tenant>/v2.0'),
  description: z.string().optional(),
  keys: z.array(Matcher).min(1).optional().describe("keys that sign this issuer's tokens (JWKS fingerprints link published keys without this)"),
  tenants: z
    .array(z.string().regex(TENANT_ID, 'a tenant id is a GUID, e.g. 00000000-0000-0000-0000-000000000000'))
    .default([])
    .describe("Entra / Microsoft 365 tenants whose logs record this issuer's tokens: issued (sign-in logs) and used (mailbox audit)"),
});
export type TokenIssuer = z.infer<typeof TokenIssuer>;

/** A service that accepts tokens: which key sets or issuers it trusts, and how it validates them. */
export const RelyingParty = z
  .strictObject({
    description: z.string().optional(),
    trustDomain: z.string().min(1).describe('the trust domain whose tokens it must accept, and no other'),
    environment: z.string().min(1).optional(),
    trusts: z
      .array(z.string().min(1))
      .min(1)
      .describe(
        'JWKS URLs, discovery documents or issuer URLs it takes signing keys from (globs allowed), e.g. https://login.example.com/common/discovery/v2.0/keys',
      ),
    validatesIssuer: z.boolean().describe("whether it checks the `iss` claim (and the key's `issuer` binding) against allowedIssuers"),
    allowedIssuers: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('issuers it accepts when it validates the issuer (templates like {tenantid} allowed)'),
    audiences: z.array(z.string().min(1)).optional().describe('`aud` values it accepts (documentation; not judged)'),
  })
  .refine((r) => !r.validatesIssuer || r.allowedIssuers !== undefined, {
    message: 'a relying party that validates the issuer lists the issuers it accepts (allowedIssuers).',
  });
export type RelyingParty = z.infer<typeof RelyingParty>;

export const RuleLevel = z.union([z.literal('off'), Severity]);
export type RuleLevel = z.infer<typeof RuleLevel>;

/** Parsed loosely here; rule ids and options are checked against the registry in resolve.ts. */
export const RuleSetting = z.union([RuleLevel, z.tuple([RuleLevel]), z.tuple([RuleLevel, z.record(z.string(), z.unknown())])]);
export type RuleSetting = z.infer<typeof RuleSetting>;

const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).describe('YYYY-MM-DD (end of that day, UTC) or an ISO timestamp');

export const Waiver = z
  .strictObject({
    rule: z.string().min(1).describe('rule id (or alias) the waiver applies to'),
    subject: z.string().min(1).optional().describe('the exact subject id (ARN, key URI…)'),
    subjectGlob: z.string().min(1).optional().describe('an explicitly marked glob over subject ids'),
    finding: z.string().min(1).optional().describe('only this finding of the subject (e.g. one principal)'),
    reason: z.string().trim().min(10, 'A waiver reason must be at least 10 characters: say why the risk is accepted.'),
    approver: z.string().trim().min(1),
    expires: DateOrDateTime,
    ticket: z.string().optional(),
  })
  .refine((w) => (w.subject === undefined) !== (w.subjectGlob === undefined), {
    message: 'A waiver names exactly one of `subject` (exact id) or `subjectGlob` (explicit glob).',
  });
export type Waiver = z.infer<typeof Waiver>;

export const Precedence = z.strictObject({
  environments: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('environment names, the one that wins first (e.g. [debug, production]: a role matching both is debug)'),
  trustDomains: z.array(z.string().min(1)).min(1).optional().describe('trust domain names, the one that wins first'),
});
export type Precedence = z.infer<typeof Precedence>;

const tagKey = (dflt: string, what: string) => z.string().min(1).optional().describe(`${what} (default ${dflt})`);

/** Tag keys the built-in packs and rules read, renamed for estates that already tag under other names. */
export const TagKeys = z.strictObject({
  keyClass: tagKey('key-class', "the tag the packs' key classes match (key-class: token-signing-shared…)"),
  rotation: tagKey('keyhygiene:rotation', 'the tag whose value `automated` records an automated successor process'),
  rotationDrill: tagKey('keyhygiene:rotation-drill', 'the tag holding the date of the last rotation drill'),
  deletionApproved: tagKey('keyhygiene:deletion-approved', 'the tag acknowledging an intended deletion'),
  multiRegion: tagKey('keyhygiene:multi-region', 'the tag whose value `approved` marks replication as intended'),
  ageAlert: tagKey('keyhygiene:age-alert', 'the tag declaring an age alert configured outside the key service'),
});
export type TagKeys = z.infer<typeof TagKeys>;

/** The default tag key of each TagKeys field (the packs and rules are written with these). */
export const DEFAULT_TAG_KEYS: Required<TagKeys> = {
  keyClass: 'key-class',
  rotation: 'keyhygiene:rotation',
  rotationDrill: 'keyhygiene:rotation-drill',
  deletionApproved: 'keyhygiene:deletion-approved',
  multiRegion: 'keyhygiene:multi-region',
  ageAlert: 'keyhygiene:age-alert',
};

/** What a subject that matches no environment or trust domain is, for the verdicts that depend on it. */
export const Unclassified = z.union([
  z.literal('unknown').describe('every verdict that depends on where such a subject belongs is unknown (the default)'),
  z.literal('ignore').describe('rules leave such subjects out (a verdict never depends on them)'),
  z
    .strictObject({
      environment: z.string().min(1).optional().describe('the environment a subject that matches none belongs to (e.g. debug: trust nothing unnamed)'),
      trustDomain: z.string().min(1).optional().describe('the trust domain a subject that matches none belongs to'),
    })
    .refine((u) => u.environment !== undefined || u.trustDomain !== undefined, { message: 'name an environment, a trust domain or both.' }),
]);
export type Unclassified = z.infer<typeof Unclassified>;

/** Which CI runs count as production: federated identities (GitHub Actions, GitLab, Terraform Cloud OIDC) admitting anything else are CI. */
export const CiProduction = z.strictObject({
  repositories: globs('GitHub owner/repo, GitLab group/project, or Terraform Cloud organization/workspace'),
  branches: globs('branches whose runs are production (refs/heads/<branch>)').optional(),
  environments: globs('GitHub deployment environments whose jobs are production').optional(),
  tags: globs('tags whose runs are production (refs/tags/<tag>)').optional(),
});
export type CiProduction = z.infer<typeof CiProduction>;

export const Ci = z.strictObject({
  production: z
    .array(CiProduction)
    .default([])
    .describe('what counts as production; every other subject a trust admits (pull requests, other branches, wildcards) is CI'),
  environment: z
    .string()
    .min(1)
    .optional()
    .describe('the policy environment federated CI identities belong to (default: a built-in environment "ci" of kind ci)'),
  productionEnvironment: z
    .string()
    .min(1)
    .optional()
    .describe('the policy environment production CI identities belong to (default: the one environment of kind production)'),
});
export type Ci = z.infer<typeof Ci>;

export const Policy = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(POLICY_VERSION).describe('policy language version'),
  description: z.string().optional(),
  extends: z.array(z.string().min(1)).optional().describe('packs (recommended, strict…) or relative policy files; default [recommended]'),
  environments: z.record(z.string(), Environment).optional(),
  trustDomains: z.record(z.string(), TrustDomain).optional(),
  keyClasses: z.record(z.string(), KeyClass).optional(),
  tokenIssuers: z.record(z.string(), TokenIssuer).optional().describe('token issuers, the keys that sign for them and the tenants that log them'),
  ci: Ci.optional().describe('CI systems that reach cloud roles through OIDC federation: which repositories, branches, environments and tags are production'),
  relyingParties: z
    .record(z.string(), RelyingParty)
    .optional()
    .describe('services that accept tokens: the key sets they trust and whether they validate the issuer (rule relying-party-foreign-key)'),
  precedence: Precedence.optional().describe(
    'which environment or trust domain wins when a key or principal matches several; without it such a subject is ambiguous and every verdict that depends on its scope is unknown',
  ),
  unclassified: Unclassified.optional().describe(
    'a key or principal that matches no environment or trust domain: unknown (default: dependent verdicts are unknown), ignore, or { environment, trustDomain } to place it',
  ),
  tagKeys: TagKeys.optional().describe('tag keys the packs and rules read, for estates that tag under other names'),
  providers: ProvidersConfig.optional(),
  rules: z.record(z.string(), RuleSetting).optional().describe('ESLint style: off | <severity> | [<severity>, {options}]'),
  waivers: z.array(Waiver).optional(),
  baseline: z.string().optional().describe('path to a previous JSON result'),
});
export type Policy = z.infer<typeof Policy>;
