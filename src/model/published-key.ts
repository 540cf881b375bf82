import { z } from 'zod';
import { Fingerprints, Timestamp } from './common.ts';

/** A key found in a JWKS or discovery document. Private members are named, never copied. */
export const PublishedKey = z.strictObject({
  id: z.string().min(1).describe('stable id: <jwks url>#<kid or thumbprint>'),
  provider: z.string().min(1),
  issuer: z.string().optional(),
  url: z.string().min(1),
  kid: z.string().optional(),
  kty: z.string(),
  use: z.string().optional(),
  alg: z.string().optional(),
  keyIssuer: z.string().optional().describe('per-key `issuer` binding published with the key'),
  keySize: z.number().int().positive().optional(),
  curve: z.string().optional(),
  privateMembers: z.array(z.string()).optional().describe('names of private members present (d, p, q, k…)'),
  certificates: z
    .array(
      z.strictObject({
        subject: z.string().optional(),
        notBefore: Timestamp.optional(),
        notAfter: Timestamp.optional(),
        sha1Thumbprint: z.string().optional(),
      }),
    )
    .optional(),
  labels: z.strictObject({ trustDomain: z.string().optional(), environment: z.string().optional() }).optional(),
  fingerprints: Fingerprints,
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]+=*$/)
    .optional()
    .describe('base64 DER SubjectPublicKeyInfo (public half only)'),
});
export type PublishedKey = z.infer<typeof PublishedKey>;
