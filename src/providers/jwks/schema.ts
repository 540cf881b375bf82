import { z } from 'zod';
import { kitConfigFields } from '../kit/config.ts';

const labels = {
  trustDomain: z.string().min(1).optional().describe('trust domain of the keys this source publishes (consumer, enterprise…); overrides policy matchers'),
  environment: z.string().min(1).optional().describe('environment of the keys this source publishes (production, staging…)'),
  serves: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'trust domains a multi-domain endpoint is meant to serve (a "common" endpoint: [consumer, enterprise]); its keys of those domains are judged by the endpoint rule, not as published out of scope',
    ),
};

/** An OIDC issuer: its discovery document names the key set relying parties trust. */
export const JwksIssuer = z.strictObject({
  issuer: z.url().describe('issuer URL; the discovery document is read from <issuer>/.well-known/openid-configuration'),
  discoveryUrl: z.url().optional().describe('explicit discovery document URL (default: derived from issuer)'),
  ...labels,
});
export type JwksIssuer = z.infer<typeof JwksIssuer>;

/** A key set read directly: a JWKS URL or a local file (a vendored snapshot, a pinned-key config). */
export const JwksKeySet = z
  .strictObject({
    url: z.url().optional().describe('JWKS URL'),
    path: z.string().min(1).optional().describe('local JWKS file, relative to the policy file'),
    issuers: z.array(z.string().min(1)).optional().describe('issuers whose tokens relying parties verify with this set'),
    ...labels,
  })
  .refine((k) => (k.url === undefined) !== (k.path === undefined), { message: 'A key set names exactly one of `url` or `path`.' });
export type JwksKeySet = z.infer<typeof JwksKeySet>;

export const JwksConfig = z
  .strictObject({
    issuers: z.array(JwksIssuer).default([]).describe('OIDC issuers to read discovery documents and key sets from'),
    keySets: z.array(JwksKeySet).default([]).describe('JWKS URLs or local files read directly'),
    allowHttpLoopback: z.boolean().default(true).describe('allow plain http:// to 127.0.0.0/8, ::1 and localhost (local IdPs, tests)'),
    allowHttp: z.boolean().default(false).describe('allow plain http:// to any host (not recommended: key sets must be authentic)'),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000).describe('per request, including redirects'),
    maxBytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .default(1_048_576)
      .describe('largest response body accepted'),
    maxRedirects: z.number().int().nonnegative().max(10).default(3),
    retries: z.number().int().nonnegative().max(5).default(2).describe('retries after a network error, 429 or 5xx'),
    retryDelayMs: z.number().int().nonnegative().max(30_000).default(500).describe('first retry delay; doubles on each retry'),
    concurrency: z.number().int().positive().max(16).default(4).describe('requests in flight at once'),
    // The kit's total budget, named and bounded as every network provider's is.
    budgetMs: kitConfigFields({ timeoutMs: 10_000, maxAttempts: 3, retryBaseMs: 500, quotaFraction: 1 }).budgetMs,
    caFile: z.string().min(1).optional().describe('extra PEM CA bundle to trust (a private CA), relative to the policy file'),
    knownCompromised: z
      .string()
      .min(1)
      .optional()
      .describe('your own feed of known-compromised keys (YAML or JSON, same format as the built-in policies/feeds/known-compromised.yaml)'),
  })
  .refine((c) => c.issuers.length + c.keySets.length > 0, { message: 'The jwks block needs at least one entry in `issuers` or `keySets`.' });
export type JwksConfig = z.infer<typeof JwksConfig>;

/** One indicator of a known-compromised key; any of the identifying fields may be given. */
export const CompromisedKeyIndicator = z
  .strictObject({
    id: z.string().min(1),
    description: z.string().optional(),
    reference: z.string().optional(),
    sha1Thumbprint: z
      .string()
      .regex(/^[0-9a-fA-F]{40}$/)
      .optional()
      .describe('hex SHA-1 of the DER certificate (as Microsoft publishes thumbprints)'),
    x5t: z
      .string()
      .regex(/^[A-Za-z0-9_-]{27}$/)
      .optional()
      .describe('base64url SHA-1 of the certificate; matched against both `x5t` and `kid`'),
    jwkThumbprint: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional(),
    spkiSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/)
      .optional(),
  })
  .refine((i) => i.sha1Thumbprint || i.x5t || i.jwkThumbprint || i.spkiSha256, {
    message: 'An indicator needs at least one of sha1Thumbprint, x5t, jwkThumbprint or spkiSha256.',
  });
export type CompromisedKeyIndicator = z.infer<typeof CompromisedKeyIndicator>;

export const CompromisedKeyFeed = z.strictObject({
  kind: z.literal('keyhygiene-known-compromised'),
  version: z.literal(1),
  description: z.string().optional(),
  keys: z.array(CompromisedKeyIndicator),
});
export type CompromisedKeyFeed = z.infer<typeof CompromisedKeyFeed>;
