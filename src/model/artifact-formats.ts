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
  'xml-rsa-key-value',
  'pkcs12',
  'java-keystore',
  'rsa-modulus-be',
  'rsa-modulus-le',
  'ec-point',
  'ec-scalar',
  'okp-public',
] as const;

export type MaterialFormat = (typeof MATERIAL_FORMATS)[number];

/**
 * What each encoding holds, every format named (a format added to MATERIAL_FORMATS does not compile
 * until it is classified here): `private`, only ever a private key; `encrypted`, a private key under a
 * passphrase; `public-half`, a memory structure a public key is found in (a modulus, a point, an
 * Ed25519/X25519 public key) or a scalar, reported only once proven.
 */
export const MATERIAL_HOLDS: Readonly<Record<MaterialFormat, 'private' | 'encrypted' | 'public-half'>> = {
  pem: 'private',
  'pem-encrypted': 'encrypted',
  'der-pkcs1': 'private',
  'der-pkcs8': 'private',
  'der-sec1': 'private',
  openssh: 'private',
  'putty-ppk': 'private',
  jwk: 'private',
  'cng-blob': 'private',
  'capi-blob': 'private',
  'xml-rsa-key-value': 'private',
  pkcs12: 'private',
  'java-keystore': 'private',
  'rsa-modulus-be': 'public-half',
  'rsa-modulus-le': 'public-half',
  'ec-point': 'public-half',
  'ec-scalar': 'public-half',
  'okp-public': 'public-half',
};

/**
 * Encodings that only ever hold a private key. One the scanner could not parse or verify (`unproven`, not
 * encrypted) leaves undecided whether a usable private key is there: never clean.
 */
export const PRIVATE_KEY_ENCODINGS: ReadonlySet<MaterialFormat | undefined> = new Set(MATERIAL_FORMATS.filter((f) => MATERIAL_HOLDS[f] === 'private'));

/** Private-key material in a private-only encoding that could not be verified (not encrypted). */
export const isUnverifiedPrivate = (f: { proof?: string; encrypted?: boolean; materialFormat?: MaterialFormat }): boolean =>
  f.proof === 'unproven' && !f.encrypted && PRIVATE_KEY_ENCODINGS.has(f.materialFormat);
