// The artifact finding's vocabularies and the one predicate over them, without zod: `keyhygiene scan`
// reads these on its start-up path, where building the model's schemas (zod) would cost more than the scan
// of a small file. artifact-finding.ts re-exports them beside the schema.

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
