// The known-key table: every inventoried public key's RSA modulus (both byte orders) and EC point,
// found in one sampled pass (an 8-byte q-gram every `step` bytes looked up in an allocation-free
// typed-array hash of every q-gram of every needle), then proven private by a nearby prime factor.
import { createHash, createPublicKey } from 'node:crypto';
import { fingerprintsOf, jwkThumbprint } from '../crypto/fingerprint.ts';
import type { Fingerprints } from '../model/common.ts';
import { bigFromBE, bigFromLE, children, readTlv, type Tlv, unsignedBytes } from './bytes.ts';
import { ecPublicPoint } from './keyproof.ts';
import type { KnownKeyInput, RawHit } from './types.ts';

const Q = 8;
/**
 * Needles are indexed in grids by length. A grid indexes only the first W bytes of its needles and
 * samples the stream every STEP bytes at absolute offsets that are multiples of STEP (4-byte aligned
 * for Int32Array loads, and the grid never shifts at chunk boundaries). Any occurrence of a needle
 * of at least W bytes contains one sample inside its first W bytes: STEP <= W - Q + 1. Long needles
 * (RSA moduli) get a coarse grid, so few samples touch their large table; short ones (EC points) a
 * fine grid over a small table.
 */
const GRIDS = [
  { w: 128, step: 120 },
  { w: 64, step: 56 },
] as const;
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

interface Needle {
  keyIndex: number;
  /** A view of the table's shared needle bytes once the table is built. */
  bytes: Buffer;
  format: 'rsa-modulus-be' | 'rsa-modulus-le' | 'ec-point';
}

export interface KnownKey {
  id: string;
  keyType: 'RSA' | 'EC' | 'OTHER';
  fingerprints: Fingerprints;
  /** RSA modulus as a BigInt (for the prime-division proof). */
  modulus?: bigint;
  curve?: string;
  /** EC public point x||y (uncompressed, without the 04 prefix). */
  point?: Buffer;
}

const hash = (lo: number, hi: number): number => Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) ^ (hi >>> 15);

const EC_OIDS: Record<string, string> = {
  '06082a8648ce3d030107': 'P-256',
  '06052b81040022': 'P-384',
  '06052b81040023': 'P-521',
  '06052b8104000a': 'secp256k1',
};

interface ParsedSpki {
  kty: 'RSA' | 'EC';
  /** RSA modulus or EC x||y, big-endian, no leading zeros. */
  needle: Buffer;
  e?: Buffer;
  crv?: string;
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** Fast structural parse of an RSA or EC SubjectPublicKeyInfo; undefined for anything else. */
function parseSpki(der: Buffer): ParsedSpki | undefined {
  const top = readTlv(der, 0, der.length);
  if (top?.tag !== 0x30 || top.end !== der.length) return undefined;
  const kids = children(der, top);
  if (kids?.length !== 2 || kids[0]?.tag !== 0x30 || kids[1]?.tag !== 0x03) return undefined;
  const alg = children(der, kids[0] as Tlv);
  const bits = kids[1] as Tlv;
  if (alg?.[0]?.tag !== 0x06 || der[bits.contentStart] !== 0) return undefined;
  const oid = der.toString('hex', (alg[0] as Tlv).start, (alg[0] as Tlv).end);
  if (oid === '06092a864886f70d010101') {
    const rsa = readTlv(der, bits.contentStart + 1, bits.end);
    const parts = rsa && rsa.tag === 0x30 ? children(der, rsa) : undefined;
    if (parts?.length !== 2 || parts[0]?.tag !== 0x02 || parts[1]?.tag !== 0x02) return undefined;
    return {
      kty: 'RSA',
      needle: unsignedBytes(der, (parts[0] as Tlv).contentStart, (parts[0] as Tlv).end),
      e: unsignedBytes(der, (parts[1] as Tlv).contentStart, (parts[1] as Tlv).end),
    };
  }
  if (oid === '06072a8648ce3d0201' && alg[1]) {
    const crv = EC_OIDS[der.toString('hex', alg[1].start, alg[1].end)];
    const point = der.subarray(bits.contentStart + 1, bits.end);
    if (!crv || point[0] !== 4 || point.length % 2 !== 1) return undefined;
    return { kty: 'EC', needle: Buffer.from(point.subarray(1)), crv };
  }
  return undefined;
}

/**
 * A built table in a form that crosses to worker threads without being built again: the q-gram
 * grids and the needles' bytes live in SharedArrayBuffers (shared, not copied); keys are cloned.
 */
export interface SharedKnownKeys {
  keys: KnownKey[];
  needles: { keyIndex: number; format: Needle['format']; offset: number; length: number }[];
  needleBytes: SharedArrayBuffer;
  grids: GridState[];
  rejected: { id: string; reason: string }[];
}

export class KnownKeyTable {
  readonly keys: KnownKey[] = [];
  readonly needles: Needle[] = [];
  private bySpki = new Map<string, number>();
  private byThumb = new Map<string, number>();
  private grids: Grid[] = [];
  private gridStates: GridState[] = [];
  private needleBytes: SharedArrayBuffer | undefined;
  private needleAt: { offset: number; length: number }[] = [];
  /** Inputs that could not be used, with the reason (reported as gaps by callers). */
  readonly rejected: { id: string; reason: string }[] = [];

  /** Build from inventory public keys, or adopt a table another thread built (`share()`). */
  constructor(inputs: readonly KnownKeyInput[] | SharedKnownKeys) {
    if (!Array.isArray(inputs)) {
      this.adopt(inputs as SharedKnownKeys);
      return;
    }
    this.add(inputs as readonly KnownKeyInput[]);
    this.pack();
    this.build();
  }

  /** The table as shareable state (see SharedKnownKeys). */
  share(): SharedKnownKeys {
    return {
      // A point's Buffer may be a slice of Node's 8 KiB pool, which cloning would copy whole: give it its own memory.
      keys: this.keys.map((k) => (k.point ? { ...k, point: new Uint8Array(k.point) as Buffer } : k)),
      needles: this.needles.map((n, i) => ({ keyIndex: n.keyIndex, format: n.format, ...(this.needleAt[i] as { offset: number; length: number }) })),
      needleBytes: this.needleBytes as SharedArrayBuffer,
      grids: this.gridStates,
      rejected: this.rejected,
    };
  }

  private adopt(s: SharedKnownKeys): void {
    for (const k of s.keys) this.keys.push(k.point ? { ...k, point: Buffer.from(k.point.buffer, k.point.byteOffset, k.point.length) } : k);
    for (const n of s.needles) this.needles.push({ keyIndex: n.keyIndex, format: n.format, bytes: Buffer.from(s.needleBytes, n.offset, n.length) });
    this.rejected.push(...s.rejected);
    for (const [i, k] of this.keys.entries()) this.index(k, i);
    this.needleBytes = s.needleBytes;
    this.needleAt = s.needles.map((n) => ({ offset: n.offset, length: n.length }));
    this.gridStates = s.grids;
    this.grids = s.grids.map((g) => new Grid(g, this.needles));
  }

  private index(k: KnownKey, keyIndex: number): void {
    const fp = k.fingerprints;
    if (fp.spkiSha256 && !this.bySpki.has(fp.spkiSha256)) this.bySpki.set(fp.spkiSha256, keyIndex);
    if (fp.jwkThumbprint && !this.byThumb.has(fp.jwkThumbprint)) this.byThumb.set(fp.jwkThumbprint, keyIndex);
  }

  /** All needles' bytes in one SharedArrayBuffer, each needle a view of it. */
  private pack(): void {
    const total = this.needles.reduce((sum, n) => sum + n.bytes.length, 0);
    const sab = new SharedArrayBuffer(total);
    let o = 0;
    for (const n of this.needles) {
      const view = Buffer.from(sab, o, n.bytes.length);
      view.set(n.bytes);
      this.needleAt.push({ offset: o, length: n.bytes.length });
      n.bytes = view;
      o += view.length;
    }
    this.needleBytes = sab;
  }

  private add(inputs: readonly KnownKeyInput[]): void {
    const seen = new Set<string>();
    for (const input of inputs) {
      const der = Buffer.from(input.publicKey, 'base64');
      const spkiSha256 = createHash('sha256').update(der).digest('hex');
      if (seen.has(`${input.id}\n${spkiSha256}`)) continue;
      seen.add(`${input.id}\n${spkiSha256}`);
      const keyIndex = this.keys.length;
      const parsed = parseSpki(der);
      if (parsed?.kty === 'RSA' && parsed.needle.length >= MIN_NEEDLE) {
        const fingerprints: Fingerprints = { spkiSha256 };
        const tp = jwkThumbprint({ kty: 'RSA', n: b64u(parsed.needle), e: b64u(parsed.e as Buffer) });
        if (tp) fingerprints.jwkThumbprint = tp;
        this.keys.push({ id: input.id, keyType: 'RSA', fingerprints, modulus: bigFromBE(parsed.needle, 0, parsed.needle.length) });
        this.needles.push({ keyIndex, bytes: parsed.needle, format: 'rsa-modulus-be' });
        this.needles.push({ keyIndex, bytes: Buffer.from(parsed.needle).reverse(), format: 'rsa-modulus-le' });
      } else if (parsed?.kty === 'EC' && parsed.needle.length >= MIN_NEEDLE) {
        const half = parsed.needle.length / 2;
        const fingerprints: Fingerprints = { spkiSha256 };
        const tp = jwkThumbprint({ kty: 'EC', crv: parsed.crv, x: b64u(parsed.needle.subarray(0, half)), y: b64u(parsed.needle.subarray(half)) });
        if (tp) fingerprints.jwkThumbprint = tp;
        this.keys.push({ id: input.id, keyType: 'EC', fingerprints, curve: parsed.crv, point: parsed.needle });
        this.needles.push({ keyIndex, bytes: parsed.needle, format: 'ec-point' });
      } else {
        // Other key types (Ed25519, small keys) are matched by fingerprint only.
        let fingerprints: Fingerprints;
        try {
          fingerprints = fingerprintsOf(createPublicKey({ key: der, format: 'der', type: 'spki' }));
        } catch (err) {
          this.rejected.push({ id: input.id, reason: `publicKey is not DER SPKI: ${(err as Error).message}` });
          continue;
        }
        this.keys.push({ id: input.id, keyType: 'OTHER', fingerprints });
      }
      this.index(this.keys[keyIndex] as KnownKey, keyIndex);
    }
  }

  get size(): number {
    return this.keys.length;
  }

  /** The inventoried key with these fingerprints, if any. */
  match(fp: Fingerprints | undefined): KnownKey | undefined {
    if (!fp) return undefined;
    const i = (fp.spkiSha256 && this.bySpki.get(fp.spkiSha256)) ?? (fp.jwkThumbprint && this.byThumb.get(fp.jwkThumbprint));
    return typeof i === 'number' ? this.keys[i] : undefined;
  }

  /** The EC keys: curve and public point, for the scalar search in memory images. */
  ecPoints(): { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] {
    return this.keys.flatMap((k) => (k.curve && k.point ? [{ id: k.id, curve: k.curve, point: k.point, fingerprints: k.fingerprints }] : []));
  }

  /** True when there are needles to look for. */
  get searchable(): boolean {
    return this.grids.length > 0;
  }

  private build(): void {
    const assigned = new Set<number>();
    for (const g of GRIDS) {
      const members = this.needles.map((_n, i) => i).filter((i) => !assigned.has(i) && (this.needles[i] as Needle).bytes.length >= g.w);
      for (const i of members) assigned.add(i);
      if (!members.length) continue;
      const state = buildGrid(g.w, g.step, this.needles, members);
      this.gridStates.push(state);
      this.grids.push(new Grid(state, this.needles));
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
    const proven =
      key.keyType === 'RSA'
        ? primeNearby(key.modulus as bigint, n.bytes.length, buf, start, lo, hi) ||
          // The wide pass is for in-memory bignums (little-endian limbs); big-endian copies are
          // encodings (DER, CNG) whose primes, when present, sit right next to the modulus.
          (n.format === 'rsa-modulus-le' && primeFarther(key.modulus as bigint, n.bytes.length, buf, start, lo, hi, base))
        : ecScalarNearby(key, n.bytes, buf, start, lo, hi, base);
    return {
      offset: start,
      length: n.bytes.length,
      format: n.format,
      keyType: key.keyType,
      proof: proven ? 'private-key-present' : 'public-key-only',
      fingerprints: key.fingerprints,
      knownKeyId: key.id,
    };
  }
}

/** A sampling grid's arrays (on SharedArrayBuffers, so worker threads use them without a copy). */
export interface GridState {
  step: number;
  headsMask: number;
  bitsShift: number;
  /** No needle has eight zero bytes in a row, so all-zero samples (zero pages) skip the lookup. */
  zeroGram: boolean;
  bitset: Int32Array;
  heads: Int32Array;
  next: Int32Array;
  glo: Int32Array;
  ghi: Int32Array;
  /** needle index × 256 + offset of the q-gram in the needle. */
  gref: Int32Array;
}

const sharedInts = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));

/** Index the q-grams of the first W bytes of each member needle: a bitset prefilter and a chained hash. */
function buildGrid(w: number, step: number, needles: readonly Needle[], members: readonly number[]): GridState {
  const grams = w - Q + 1;
  const total = members.length * grams;
  let hb = 10;
  while (1 << hb < total && hb < 26) hb++;
  let bb = 15;
  while (1 << bb < total * 16 && bb < 30) bb++;
  const headsMask = (1 << hb) - 1;
  const bitsShift = 32 - bb;
  const bitset = sharedInts(1 << (bb - 5));
  const heads = sharedInts(1 << hb).fill(-1);
  const next = sharedInts(total);
  const glo = sharedInts(total);
  const ghi = sharedInts(total);
  const gref = sharedInts(total);
  let zeroGram = false;
  let e = 0;
  for (const ni of members) {
    const b = (needles[ni] as Needle).bytes;
    // The q-gram at j + 1 is the one at j shifted by a byte: one load per gram, not eight.
    let lo = b.readInt32LE(0);
    let hi = b.readInt32LE(4);
    for (let j = 0; j < grams; j++, e++) {
      if (j > 0) {
        lo = (lo >>> 8) | ((hi & 0xff) << 24);
        hi = (hi >>> 8) | ((b[j + 7] as number) << 24);
      }
      if ((lo | hi) === 0) zeroGram = true;
      const h = hash(lo, hi);
      const bit = h >>> bitsShift;
      bitset[bit >>> 5] = (bitset[bit >>> 5] as number) | (1 << (bit & 31));
      const slot = h & headsMask;
      glo[e] = lo;
      ghi[e] = hi;
      gref[e] = ni * 256 + j;
      next[e] = heads[slot] as number;
      heads[slot] = e;
    }
  }
  return { step, headsMask, bitsShift, zeroGram, bitset, heads, next, glo, ghi, gref };
}

/** One sampling grid over its state. */
class Grid {
  private readonly step: number;
  private readonly needles: readonly Needle[];
  private readonly headsMask: number;
  private readonly bitsShift: number;
  private readonly bitset: Int32Array;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly glo: Int32Array;
  private readonly ghi: Int32Array;
  private readonly gref: Int32Array;
  private readonly zeroGram: boolean;

  constructor(state: GridState, needles: readonly Needle[]) {
    this.step = state.step;
    this.needles = needles;
    this.headsMask = state.headsMask;
    this.bitsShift = state.bitsShift;
    this.bitset = state.bitset;
    this.heads = state.heads;
    this.next = state.next;
    this.glo = state.glo;
    this.ghi = state.ghi;
    this.gref = state.gref;
    this.zeroGram = state.zeroGram;
  }

  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: (needle: number, start: number) => void): void {
    const { heads, next, glo, ghi, gref, bitset, bitsShift, headsMask, needles, step } = this;
    const skipZero = !this.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    if (LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0) {
      for (; p < last; p += step) {
        const lo = words[p >> 2] as number;
        const hi = words[(p >> 2) + 1] as number;
        if ((lo | hi) === 0 && skipZero) continue;
        const h = hash(lo, hi);
        const bit = h >>> bitsShift;
        if (((bitset[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
        this.chain(heads[h & headsMask] as number, lo, hi, p, buf, len, onHit, next, glo, ghi, gref, needles);
      }
      return;
    }
    for (; p < last; p += step) {
      const lo = buf.readInt32LE(p);
      const hi = buf.readInt32LE(p + 4);
      const h = hash(lo, hi);
      const bit = h >>> bitsShift;
      if (((bitset[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
      this.chain(heads[h & headsMask] as number, lo, hi, p, buf, len, onHit, next, glo, ghi, gref, needles);
    }
  }

  private chain(
    first: number,
    lo: number,
    hi: number,
    p: number,
    buf: Buffer,
    len: number,
    onHit: (needle: number, start: number) => void,
    next: Int32Array,
    glo: Int32Array,
    ghi: Int32Array,
    gref: Int32Array,
    needles: readonly Needle[],
  ): void {
    for (let e = first; e !== -1; e = next[e] as number) {
      if (glo[e] !== lo || ghi[e] !== hi) continue;
      const ref = gref[e] as number;
      const ni = ref >> 8;
      const start = p - (ref & 255);
      const nb = (needles[ni] as Needle).bytes;
      if (start >= 0 && start + nb.length <= len && buf.compare(nb, 0, nb.length, start, start + nb.length) === 0) onHit(ni, start);
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
