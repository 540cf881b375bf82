// The evidence manifest: what a bundle holds, with a SHA-256 per file. Pure.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Timestamp } from '../model/common.ts';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig.json';
export const MANIFEST_VERSION = 1;

export const ManifestFile = z.strictObject({
  path: z.string().min(1).describe('relative to the bundle directory, forward slashes'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  role: z.enum(['inventory', 'policy', 'policy-source', 'result', 'report', 'baseline']),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const Manifest = z.strictObject({
  kind: z.literal('keyhygiene-evidence'),
  version: z.literal(MANIFEST_VERSION),
  tool: z.strictObject({ name: z.literal('keyhygiene'), version: z.string() }),
  createdAt: Timestamp,
  resultGeneratedAt: Timestamp,
  inventoryGeneratedAt: Timestamp,
  policy: z.strictObject({ file: z.string().optional(), extends: z.array(z.string()) }),
  identities: z
    .array(z.strictObject({ provider: z.string(), identity: z.string().optional(), startedAt: Timestamp.optional(), finishedAt: Timestamp.optional() }))
    .describe('the caller identity each provider used, as the provider recorded it'),
  summary: z.strictObject({
    fail: z.number().int(),
    waived: z.number().int(),
    unknown: z.number().int(),
    error: z.number().int(),
    gaps: z.number().int(),
    incomplete: z.boolean(),
  }),
  files: z.array(ManifestFile),
});
export type Manifest = z.infer<typeof Manifest>;

/** A detached signature over the exact bytes of manifest.json. */
export const ManifestSignature = z.strictObject({
  kind: z.literal('keyhygiene-evidence-signature'),
  algorithm: z.enum(['ed25519', 'ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'ecdsa-p521-sha512']),
  signed: z.literal(MANIFEST_FILE),
  publicKey: z.string().describe('PEM SubjectPublicKeyInfo of the signer'),
  publicKeySha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 of the DER SubjectPublicKeyInfo'),
  signature: z.string().describe('base64; DER-encoded for ECDSA'),
});
export type ManifestSignature = z.infer<typeof ManifestSignature>;

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function fileEntry(path: string, content: string | Uint8Array, role: ManifestFile['role']): ManifestFile {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  return { path, sha256: sha256(content), bytes, role };
}

/** Canonical bytes of a manifest: sorted files, two-space JSON, trailing newline. */
export function renderManifest(m: Manifest): string {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `${JSON.stringify({ ...m, files }, null, 2)}\n`;
}
