// Public keys as DER SubjectPublicKeyInfo without a crypto object per key. A known key needs only a
// few fields (RSA n and e, an EC point, an Ed25519/X25519 key); they are read from a JWK, an SSH
// blob, a PKCS#1 key or a certificate and written as the exact bytes node:crypto exports for that
// key, or an SPKI is checked to be those bytes already (written again from its fields and compared).
// Only plain shapes take this path: whatever else (other key types, non-canonical encodings, lenient
// base64) returns undefined and the caller goes through node:crypto, which accepts or rejects it as
// before. So this path never accepts what node:crypto rejects (EC points are checked on the curve)
// and never yields other bytes (test/scan/spki.test.ts compares it with node:crypto).
import { bigFromBE, children, HEX, readTlv, type Tlv } from './bytes.ts';

/** The curves known keys are indexed for (the table's curve column is an index into this list). */
export const CURVES = ['P-256', 'P-384', 'P-521', 'secp256k1', 'Ed25519', 'X25519'] as const;

const hexBytes = (h: string): Buffer => Buffer.from(h, 'hex');
const RSA_OID = '2a864886f70d010101';
const EC_OID = '2a8648ce3d0201';
/** Curve OID (hex of the content) → index in CURVES. */
const EC_OIDS: Record<string, number> = { '2a8648ce3d030107': 0, '2b81040022': 1, '2b81040023': 2, '2b8104000a': 3 };
const OKP_OIDS: Record<string, number> = { '2b6570': 4, '2b656e': 5 };

/** Short-Weierstrass curve y² = x³ + ax + b over GF(p) (SEC 2; FIPS 186-4 D.1.2), with its OID and field size. */
interface Curve {
  oid: Uint8Array;
  size: number;
  p: bigint;
  a: bigint;
  b: bigint;
}
const P256 = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P384 = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn;
const P521 = (1n << 521n) - 1n;
const K256 = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const EC_CURVES: Record<string, Curve> = {
  'P-256': { oid: hexBytes('2a8648ce3d030107'), size: 32, p: P256, a: P256 - 3n, b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn },
  'P-384': {
    oid: hexBytes('2b81040022'),
    size: 48,
    p: P384,
    a: P384 - 3n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
  'P-521': {
    oid: hexBytes('2b81040023'),
    size: 66,
    p: P521,
    a: P521 - 3n,
    b: 0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  },
  secp256k1: { oid: hexBytes('2b8104000a'), size: 32, p: K256, a: 0n, b: 7n },
};
const OKP_CURVES: Record<string, Uint8Array> = { Ed25519: hexBytes('2b6570'), X25519: hexBytes('2b656e') };

/** Where a key's needle (RSA modulus, EC x‖y, OKP key: big-endian, no leading zeros) and RSA exponent lie in an SPKI. */
export interface SpkiFields {
  /** 0 RSA, 1 EC, 2 OKP. */
  type: 0 | 1 | 2;
  /** Index in CURVES, or −1. */
  curve: number;
  start: number;
  end: number;
  eStart: number;
  eEnd: number;
}

/** An OID's content bytes as hex, written byte by byte (no Buffer view per key: 10,000 keys are parsed in one build). */
function oidHex(der: Uint8Array, t: Tlv): string {
  let out = '';
  for (let i = t.contentStart; i < t.end; i++) out += HEX[der[i] as number];
  return out;
}

/** Where a DER INTEGER's unsigned value starts (leading zero bytes skipped). */
function intStart(der: Uint8Array, t: Tlv): number {
  let s = t.contentStart;
  while (s < t.end - 1 && der[s] === 0) s++;
  return s;
}

function rsaFields(der: Uint8Array, bits: Tlv): SpkiFields | undefined {
  const rsa = readTlv(der, bits.contentStart + 1, bits.end);
  const n = rsa?.tag === 0x30 ? readTlv(der, rsa.contentStart, rsa.end) : undefined;
  const e = rsa && n?.tag === 0x02 ? readTlv(der, n.end, rsa.end) : undefined;
  if (!rsa || !n || e?.tag !== 0x02 || e.end !== rsa.end || rsa.end !== bits.end) return undefined;
  return { type: 0, curve: -1, start: intStart(der, n), end: n.end, eStart: intStart(der, e), eEnd: e.end };
}

/**
 * Structural parse, in place, of an RSA, EC or Ed25519/X25519 SubjectPublicKeyInfo at der[s, e):
 * SEQUENCE { SEQUENCE { OID [, parameters] }, BIT STRING }; undefined for anything else.
 */
export function parseSpki(der: Uint8Array, s: number, e: number): SpkiFields | undefined {
  const top = readTlv(der, s, e);
  const alg = top?.tag === 0x30 && top.end === e ? readTlv(der, top.contentStart, e) : undefined;
  const bits = alg?.tag === 0x30 ? readTlv(der, alg.end, e) : undefined;
  if (!alg || bits?.tag !== 0x03 || bits.end !== e || der[bits.contentStart] !== 0) return undefined;
  const oid = readTlv(der, alg.contentStart, alg.end);
  const param = oid && oid.end < alg.end ? readTlv(der, oid.end, alg.end) : undefined;
  if (oid?.tag !== 0x06 || (param ? param.end : oid.end) !== alg.end) return undefined;
  const algorithm = oidHex(der, oid);
  if (algorithm === RSA_OID) return rsaFields(der, bits);
  const p = bits.contentStart + 1;
  if (algorithm === EC_OID && param?.tag === 0x06) {
    const curve = EC_OIDS[oidHex(der, param)];
    if (curve === undefined || der[p] !== 4 || (e - p) % 2 !== 1) return undefined;
    return { type: 1, curve, start: p + 1, end: e, eStart: 0, eEnd: 0 };
  }
  const okp = OKP_OIDS[algorithm];
  if (okp !== undefined && !param && e - p === 32) return { type: 2, curve: okp, start: p, end: e, eStart: 0, eEnd: 0 };
  return undefined;
}

/** A DER value to write: bytes as they are, or [tag, ...content]. */
type Der = Uint8Array | [number, ...Der[]];

/** Bytes enough for d: its leaves plus at most five header bytes per constructed value. */
function bound(d: Der): number {
  if (!Array.isArray(d)) return d.length;
  let n = 5;
  for (let i = 1; i < d.length; i++) n += bound(d[i] as Der);
  return n;
}

/**
 * Write d so that it ends just before out[end]; returns where it starts. Written backwards, each
 * value's content comes before its header is known, so every length is counted once (the forward
 * writer measured each subtree again at every level above it: most of loading 10,000 JWKs).
 */
function writeBack(d: Der, out: Buffer, end: number): number {
  if (!Array.isArray(d)) {
    out.set(d, end - d.length);
    return end - d.length;
  }
  let o = end;
  for (let i = d.length - 1; i >= 1; i--) o = writeBack(d[i] as Der, out, o);
  const n = end - o;
  out[--o] = n & 0xff;
  if (n >= 0x100) out[--o] = (n >> 8) & 0xff;
  if (n >= 0x10000) out[--o] = n >> 16;
  if (n >= 0x80) out[--o] = 0x80 | (n < 0x100 ? 1 : n < 0x10000 ? 2 : 3);
  out[--o] = d[0];
  return o;
}

/** DER bytes in one allocation. */
function encode(d: Der): Buffer {
  const cap = bound(d);
  const out = Buffer.allocUnsafe(cap);
  return out.subarray(writeBack(d, out, cap));
}

const ZERO = hexBytes('00');
const NULL = hexBytes('0500');
const RSA_ALGORITHM: Der = [0x30, [0x06, hexBytes(RSA_OID)], NULL];
const EC_ALGORITHM = [0x06, hexBytes(EC_OID)] as Der;

/** Unsigned big-endian bytes without their leading zeros. */
function stripped(b: Uint8Array): Uint8Array {
  let s = 0;
  while (s < b.length && b[s] === 0) s++;
  return b.subarray(s);
}

/** A positive DER INTEGER of unsigned big-endian bytes (no leading zeros). */
const integer = (v: Uint8Array): Der => ((v[0] as number) >= 0x80 ? [0x02, ZERO, v] : [0x02, v]);

/** The SPKI of an RSA public key (n, e unsigned big-endian), as node:crypto exports it; undefined when either is zero. */
export function rsaSpki(n: Uint8Array, e: Uint8Array): Buffer | undefined {
  const nn = stripped(n);
  const ee = stripped(e);
  if (nn.length === 0 || ee.length === 0) return undefined;
  return encode([0x30, RSA_ALGORITHM, [0x03, ZERO, [0x30, integer(nn), integer(ee)]]]);
}

/** The SPKI of an EC public point (affine x, y, unsigned big-endian); undefined unless the point lies on the named curve. */
export function ecSpki(crv: string, x: Uint8Array, y: Uint8Array): Buffer | undefined {
  const c = EC_CURVES[crv];
  const xs = stripped(x);
  const ys = stripped(y);
  if (!c || xs.length > c.size || ys.length > c.size) return undefined;
  const X = bigFromBE(xs, 0, xs.length);
  const Y = bigFromBE(ys, 0, ys.length);
  if (X >= c.p || Y >= c.p || (Y * Y - (X * X * X + c.a * X + c.b)) % c.p !== 0n) return undefined;
  const point = Buffer.alloc(1 + 2 * c.size);
  point[0] = 4;
  point.set(xs, 1 + c.size - xs.length);
  point.set(ys, 1 + 2 * c.size - ys.length);
  return encode([0x30, [0x30, EC_ALGORITHM, [0x06, c.oid]], [0x03, ZERO, point]]);
}

/** The SPKI of an Ed25519 or X25519 public key (32 bytes). */
export function okpSpki(crv: string, x: Uint8Array): Buffer | undefined {
  const oid = OKP_CURVES[crv];
  if (!oid || x.length !== 32) return undefined;
  return encode([0x30, [0x30, [0x06, oid]], [0x03, ZERO, x]]);
}

/** The SPKI at der[s, e) when it is exactly what node:crypto exports for its key (an RSA, EC or OKP key in canonical DER), else undefined. */
export function canonicalSpki(der: Buffer, s = 0, e = der.length): Buffer | undefined {
  const f = parseSpki(der, s, e);
  if (!f) return undefined;
  const again =
    f.type === 0
      ? rsaSpki(der.subarray(f.start, f.end), der.subarray(f.eStart, f.eEnd))
      : f.type === 1
        ? ecSpki(CURVES[f.curve] as string, der.subarray(f.start, f.start + (f.end - f.start) / 2), der.subarray(f.start + (f.end - f.start) / 2, f.end))
        : okpSpki(CURVES[f.curve] as string, der.subarray(f.start, f.end));
  return again?.equals(der.subarray(s, e)) ? der.subarray(s, e) : undefined;
}

/** The SPKI of a PKCS#1 RSAPublicKey (SEQUENCE { n, e }) in canonical DER, else undefined. */
export function pkcs1Spki(der: Buffer): Buffer | undefined {
  const top = readTlv(der, 0, der.length);
  const kids = top?.tag === 0x30 && top.end === der.length ? children(der, top, 3) : undefined;
  const [n, e] = kids?.length === 2 ? kids : [];
  if (n?.tag !== 0x02 || e?.tag !== 0x02) return undefined;
  const spki = rsaSpki(der.subarray(n.contentStart, n.end), der.subarray(e.contentStart, e.end));
  // Canonical only: the key's own bytes must be the ones written back.
  return spki?.subarray(spki.length - der.length).equals(der) ? spki : undefined;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Bits a base64 character carries past the last whole byte are zero (so the text is the one encoding of its bytes). */
function tailZero(v: string): boolean {
  const c = v.charCodeAt(v.length - 1);
  const sextet = c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 45 ? 62 : 63;
  const r = v.length % 4;
  return r === 0 || (r === 2 && (sextet & 15) === 0) || (r === 3 && (sextet & 3) === 0);
}

/** A JWK member as bytes, when it is canonical base64url (node:crypto's lenient decoding is left to node:crypto). */
function member(jwk: Record<string, unknown>, name: string): Buffer | undefined {
  const v = jwk[name];
  if (typeof v !== 'string' || v.length % 4 === 1 || !B64URL.test(v) || (v.length > 0 && !tailZero(v))) return undefined;
  return Buffer.from(v, 'base64url');
}

/** The SPKI of a public JWK (RSA; EC on P-256, P-384, P-521, secp256k1; Ed25519, X25519), else undefined. */
export function jwkSpki(jwk: Record<string, unknown>): Buffer | undefined {
  const crv = typeof jwk.crv === 'string' ? jwk.crv : '';
  if (jwk.kty === 'RSA') {
    const n = member(jwk, 'n');
    const e = member(jwk, 'e');
    return n && e ? rsaSpki(n, e) : undefined;
  }
  const x = member(jwk, 'x');
  if (!x) return undefined;
  if (jwk.kty === 'OKP') return okpSpki(crv, x);
  const y = member(jwk, 'y');
  return jwk.kty === 'EC' && y ? ecSpki(crv, x, y) : undefined;
}

/** The tags of a TBSCertificate's fields in order (RFC 5280 §4.1): version, serial, signature, issuer, validity, subject, SPKI. */
const TBS_TAGS = [0xa0, 0x02, 0x30, 0x30, 0x30, 0x30, 0x30];
/** After the SPKI: issuerUniqueID [1], subjectUniqueID [2], extensions [3], each optional, in this order. */
const TBS_TAIL = [0x81, 0x82, 0xa3];

/** The fields of a TBSCertificate when the certificate is DER SEQUENCE { tbs, algorithm, BIT STRING } in RFC 5280's shape. */
function tbsFields(der: Buffer): Tlv[] | undefined {
  const top = readTlv(der, 0, der.length);
  const parts = top?.tag === 0x30 && top.end === der.length ? children(der, top, 3) : undefined;
  if (parts?.length !== 3 || parts[0]?.tag !== 0x30 || parts[1]?.tag !== 0x30 || parts[2]?.tag !== 0x03) return undefined;
  const tbs = children(der, parts[0], 10);
  if (tbs?.[0]?.tag !== 0xa0) return undefined; // v1 certificates (no version field) go through node:crypto
  for (const [i, tag] of TBS_TAGS.entries()) if (tbs[i]?.tag !== tag) return undefined;
  let next = 0;
  for (const t of tbs.slice(TBS_TAGS.length)) {
    const at = TBS_TAIL.indexOf(t.tag);
    if (at < next) return undefined;
    next = at + 1;
  }
  const validity = children(der, tbs[4] as Tlv, 3);
  const times = validity?.every((t) => t.tag === 0x17 || t.tag === 0x18);
  return times && validity?.length === 2 ? tbs : undefined;
}

/** A common name printed as node:crypto prints it (no RFC 2253 escaping needed), else undefined. */
const PLAIN_NAME = /^[A-Za-z0-9._@*()/:'=-](?:[A-Za-z0-9 ._@*()/:'=-]*[A-Za-z0-9._@*()/:'=-])?$/;
const CN_OID = '550403';
/** String types whose bytes are the characters, for plain names: UTF8String, PrintableString, IA5String. */
const NAME_STRINGS = new Set([0x0c, 0x13, 0x16]);

/**
 * The subject's first common name, as X509Certificate's subject prints it: a string, '' for none,
 * or undefined when only node:crypto can say (a multi-valued RDN, another string type, a name
 * that would be escaped).
 */
function commonName(der: Buffer, subject: Tlv): string | undefined {
  const rdns = children(der, subject, 64);
  if (!rdns) return undefined;
  let cn: string | undefined;
  for (const rdn of rdns) {
    const avas = rdn.tag === 0x31 ? children(der, rdn, 2) : undefined;
    const ava = avas?.length === 1 ? children(der, avas[0] as Tlv, 2) : undefined;
    if (ava?.length !== 2 || ava[0]?.tag !== 0x06) return undefined;
    if (cn !== undefined || oidHex(der, ava[0]) !== CN_OID) continue;
    const v = ava[1] as Tlv;
    const text = der.toString('latin1', v.contentStart, v.end);
    if (!NAME_STRINGS.has(v.tag) || !PLAIN_NAME.test(text)) return undefined;
    cn = text;
  }
  return cn ?? '';
}

/** A DER X.509 certificate's SPKI (canonical, see canonicalSpki) and subject common name, or undefined for node:crypto to read. */
export function certificateSpki(der: Buffer): { spki: Buffer; name: string } | undefined {
  const tbs = tbsFields(der);
  const key = tbs?.[6];
  const spki = key ? canonicalSpki(der, key.start, key.end) : undefined;
  const name = spki ? commonName(der, tbs?.[5] as Tlv) : undefined;
  return spki && name !== undefined ? { spki, name } : undefined;
}
