// The vocabularies scan and key-material-in-artifact share: every material format is classified by
// what it holds, and "unverified private key" (never clean, exit 3) follows from that classification
// alone. The set used to be built by excluding a plain string list, so a misspelt or forgotten format
// silently counted as private-only (or a new private format as clean).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isUnverifiedPrivate, MATERIAL_FORMATS, MATERIAL_HOLDS, type MaterialFormat, PRIVATE_KEY_ENCODINGS } from '../../src/model/artifact-formats.ts';

describe('material formats', () => {
  it('every format is classified, and nothing else is', () => {
    expectTypeOf<keyof typeof MATERIAL_HOLDS>().toEqualTypeOf<MaterialFormat>();
    expect(Object.keys(MATERIAL_HOLDS).sort()).toEqual([...MATERIAL_FORMATS].sort());
  });

  it('the private-only encodings are the formats classified private', () => {
    expect([...PRIVATE_KEY_ENCODINGS].sort()).toEqual(
      [
        'capi-blob',
        'cng-blob',
        'der-pkcs1',
        'der-pkcs8',
        'der-sec1',
        'java-keystore',
        'jwk',
        'openssh',
        'pem',
        'pkcs12',
        'putty-ppk',
        'xml-rsa-key-value',
      ].sort(),
    );
  });

  it.each(MATERIAL_FORMATS.map((f) => [f]))('an unproven, unencrypted %s is unverified exactly when the format holds only private keys', (f) => {
    expect(isUnverifiedPrivate({ proof: 'unproven', materialFormat: f })).toBe(MATERIAL_HOLDS[f] === 'private');
    expect(isUnverifiedPrivate({ proof: 'unproven', materialFormat: f, encrypted: true })).toBe(false);
    expect(isUnverifiedPrivate({ proof: 'private-key-present', materialFormat: f })).toBe(false);
  });
});
