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
  'ec-scalar',
  'okp-public',
] as const;

/**
 * Encodings that only ever hold a private key. One the scanner could not parse or verify (`unproven`, not
 * encrypted) leaves undecided whether a usable private key is there: never clean.
 */
export const PRIVATE_KEY_ENCODINGS: ReadonlySet<(typeof MATERIAL_FORMATS)[number] | undefined> = new Set(
  // Everything but the encrypted form and the memory structures a public half is found in (an EC scalar is reported only once proven).
  MATERIAL_FORMATS.filter((f) => !['pem-encrypted', 'rsa-modulus-be', 'rsa-modulus-le', 'ec-point', 'ec-scalar', 'okp-public'].includes(f)),
);

/** Private-key material in a private-only encoding that could not be verified (not encrypted). */
export const isUnverifiedPrivate = (f: { proof?: string; encrypted?: boolean; materialFormat?: (typeof MATERIAL_FORMATS)[number] }): boolean =>
  f.proof === 'unproven' && !f.encrypted && PRIVATE_KEY_ENCODINGS.has(f.materialFormat);

/** Key material found in a file or object: location, format and proof, never the bytes. */
export const ArtifactFinding = z.strictObject({
  id: z.string().min(1).describe('stable id: <location>@<offset>'),
  provider: z.string().min(1),
  location: z.string().min(1).describe('path, s3:// or https:// URL, with archive members joined by "!"'),
  offset: z.number().int().nonnegative(),
  virtualAddress: z
    .string()
    .regex(/^0x[0-9a-f]+$/)
    .optional()
    .describe('for memory images with a layout (ELF core PT_LOAD, minidump memory lists): the address the material had in the process'),
  kind: z
    .enum(['key-material', 'memory-artifact'])
    .optional()
    .describe('key-material (absent = key-material): material found at offset; memory-artifact: the file itself is a memory image'),
  artifactType: z.enum(ARTIFACT_TYPES),
  materialFormat: z.enum(MATERIAL_FORMATS).optional().describe('absent only on memory-artifact records'),
  keyType: z.string().optional(),
  proof: z
    .enum(['private-key-present', 'public-key-only', 'unproven'])
    .optional()
    .describe('private-key-present only when the private half was parsed or a prime factor was found; absent on memory-artifact records'),
  encrypted: z.boolean().optional().describe('the private key is stored encrypted (passphrase-protected PEM, OpenSSH or PuTTY)'),
  matchedKeyId: z.string().optional().describe('inventoried key whose public half matches'),
  store: z
    .strictObject({
      name: z.string().optional().describe('label of the configured source (path entry) the artifact was found in'),
      environment: z.string().optional().describe('environment (by name, from the policy) the store belongs to'),
      internetReachable: z.boolean().optional(),
    })
    .optional(),
  fingerprints: Fingerprints.optional(),
});
export type ArtifactFinding = z.infer<typeof ArtifactFinding>;
