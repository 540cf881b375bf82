// Test-time key material in every format the scanner knows, generated fresh with node:crypto.
// Nothing here is committed key material: every key is made when the tests run.
import { createHash, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { fingerprintsOf } from '../../src/crypto/fingerprint.ts';
import type { Fingerprints } from '../../src/model/common.ts';

export type KeyKind = 'rsa2048' | 'rsa4096' | 'p256' | 'p384' | 'ed25519';

export interface TestKey {
  kind: KeyKind;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JsonWebKey;
  spkiB64: string;
  fingerprints: Fingerprints;
}

const cache = new Map<string, TestKey>();

export function makeKey(kind: KeyKind, slot = 0): TestKey {
  const id = `${kind}/${slot}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const pair =
    kind === 'rsa2048' || kind === 'rsa4096'
      ? generateKeyPairSync('rsa', { modulusLength: kind === 'rsa2048' ? 2048 : 4096 })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'P-256' : 'P-384' });
  const k: TestKey = {
    kind,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk: pair.privateKey.export({ format: 'jwk' }) as JsonWebKey,
    spkiB64: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    fingerprints: fingerprintsOf(pair.publicKey),
  };
  cache.set(id, k);
  return k;
}

const b = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');
const u32le = (n: number): Buffer => {
  const x = Buffer.alloc(4);
  x.writeUInt32LE(n);
  return x;
};
const u32be = (n: number): Buffer => {
  const x = Buffer.alloc(4);
  x.writeUInt32BE(n);
  return x;
};
const sshString = (v: Buffer | string): Buffer => {
  const d = typeof v === 'string' ? Buffer.from(v) : v;
  return Buffer.concat([u32be(d.length), d]);
};
const mpint = (v: Buffer): Buffer => {
  let s = 0;
  while (s < v.length - 1 && v[s] === 0) s++;
  const t = v.subarray(s);
  return sshString(t[0] !== undefined && t[0] & 0x80 ? Buffer.concat([Buffer.from([0]), t]) : t);
};
const padTo = (v: Buffer, n: number): Buffer => Buffer.concat([Buffer.alloc(Math.max(0, n - v.length)), v]);

export const FORMATS = [
  'pem-pkcs1',
  'pem-pkcs8',
  'pem-sec1',
  'pem-encrypted',
  'der-pkcs1',
  'der-pkcs8',
  'der-sec1',
  'openssh',
  'putty-ppk',
  'jwk',
  'cng-rsa2',
  'cng-rsa3',
  'cng-ecc',
  'capi',
  'bignum-le',
  'bignum-be',
  'pem-utf16le',
  'pem-utf16be',
  'pem-json',
  'pem-broken-lines',
  'pem-trailing-garbage',
  'der-sec1-noparams',
  'der-sec1-bare',
  'pem-sec1-noparams',
  'pem-sec1-bare',
  'pem-one-line',
  'pem-json-in-json',
  'der-base64-json',
  'der-base64-env',
  'xml-rsa',
  'jwk-json-string',
  'jwk-json-u0022',
  'jwk-base64-k8s',
  'jwk-base64url-token',
  'jwk-utf16le',
  'jwk-utf16be',
] as const;
export type MaterialKind = (typeof FORMATS)[number];

/** Which key kinds a material format can hold. */
export function kindsFor(f: MaterialKind): KeyKind[] {
  switch (f) {
    case 'pem-pkcs1':
    case 'der-pkcs1':
    case 'cng-rsa2':
    case 'cng-rsa3':
    case 'capi':
    case 'xml-rsa':
    case 'bignum-le':
    case 'bignum-be':
      return ['rsa2048', 'rsa4096'];
    case 'pem-sec1':
    case 'der-sec1':
    case 'cng-ecc':
    case 'der-sec1-noparams':
    case 'der-sec1-bare':
    case 'pem-sec1-noparams':
    case 'pem-sec1-bare':
    case 'der-base64-env':
      return ['p256', 'p384'];
    case 'openssh':
    case 'putty-ppk':
      return ['rsa2048', 'p256', 'ed25519'];
    default:
      return ['rsa2048', 'rsa4096', 'p256', 'p384', 'ed25519'];
  }
}

/** The scanner's materialFormat for each planted format. */
export const EXPECTED_FORMAT: Record<MaterialKind, string> = {
  'pem-pkcs1': 'pem',
  'pem-pkcs8': 'pem',
  'pem-sec1': 'pem',
  'pem-encrypted': 'pem-encrypted',
  'der-pkcs1': 'der-pkcs1',
  'der-pkcs8': 'der-pkcs8',
  'der-sec1': 'der-sec1',
  openssh: 'openssh',
  'putty-ppk': 'putty-ppk',
  jwk: 'jwk',
  'cng-rsa2': 'cng-blob',
  'cng-rsa3': 'cng-blob',
  'cng-ecc': 'cng-blob',
  capi: 'capi-blob',
  'bignum-le': 'rsa-modulus-le',
  'bignum-be': 'rsa-modulus-be',
  'pem-utf16le': 'pem',
  'pem-utf16be': 'pem',
  'pem-json': 'pem',
  'pem-broken-lines': 'pem',
  'pem-trailing-garbage': 'pem',
  'der-sec1-noparams': 'der-sec1',
  'der-sec1-bare': 'der-sec1',
  'pem-sec1-noparams': 'pem',
  'pem-sec1-bare': 'pem',
  'pem-one-line': 'pem',
  'pem-json-in-json': 'pem',
  'der-base64-json': 'der-pkcs8',
  'der-base64-env': 'der-sec1',
  'xml-rsa': 'xml-rsa-key-value',
  'jwk-json-string': 'jwk',
  'jwk-json-u0022': 'jwk',
  'jwk-base64-k8s': 'jwk',
  'jwk-base64url-token': 'jwk',
  'jwk-utf16le': 'jwk',
  'jwk-utf16be': 'jwk',
};

/** A DER TLV with a definite length in the shortest form. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

/** SEC1 ECPrivateKey without its parameters field: version, d and (unless bare) the public key. */
function sec1WithoutParams(k: TestKey, bare: boolean): Buffer {
  const j = k.jwk;
  const parts = [Buffer.from([2, 1, 1]), tlv(0x04, b(j.d))];
  if (!bare) parts.push(tlv(0xa1, tlv(0x03, Buffer.concat([Buffer.from([0, 4]), b(j.x), b(j.y)]))));
  return tlv(0x30, Buffer.concat(parts));
}

/** PEM text of a DER body with lines of uneven length (hand-edited or mangled files). */
function pemLines(label: string, der: Buffer, widths: number[]): string {
  const body = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0, w = 0; i < body.length; w++) {
    const n = widths[w % widths.length] as number;
    lines.push(body.slice(i, i + n));
    i += n;
  }
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function utf16(text: string, bigEndian: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return bigEndian ? le.swap16() : le;
}

export function sshPublicBlob(k: TestKey): Buffer {
  const j = k.jwk;
  if (j.kty === 'RSA') return Buffer.concat([sshString('ssh-rsa'), mpint(b(j.e)), mpint(b(j.n))]);
  if (j.kty === 'OKP') return Buffer.concat([sshString('ssh-ed25519'), sshString(b(j.x))]);
  const curve = j.crv === 'P-256' ? 'nistp256' : 'nistp384';
  return Buffer.concat([sshString(`ecdsa-sha2-${curve}`), sshString(curve), sshString(Buffer.concat([Buffer.from([4]), b(j.x), b(j.y)]))]);
}

function openssh(k: TestKey): Buffer {
  const j = k.jwk;
  const pub = sshPublicBlob(k);
  const check = randomBytes(4);
  let priv: Buffer;
  if (j.kty === 'RSA') priv = Buffer.concat([sshString('ssh-rsa'), mpint(b(j.n)), mpint(b(j.e)), mpint(b(j.d)), mpint(b(j.qi)), mpint(b(j.p)), mpint(b(j.q))]);
  else if (j.kty === 'OKP') priv = Buffer.concat([sshString('ssh-ed25519'), sshString(b(j.x)), sshString(Buffer.concat([b(j.d), b(j.x)]))]);
  else {
    const curve = j.crv === 'P-256' ? 'nistp256' : 'nistp384';
    priv = Buffer.concat([sshString(`ecdsa-sha2-${curve}`), sshString(curve), sshString(Buffer.concat([Buffer.from([4]), b(j.x), b(j.y)])), mpint(b(j.d))]);
  }
  let section = Buffer.concat([check, check, priv, sshString('test comment')]);
  const pad = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const blob = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    u32be(1),
    sshString(pub),
    sshString(section),
  ]);
  return Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${blob.toString('base64').replace(/.{70}/g, '$&\n')}\n-----END OPENSSH PRIVATE KEY-----\n`);
}

function putty(k: TestKey): Buffer {
  const j = k.jwk;
  const type = j.kty === 'RSA' ? 'ssh-rsa' : j.kty === 'OKP' ? 'ssh-ed25519' : 'ecdsa-sha2-nistp256';
  const pub = sshPublicBlob(k);
  const priv =
    j.kty === 'RSA' ? Buffer.concat([mpint(b(j.d)), mpint(b(j.p)), mpint(b(j.q)), mpint(b(j.qi))]) : j.kty === 'OKP' ? sshString(b(j.d)) : mpint(b(j.d));
  const lines = (x: Buffer) => x.toString('base64').match(/.{1,64}/g) ?? [];
  const pl = lines(pub);
  const vl = lines(priv);
  const mac = createHash('sha256').update(priv).digest('hex');
  return Buffer.from(
    [
      `PuTTY-User-Key-File-3: ${type}`,
      'Encryption: none',
      'Comment: test-key',
      `Public-Lines: ${pl.length}`,
      ...pl,
      `Private-Lines: ${vl.length}`,
      ...vl,
      `Private-MAC: ${mac}`,
      '',
    ].join('\r\n'),
  );
}

function cngRsa(k: TestKey, full: boolean): Buffer {
  const j = k.jwk;
  const n = b(j.n);
  const e = b(j.e);
  const half = n.length / 2;
  const p = padTo(b(j.p), half);
  const q = padTo(b(j.q), half);
  const parts = [Buffer.from(full ? 'RSA3' : 'RSA2'), u32le(n.length * 8), u32le(e.length), u32le(n.length), u32le(half), u32le(half), e, n, p, q];
  if (full) parts.push(padTo(b(j.dp), half), padTo(b(j.dq), half), padTo(b(j.qi), half), padTo(b(j.d), n.length));
  return Buffer.concat(parts);
}

function cngEcc(k: TestKey): Buffer {
  const j = k.jwk;
  const size = j.crv === 'P-256' ? 32 : 48;
  return Buffer.concat([Buffer.from(size === 32 ? 'ECS2' : 'ECS4'), u32le(size), padTo(b(j.x), size), padTo(b(j.y), size), padTo(b(j.d), size)]);
}

function capi(k: TestKey): Buffer {
  const j = k.jwk;
  const n = b(j.n);
  const half = n.length / 2;
  const le = (x: Buffer, len: number) => Buffer.from(padTo(x, len)).reverse();
  return Buffer.concat([
    Buffer.from([0x07, 0x02, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x00]),
    Buffer.from('RSA2'),
    u32le(n.length * 8),
    u32le(65537),
    le(n, n.length),
    le(b(j.p), half),
    le(b(j.q), half),
    le(b(j.dp), half),
    le(b(j.dq), half),
    le(b(j.qi), half),
    le(b(j.d), n.length),
  ]);
}

/**
 * .NET `RSA.ToXmlString(true)`: W3C XML Signature's RSAKeyValue (§4.4.2.2, Modulus and Exponent) with the
 * private members in the order .NET writes them, each standard base64 of the big-endian value.
 */
export function xmlRsaKeyValue(k: TestKey, prefix = ''): Buffer {
  const j = k.jwk;
  const el = (name: string, v: string | undefined) => `<${prefix}${name}>${b(v).toString('base64')}</${prefix}${name}>`;
  const members = [el('Modulus', j.n), el('Exponent', j.e), el('P', j.p), el('Q', j.q), el('DP', j.dp), el('DQ', j.dq), el('InverseQ', j.qi), el('D', j.d)];
  return Buffer.from(`<${prefix}RSAKeyValue>${members.join('')}</${prefix}RSAKeyValue>`);
}

/** An in-memory bignum layout: modulus then primes, separated by some structure padding. */
function bignum(k: TestKey, littleEndian: boolean): Buffer {
  const j = k.jwk;
  const f = (x: Buffer) => (littleEndian ? Buffer.from(x).reverse() : x);
  return Buffer.concat([f(b(j.n)), randomBytes(40), f(b(j.e)), randomBytes(24), f(b(j.p)), randomBytes(16), f(b(j.q))]);
}

export function encode(k: TestKey, f: MaterialKind): Buffer {
  const pk = k.privateKey;
  switch (f) {
    case 'pem-pkcs1':
      return Buffer.from(pk.export({ format: 'pem', type: 'pkcs1' }) as string);
    case 'pem-pkcs8':
      return Buffer.from(pk.export({ format: 'pem', type: 'pkcs8' }) as string);
    case 'pem-sec1':
      return Buffer.from(pk.export({ format: 'pem', type: 'sec1' }) as string);
    case 'pem-encrypted':
      return Buffer.from(pk.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' }) as string);
    case 'der-pkcs1':
      return pk.export({ format: 'der', type: 'pkcs1' });
    case 'der-pkcs8':
      return pk.export({ format: 'der', type: 'pkcs8' });
    case 'der-sec1':
      return pk.export({ format: 'der', type: 'sec1' });
    case 'openssh':
      return openssh(k);
    case 'putty-ppk':
      return putty(k);
    case 'jwk':
      return Buffer.from(JSON.stringify({ ...k.jwk, kid: 'test', use: 'sig' }));
    case 'cng-rsa2':
      return cngRsa(k, false);
    case 'cng-rsa3':
      return cngRsa(k, true);
    case 'cng-ecc':
      return cngEcc(k);
    case 'capi':
      return capi(k);
    case 'bignum-le':
      return bignum(k, true);
    case 'bignum-be':
      return bignum(k, false);
    case 'pem-utf16le':
    case 'pem-utf16be':
      return utf16(pk.export({ format: 'pem', type: 'pkcs8' }) as string, f === 'pem-utf16be');
    // No line breaks at all (RFC 7468 §3 wants them; lax writers and copy-paste drop them).
    case 'pem-one-line':
      return Buffer.from(`-----BEGIN PRIVATE KEY-----${pk.export({ format: 'der', type: 'pkcs8' }).toString('base64')}-----END PRIVATE KEY-----`);
    // A service-account JSON held as a string inside another JSON document: every escape doubled (\\n).
    case 'pem-json-in-json': {
      const inner = JSON.stringify({ private_key: pk.export({ format: 'pem', type: 'pkcs8' }) as string });
      return Buffer.from(JSON.stringify({ credentials: inner }));
    }
    // A DER key as bare base64 in a config value, no PEM armour: .NET `Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())`,
    // Java `Base64.getEncoder().encodeToString(key.getEncoded())` (PKCS#8, RFC 5208 §5 / RFC 5958 §2) in appsettings.json.
    case 'der-base64-json':
      return Buffer.from(
        JSON.stringify({ Jwt: { Issuer: 'https://login.example', PrivateKey: pk.export({ format: 'der', type: 'pkcs8' }).toString('base64') } }),
      );
    // `openssl ec -outform DER | base64 -w0` (SEC1 ECPrivateKey, RFC 5915 §3) on an .env line.
    case 'der-base64-env':
      return Buffer.from(`\nSIGNING_KEY=${pk.export({ format: 'der', type: 'sec1' }).toString('base64')}\n`);
    case 'xml-rsa':
      return xmlRsaKeyValue(k);
    // `aws secretsmanager get-secret-value` output: the JWK is the SecretString, a JSON text inside a JSON string.
    case 'jwk-json-string':
      return Buffer.from(JSON.stringify({ Name: 'signing-jwk', SecretString: JSON.stringify(k.jwk), VersionStages: ['AWSCURRENT'] }));
    // .NET System.Text.Json's default encoder escapes `"` inside a string as \u0022.
    case 'jwk-json-u0022':
      return Buffer.from(JSON.stringify({ Jwk: JSON.stringify(k.jwk) }).replaceAll('\\"', '\\u0022'));
    // `kubectl create secret generic --from-file=key.json -o yaml`: the pretty-printed file's base64 (RFC 4648 §4), one line.
    case 'jwk-base64-k8s':
      return Buffer.from(`\ndata:\n  key.json: ${Buffer.from(JSON.stringify({ ...k.jwk, kid: 'k8s' }, null, 2)).toString('base64')}\n`);
    // A JWK as one segment of a compact JWS-like token (RFC 7515 §7.1: base64url, no padding).
    case 'jwk-base64url-token':
      return Buffer.from(`Authorization: Bearer eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(k.jwk)).toString('base64url')}.\n`);
    // A Windows or .NET process's strings are UTF-16.
    case 'jwk-utf16le':
    case 'jwk-utf16be':
      return utf16(JSON.stringify({ ...k.jwk, kid: 'utf16' }), f === 'jwk-utf16be');
    case 'pem-json': {
      const json = JSON.stringify({ private_key: pk.export({ format: 'pem', type: 'pkcs8' }) as string, type: 'service_account' });
      return Buffer.from(json.replaceAll('+', '\\u002b').replaceAll('/', '\\/'));
    }
    case 'pem-broken-lines':
      return Buffer.from(pemLines('PRIVATE KEY', pk.export({ format: 'der', type: 'pkcs8' }), [50, 76, 13, 64]));
    case 'pem-trailing-garbage':
      return Buffer.from(pemLines('PRIVATE KEY', Buffer.concat([pk.export({ format: 'der', type: 'pkcs8' }), Buffer.from([0, 0, 7, 1, 2])]), [64]));
    case 'der-sec1-noparams':
      return sec1WithoutParams(k, false);
    case 'der-sec1-bare':
      return sec1WithoutParams(k, true);
    // RFC 7468 §2 armour (64-column base64) around the same structures, label as RFC 5915 §4 names it.
    case 'pem-sec1-noparams':
    case 'pem-sec1-bare':
      return Buffer.from(pemLines('EC PRIVATE KEY', sec1WithoutParams(k, f === 'pem-sec1-bare'), [64]));
  }
}

/** Every representation of the private key a leak test must not find in any output. */
export function secretStrings(k: TestKey): string[] {
  const j = k.jwk;
  const out: string[] = [];
  for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    const v = j[m];
    if (typeof v !== 'string') continue;
    const raw = b(v);
    out.push(v, raw.toString('base64'), raw.toString('hex'), Buffer.from(raw).reverse().toString('hex'));
  }
  const pkcs8 = k.privateKey.export({ format: 'der', type: 'pkcs8' });
  out.push(pkcs8.toString('base64').slice(0, 64), pkcs8.toString('hex').slice(0, 64));
  const pemBody = (k.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string).split('\n')[2] as string;
  out.push(pemBody);
  return out.filter((s) => s.length >= 16);
}

export type Filler = 'random' | 'zero' | 'text' | 'mixed';

/** Background data of a given kind. */
export function filler(kind: Filler, size: number): Buffer {
  if (kind === 'random') return randomBytes(size);
  if (kind === 'zero') return Buffer.alloc(size);
  if (kind === 'text') {
    const line = (i: number) => `2026-05-31T12:00:${String(i % 60).padStart(2, '0')}Z INFO api request=${i} status=200 user="u${i}" key rotated ok\n`;
    let s = '';
    for (let i = 0; s.length < size; i++) s += line(i);
    return Buffer.from(s.slice(0, size));
  }
  const parts: Buffer[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const len = Math.min(size - n, 4096 + ((i * 7919) % 8192));
    parts.push(filler((['zero', 'random', 'text'] as const)[i % 3] as Filler, len));
    n += len;
  }
  return Buffer.concat(parts);
}

export interface Planted {
  offset: number;
  key: TestKey;
  format: MaterialKind;
  length: number;
}

/** Plant items at unaligned offsets into background data; returns the buffer and where each went. */
export function plant(background: Filler, items: { key: TestKey; format: MaterialKind }[], gap = 9001): { data: Buffer; planted: Planted[] } {
  const parts: Buffer[] = [];
  const planted: Planted[] = [];
  let off = 0;
  items.forEach((it, i) => {
    const pre = filler(background, gap + ((i * 37) % 13) + 1);
    parts.push(pre);
    off += pre.length;
    const enc = encode(it.key, it.format);
    planted.push({ offset: off, key: it.key, format: it.format, length: enc.length });
    parts.push(enc);
    off += enc.length;
  });
  parts.push(filler(background, gap + 3));
  return { data: Buffer.concat(parts), planted };
}

/** A minimal ELF64 little-endian core file (ET_CORE) with one PT_LOAD per segment, data page-aligned after the headers. */
export function elfCore(segments: { vaddr: bigint; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // ELFCLASS64
  header[5] = 1; // little-endian
  header[6] = 1;
  header.writeUInt16LE(4, 16); // ET_CORE
  header.writeUInt16LE(62, 18); // x86-64
  header.writeUInt32LE(1, 20);
  header.writeBigUInt64LE(64n, 32); // e_phoff
  header.writeUInt16LE(64, 52);
  header.writeUInt16LE(56, 54);
  header.writeUInt16LE(segments.length, 56);
  const phdrs = Buffer.alloc(56 * segments.length);
  let offset = Math.ceil((64 + phdrs.length) / 4096) * 4096;
  const datas: Buffer[] = [];
  segments.forEach((s, i) => {
    const p = i * 56;
    phdrs.writeUInt32LE(1, p); // PT_LOAD
    phdrs.writeUInt32LE(6, p + 4);
    phdrs.writeBigUInt64LE(BigInt(offset), p + 8);
    phdrs.writeBigUInt64LE(s.vaddr, p + 16);
    phdrs.writeBigUInt64LE(BigInt(s.data.length), p + 32);
    phdrs.writeBigUInt64LE(BigInt(s.data.length), p + 40);
    phdrs.writeBigUInt64LE(4096n, p + 48);
    datas.push(s.data);
    offset += s.data.length;
  });
  const head = Buffer.concat([header, phdrs]);
  return Buffer.concat([head, Buffer.alloc(Math.ceil(head.length / 4096) * 4096 - head.length), ...datas]);
}

/** A minimal minidump: one Memory64ListStream describing the ranges, their bytes back to back. */
export function minidump(ranges: { address: bigint; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(32);
  header.write('MDMP', 0, 'latin1');
  header.writeUInt32LE(0xa793, 4);
  header.writeUInt32LE(1, 8); // NumberOfStreams
  header.writeUInt32LE(32, 12); // StreamDirectoryRva
  const listSize = 16 + 16 * ranges.length;
  const dir = Buffer.alloc(12);
  dir.writeUInt32LE(9, 0); // Memory64ListStream
  dir.writeUInt32LE(listSize, 4);
  dir.writeUInt32LE(44, 8);
  const list = Buffer.alloc(listSize);
  list.writeBigUInt64LE(BigInt(ranges.length), 0);
  list.writeBigUInt64LE(BigInt(44 + listSize), 8); // BaseRva
  ranges.forEach((r, i) => {
    list.writeBigUInt64LE(r.address, 16 + i * 16);
    list.writeBigUInt64LE(BigInt(r.data.length), 24 + i * 16);
  });
  return Buffer.concat([header, dir, list, ...ranges.map((r) => r.data)]);
}

/** An Ubuntu apport report as apport writes it: text fields, then CoreDump as base64 lines of gzip chunks. */
export function apportReport(core: Buffer, chunk = 4096): Buffer {
  const gz = gzipChunks(core, chunk);
  const lines = ['ProblemType: Crash', 'Architecture: amd64', 'Date: Mon Jun  1 12:00:00 2026', 'ExecutablePath: /usr/bin/signer', 'CoreDump: base64'];
  return Buffer.from(`${lines.join('\n')}\n${gz.map((c) => ` ${c.toString('base64')}`).join('\n')}\nProcStatus:\n Name: signer\n State: S (sleeping)\n`);
}

/** A gzip stream cut into pieces the way apport yields them (header, deflate blocks, trailer). */
function gzipChunks(data: Buffer, chunk: number): Buffer[] {
  const gz = gzipSync(data);
  const out: Buffer[] = [];
  for (let i = 0; i < gz.length; i += chunk) out.push(gz.subarray(i, i + chunk));
  return out;
}
