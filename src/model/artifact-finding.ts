import { z } from 'zod';
import { ARTIFACT_TYPES, MATERIAL_FORMATS } from './artifact-formats.ts';
import { Fingerprints } from './common.ts';

export { ARTIFACT_TYPES, isUnverifiedPrivate, MATERIAL_FORMATS, MATERIAL_HOLDS, type MaterialFormat, PRIVATE_KEY_ENCODINGS } from './artifact-formats.ts';

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
  encrypted: z
    .boolean()
    .optional()
    .describe('the private key is stored encrypted (passphrase-protected PEM, OpenSSH or PuTTY; a PKCS#12 or Java key store entry under its password)'),
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
