// Key stores read as far as their format allows without their password. PKCS#12 (RFC 7292): every
// private key bag is a finding, named by the certificate beside it when that is in the clear, and read
// and proven when the store's password is empty (its MAC verifies with no password: a PFX exported
// without one protects nothing). Java JKS and JCEKS: every private key entry is a finding, named by its
// certificate chain, which these formats keep in the clear. What stays unread is said, never skipped.

import { fingerprintsOf } from '../crypto/fingerprint.ts';
import type { Fingerprints } from '../model/common.ts';
import { nodeCrypto } from '../util/builtins.ts';
import { type Ber, ber, berChildren, berWhole, octets, oidOf } from './ber.ts';
import { judgePrivateKey, tryDer } from './keyproof.ts';
import { EMPTY_PASSWORDS, KdfBudget, MAX_STORE_ITERATIONS, macVerifies, pbeDecrypt, unsupportedScheme } from './pbe.ts';
import type { RawHit } from './types.ts';

/** The largest key store read whole (a PFX or JKS is kilobytes; larger ones stay a gap). */
export const MAX_KEYSTORE_BYTES = 16 * 1024 * 1024;

export interface KeyStoreRead {
  /** A finding per private key in the store: proven when read, else encrypted. */
  hits: RawHit[];
  /** What could not be read (an encrypted part under the store's password, an entry this reader cannot walk). */
  unread: string[];
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
};

/** What a certificate says of the key it certifies. */
interface CertKey {
  fingerprints: Fingerprints;
  keyType?: string;
}

const KEY_TYPES: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA', ec: 'EC', ed25519: 'OKP', ed448: 'OKP', dsa: 'DSA' };

/** The public key of an X.509 certificate (DER): fingerprints and type, or undefined. */
function certKey(der: Buffer): CertKey | undefined {
  try {
    const pub = new (nodeCrypto().X509Certificate)(der).publicKey;
    return { fingerprints: fingerprintsOf(pub), keyType: KEY_TYPES[pub.asymmetricKeyType ?? ''] };
  } catch {
    return undefined;
  }
}

/** The verdict on a decrypted PKCS#8 PrivateKeyInfo, or undefined when it is not one. */
function provenKey(plain: Buffer, at: number, length: number, format: 'pkcs12' | 'der-pkcs8'): RawHit | undefined {
  const key = tryDer(plain, 'pkcs8');
  if (!key) return undefined;
  const v = judgePrivateKey(key);
  return { offset: at, length, format, keyType: v.keyType, proof: v.proven ? 'private-key-present' : 'unproven', fingerprints: v.fingerprints };
}

/** The SEQUENCE the bytes start with, or undefined. */
function sequenceAt(bytes: Buffer): Ber | undefined {
  const t = ber(bytes, 0, bytes.length);
  return t?.tag === 0x30 ? t : undefined;
}

/** How deep safeContentsBags may nest (RFC 7292 §4.2.6) before what is inside is left unread. */
const MAX_NESTING = 32;

class Pfx {
  readonly hits: RawHit[] = [];
  readonly unread: string[] = [];
  private readonly certs = new Map<string, CertKey>();
  private readonly encryptedKeys: { hit: RawHit; keyId?: string }[] = [];
  private readonly file: Buffer;
  private readonly passwords: readonly Buffer[];
  private readonly budget: KdfBudget;

  constructor(file: Buffer, passwords: readonly Buffer[], budget: KdfBudget) {
    this.file = file;
    this.passwords = passwords;
    this.budget = budget;
  }

  /** Where `b` (a view of the file, or decrypted bytes) lies in the file; `fallback` for decrypted bytes. */
  private at(b: Buffer, fallback: number): number {
    return b.buffer === this.file.buffer ? b.byteOffset - this.file.byteOffset : fallback;
  }

  /** AuthenticatedSafe: a SEQUENCE of ContentInfo, each data or encryptedData. */
  authSafe(bytes: Buffer): void {
    const seq = sequenceAt(bytes);
    if (!seq) return void this.unread.push('its authenticated safe does not parse');
    for (const ci of this.children(bytes, seq, 'its authenticated safe')) {
      const [oid, explicit] = berChildren(bytes, ci);
      const inner = explicit ? berChildren(bytes, explicit)[0] : undefined;
      const type = oid ? oidOf(bytes, oid) : '';
      if (type === OID.data && inner) this.safeContents(octets(bytes, inner), false, this.at(bytes, 0));
      else if (type === OID.encryptedData && inner) this.encryptedData(bytes, inner);
      else this.unread.push(`a part of content type ${type || 'unknown'}`);
    }
    for (const { hit, keyId } of this.encryptedKeys) this.hits.push({ ...hit, ...(keyId ? this.certs.get(keyId) : undefined) });
  }

  /** EncryptedData (RFC 5652 §8): decrypted with an empty password when that is the store's; otherwise unread. */
  private encryptedData(bytes: Buffer, ed: Ber): void {
    const eci = berChildren(bytes, ed)[1];
    const [, alg, content] = eci ? berChildren(bytes, eci) : [];
    if (!alg || !content) return void this.unread.push('an encrypted part that does not parse');
    const data = octets(bytes, content);
    for (const pw of this.passwords) {
      const plain = pbeDecrypt(bytes, alg, data, pw, this.budget);
      if (plain && sequenceAt(plain)) {
        this.safeContents(plain, true, this.at(data, 0));
        return;
      }
    }
    const why = unsupportedScheme(bytes, alg);
    this.unread.push(
      this.passwords.length && why
        ? `an encrypted part (usually the certificates) under ${why}`
        : 'an encrypted part (usually the certificates) under the store password',
    );
  }

  /** The elements of a SEQUENCE; when they stop before its end (one does not parse, or past 4,096), what is left is unread. */
  private children(bytes: Buffer, t: Ber, what: string): Ber[] {
    const out = berChildren(bytes, t);
    if (!berWhole(t, out)) this.unread.push(`${what} past its ${out.length} first elements (damaged, or more than 4096)`);
    return out;
  }

  /** SafeContents: a SEQUENCE of SafeBag. `decrypted`: inside an encrypted part (so the byte scan did not see it). */
  private safeContents(bytes: Buffer, decrypted: boolean, where: number, depth = 0): void {
    const seq = sequenceAt(bytes);
    if (!seq) return void this.unread.push('a safe contents that does not parse');
    if (depth > MAX_NESTING) return void this.unread.push(`a safe contents nested more than ${MAX_NESTING} deep`);
    for (const bag of this.children(bytes, seq, 'a safe contents')) this.bag(bytes, bag, decrypted, where, depth);
  }

  private bag(bytes: Buffer, bag: Ber, decrypted: boolean, where: number, depth: number): void {
    const [oid, explicit, attrs] = berChildren(bytes, bag);
    const value = explicit ? berChildren(bytes, explicit)[0] : undefined;
    if (!oid || !value) return void this.unread.push('a bag that does not parse');
    const type = oidOf(bytes, oid);
    const at = decrypted ? where : this.at(bytes.subarray(bag.start), where);
    const length = bag.end - bag.start;
    const keyId = attrs ? localKeyId(bytes, attrs) : undefined;
    if (type === OID.keyBag && decrypted) {
      // Private key material by its bag type: one Node cannot load (a GOST key, say) is still a finding, unproven.
      this.hits.push(provenKey(bytes.subarray(value.start, value.end), at, length, 'pkcs12') ?? { offset: at, length, format: 'pkcs12', proof: 'unproven' });
    } else if (type === OID.shroudedKeyBag) this.shrouded(bytes, value, at, length, keyId);
    else if (type === OID.certBag) this.cert(bytes, value, keyId);
    else if (type === OID.safeContentsBag) this.safeContents(bytes.subarray(value.start, value.end), decrypted, at, depth + 1);
  }

  /** A pkcs8ShroudedKeyBag: an EncryptedPrivateKeyInfo (RFC 5958 §3). */
  private shrouded(bytes: Buffer, epki: Ber, at: number, length: number, keyId: string | undefined): void {
    const [alg, data] = berChildren(bytes, epki);
    if (alg && data) {
      for (const pw of this.passwords) {
        const plain = pbeDecrypt(bytes, alg, octets(bytes, data), pw, this.budget);
        const hit = plain && provenKey(plain, at, length, 'pkcs12');
        if (hit) return void this.hits.push(hit);
      }
    }
    this.encryptedKeys.push({ hit: { offset: at, length, format: 'pkcs12', proof: 'unproven', encrypted: true }, keyId });
  }

  private cert(bytes: Buffer, value: Ber, keyId: string | undefined): void {
    const [certId, explicit] = berChildren(bytes, value);
    const der = explicit ? berChildren(bytes, explicit)[0] : undefined;
    if (!certId || !der || oidOf(bytes, certId) !== OID.x509Certificate || !keyId) return;
    const key = certKey(octets(bytes, der));
    if (key) this.certs.set(keyId, key);
  }
}

/** The localKeyId attribute (PKCS#9) of a bag, as hex: it ties a key bag to its certificate. */
function localKeyId(bytes: Buffer, attrs: Ber): string | undefined {
  for (const attr of berChildren(bytes, attrs)) {
    const [oid, set] = berChildren(bytes, attr);
    const v = set ? berChildren(bytes, set)[0] : undefined;
    if (oid && v && oidOf(bytes, oid) === OID.localKeyId) return octets(bytes, v).toString('hex');
  }
  return undefined;
}

/** A PKCS#12 PFX (RFC 7292 §4) read without its password, or undefined when it does not parse. */
export function readPkcs12(file: Buffer): KeyStoreRead | undefined {
  const pfx = sequenceAt(file);
  if (!pfx) return undefined;
  const [, authSafe, macData] = berChildren(file, pfx);
  const [oid, explicit] = authSafe ? berChildren(file, authSafe) : [];
  const inner = explicit ? berChildren(file, explicit)[0] : undefined;
  if (!oid || !inner) return undefined;
  if (oidOf(file, oid) !== OID.data) return { hits: [], unread: ['a public-key-protected (signed) PFX, not read'] };
  const content = octets(file, inner);
  // The MAC says whether the password is empty; without one (openssl -nomac), an empty password is tried.
  const budget = new KdfBudget();
  const passwords = macData ? EMPTY_PASSWORDS.filter((pw) => macVerifies(file, macData, content, pw, budget) !== false) : EMPTY_PASSWORDS;
  const reader = new Pfx(file, passwords, budget);
  reader.authSafe(content);
  const spent = budget.spent ? [`parts whose key derivation would pass ${MAX_STORE_ITERATIONS} iterations for the store were not decrypted`] : [];
  return { hits: reader.hits, unread: [...reader.unread, ...spent] };
}

/**
 * A DER EncryptedPrivateKeyInfo file (RFC 5958 §3), as `openssl pkcs8 -topk8 -outform DER` writes it: read
 * and proven when it opens with no password, else an encrypted finding, as its PEM form
 * (`ENCRYPTED PRIVATE KEY`) is.
 */
export function readEncryptedPkcs8(file: Buffer): KeyStoreRead | undefined {
  const epki = sequenceAt(file);
  const [alg, data] = epki ? berChildren(file, epki) : [];
  if (!epki || !alg || !data) return undefined;
  const length = epki.end - epki.start;
  // One budget for both spellings of the empty password: for PBES2 they are the same key, derived once.
  const budget = new KdfBudget();
  const encrypted = octets(file, data);
  for (const pw of EMPTY_PASSWORDS) {
    const plain = pbeDecrypt(file, alg, encrypted, pw, budget);
    const hit = plain && provenKey(plain, 0, length, 'der-pkcs8');
    if (hit) return { hits: [hit], unread: [] };
  }
  return { hits: [{ offset: 0, length, format: 'der-pkcs8', proof: 'unproven', encrypted: true }], unread: [] };
}

// ---------------------------------------------------------------- JKS and JCEKS

/** A Java UTF string (u16 length, modified UTF-8): where it ends. */
const utfEnd = (b: Buffer, p: number): number => p + 2 + b.readUInt16BE(p);

/** A JKS/JCEKS private key entry's certificate chain from `p`: where it ends and its first certificate's key. */
function javaChain(file: Buffer, p: number, version: number): { end: number; first?: CertKey } {
  const chain = file.readUInt32BE(p);
  let q = p + 4;
  let first: CertKey | undefined;
  for (let c = 0; c < chain; c++) {
    if (version === 2) q = utfEnd(file, q); // certificate type
    const len = file.readUInt32BE(q);
    if (c === 0) first = certKey(file.subarray(q + 4, q + 4 + len));
    q += 4 + len;
  }
  return { end: q, first };
}

/** One entry at `p`: where it ends and, for a private key, its finding; undefined for an entry this reader cannot walk. */
function javaEntry(file: Buffer, p: number, version: number): { end: number; hit?: RawHit } | undefined {
  const tag = file.readUInt32BE(p);
  const q = utfEnd(file, p + 4) + 8; // alias, date
  if (tag === 2) {
    const c = version === 2 ? utfEnd(file, q) : q;
    return { end: c + 4 + file.readUInt32BE(c) };
  }
  if (tag !== 1) return undefined;
  const { end, first } = javaChain(file, q + 4 + file.readUInt32BE(q), version);
  return { end, hit: { offset: p, length: end - p, format: 'java-keystore', proof: 'unproven', encrypted: true, ...first } };
}

/**
 * A JKS (magic FEEDFEED) or JCEKS (CECECECE) key store, as sun.security.provider.JavaKeyStore and
 * com.sun.crypto.provider.JceKeyStore write it: version 1 or 2, a count, then entries — 1, a private key
 * (alias, date, its EncryptedPrivateKeyInfo under the key's password, then the certificate chain in the
 * clear); 2, a trusted certificate; 3 (JCEKS), a secret key as a serialized Java object, which ends
 * this reader's walk. Each private key is an encrypted finding named by its first certificate.
 */
export function readJavaKeyStore(file: Buffer): KeyStoreRead | undefined {
  if (file.length < 12) return undefined;
  const version = file.readUInt32BE(4);
  const count = file.readUInt32BE(8);
  if (version !== 1 && version !== 2) return undefined;
  const hits: RawHit[] = [];
  let p = 12;
  for (let i = 0; i < count; i++) {
    let entry: { end: number; hit?: RawHit } | undefined;
    try {
      entry = javaEntry(file, p, version);
    } catch {
      entry = { end: Number.POSITIVE_INFINITY };
    }
    if (!entry) return { hits, unread: [`entries ${i + 1} to ${count} of ${count} (from a secret key entry, a serialized Java object) were not walked`] };
    if (entry.end > file.length)
      return { hits, unread: [`the store is cut or damaged at entry ${i + 1} of ${count}: that entry and those after it were not walked`] };
    if (entry.hit) hits.push(entry.hit);
    p = entry.end;
  }
  return { hits, unread: [] };
}
