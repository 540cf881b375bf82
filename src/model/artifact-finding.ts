import { z } from 'zod';
import { Fingerprints } from './common.ts';

export const ARTIFACT_TYPES = ['minidump', 'kernel-dump', 'elf-core', 'hprof', 'lime', 'hibernation', 'archive', 'file'] as const;

export const MATERIAL_FORMATS = [
  'pem',
  'pem-encrypted',
  'der-pkcs1',
  'der-pkcs8',
  'der-sec1',
  'openssh',
  'putty-ppk',
  'jwk',
  'cng-blob',
  'capi-blob',
  'rsa-modulus-be',
  'rsa-modulus-le',
  'ec-point',
] as const;

/** Key material found in a file or object: location, format and proof, never the bytes. */
export const ArtifactFinding = z.strictObject({
  id: z.string().min(1).describe('stable id: <location>@<offset>'),
  provider: z.string().min(1),
  location: z.string().min(1).describe('path, s3:// or https:// URL, with archive members joined by "!"'),
  offset: z.number().int().nonnegative(),
  artifactType: z.enum(ARTIFACT_TYPES),
  materialFormat: z.enum(MATERIAL_FORMATS),
  keyType: z.string().optional(),
  proof: z
    .enum(['private-key-present', 'public-key-only', 'unproven'])
    .describe('private-key-present only when the private half was parsed or a prime factor was found'),
  matchedKeyId: z.string().optional().describe('inventoried key whose public half matches'),
  store: z
    .strictObject({
      environment: z.string().optional(),
      internetReachable: z.boolean().optional(),
    })
    .optional(),
  fingerprints: Fingerprints.optional(),
});
export type ArtifactFinding = z.infer<typeof ArtifactFinding>;
