// .NET's XML RSA keys: `RSA.ToXmlString(true)` writes W3C XML Signature's <RSAKeyValue> (§4.4.2.2:
// Modulus, Exponent) with the private members P, Q, DP, DQ, InverseQ and D, each the standard base64 of a
// big-endian integer. Found in any namespace prefix and pretty-printed; proven by p·q = n (or by d when
// only d is given); a public RSAKeyValue is nothing; a damaged or cut one is unverified, never clean.
import { describe, expect, it } from 'vitest';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import { makeKey, xmlRsaKeyValue } from './material.ts';

const k = () => makeKey('rsa2048', 12);
const table = () => new KnownKeyTable([{ id: 'vault/rsa', publicKey: k().spkiB64 }]);
const b64 = (v: string | undefined) => Buffer.from(v ?? '', 'base64url').toString('base64');
/** Each hit: offset, format, proof, and whether its fingerprint is the known key's (the file layer names it by that). */
const rows = (text: string | Buffer) =>
  scanBuffer(Buffer.from(text), table()).map((h) => [
    h.offset,
    h.format,
    h.proof,
    h.fingerprints?.spkiSha256 === k().fingerprints.spkiSha256 ? 'vault/rsa' : undefined,
  ]);

describe('RSAKeyValue XML', () => {
  it('RSA.ToXmlString(true) inside a config file: found at its opening tag, proven and matched', () => {
    const pre = '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <signing>\n    ';
    const text = `${pre}${xmlRsaKeyValue(k())}\n  </signing>\n</configuration>\n`;
    expect(rows(text)).toEqual([[pre.length, 'xml-rsa-key-value', 'private-key-present', 'vault/rsa']]);
  });

  it('with the XML-DSig namespace prefix, pretty-printed with base64 wrapped over lines', () => {
    const j = k().jwk;
    const wrapped = (v: string | undefined) => `\n      ${(b64(v).match(/.{1,64}/g) as string[]).join('\n      ')}\n    `;
    const members = (
      [
        ['Modulus', j.n],
        ['Exponent', j.e],
        ['P', j.p],
        ['Q', j.q],
        ['DP', j.dp],
        ['DQ', j.dq],
        ['InverseQ', j.qi],
        ['D', j.d],
      ] as const
    ).map(([name, v]) => `    <ds:${name}>${wrapped(v)}</ds:${name}>`);
    const text = `<ds:KeyValue xmlns:ds="http://www.w3.org/2000/09/xmldsig#">\n  <ds:RSAKeyValue>\n${members.join('\n')}\n  </ds:RSAKeyValue>\n</ds:KeyValue>\n`;
    expect(rows(text)).toEqual([[text.indexOf('<ds:RSAKeyValue>'), 'xml-rsa-key-value', 'private-key-present', 'vault/rsa']]);
  });

  it('only Modulus, Exponent and D: proven by 2^(e·d) ≡ 2 (mod n)', () => {
    const j = k().jwk;
    const text = `<RSAKeyValue><Modulus>${b64(j.n)}</Modulus><Exponent>${b64(j.e)}</Exponent><D>${b64(j.d)}</D></RSAKeyValue>`;
    expect(rows(text)).toEqual([[0, 'xml-rsa-key-value', 'private-key-present', 'vault/rsa']]);
  });

  it('a public RSAKeyValue (XML-DSig KeyInfo) is no finding', () => {
    const j = k().jwk;
    const text = `<KeyInfo><KeyValue><RSAKeyValue><Modulus>${b64(j.n)}</Modulus><Exponent>AQAB</Exponent></RSAKeyValue></KeyValue></KeyInfo>`;
    expect(scanBuffer(Buffer.from(text))).toEqual([]);
  });

  it('a damaged key (Q altered) and a cut one (no closing tag) are unverified, not clean', () => {
    const good = xmlRsaKeyValue(k()).toString('latin1');
    const q = good.indexOf('<Q>') + 3;
    const damaged = `${good.slice(0, q)}${good[q] === 'A' ? 'B' : 'A'}${good.slice(q + 1)}`;
    expect(scanBuffer(Buffer.from(damaged)).map((h) => [h.format, h.proof])).toEqual([['xml-rsa-key-value', 'unproven']]);
    const cut = good.slice(0, good.indexOf('<DQ>') + 40);
    const hits = scanBuffer(Buffer.from(cut), table());
    expect(hits.map((h) => [h.offset, h.format, h.proof])).toEqual([[0, 'xml-rsa-key-value', 'unproven']]);
  });
});
