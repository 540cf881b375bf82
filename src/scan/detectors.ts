// Detectors for private-key encodings. Each gets the scan window, the position of its anchor and the
// bounds it may read, and returns a verdict about the material there (never the material itself).

import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Fingerprints } from '../model/common.ts';
import { nodeCrypto } from '../util/builtins.ts';
import { bigFromB64url, bigFromBE, bigFromLE, children, readTlv, SshReader, type Tlv, unsignedBytes } from './bytes.ts';
import { ecConsistent, ecPublicPoint, fingerprintsOfPublicJwk, judgePrivateKey, okpPublic, tryDer } from './keyproof.ts';
import type { RawHit } from './types.ts';

/** A detector: `pos` is where its anchor matched; it may read buf[lo, hi). Offsets returned are window-relative. */
export type Detector = (buf: Buffer, pos: number, lo: number, hi: number) => RawHit | undefined;

/** How far a detector may read after its anchor (the scanner keeps this much look-ahead). */
export const MAX_MATERIAL = 20 * 1024;

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

// ---------------------------------------------------------------- PEM (anchor "E KEY-")

const BEGIN = Buffer.from('-----BEGIN ');
const DASHES = Buffer.from('-----');

/**
 * JSON string escapes (`\n`, `\/`, `\u002b`…) undone, for PEM embedded in JSON documents and logs; up to
 * three times, for JSON held in a JSON string (`\\n`: a service-account file inside a config value).
 */
export function unescapeJson(text: string): string {
  let t = text;
  for (let i = 0; i < 3 && t.includes('\\'); i++) {
    const u = unescapeOnce(t);
    if (u === t) break;
    t = u;
  }
  return t;
}

function unescapeOnce(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|[nrt"\\/bf])/g, (_m, e: string) => {
    if (e[0] === 'u') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', b: '', f: '' } as Record<string, string>)[e] ?? e;
  });
}

/**
 * The header is followed by a body: the end of its line, optional RFC 1421 headers (Proc-Type,
 * DEK-Info), then base64. Prose that merely names the marker (`expecting -----BEGIN PRIVATE KEY-----
 * in key file`) has none and is not key material.
 */
const BODY_START = /^(?:[ \t]*\r?\n(?:[A-Za-z-]+:[^\n]*\n)*(?:\r?\n)?[ \t]*)?[A-Za-z0-9+/]{16}/;

function hasBody(buf: Buffer, from: number, hi: number): boolean {
  return BODY_START.test(unescapeJson(buf.toString('latin1', from, Math.min(hi, from + 512))));
}

/** The DER inside a PEM body, tolerant of broken line lengths and of bytes after the key (trailing garbage). */
function derOfBody(text: string): Buffer | undefined {
  const body = text
    .replace(/-----[^-]+-----/g, '')
    .replace(/^[A-Za-z-]+:.*$/gm, '')
    .replace(/[^A-Za-z0-9+/=]/g, '');
  const der = Buffer.from(body, 'base64');
  if (der[0] !== 0x30) return undefined;
  const top = readTlv(der, 0, der.length);
  return top ? der.subarray(0, top.end) : der;
}

const DER_TYPES: Record<string, readonly ('pkcs1' | 'pkcs8' | 'sec1')[]> = {
  'RSA PRIVATE KEY': ['pkcs1'],
  'EC PRIVATE KEY': ['sec1'],
  'PRIVATE KEY': ['pkcs8'],
};

/** Parse a PEM private key: as written, else its body's DER (the same checks follow either way). */
function parsePem(text: string, label: string): KeyObject | 'unparsed' | undefined {
  try {
    return nodeCrypto().createPrivateKey(text);
  } catch {
    const der = derOfBody(text);
    if (!der) return undefined;
    for (const type of DER_TYPES[label] ?? ['pkcs8', 'pkcs1', 'sec1']) {
      const key = tryDer(Buffer.from(der), type);
      if (key) return key;
    }
    // DER-shaped but unparseable (damaged): possibly a key, not proven. A complete SEQUENCE as short as an
    // Ed25519 PKCS#8 key (48 bytes) counts too; shorter bodies and fragments under 64 bytes are not keys.
    const whole = readTlv(der, 0, der.length)?.end === der.length;
    return der.length >= 64 || (whole && der.length >= 40) ? 'unparsed' : undefined;
  }
}

export const pem: Detector = (buf, pos, lo, hi) => {
  const begin = buf.lastIndexOf(BEGIN, pos);
  if (begin < lo || begin < pos - 48) return undefined;
  if (buf.compare(DASHES, 0, 5, pos + 5, pos + 10) !== 0) return undefined;
  const label = buf.toString('latin1', begin + BEGIN.length, pos + 5);
  if (!/^[A-Z0-9 ]*PRIVATE KEY$/.test(label)) return undefined;
  if (!hasBody(buf, pos + 10, hi)) return undefined;
  const endMarker = Buffer.from(`-----END ${label}-----`);
  const endAt = buf.indexOf(endMarker, pos);
  const base = { offset: begin, format: 'pem' as const };
  if (endAt < 0 || endAt + endMarker.length > hi || endAt - begin > MAX_MATERIAL) {
    return { ...base, length: pos + 10 - begin, proof: 'unproven', keyType: keyTypeOfLabel(label) };
  }
  const length = endAt + endMarker.length - begin;
  const text = unescapeJson(buf.toString('latin1', begin, begin + length));
  if (label.includes('ENCRYPTED') || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    return { ...base, format: 'pem-encrypted', length, proof: 'unproven', encrypted: true, keyType: keyTypeOfLabel(label) };
  }
  if (label === 'OPENSSH PRIVATE KEY') {
    const body = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const r = openSshKey(Buffer.from(body, 'base64'));
    return r ? { offset: begin, length, format: 'openssh', ...r } : { offset: begin, length, format: 'openssh', proof: 'unproven' };
  }
  const key = parsePem(text, label);
  const curveless = key === 'unparsed' || key === undefined ? pemSec1WithoutParameters(text) : undefined;
  if (curveless) return { ...curveless, ...base, length };
  if (!key) return undefined;
  if (key === 'unparsed') return { ...base, length, proof: 'unproven', keyType: keyTypeOfLabel(label) };
  const v = judgePrivateKey(key);
  return { ...base, length, keyType: v.keyType, proof: v.proven ? 'private-key-present' : 'unproven', fingerprints: v.fingerprints };
};

/**
 * PEM written as UTF-16 (little- or big-endian, as Windows tools write it): anchored on `Y\0-\0-`,
 * which both byte orders contain; the text is narrowed to one byte per character and read as PEM.
 */
export const utf16Pem: Detector = (buf, pos, lo, hi) => {
  const le = buf[pos - 1] === 0 && buf[pos - 2] === 0x45;
  const be = buf[pos - 1] === 0x45 && buf[pos - 2] === 0;
  if (!le && !be) return undefined;
  const y = le ? pos : pos - 1;
  return inNarrowed(buf, y, lo, hi, 64, le ? 'le' : 'be', (narrow, at) => pem(narrow, at - 4, 0, narrow.length));
};

/**
 * A JWK written as UTF-16 (a .NET or Windows process's strings, in a minidump): anchored on `"\0k\0t`,
 * the start of `"kty"` in either byte order; the text around it narrowed to one byte per character and
 * read as a JWK. JSON is ASCII, so each character is its non-zero byte, whichever side its zero byte
 * is on (the byte order need not be known: the object's last `}` may be followed by anything).
 */
export const utf16Jwk: Detector = (buf, pos, lo, hi) => {
  if (buf[pos + 6] !== 0x79 || buf[pos + 8] !== 0x22 || buf[pos + 7] !== 0 || buf[pos + 5] !== 0) return undefined;
  return inNarrowed(buf, pos + 2, lo, hi, 8192 + 8, 'ascii', (narrow, at) => jwk(narrow, at, 0, narrow.length));
};

/**
 * Run `detect` on UTF-16 text narrowed to one byte per character: `back` characters before the one at
 * `at` (byte offset) and MAX_MATERIAL after it. `order`: little-endian (`le`, the character's low byte
 * first), big-endian (`be`), or `ascii` (the byte at each even distance from `at`, kept when a byte
 * beside it is zero); a character that does not fit becomes `?`. The hit's offsets are mapped back to the bytes.
 */
function inNarrowed(
  buf: Buffer,
  at: number,
  lo: number,
  hi: number,
  back: number,
  order: 'le' | 'be' | 'ascii',
  detect: (narrow: Buffer, at: number) => RawHit | undefined,
): RawHit | undefined {
  const from = Math.max(lo + ((at - lo) % 2), at - 2 * back);
  const n = (Math.min(hi, at + 2 * MAX_MATERIAL) - from) >> 1;
  const narrow = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const p = from + 2 * i;
    const a = buf[p] as number;
    const b = buf[p + 1] as number;
    if (order === 'ascii') narrow[i] = b === 0 || (p > lo && buf[p - 1] === 0) ? a : 0x3f;
    else if (order === 'le') narrow[i] = b === 0 ? a : 0x3f;
    else narrow[i] = a === 0 ? b : 0x3f;
  }
  const hit = detect(narrow, (at - from) / 2);
  return hit ? { ...hit, offset: from + 2 * hit.offset, length: 2 * hit.length } : undefined;
}

function keyTypeOfLabel(label: string): string | undefined {
  if (label.startsWith('RSA')) return 'RSA';
  if (label.startsWith('EC')) return 'EC';
  if (label.startsWith('DSA')) return 'DSA';
  return undefined;
}

// ---------------------------------------------------------------- SSH public blobs and private sections

const SSH_CURVES: Record<string, string> = { nistp256: 'P-256', nistp384: 'P-384', nistp521: 'P-521' };

interface SshPublic {
  keyType: string;
  jwk: JsonWebKey;
}

export function sshPublicToJwk(blob: Buffer): SshPublic | undefined {
  try {
    const r = new SshReader(blob);
    const type = r.string();
    if (type === 'ssh-rsa') {
      const e = r.bytes();
      const n = r.bytes();
      return { keyType: 'RSA', jwk: { kty: 'RSA', n: b64u(unsignedBytes(n, 0, n.length)), e: b64u(unsignedBytes(e, 0, e.length)) } };
    }
    if (type === 'ssh-ed25519') return { keyType: 'OKP', jwk: { kty: 'OKP', crv: 'Ed25519', x: b64u(r.bytes()) } };
    if (type.startsWith('ecdsa-sha2-')) {
      const crv = SSH_CURVES[r.string()];
      const q = r.bytes();
      if (!crv || q[0] !== 4) return undefined;
      const half = (q.length - 1) / 2;
      return { keyType: 'EC', jwk: { kty: 'EC', crv, x: b64u(q.subarray(1, 1 + half)), y: b64u(q.subarray(1 + half)) } };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The Ed25519 public key of a 32-byte seed. */
const ed25519Public = (seed: Buffer): Buffer | undefined => okpPublic('Ed25519', seed);

/** Verify the private fields that follow a key type in SSH wire format (OpenSSH and PuTTY share RSA/EC layouts). */
function sshPrivateProves(pub: SshPublic, r: SshReader, layout: 'openssh' | 'putty'): boolean {
  try {
    if (pub.keyType === 'RSA') {
      const n = bigFromB64url(pub.jwk.n as string);
      let p: Buffer;
      let q: Buffer;
      if (layout === 'openssh') {
        r.bytes(); // n
        r.bytes(); // e
        r.bytes(); // d
        r.bytes(); // iqmp
        p = r.bytes();
        q = r.bytes();
      } else {
        r.bytes(); // d
        p = r.bytes();
        q = r.bytes();
      }
      const pp = bigFromBE(p, 0, p.length);
      const qq = bigFromBE(q, 0, q.length);
      return pp > 1n && qq > 1n && pp * qq === n;
    }
    if (pub.keyType === 'EC') {
      if (layout === 'openssh') {
        r.string();
        r.bytes();
      }
      const d = r.bytes();
      return ecConsistent({ ...pub.jwk, d: b64u(unsignedBytes(d, 0, d.length)) });
    }
    if (pub.keyType === 'OKP') {
      let seed: Buffer;
      if (layout === 'openssh') {
        r.bytes(); // pk
        seed = r.bytes().subarray(0, 32);
      } else seed = r.bytes();
      const derived = seed.length === 32 ? ed25519Public(Buffer.from(seed)) : undefined;
      return derived !== undefined && derived.toString('base64url') === pub.jwk.x;
    }
  } catch {
    return false;
  }
  return false;
}

const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0');

/** Parse a decoded openssh-key-v1 blob. */
export function openSshKey(blob: Buffer): Omit<RawHit, 'offset' | 'length' | 'format'> | undefined {
  if (blob.length < OPENSSH_MAGIC.length || !blob.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) return undefined;
  try {
    const r = new SshReader(blob.subarray(OPENSSH_MAGIC.length));
    const cipher = r.string();
    r.string(); // kdf
    r.bytes(); // kdf options
    const nkeys = r.u32();
    if (nkeys < 1 || nkeys > 16) return undefined;
    const pubBlob = r.bytes();
    for (let i = 1; i < nkeys; i++) r.bytes();
    const pub = sshPublicToJwk(pubBlob);
    const fingerprints = pub ? fingerprintsOfPublicJwk(pub.jwk) : undefined;
    if (cipher !== 'none') return { keyType: pub?.keyType, proof: 'unproven', encrypted: true, fingerprints };
    const priv = new SshReader(r.bytes());
    const c1 = priv.u32();
    const c2 = priv.u32();
    priv.string(); // key type
    const proven = c1 === c2 && pub !== undefined && sshPrivateProves(pub, priv, 'openssh');
    return { keyType: pub?.keyType, proof: proven ? 'private-key-present' : 'unproven', fingerprints };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- PuTTY PPK (anchor "PuTTY")

export const putty: Detector = (buf, pos, _lo, hi) => {
  const head = buf.toString('latin1', pos, Math.min(hi, pos + 24));
  if (!/^PuTTY-User-Key-File-[23]: /.test(head)) return undefined;
  const limit = Math.min(hi, pos + MAX_MATERIAL);
  const endRel = buf.indexOf('Private-MAC:', pos);
  if (endRel < 0 || endRel >= limit) return { offset: pos, length: 24, format: 'putty-ppk', proof: 'unproven' };
  const lineEnd = buf.indexOf(10, endRel);
  const end = lineEnd < 0 || lineEnd > limit ? limit : lineEnd + 1;
  const lines = buf.toString('latin1', pos, end).split(/\r?\n/);
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
  const block = (name: string): Buffer | undefined => {
    const i = lines.findIndex((l) => l.startsWith(`${name}: `));
    if (i < 0) return undefined;
    const n = Number(lines[i]?.slice(name.length + 2));
    return Number.isInteger(n) && n > 0 && n < 200 ? Buffer.from(lines.slice(i + 1, i + 1 + n).join(''), 'base64') : undefined;
  };
  const encryption = field('Encryption');
  const pubBlob = block('Public-Lines');
  const pub = pubBlob ? sshPublicToJwk(pubBlob) : undefined;
  const fingerprints = pub ? fingerprintsOfPublicJwk(pub.jwk) : undefined;
  const base = { offset: pos, length: end - pos, format: 'putty-ppk' as const, keyType: pub?.keyType, fingerprints };
  if (encryption !== 'none') return { ...base, proof: 'unproven', encrypted: true };
  const priv = block('Private-Lines');
  const proven = pub !== undefined && priv !== undefined && sshPrivateProves(pub, new SshReader(priv), 'putty');
  return { ...base, proof: proven ? 'private-key-present' : 'unproven' };
};

// ---------------------------------------------------------------- JWK (anchor `kty"`)

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** Walk back from `pos` to the '{' that opens the object holding it (at most 8 KiB back), or -1. */
function objectStart(buf: Buffer, pos: number, lo: number): number {
  let depth = 0;
  for (let i = pos - 1; i >= Math.max(lo, pos - 8192); i--) {
    const c = buf[i];
    if (c === 0x7d) depth++;
    else if (c === 0x7b) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** The verdict on a parsed JSON object: a JWK with a private member `d`, placed at [start, end). */
function jwkVerdict(obj: unknown, start: number, end: number): RawHit | undefined {
  const k = obj as JsonWebKey | null;
  if (!k || typeof k !== 'object' || typeof k.kty !== 'string' || typeof k.d !== 'string' || k.kty === 'oct') return undefined;
  const base = { offset: start, length: end - start, format: 'jwk' as const, fingerprints: fingerprintsOfPublicJwk(k) };
  return { ...base, keyType: k.kty, proof: jwkPrivateProven(k) ? 'private-key-present' : 'unproven' };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * A JWK (RFC 7517) with a private member (`d`, RFC 7518 §6.2.2.1/§6.3.2.1, RFC 8037 §2), at the anchor
 * `kty"`; or, at `kty\`, a JWK held as a JSON string inside another JSON document, its quotes escaped
 * (`{\"kty\":…}`, `{\u0022kty\u0022:…}`; escapes doubled for JSON in JSON): AWS Secrets Manager's
 * `SecretString`, Terraform state, a config value.
 */
export const jwk: Detector = (buf, pos, lo, hi) => {
  const escaped = buf[pos + 3] === 0x5c;
  if (!escaped && buf[pos - 1] !== 0x22) return undefined;
  const start = objectStart(buf, pos - 1, lo);
  if (start < 0) return undefined;
  const limit = Math.min(hi, start + MAX_MATERIAL);
  const end = escaped ? bracesEnd(buf, start, limit) : jsonObjectEnd(buf, start, limit);
  if (end < 0) return undefined;
  const text = buf.toString('latin1', start, end);
  return jwkVerdict(parseJson(escaped ? unescapeJson(text) : text), start, end);
};

/** The index just past the '}' closing the '{' at `start`, counting braces only (an escaped JSON text, whose quotes are `\"`), or -1. */
function bracesEnd(buf: Buffer, start: number, limit: number): number {
  let depth = 0;
  for (let i = start; i < limit; i++) {
    const c = buf[i];
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}

/** The index just past the JSON object opening at `start` (strings and nesting followed), or -1 before `limit`. */
function jsonObjectEnd(buf: Buffer, start: number, limit: number): number {
  let inString = false;
  let depth = 0;
  for (let i = start; i < limit; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      inString = c !== 0x22;
      continue;
    }
    if (c === 0x22) inString = true;
    if (c === 0x7b) depth++;
    if (c === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}

/** The private members of a JWK are consistent with its public ones (RSA factors or exponent, EC or OKP point). */
function jwkPrivateProven(k: JsonWebKey): boolean {
  try {
    if (k.kty === 'RSA' && k.n && k.p && k.q) {
      const p = bigFromB64url(k.p);
      const q = bigFromB64url(k.q);
      return p > 1n && q > 1n && p * q === bigFromB64url(k.n);
    }
    if (k.kty === 'RSA' && k.n && k.e && k.d) {
      const n = bigFromB64url(k.n);
      return n > 3n && modPow(modPow(2n, bigFromB64url(k.e), n), bigFromB64url(k.d), n) === 2n;
    }
    if (k.kty === 'EC') return ecConsistent(k);
    if (k.kty === 'OKP' && (k.crv === 'Ed25519' || k.crv === 'X25519') && k.x && k.d)
      return okpPublic(k.crv, Buffer.from(k.d, 'base64url'))?.toString('base64url') === k.x;
    return false;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- .NET RSAKeyValue XML (anchor "RSA")

const XML_RSA_END = /<\/(?:[\w.-]+:)?RSAKeyValue>/;
const XML_RSA_MEMBER = /<(?:[\w.-]+:)?(Modulus|Exponent|P|Q|DP|DQ|InverseQ|D)>([^<]*)</g;
const XML_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const XML_JWK_NAME: Record<string, string> = { Modulus: 'n', Exponent: 'e', P: 'p', Q: 'q', DP: 'dp', DQ: 'dq', InverseQ: 'qi', D: 'd' };

/**
 * An RSA key as XML: W3C XML Signature's `<RSAKeyValue>` (§4.4.2.2: Modulus, Exponent), with the
 * private members .NET's `RSA.ToXmlString(true)` adds (P, Q, DP, DQ, InverseQ, D), each base64, with
 * or without a namespace prefix. `pos` is the "RSA" of the opening tag. A key with no private member
 * is public (nothing); one whose members do not check out, or whose closing tag is not there, is unproven.
 */
export const xmlRsaKeyValue: Detector = (buf, pos, lo, hi) => {
  let start = pos - 1;
  while (start > lo && start > pos - 32 && /[\w.:-]/.test(String.fromCharCode(buf[start] as number))) start--;
  if (buf[start] !== 0x3c || !/^RSAKeyValue[\s>]/.test(buf.toString('latin1', pos, pos + 12))) return undefined;
  const limit = Math.min(hi, start + MAX_MATERIAL);
  const text = buf.toString('latin1', start, limit);
  const close = XML_RSA_END.exec(text);
  const body = close ? text.slice(0, close.index + close[0].length) : text;
  const k: Record<string, string> = { kty: 'RSA' };
  for (const m of body.matchAll(XML_RSA_MEMBER)) k[XML_JWK_NAME[m[1] as string] as string] = b64u(Buffer.from((m[2] as string).replace(/\s+/g, ''), 'base64'));
  if (!XML_PRIVATE_MEMBERS.some((name) => k[name])) return undefined;
  const jwkKey = k as JsonWebKey;
  const fingerprints = k.n && k.e ? fingerprintsOfPublicJwk({ kty: 'RSA', n: k.n, e: k.e }) : undefined;
  const proven = close !== null && jwkPrivateProven(jwkKey);
  const length = close ? close.index + close[0].length : limit - start;
  return { offset: start, length, format: 'xml-rsa-key-value', keyType: 'RSA', proof: proven ? 'private-key-present' : 'unproven', fingerprints };
};

// ---------------------------------------------------------------- DER PKCS#1 / PKCS#8 (anchor 02 01 00) and SEC1 (02 01 01 04)

/** The SEQUENCE whose content starts exactly at `contentStart`, trying the three DER length forms. */
function sequenceAt(buf: Buffer, contentStart: number, lo: number, hi: number) {
  for (const hdr of [2, 3, 4]) {
    const s = contentStart - hdr;
    if (s < lo || buf[s] !== 0x30) continue;
    const t = readTlv(buf, s, hi);
    if (t && t.contentStart === contentStart && t.end - s <= MAX_MATERIAL) return t;
  }
  return undefined;
}

export const derVersion0: Detector = (buf, pos, lo, hi) => {
  const seq = sequenceAt(buf, pos, lo, hi);
  if (!seq) return undefined;
  const kids = children(buf, seq);
  if (!kids || kids.length < 3) return undefined;
  const der = () => Buffer.from(buf.subarray(seq.start, seq.end));
  if (kids.length === 9 && kids.every((t) => t.tag === 0x02)) {
    // RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv
    const [, n, e, , p, q] = kids as [unknown, (typeof kids)[0], (typeof kids)[0], unknown, (typeof kids)[0], (typeof kids)[0]];
    const nn = bigFromBE(buf, n.contentStart, n.end);
    const pp = bigFromBE(buf, p.contentStart, p.end);
    const qq = bigFromBE(buf, q.contentStart, q.end);
    if (nn < 1n << 256n) return undefined;
    const proven = pp > 1n && qq > 1n && pp * qq === nn;
    const fingerprints = fingerprintsOfPublicJwk({
      kty: 'RSA',
      n: b64u(unsignedBytes(buf, n.contentStart, n.end)),
      e: b64u(unsignedBytes(buf, e.contentStart, e.end)),
    });
    return {
      offset: seq.start,
      length: seq.end - seq.start,
      format: 'der-pkcs1',
      keyType: 'RSA',
      proof: proven ? 'private-key-present' : 'unproven',
      fingerprints,
    };
  }
  if (kids[1]?.tag === 0x30 && kids[2]?.tag === 0x04 && kids.length <= 5) {
    const key = tryDer(der(), 'pkcs8');
    return key ? derHit(seq, 'der-pkcs8', key) : undefined;
  }
  return undefined;
};

export const derSec1: Detector = (buf, pos, lo, hi) => {
  const seq = sequenceAt(buf, pos, lo, hi);
  if (!seq) return undefined;
  const kids = children(buf, seq);
  if (!kids || kids.length < 2 || kids[1]?.tag !== 0x04) return undefined;
  if (!kids.slice(2).some((k) => k.tag === 0xa0)) return sec1WithoutParameters(buf, seq, kids);
  const key = tryDer(Buffer.from(buf.subarray(seq.start, seq.end)), 'sec1');
  return key ? derHit(seq, 'der-sec1', key) : undefined;
};

/** Curves a private scalar of this many bytes can belong to. */
const CURVES_BY_SIZE: Record<number, { crv: string; size: number }[]> = {
  32: [
    { crv: 'P-256', size: 32 },
    { crv: 'secp256k1', size: 32 },
  ],
  48: [{ crv: 'P-384', size: 48 }],
  65: [{ crv: 'P-521', size: 66 }],
  66: [{ crv: 'P-521', size: 66 }],
};

/**
 * A SEC1 ECPrivateKey whose parameters field was dropped (damaged or minimal encoders): the curve
 * follows from the public key, either the one it carries ([1]) or, through `candidates`, a known one.
 */
function sec1WithoutParameters(buf: Buffer, seq: Tlv, kids: Tlv[]): RawHit | undefined {
  const dT = kids[1] as Tlv;
  const curves = CURVES_BY_SIZE[dT.end - dT.contentStart];
  if (!curves || kids.length > 3 || (kids[2] && kids[2].tag !== 0xa1)) return undefined;
  const pubT = kids[2] ? readTlv(buf, kids[2].contentStart, kids[2].end) : undefined;
  const pub = pubT?.tag === 0x03 && buf[pubT.contentStart] === 0 ? buf.subarray(pubT.contentStart + 1, pubT.end) : undefined;
  const base = { offset: seq.start, length: seq.end - seq.start, format: 'der-sec1' as const, keyType: 'EC' };
  const candidates: Fingerprints[] = [];
  for (const c of curves) {
    const d = Buffer.alloc(c.size);
    buf.copy(d, c.size - (dT.end - dT.contentStart), dT.contentStart, dT.end);
    const q = ecPublicPoint(c.crv, d);
    if (!q) continue;
    const half = q.length / 2;
    const fp = fingerprintsOfPublicJwk({ kty: 'EC', crv: c.crv, x: b64u(q.subarray(0, half)), y: b64u(q.subarray(half)) });
    if (pub && pub[0] === 4 && q.equals(pub.subarray(1))) return { ...base, proof: 'private-key-present', fingerprints: fp };
    if (fp) candidates.push(fp);
  }
  if (pub) return undefined;
  return candidates.length ? { ...base, proof: 'unproven', candidates } : undefined;
}

/** A PEM body holding a SEC1 ECPrivateKey without its parameters field (RFC 5915 §3: they are OPTIONAL), as a hit. */
function pemSec1WithoutParameters(text: string): RawHit | undefined {
  const der = derOfBody(text);
  const seq = der && readTlv(der, 0, der.length);
  const kids = seq && children(der, seq);
  if (!kids || der[seq.contentStart + 2] !== 1 || kids[0]?.tag !== 0x02 || kids[1]?.tag !== 0x04 || kids.some((k) => k.tag === 0xa0)) return undefined;
  return sec1WithoutParameters(der, seq, kids);
}

/** A parsed DER private key as a hit: its span, format, and whether the private half checks out. */
function derHit(seq: { start: number; end: number }, format: 'der-pkcs8' | 'der-sec1', key: KeyObject): RawHit {
  const v = judgePrivateKey(key);
  return {
    offset: seq.start,
    length: seq.end - seq.start,
    format,
    keyType: v.keyType,
    proof: v.proven ? 'private-key-present' : 'unproven',
    fingerprints: v.fingerprints,
  };
}

// ---------------------------------------------------------------- Windows CNG and CAPI blobs (anchors "RSA", "ECS", "ECK")

const u32 = (buf: Buffer, p: number, hi: number): number => (p + 4 <= hi ? buf.readUInt32LE(p) : -1);

function rsaJwkFromBigs(nBytes: Buffer, eBytes: Buffer): JsonWebKey {
  return { kty: 'RSA', n: b64u(unsignedBytes(nBytes, 0, nBytes.length)), e: b64u(unsignedBytes(eBytes, 0, eBytes.length)) };
}

export const cngRsa: Detector = (buf, pos, lo, hi) => {
  const kind = buf[pos + 3];
  if (kind !== 0x32 && kind !== 0x33) return undefined; // RSA2 / RSA3 (RSA1 is a public blob)
  // BCRYPT_RSAKEY_BLOB: Magic, BitLength, cbPublicExp, cbModulus, cbPrime1, cbPrime2; then big-endian fields.
  const bits = u32(buf, pos + 4, hi);
  const cbE = u32(buf, pos + 8, hi);
  const cbN = u32(buf, pos + 12, hi);
  const cbP = u32(buf, pos + 16, hi);
  const cbQ = u32(buf, pos + 20, hi);
  if (bits >= 512 && bits <= 16384 && cbN === Math.ceil(bits / 8) && cbE >= 1 && cbE <= 8 && cbP >= 1 && cbP <= cbN && cbQ >= 1 && cbQ <= cbN) {
    const e0 = pos + 24;
    const n0 = e0 + cbE;
    const p0 = n0 + cbN;
    const q0 = p0 + cbP;
    const end = q0 + cbQ;
    if (end <= hi) {
      const n = bigFromBE(buf, n0, p0);
      const p = bigFromBE(buf, p0, q0);
      const q = bigFromBE(buf, q0, end);
      if (p > 1n && q > 1n && p * q === n) {
        const fingerprints = fingerprintsOfPublicJwk(rsaJwkFromBigs(buf.subarray(n0, p0), buf.subarray(e0, n0)));
        return { offset: pos, length: end - pos, format: 'cng-blob', keyType: 'RSA', proof: 'private-key-present', fingerprints };
      }
    }
  }
  if (kind !== 0x32) return undefined;
  // CAPI PRIVATEKEYBLOB: [BLOBHEADER 07 02 00 00 aiKeyAlg] RSAPUBKEY{magic "RSA2", bitlen, pubexp} modulus p q … (little-endian).
  const pubexp = u32(buf, pos + 8, hi);
  if (bits < 512 || bits > 16384 || bits % 16 !== 0 || pubexp < 3) return undefined;
  const nLen = bits / 8;
  const n0 = pos + 12;
  const p0 = n0 + nLen;
  const q0 = p0 + nLen / 2;
  const end = q0 + nLen / 2;
  if (end > hi) return undefined;
  const n = bigFromLE(buf, n0, p0);
  const p = bigFromLE(buf, p0, q0);
  const q = bigFromLE(buf, q0, end);
  if (!(p > 1n && q > 1n && p * q === n)) return undefined;
  const nBE = Buffer.from(buf.subarray(n0, p0)).reverse();
  const eBuf = Buffer.alloc(4);
  eBuf.writeUInt32BE(pubexp);
  const start = pos >= lo + 8 && buf[pos - 8] === 0x07 && buf[pos - 7] === 0x02 ? pos - 8 : pos;
  const full = end + (nLen / 2) * 3 + nLen; // exponent1, exponent2, coefficient, privateExponent
  return {
    offset: start,
    length: Math.min(full, hi) - start,
    format: 'capi-blob',
    keyType: 'RSA',
    proof: 'private-key-present',
    fingerprints: fingerprintsOfPublicJwk(rsaJwkFromBigs(nBE, eBuf)),
  };
};

const CNG_EC: Record<number, { size: number; crv: string }> = {
  50: { size: 32, crv: 'P-256' },
  52: { size: 48, crv: 'P-384' },
  54: { size: 66, crv: 'P-521' },
};

/** Curves a generic ECC blob (ECDV, ECKV: the curve is not in the magic) of this cbKey can be on. */
const CNG_GENERIC: Record<number, string[]> = { 32: ['P-256', 'secp256k1'], 48: ['P-384'], 66: ['P-521'] };

/** The curve on which `d` (big-endian) derives the point X‖Y, among `curves`. */
function curveOfScalar(curves: readonly string[], d: Buffer, xy: Buffer): string | undefined {
  return curves.find((crv) => ecPublicPoint(crv, d)?.equals(xy));
}

export const cngEc: Detector = (buf, pos, _lo, hi) => {
  // BCRYPT_ECCKEY_BLOB with a private magic: ECS2/ECS4/ECS6, ECK2/ECK4/ECK6 (curve in the magic), or the
  // generic ECDV/ECKV (BCRYPT_ECDSA/ECDH_PRIVATE_GENERIC_MAGIC, any curve: tried by cbKey). Magic, cbKey, X, Y, d.
  const m = buf[pos + 3] as number;
  const cbKey = u32(buf, pos + 4, hi);
  const curves = m === 0x56 ? CNG_GENERIC[cbKey] : CNG_EC[m] && CNG_EC[m].size === cbKey ? [CNG_EC[m].crv] : undefined;
  if (!curves) return undefined;
  const x0 = pos + 8;
  const end = x0 + 3 * cbKey;
  if (end > hi) return undefined;
  const x = buf.subarray(x0, x0 + cbKey);
  const y = buf.subarray(x0 + cbKey, x0 + 2 * cbKey);
  const crv = curveOfScalar(curves, Buffer.from(buf.subarray(x0 + 2 * cbKey, end)), Buffer.concat([x, y]));
  if (!crv) return undefined;
  return {
    offset: pos,
    length: end - pos,
    format: 'cng-blob',
    keyType: 'EC',
    proof: 'private-key-present',
    fingerprints: fingerprintsOfPublicJwk({ kty: 'EC', crv, x: b64u(x), y: b64u(y) }),
  };
};
