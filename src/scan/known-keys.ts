// The known-key table: every inventoried public key's RSA modulus (both byte orders) and EC point,
// found in one sampled pass (an 8-byte q-gram every `step` bytes looked up in an allocation-free
// typed-array index of the q-grams of every needle), then proven private by a nearby prime factor.
// Built in O(keys) with sequential passes only (hashes, a two-digit radix sort, a bitset written in
// sorted order), so 10,000 keys cost tens of milliseconds, not seconds.
import { createPublicKey, hash as digest } from 'node:crypto';
import { fingerprintsOf, jwkThumbprint } from '../crypto/fingerprint.ts';
import type { Fingerprints } from '../model/common.ts';
import { bigFromBE, bigFromLE, children, readTlv, type Tlv } from './bytes.ts';
import { ecPublicPoint, okpPublic } from './keyproof.ts';
import { addressMap, type Layout, type ReadAt } from './layout.ts';
import type { KnownKeyInput, RawHit } from './types.ts';

const Q = 8;
/**
 * Needles are indexed in grids by length. A grid samples the stream every STEP bytes at absolute
 * offsets that are multiples of STEP (4-byte aligned for Int32Array loads; the grid never shifts at
 * chunk boundaries). An occurrence of a needle of at least W bytes starting at s has its first
 * sample at s + r with 0 ≤ r < STEP, so the q-grams at needle offsets 0 … STEP−1 are all a grid
 * indexes (STEP ≤ W − Q + 1). Long needles (RSA moduli) get a coarse grid, so few samples touch
 * their table; short ones (EC points) a finer one.
 */
const GRIDS = [
  { w: 128, step: 120, small: 64 },
  { w: 64, step: 56, small: 32 },
  // Ed25519 / X25519 public keys: only tables that hold such keys pay for this grid's samples.
  { w: 32, step: 24, small: 24 },
] as const;
/**
 * A grid of more q-grams than this samples with its small step instead: fewer q-grams to index (the
 * build's random writes cost more than the extra samples' cached lookups), a smaller bitset.
 */
const MAX_GRAMS = 400_000;
/** The shortest needle indexed (an EC P-256 point). */
const MIN_NEEDLE = 64;
/** How far around a modulus hit the proof looks for a prime factor (and around a point for its scalar). */
export const PROOF_RADIUS = 4096;
/**
 * Allocators place a key's bignums apart (OpenSSL 3 keeps p and q ~100 KiB from n in a live
 * process), so a second pass looks this far at 8-byte-aligned offsets, skipping low-entropy windows.
 */
export const WIDE_PROOF_RADIUS = 128 * 1024;
const EC_PROOF_RADIUS = 2048;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const NEEDLE_FORMATS = ['rsa-modulus-be', 'rsa-modulus-le', 'ec-point', 'okp-public'] as const;
export type NeedleFormat = (typeof NEEDLE_FORMATS)[number];

/** One needle: where its bytes sit in the table's shared needle buffer. */
interface Needle {
  keyIndex: number;
  offset: number;
  length: number;
  format: NeedleFormat;
}

export interface KnownKey {
  id: string;
  keyType: 'RSA' | 'EC' | 'OKP' | 'OTHER';
  /** spkiSha256 always; jwkThumbprint filled in when first needed (see KnownKeyTable.fingerprints). */
  fingerprints: Fingerprints;
  /** RSA public exponent (big-endian, for the thumbprint). */
  e?: Uint8Array;
  curve?: string;
  /** EC public point x||y (uncompressed, without the 04 prefix); Ed25519/X25519: the 32-byte public key. */
  point?: Uint8Array;
  /** Index of the key's first needle (RSA: big-endian modulus; little-endian is the next one). */
  needle?: number;
}

const hash = (lo: number, hi: number): number => Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) ^ (hi >>> 15);

const EC_OIDS: Record<string, string> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
  '2b8104000a': 'secp256k1',
};
const OKP_OIDS: Record<string, string> = { '2b6570': 'Ed25519', '2b656e': 'X25519' };

interface ParsedSpki {
  kty: 'RSA' | 'EC' | 'OKP';
  /** RSA modulus or EC x||y or the OKP public key, big-endian, no leading zeros (a view of the DER). */
  needle: Buffer;
  e?: Buffer;
  crv?: string;
}

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');
const oidHex = (der: Buffer, t: Tlv): string => der.toString('hex', t.contentStart, t.end);

/** The unsigned big-endian content of a DER INTEGER (a view, leading zeros dropped). */
function intView(der: Buffer, t: Tlv): Buffer {
  let s = t.contentStart;
  while (s < t.end - 1 && der[s] === 0) s++;
  return der.subarray(s, t.end);
}

/** Fast structural parse of an RSA, EC or Ed25519/X25519 SubjectPublicKeyInfo; undefined for anything else. */
function parseSpki(der: Buffer): ParsedSpki | undefined {
  const top = readTlv(der, 0, der.length);
  if (top?.tag !== 0x30 || top.end !== der.length) return undefined;
  const kids = children(der, top);
  if (kids?.length !== 2 || kids[0]?.tag !== 0x30 || kids[1]?.tag !== 0x03) return undefined;
  const alg = children(der, kids[0] as Tlv);
  const bits = kids[1] as Tlv;
  if (alg?.[0]?.tag !== 0x06 || der[bits.contentStart] !== 0) return undefined;
  const oid = oidHex(der, alg[0] as Tlv);
  if (oid === '2a864886f70d010101') {
    const rsa = readTlv(der, bits.contentStart + 1, bits.end);
    const parts = rsa && rsa.tag === 0x30 ? children(der, rsa) : undefined;
    if (parts?.length !== 2 || parts[0]?.tag !== 0x02 || parts[1]?.tag !== 0x02) return undefined;
    return { kty: 'RSA', needle: intView(der, parts[0] as Tlv), e: intView(der, parts[1] as Tlv) };
  }
  const point = der.subarray(bits.contentStart + 1, bits.end);
  if (oid === '2a8648ce3d0201' && alg[1]?.tag === 0x06) {
    const crv = EC_OIDS[oidHex(der, alg[1])];
    if (!crv || point[0] !== 4 || point.length % 2 !== 1) return undefined;
    return { kty: 'EC', needle: point.subarray(1), crv };
  }
  const okp = OKP_OIDS[oid];
  if (okp && alg.length === 1 && point.length === 32) return { kty: 'OKP', needle: point, crv: okp };
  return undefined;
}

/**
 * A built table in a form that crosses to worker threads without being built again or cloned key by
 * key: the grids, the needles and their bytes live in SharedArrayBuffers (shared, not copied); the
 * keys travel as one JSON string, parsed only when a thread first needs a key (a hit, a match).
 */
export interface SharedKnownKeys {
  keys: string;
  keyCount: number;
  /** keyIndex, offset, length, format (index in NEEDLE_FORMATS) of each needle. */
  needles: Int32Array;
  needleBytes: SharedArrayBuffer;
  grids: GridState[];
  rejected: { id: string; reason: string }[];
}

/** A parsed input before the needle bytes are laid out. */
interface Pending {
  key: KnownKey;
  parsed?: ParsedSpki;
}

/** One input parsed: RSA and EC keys carry needles, Ed25519/X25519 their public key, others only fingerprints. */
function pendingOf(id: string, der: Buffer, spkiSha256: string): Pending | { rejected: string } {
  const parsed = parseSpki(der);
  const fingerprints: Fingerprints = { spkiSha256 };
  if (parsed?.kty === 'RSA' && parsed.needle.length >= MIN_NEEDLE) return { key: { id, keyType: 'RSA', fingerprints, e: parsed.e }, parsed };
  if (parsed?.kty === 'EC' && parsed.needle.length >= MIN_NEEDLE) return { key: { id, keyType: 'EC', fingerprints, curve: parsed.crv }, parsed };
  if (parsed?.kty === 'OKP') return { key: { id, keyType: 'OKP', fingerprints, curve: parsed.crv, point: parsed.needle } };
  // Other key types (DSA, small keys) are matched by fingerprint only.
  try {
    return { key: { id, keyType: 'OTHER', fingerprints: fingerprintsOf(createPublicKey({ key: der, format: 'der', type: 'spki' })) } };
  } catch (err) {
    return { rejected: `publicKey is not DER SPKI: ${(err as Error).message}` };
  }
}

export class KnownKeyTable {
  private keyList: KnownKey[] | undefined;
  /** An adopted table's keys, until first needed. */
  private keysJson: string | undefined;
  private keyCount = 0;
  readonly needles: Needle[] = [];
  private bySpki: Map<string, number> | undefined;
  private byThumb: Map<string, number> | undefined;
  private grids: Grid[] = [];
  private gridStates: GridState[] = [];
  private needleBytes: SharedArrayBuffer;
  private bytes: Buffer;
  /** Inputs that could not be used, with the reason (reported as gaps by callers). */
  readonly rejected: { id: string; reason: string }[] = [];

  /** Build from inventory public keys, or adopt a table another thread built (`share()`). */
  constructor(inputs: readonly KnownKeyInput[] | SharedKnownKeys) {
    if (!Array.isArray(inputs)) {
      const s = inputs as SharedKnownKeys;
      this.keysJson = s.keys;
      this.keyCount = s.keyCount;
      for (let i = 0; i < s.needles.length; i += 4) {
        const format = NEEDLE_FORMATS[s.needles[i + 3] as number] as NeedleFormat;
        this.needles.push({ keyIndex: s.needles[i] as number, offset: s.needles[i + 1] as number, length: s.needles[i + 2] as number, format });
      }
      this.rejected.push(...s.rejected);
      this.needleBytes = s.needleBytes;
      this.bytes = Buffer.from(s.needleBytes);
      this.gridStates = s.grids;
      this.grids = s.grids.map((g) => new Grid(g, this.needles, this.bytes));
      return;
    }
    this.keyList = [];
    const pending = this.add(inputs as readonly KnownKeyInput[]);
    this.needleBytes = this.layOut(pending);
    this.bytes = Buffer.from(this.needleBytes);
    this.build();
  }

  /** The table as shareable state (see SharedKnownKeys). */
  share(): SharedKnownKeys {
    const needles = new Int32Array(new SharedArrayBuffer(this.needles.length * 16));
    for (const [i, n] of this.needles.entries()) needles.set([n.keyIndex, n.offset, n.length, NEEDLE_FORMATS.indexOf(n.format)], i * 4);
    // Points are views of the needle bytes (restored on adoption); exponents travel as base64.
    const keys = JSON.stringify(this.keys.map((k) => ({ ...k, point: undefined, e: k.e && Buffer.from(k.e).toString('base64') })));
    return { keys, keyCount: this.size, needles, needleBytes: this.needleBytes, grids: this.gridStates, rejected: this.rejected };
  }

  /** The keys (an adopted table parses them on first use). */
  get keys(): KnownKey[] {
    if (this.keyList) return this.keyList;
    const list = JSON.parse(this.keysJson ?? '[]', (k, v) => (k === 'e' && typeof v === 'string' ? Buffer.from(v, 'base64') : v)) as KnownKey[];
    for (const key of list) if (key.keyType !== 'RSA' && key.needle !== undefined) key.point = this.needleOf(key.needle);
    this.keyList = list;
    this.keysJson = undefined;
    return list;
  }

  /** SPKI SHA-256 → key index (built on first use in an adopted table). */
  private spkiIndex(): Map<string, number> {
    if (this.bySpki) return this.bySpki;
    const map = new Map<string, number>();
    for (const [i, k] of this.keys.entries()) {
      const fp = k.fingerprints.spkiSha256;
      if (fp && !map.has(fp)) map.set(fp, i);
    }
    this.bySpki = map;
    return map;
  }

  /** Parse every input once (views of its DER, no copies); the needle bytes are laid out after. */
  private add(inputs: readonly KnownKeyInput[]): Pending[] {
    const seen = new Set<string>();
    const out: Pending[] = [];
    for (const input of inputs) {
      const der = Buffer.from(input.publicKey, 'base64');
      const spkiSha256 = digest('sha256', der, 'hex');
      if (seen.has(`${input.id}\n${spkiSha256}`)) continue;
      seen.add(`${input.id}\n${spkiSha256}`);
      const p = pendingOf(input.id, der, spkiSha256);
      if ('rejected' in p) this.rejected.push({ id: input.id, reason: p.rejected });
      else out.push(p);
    }
    return out;
  }

  /** Every needle's bytes in one SharedArrayBuffer: RSA moduli in both byte orders, EC points, OKP keys. */
  private layOut(pending: Pending[]): SharedArrayBuffer {
    let total = 0;
    for (const p of pending) total += (p.parsed?.kty === 'RSA' ? 2 : 1) * (p.parsed?.needle.length ?? p.key.point?.length ?? 0);
    const sab = new SharedArrayBuffer(total);
    const bytes = Buffer.from(sab);
    let o = 0;
    for (const { key, parsed } of pending) {
      const keyIndex = this.keys.length;
      const src = parsed?.needle ?? (key.point as Uint8Array | undefined);
      if (src) {
        bytes.set(src, o);
        key.needle = this.needles.length;
        const format = key.keyType === 'RSA' ? 'rsa-modulus-be' : key.keyType === 'EC' ? 'ec-point' : 'okp-public';
        this.needles.push({ keyIndex, offset: o, length: src.length, format });
        if (key.keyType !== 'RSA') key.point = new Uint8Array(sab, o, src.length);
        o += src.length;
        if (key.keyType === 'RSA') {
          const n = src.length;
          bytes.set(src, o);
          bytes.subarray(o, o + n).reverse();
          this.needles.push({ keyIndex, offset: o, length: n, format: 'rsa-modulus-le' });
          o += n;
        }
      }
      this.keys.push(key);
      this.keyCount++;
    }
    return sab;
  }

  get size(): number {
    return this.keyCount;
  }

  /** A needle's bytes (a view of the shared buffer). */
  needleOf(i: number): Buffer {
    const n = this.needles[i] as Needle;
    return this.bytes.subarray(n.offset, n.offset + n.length);
  }

  /** A key's fingerprints, its RFC 7638 thumbprint computed on first use (cheap build for 10,000 keys). */
  fingerprints(k: KnownKey): Fingerprints {
    if (k.fingerprints.jwkThumbprint || k.keyType === 'OTHER') return k.fingerprints;
    const pub =
      k.keyType === 'RSA'
        ? this.needleOf(k.needle as number)
        : Buffer.from((k.point as Uint8Array).buffer, (k.point as Uint8Array).byteOffset, (k.point as Uint8Array).length);
    const half = pub.length / 2;
    const jwk =
      k.keyType === 'RSA'
        ? { kty: 'RSA', n: b64u(pub), e: b64u(k.e as Uint8Array) }
        : k.keyType === 'EC'
          ? { kty: 'EC', crv: k.curve, x: b64u(pub.subarray(0, half)), y: b64u(pub.subarray(half)) }
          : { kty: 'OKP', crv: k.curve, x: b64u(pub) };
    const tp = jwkThumbprint(jwk);
    if (tp) k.fingerprints.jwkThumbprint = tp;
    return k.fingerprints;
  }

  /** The inventoried key with these fingerprints, if any (by SPKI hash; by thumbprint when the encodings differ). */
  match(fp: Fingerprints | undefined): KnownKey | undefined {
    if (!fp) return undefined;
    let i = fp.spkiSha256 ? this.spkiIndex().get(fp.spkiSha256) : undefined;
    if (i === undefined && fp.jwkThumbprint) {
      if (!this.byThumb) {
        this.byThumb = new Map();
        for (const [j, k] of this.keys.entries()) {
          const tp = this.fingerprints(k).jwkThumbprint;
          if (tp && !this.byThumb.has(tp)) this.byThumb.set(tp, j);
        }
      }
      i = this.byThumb.get(fp.jwkThumbprint);
    }
    if (i === undefined) return undefined;
    const k = this.keys[i] as KnownKey;
    this.fingerprints(k);
    return k;
  }

  /** The EC keys: curve and public point, for the scalar search in memory images. */
  ecPoints(): { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] {
    return this.keys.flatMap((k) =>
      k.keyType === 'EC' && k.curve && k.point ? [{ id: k.id, curve: k.curve, point: toBuffer(k.point), fingerprints: this.fingerprints(k) }] : [],
    );
  }

  /** The Ed25519 and X25519 keys: curve and 32-byte public key, for the seed search in memory. */
  okpKeys(): { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] {
    return this.keys.flatMap((k) =>
      k.keyType === 'OKP' && k.curve && k.point ? [{ id: k.id, curve: k.curve, point: toBuffer(k.point), fingerprints: this.fingerprints(k) }] : [],
    );
  }

  /** True when there are needles to look for. */
  get searchable(): boolean {
    return this.grids.length > 0;
  }

  private build(): void {
    const assigned = new Uint8Array(this.needles.length);
    for (const g of GRIDS) {
      const members: number[] = [];
      for (const [i, n] of this.needles.entries()) {
        if (assigned[i] || n.length < g.w) continue;
        assigned[i] = 1;
        members.push(i);
      }
      if (!members.length) continue;
      const state = buildGrid(members.length * g.step > MAX_GRAMS ? g.small : g.step, this.needles, this.bytes, members);
      this.gridStates.push(state);
      this.grids.push(new Grid(state, this.needles, this.bytes));
    }
  }

  /**
   * Find needle occurrences sampled in [from, end) of `buf` (valid bytes up to `len`). `words` is an
   * Int32Array over the same memory (byteOffset 0), `base` the absolute offset of buf[0] (a multiple
   * of 4). Calls `onHit(needleIndex, start)` with the window-relative start of each verified occurrence.
   */
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: (needle: number, start: number) => void): void {
    for (const g of this.grids) g.scan(buf, words, base, from, end, len, onHit);
  }

  /** Turn a verified needle occurrence into a finding, proving possession when a private half is nearby. */
  judge(needleIndex: number, buf: Buffer, start: number, lo: number, hi: number, base = 0): RawHit {
    const n = this.needles[needleIndex] as Needle;
    const key = this.keys[n.keyIndex] as KnownKey;
    const bytes = this.needleOf(needleIndex);
    let proven: boolean;
    let seedPointers: number[] | undefined;
    if (key.keyType === 'RSA') {
      const modulus = bigFromBE(this.needleOf(key.needle as number), 0, n.length);
      proven =
        primeNearby(modulus, n.length, buf, start, lo, hi) ||
        // The wide pass is for in-memory bignums (little-endian limbs); big-endian copies are
        // encodings (DER, CNG) whose primes, when present, sit right next to the modulus.
        (n.format === 'rsa-modulus-le' && primeFarther(modulus, n.length, buf, start, lo, hi, base));
    } else if (key.keyType === 'OKP') {
      const r = okpNearby(key.curve as string, bytes, buf, start, lo, hi, base);
      proven = r.proven;
      if (!proven && r.pointers.length) seedPointers = r.pointers;
    } else proven = ecScalarNearby(key, bytes, buf, start, lo, hi, base);
    return {
      offset: start,
      length: n.length,
      format: n.format,
      keyType: key.keyType,
      proof: proven ? 'private-key-present' : 'public-key-only',
      fingerprints: this.fingerprints(key),
      knownKeyId: key.id,
      ...(seedPointers ? { seedPointers } : {}),
    };
  }

  /**
   * Prove Ed25519/X25519 public-key hits through the pointers found beside them (OpenSSL's ECX_KEY
   * keeps the private key in its own allocation): each pointer is followed through the image's
   * layout and the 32 bytes there must derive the known public key. The pointers are then dropped.
   */
  provePointers(hits: RawHit[], layout: Layout, read: ReadAt): void {
    const fileOffset = addressMap(layout);
    for (const h of hits) {
      const pointers = h.seedPointers;
      if (!pointers) continue;
      delete h.seedPointers;
      const k = this.keys.find((x) => x.id === h.knownKeyId && x.keyType === 'OKP');
      if (!k?.point || !k.curve) continue;
      const pub = toBuffer(k.point);
      for (const ptr of pointers) {
        const offset = fileOffset(ptr, 32);
        const secret = offset === undefined ? undefined : read(offset, 32);
        if (secret?.length === 32 && okpPublic(k.curve, secret)?.equals(pub)) {
          h.proof = 'private-key-present';
          break;
        }
      }
    }
  }
}

/** Where Ed25519/X25519 keepers put the secret beside the public key: seed‖public (libsodium, Go, BoringSSL) or public‖secret. */
const OKP_NEIGHBOURS = [-32, 32];
/** Pointer-shaped words looked at around a public key (OpenSSL's ECX_KEY: the privkey pointer 63 bytes after pubkey[]). */
const OKP_POINTER_BEFORE = 64;
const OKP_POINTER_AFTER = 160;
const MAX_OKP_POINTERS = 32;

/**
 * A known Ed25519/X25519 public key at `start`: proven when a neighbouring 32-byte window derives it;
 * otherwise the 8-aligned user-space pointers nearby, to follow through the image's layout.
 */
function okpNearby(curve: string, pub: Buffer, buf: Buffer, start: number, lo: number, hi: number, base: number): { proven: boolean; pointers: number[] } {
  for (const d of OKP_NEIGHBOURS) {
    const o = start + d;
    if (o >= lo && o + 32 <= hi && okpPublic(curve, buf.subarray(o, o + 32))?.equals(pub)) return { proven: true, pointers: [] };
  }
  const pointers: number[] = [];
  const a = Math.max(lo, start - OKP_POINTER_BEFORE);
  const b = Math.min(hi, start + OKP_POINTER_AFTER) - 8;
  for (let o = a + ((8 - ((base + a) % 8)) % 8); o <= b && pointers.length < MAX_OKP_POINTERS; o += 8) {
    const low = buf.readUInt32LE(o);
    const high = buf.readUInt32LE(o + 4);
    if ((low & 7) !== 0 || high >= 0x8000 || (high === 0 && low < 0x10000)) continue;
    pointers.push(high * 4294967296 + low);
  }
  return { proven: false, pointers };
}

const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.length);

/** A sampling grid's arrays (on SharedArrayBuffers, so worker threads use them without a copy). */
export interface GridState {
  step: number;
  bitsShift: number;
  bucketShift: number;
  /** No needle has eight zero bytes in a row, so all-zero samples (zero pages) skip the lookup. */
  zeroGram: boolean;
  bitset: Int32Array;
  /** Bucket b (the hash's top bits) holds refs starts[b] … starts[b + 1] − 1. */
  starts: Int32Array;
  /** Needle index × 256 + offset of the q-gram in the needle, grouped by bucket. */
  refs: Int32Array;
}

const sharedInts = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));

/** ceil(log2(n)) clamped to [lo, hi]. */
const bitsFor = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.ceil(Math.log2(Math.max(2, n)))));

/** The hashes of the q-grams at offsets 0 … step−1 of each member needle, in order; `zero` when one is all zero. */
function gramHashes(step: number, needles: readonly Needle[], bytes: Buffer, members: readonly number[]): { hashes: Int32Array; zero: boolean } {
  const hashes = new Int32Array(members.length * step);
  let zero = false;
  let k = 0;
  for (const ni of members) {
    const off = (needles[ni] as Needle).offset;
    // The q-gram at j + 1 is the one at j shifted by a byte: one load per gram, not eight.
    let lo = bytes.readInt32LE(off);
    let hi = bytes.readInt32LE(off + 4);
    for (let j = 0; j < step; j++) {
      if (j > 0) {
        lo = (lo >>> 8) | ((hi & 0xff) << 24);
        hi = (hi >>> 8) | ((bytes[off + j + 7] as number) << 24);
      }
      if ((lo | hi) === 0) zero = true;
      hashes[k++] = hash(lo, hi);
    }
  }
  return { hashes, zero };
}

/**
 * Index the q-grams at offsets 0 … step−1 of each member needle: their hashes computed once, then a
 * counting sort by bucket (count, prefix sums, place) and a bitset prefilter, in plain loops.
 */
function buildGrid(step: number, needles: readonly Needle[], bytes: Buffer, members: readonly number[]): GridState {
  const total = members.length * step;
  const bucketBits = bitsFor(total / 4, 4, 20);
  const bucketShift = 32 - bucketBits;
  const bb = bitsFor(total * 8, 15, 28);
  const bitsShift = 32 - bb;
  const bitset = sharedInts(1 << (bb - 5));
  const starts = sharedInts((1 << bucketBits) + 1);
  const { hashes, zero } = gramHashes(step, needles, bytes, members);
  for (let k = 0; k < total; k++) {
    const h = hashes[k] as number;
    const bit = h >>> bitsShift;
    bitset[bit >>> 5] = (bitset[bit >>> 5] as number) | (1 << (bit & 31));
    (starts[h >>> bucketShift] as number)++;
  }
  // Inclusive prefix sums: starts[b] is where bucket b ends; placing at --starts[b] leaves it where b begins.
  for (let b = 1; b < starts.length - 1; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
  starts[starts.length - 1] = total;
  const refs = sharedInts(total);
  for (let k = 0; k < total; k++) {
    const b = (hashes[k] as number) >>> bucketShift;
    const at = (starts[b] as number) - 1;
    starts[b] = at;
    refs[at] = (members[(k / step) | 0] as number) * 256 + (k % step);
  }
  return { step, bitsShift, bucketShift, zeroGram: zero, bitset, starts, refs };
}

/** One sampling grid over its state. */
class Grid {
  private readonly s: GridState;
  private readonly needles: readonly Needle[];
  private readonly bytes: Buffer;

  constructor(state: GridState, needles: readonly Needle[], bytes: Buffer) {
    this.s = state;
    this.needles = needles;
    this.bytes = bytes;
  }

  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: (needle: number, start: number) => void): void {
    const { bitset, bitsShift, step } = this.s;
    const skipZero = !this.s.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step) {
      const lo = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      const hi = aligned ? (words[(p >> 2) + 1] as number) : buf.readInt32LE(p + 4);
      if ((lo | hi) === 0 && skipZero) continue;
      const h = hash(lo, hi);
      const bit = h >>> bitsShift;
      if (((bitset[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
      this.bucket(h >>> this.s.bucketShift, lo, hi, p, buf, len, onHit);
    }
  }

  /** The needles of the sample's bucket whose q-gram is the sample, each verified whole. */
  private bucket(b: number, lo: number, hi: number, p: number, buf: Buffer, len: number, onHit: (needle: number, start: number) => void): void {
    const { starts, refs } = this.s;
    const bytes = this.bytes;
    const stop = starts[b + 1] as number;
    for (let i = starts[b] as number; i < stop; i++) {
      const ref = refs[i] as number;
      const n = this.needles[ref >> 8] as Needle;
      const at = n.offset + (ref & 255);
      if (bytes.readInt32LE(at) !== lo || bytes.readInt32LE(at + 4) !== hi) continue;
      const start = p - (ref & 255);
      if (start >= 0 && start + n.length <= len && buf.compare(bytes, n.offset, n.offset + n.length, start, start + n.length) === 0) onHit(ref >> 8, start);
    }
  }
}

/** True when a number whose bytes sum to `sum` is divisible by 3, 5 or 17 (so it is not a large prime). */
const smallFactor = (sum: number): boolean => sum % 3 === 0 || sum % 5 === 0 || sum % 17 === 0;

/** Slide a prime-sized window over ±PROOF_RADIUS and test n mod p = 0 in both byte orders. */
export function primeNearby(n: bigint, nLen: number, buf: Buffer, start: number, lo: number, hi: number): boolean {
  const pl = nLen >> 1;
  const a = Math.max(lo, start - PROOF_RADIUS);
  const b = Math.min(hi, start + nLen + PROOF_RADIUS) - pl;
  const maxZeros = pl >> 4;
  // Zero bytes in the current window, kept as it slides: a prime has almost none.
  let zeros = 0;
  // Byte sum: 256 ≡ 1 (mod 3, 5, 17), so the sum's residues are the candidate's (in either byte order).
  let sum = 0;
  for (let i = a; i < a + pl && i < hi; i++) {
    if (buf[i] === 0) zeros++;
    sum += buf[i] as number;
  }
  for (let o = a; o <= b; o++) {
    if (o > a) {
      const add = buf[o + pl - 1] as number;
      const drop = buf[o - 1] as number;
      zeros += (add === 0 ? 1 : 0) - (drop === 0 ? 1 : 0);
      sum += add - drop;
    }
    if (zeros > maxZeros || smallFactor(sum)) continue;
    // A prime factor of exactly half the modulus length has its top bit set and is odd.
    if ((buf[o] as number) >= 0x80 && ((buf[o + pl - 1] as number) & 1) === 1) {
      const p = bigFromBE(buf, o, o + pl);
      if (p > 1n && p < n && n % p === 0n) return true;
    }
    if ((buf[o + pl - 1] as number) >= 0x80 && ((buf[o] as number) & 1) === 1) {
      const p = bigFromLE(buf, o, o + pl);
      if (p > 1n && p < n && n % p === 0n) return true;
    }
  }
  return false;
}

/** The wide pass: aligned candidates only, and only windows with at most one zero byte in 16. */
export function primeFarther(n: bigint, nLen: number, buf: Buffer, start: number, lo: number, hi: number, base: number): boolean {
  const pl = nLen >> 1;
  const a = Math.max(lo, start - WIDE_PROOF_RADIUS);
  const b = Math.min(hi, start + nLen + WIDE_PROOF_RADIUS) - pl;
  const maxZeros = pl >> 4;
  for (let o = a + ((8 - ((base + a) % 8)) % 8); o <= b; o += 8) {
    const top = buf[o + pl - 1] as number;
    const first = buf[o] as number;
    const le = top >= 0x80 && (first & 1) === 1;
    const be = first >= 0x80 && (top & 1) === 1;
    if (!le && !be) continue;
    let zeros = 0;
    let sum = 0;
    for (let i = o; i < o + pl; i++) {
      const x = buf[i] as number;
      if (x === 0) zeros++;
      sum += x;
    }
    if (zeros > maxZeros || smallFactor(sum)) continue;
    if (le) {
      const p = bigFromLE(buf, o, o + pl);
      if (p > 1n && p < n && n % p === 0n) return true;
    }
    if (be) {
      const p = bigFromBE(buf, o, o + pl);
      if (p > 1n && p < n && n % p === 0n) return true;
    }
  }
  return false;
}

/**
 * Look for the private scalar near a known EC point: 8-byte-aligned windows (bignum limbs are
 * aligned; the contiguous encodings, SEC1 and CNG blobs, are parsed by their own detectors), in
 * both byte orders, skipping windows with more than one zero byte in 16.
 */
function ecScalarNearby(key: KnownKey, point: Buffer, buf: Buffer, start: number, lo: number, hi: number, base: number): boolean {
  if (!key.curve) return false;
  const size = point.length >> 1;
  const a = Math.max(lo, start - EC_PROOF_RADIUS);
  const b = Math.min(hi, start + point.length + EC_PROOF_RADIUS) - size;
  for (let o = a + ((8 - ((base + a) % 8)) % 8); o <= b; o += 8) {
    if (o > start - size && o < start + point.length) continue;
    let zeros = 0;
    for (let i = o; i < o + size; i++) if (buf[i] === 0) zeros++;
    if (zeros > size >> 4) continue;
    for (const reversed of [false, true]) {
      const d = Buffer.from(buf.subarray(o, o + size));
      if (reversed) d.reverse();
      const q = ecPublicPoint(key.curve, d);
      if (q?.equals(point)) return true;
    }
  }
  return false;
}
