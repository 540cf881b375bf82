import { z } from 'zod';
import { canonicalJson } from '../util/canonical-json.ts';
import { Fingerprints, Timestamp } from './common.ts';

/** Who points relying parties at a key set: an issuer's discovery document, or a declared key set. */
export const KeySetTrust = z.strictObject({
  via: z.enum(['discovery', 'key-set']).describe("discovery = the issuer's openid-configuration names this set; key-set = declared in the policy"),
  issuer: z.string().optional().describe('the issuer whose tokens this set verifies (the discovery `issuer`, or the declared one)'),
  discoveryUrl: z.string().optional().describe('the discovery document the set was found through'),
  jwksUri: z.string().optional().describe('`jwks_uri` exactly as the discovery document gives it'),
  labels: z.strictObject({ trustDomain: z.string().optional(), environment: z.string().optional() }).optional(),
  serves: z
    .array(z.string().min(1))
    .optional()
    .describe('trust domains this endpoint declares it serves (a multi-tenant "common" endpoint: consumer and enterprise)'),
});
export type KeySetTrust = z.infer<typeof KeySetTrust>;

/** A known-compromised key indicator that matched this key when it was collected. */
export const CompromiseMatch = z.strictObject({
  id: z.string().min(1).describe('indicator id in the feed'),
  matchedOn: z.enum(['sha1Thumbprint', 'x5t', 'kid', 'jwkThumbprint', 'spkiSha256']),
  source: z.string().min(1).describe('feed the indicator comes from (built-in or a file)'),
  description: z.string().optional(),
});
export type CompromiseMatch = z.infer<typeof CompromiseMatch>;

/** A key found in a JWKS or discovery document. Private members are named, never copied. */
export const PublishedKey = z.strictObject({
  id: z.string().min(1).describe('stable id: <jwks url>#<kid or thumbprint>'),
  provider: z.string().min(1),
  issuer: z.string().optional().describe('the issuer trusting this set, when exactly one does (see trustedBy)'),
  url: z.string().min(1),
  kid: z.string().optional(),
  kty: z.string(),
  use: z.string().optional(),
  keyOps: z.array(z.string()).optional().describe('`key_ops` as published'),
  alg: z.string().optional(),
  keyIssuer: z.string().optional().describe('per-key `issuer` binding published with the key'),
  keySize: z.number().int().positive().optional(),
  curve: z.string().optional(),
  rocaFingerprint: z.boolean().optional().describe('RSA only: the modulus carries the ROCA (CVE-2017-15361) fingerprint'),
  privateMembers: z.array(z.string()).optional().describe('names of private members present (d, p, q, k…)'),
  encodingProblems: z
    .array(z.string())
    .optional()
    .describe(
      'members not written as RFC 7517/7518/8037 require (an EC coordinate shorter than its curve, a leading zero octet, padding), by name; absent = none found',
    ),
  x5t: z.string().optional().describe('`x5t` as published (base64url SHA-1 of the leaf certificate)'),
  x5tS256: z.string().optional().describe('`x5t#S256` as published'),
  certificates: z
    .array(
      z.strictObject({
        subject: z.string().optional(),
        notBefore: Timestamp.optional(),
        notAfter: Timestamp.optional(),
        sha1Thumbprint: z.string().optional(),
        sha256Thumbprint: z.string().optional(),
        matchesKey: z.boolean().optional().describe('leaf only: the certificate holds the same public key as the bare key members'),
        signedByNext: z
          .boolean()
          .optional()
          .describe('the next x5c certificate signed this one (RFC 7517 §4.7); absent on the last entry or when either could not be parsed'),
        parseError: z.string().optional().describe('the entry could not be parsed as a DER certificate'),
      }),
    )
    .optional(),
  labels: z.strictObject({ trustDomain: z.string().optional(), environment: z.string().optional() }).optional(),
  trustedBy: z.array(KeySetTrust).optional().describe('every issuer or declared source that points relying parties at this set'),
  keySetSize: z.number().int().nonnegative().optional().describe('number of keys in the set this key was published in'),
  knownCompromised: z.array(CompromiseMatch).optional().describe('indicators matched at collection; [] = checked, none matched'),
  fingerprints: Fingerprints,
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]+=*$/)
    .optional()
    .describe('base64 DER SubjectPublicKeyInfo (public half only)'),
});
export type PublishedKey = z.infer<typeof PublishedKey>;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const trustOrder = (t: KeySetTrust): string => `${t.via}\u0000${t.issuer ?? ''}\u0000${t.discoveryUrl ?? ''}`;
const sameLabels = (a: KeySetTrust['labels'], b: KeySetTrust['labels']) => a?.trustDomain === b?.trustDomain && a?.environment === b?.environment;

/**
 * A key set's trust entries, each once, in one order (source, issuer, discovery document, then the
 * whole entry): the same list whichever run, or how many shards, found them.
 */
export function orderTrust(entries: readonly KeySetTrust[]): KeySetTrust[] {
  const byText = new Map(entries.map((t) => [canonicalJson(t), t] as const));
  return [...byText.entries()].sort(([ta, a], [tb, b]) => cmp(trustOrder(a), trustOrder(b)) || cmp(ta, tb)).map(([, t]) => t);
}

/**
 * What a published key's trust says as a whole: every entry (ordered), the one issuer when exactly one
 * trusts the set, and the labels when every entry agrees on them. The jwks provider and the merge of
 * sharded parts (each of which saw some of the issuers) both derive them here.
 */
export function trustSummary(entries: readonly KeySetTrust[]): Pick<PublishedKey, 'issuer' | 'labels' | 'trustedBy'> {
  const trustedBy = orderTrust(entries);
  const issuers = [...new Set(trustedBy.map((t) => t.issuer).filter((i): i is string => !!i))];
  const first = trustedBy[0]?.labels;
  const labels = first && (first.trustDomain || first.environment) && trustedBy.every((t) => sameLabels(t.labels, first)) ? first : undefined;
  return { ...(issuers.length === 1 ? { issuer: issuers[0] } : {}), ...(labels ? { labels } : {}), trustedBy };
}
