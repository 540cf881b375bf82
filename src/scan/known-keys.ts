// The known-key table: every inventoried public key's RSA modulus (both byte orders), EC point and
// Ed25519/X25519 key, found in one sampled pass (needle-grid.ts: one hash and one filter word per
// sample, whatever the number of keys), then proven private by a nearby prime factor or scalar.
// Built without a crypto object per key: every input's SPKI DER is decoded into one shared buffer and
// walked in place (spki.ts: the modulus, the point, the OKP key lie verbatim in it); only keys of
// other types (DSA, small keys) go through node:crypto, to be matched by fingerprint, and an input
// that is not a public key is rejected with its reason (a gap), never dropped. Key objects and SPKI
// hashes are made on first use, so 10,000 keys cost milliseconds to build and nothing to hand to a
// worker thread.
import { fingerprintsOf } from '../crypto/fingerprint.ts';
import type { Fingerprints } from '../model/common.ts';
import { nodeCrypto } from '../util/builtins.ts';
import { bigFromBE, bigFromLE } from './bytes.ts';
import { ecPublicPoint, okpPublic } from './keyproof.ts';
import { addressMap, type Layout, type ReadAt } from './layout.ts';
import { buildGrids, type GridState, Grids, NEEDLE_COLS } from './needle-grid.ts';
import { CURVES, parseSpki, type SpkiFields } from './spki.ts';
import type { KnownKeyInput, RawHit } from './types.ts';

export type { GridState } from './needle-grid.ts';

/** The shortest RSA modulus or EC point indexed (an EC P-256 point); shorter keys are matched by fingerprint. */
const MIN_NEEDLE = 64;
/** How far around a modulus hit the proof looks for a prime factor (and around a point for its scalar). */
export const PROOF_RADIUS = 4096;
/**
 * Allocators place a key's bignums apart (OpenSSL 3 keeps p and q ~100 KiB from n in a live
 * process), so a second pass looks this far at 8-byte-aligned offsets, skipping low-entropy windows.
 */
export const WIDE_PROOF_RADIUS = 128 * 1024;
const EC_PROOF_RADIUS = 2048;

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

const KEY_TYPES = ['RSA', 'EC', 'OKP', 'OTHER'] as const;
const OTHER = 3;
/**
 * Key columns: type (KEY_TYPES index), curve (CURVES index or −1), first needle (or −1), exponent
 * offset and length in the DER buffer, and where the key's SPKI lies in it (start, end): its SHA-256
 * is computed when the key is first used, not for all 10,000 at build time.
 */
const KEY_COLS = 7;

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

/**
 * A built table in a form that crosses to worker threads without being built again or cloned key by
 * key: the DER, the key and needle columns, the needle bytes and the grid live in SharedArrayBuffers
 * (shared, not copied); ids and SPKI hashes travel as two strings. Key objects are made on first use.
 */
export interface SharedKnownKeys {
  /** The ids, as a JSON array. */
  keys: string;
  keyCount: number;
  /** KEY_COLS per key. */
  keyCols: Int32Array;
  der: SharedArrayBuffer;
  /** Fingerprints of the keys matched by fingerprint only (JSON object by key index). */
  other: string;
  /** keyIndex, offset, length, format (index in NEEDLE_FORMATS) of each needle. */
  needles: Int32Array;
  needleBytes: SharedArrayBuffer;
  grids: GridState[];
  rejected: { id: string; reason: string }[];
}

/** Every input's SPKI in one shared buffer (its bytes copied, or its base64 decoded): input i is der[starts[i], starts[i + 1]). */
function decodeAll(inputs: readonly KnownKeyInput[]): { der: Buffer; starts: Int32Array } {
  let cap = 0;
  for (const x of inputs) cap += x.der ? x.der.length : Math.ceil(x.publicKey.length / 4) * 3 + 3;
  const der = Buffer.from(new SharedArrayBuffer(Math.max(1, cap)));
  const starts = new Int32Array(inputs.length + 1);
  let o = 0;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i] as KnownKeyInput;
    if (x.der) der.set(x.der, o);
    o += x.der ? x.der.length : der.write(x.publicKey, o, 'base64');
    starts[i + 1] = o;
  }
  return { der, starts };
}

/** The inputs kept (duplicates of an id and key dropped), where their SPKIs lie, their fields, and the rejected ones. */
interface Parsed {
  ids: string[];
  /** SPKI start and end in the DER buffer, two per key. */
  spans: number[];
  fields: (SpkiFields | undefined)[];
  other: Record<number, Fingerprints>;
  rejected: { id: string; reason: string }[];
}

/**
 * Inputs seen so far, to drop one that repeats an id with the same SPKI bytes: by id alone while ids
 * are distinct; an id that comes again has its SPKIs hashed (only then) and compared by hash.
 */
class Seen {
  private readonly byId = new Map<string, number>();
  private readonly hashed = new Set<string>();
  private readonly der: Buffer;
  private readonly starts: Int32Array;
  constructor(der: Buffer, starts: Int32Array) {
    this.der = der;
    this.starts = starts;
  }
  private key(id: string, i: number): string {
    return `${id}\n${nodeCrypto().hash('sha256', this.der.subarray(this.starts[i] as number, this.starts[i + 1] as number), 'hex')}`;
  }
  /** True when input i repeats an earlier input's id and key. */
  repeats(id: string, i: number): boolean {
    const first = this.byId.get(id);
    if (first === undefined) {
      this.byId.set(id, i);
      return false;
    }
    if (first >= 0) {
      this.hashed.add(this.key(id, first));
      this.byId.set(id, -1);
    }
    const k = this.key(id, i);
    if (this.hashed.has(k)) return true;
    this.hashed.add(k);
    return false;
  }
}

function parseAll(inputs: readonly KnownKeyInput[], der: Buffer, starts: Int32Array): Parsed {
  const seen = new Seen(der, starts);
  const out: Parsed = { ids: [], spans: [], fields: [], other: {}, rejected: [] };
  for (let i = 0; i < inputs.length; i++) {
    const id = (inputs[i] as KnownKeyInput).id;
    const s = starts[i] as number;
    const e = starts[i + 1] as number;
    if (seen.repeats(id, i)) continue;
    let f = parseSpki(der, s, e);
    if (f && f.type !== 2 && f.end - f.start < MIN_NEEDLE) f = undefined;
    if (!f) {
      // Other key types (DSA, small keys) are matched by fingerprint only.
      try {
        out.other[out.ids.length] = fingerprintsOf(nodeCrypto().createPublicKey({ key: Buffer.from(der.subarray(s, e)), format: 'der', type: 'spki' }));
      } catch (err) {
        out.rejected.push({ id, reason: `publicKey is not DER SPKI: ${(err as Error).message}` });
        continue;
      }
    }
    out.ids.push(id);
    out.spans.push(s, e);
    out.fields.push(f);
  }
  return out;
}

/** Every needle's bytes in one SharedArrayBuffer (RSA moduli in both byte orders, EC points, OKP keys), with the key and needle columns. */
function layOut(p: Parsed, der: Buffer): { keyCols: Int32Array; needles: Int32Array; needleBytes: SharedArrayBuffer } {
  let total = 0;
  let count = 0;
  for (const f of p.fields) {
    const copies = f?.type === 0 ? 2 : f ? 1 : 0;
    total += copies * (f ? f.end - f.start : 0);
    count += copies;
  }
  const needleBytes = new SharedArrayBuffer(total);
  const bytes = Buffer.from(needleBytes);
  const needles = new Int32Array(new SharedArrayBuffer(count * NEEDLE_COLS * 4));
  const keyCols = new Int32Array(new SharedArrayBuffer(p.fields.length * KEY_COLS * 4));
  let o = 0;
  let n = 0;
  for (let k = 0; k < p.fields.length; k++) {
    const f = p.fields[k];
    const c = k * KEY_COLS;
    keyCols[c] = f ? f.type : OTHER;
    keyCols[c + 1] = f ? f.curve : -1;
    keyCols[c + 2] = f ? n : -1;
    keyCols[c + 5] = p.spans[2 * k] as number;
    keyCols[c + 6] = p.spans[2 * k + 1] as number;
    if (!f) continue;
    keyCols[c + 3] = f.eStart;
    keyCols[c + 4] = f.eEnd - f.eStart;
    const len = f.end - f.start;
    for (let copy = 0; copy < (f.type === 0 ? 2 : 1); copy++) {
      der.copy(bytes, o, f.start, f.end);
      // The little-endian copy: reversed in place by the native TypedArray method (a byte loop here
      // was most of a cold build of 10,000 keys).
      if (copy === 1) bytes.subarray(o, o + len).reverse();
      const at = n * NEEDLE_COLS;
      needles[at] = k;
      needles[at + 1] = o;
      needles[at + 2] = len;
      needles[at + 3] = f.type === 0 ? copy : f.type + 1;
      o += len;
      n++;
    }
  }
  return { keyCols, needles, needleBytes };
}

/** Build the shared form of a table from inventory public keys. */
function buildShared(inputs: readonly KnownKeyInput[]): { shared: SharedKnownKeys; ids: string[]; other: Record<number, Fingerprints> } {
  const { der, starts } = decodeAll(inputs);
  const p = parseAll(inputs, der, starts);
  const { keyCols, needles, needleBytes } = layOut(p, der);
  const grids = buildGrids(needles, Buffer.from(needleBytes));
  const shared: SharedKnownKeys = {
    keys: '',
    keyCount: p.ids.length,
    keyCols,
    der: der.buffer as SharedArrayBuffer,
    other: '',
    needles,
    needleBytes,
    grids,
    rejected: p.rejected,
  };
  return { shared, ids: p.ids, other: p.other };
}

export class KnownKeyTable {
  private readonly ids: string[];
  private readonly s: SharedKnownKeys;
  private readonly other: Record<number, Fingerprints>;
  private readonly der: Buffer;
  private readonly bytes: Buffer;
  private readonly grids: Grids;
  /** Key objects made so far (on first use). */
  private readonly made: (KnownKey | undefined)[] = [];
  /** SPKI SHA-256 hashes computed so far. */
  private readonly hashes: (string | undefined)[] = [];
  private needleList: Needle[] | undefined;
  private bySpki: Map<string, number> | undefined;
  private byThumb: Map<string, number> | undefined;
  private ecList: ReturnType<KnownKeyTable['ecPoints']> | undefined;
  private okpList: ReturnType<KnownKeyTable['okpKeys']> | undefined;
  /** Inputs that could not be used, with the reason (reported as gaps by callers). */
  readonly rejected: { id: string; reason: string }[];

  /** Build from inventory public keys, or adopt a table another thread built (`share()`). */
  constructor(inputs: readonly KnownKeyInput[] | SharedKnownKeys) {
    if (Array.isArray(inputs)) {
      const b = buildShared(inputs as readonly KnownKeyInput[]);
      this.s = b.shared;
      this.ids = b.ids;
      this.other = b.other;
    } else {
      this.s = inputs as SharedKnownKeys;
      this.ids = JSON.parse(this.s.keys) as string[];
      this.other = JSON.parse(this.s.other) as Record<number, Fingerprints>;
    }
    this.rejected = [...this.s.rejected];
    this.der = Buffer.from(this.s.der);
    this.bytes = Buffer.from(this.s.needleBytes);
    this.grids = new Grids(this.s.grids, this.s.needles, this.bytes);
  }

  /** The table as shareable state (see SharedKnownKeys). */
  share(): SharedKnownKeys {
    return { ...this.s, keys: JSON.stringify(this.ids), other: JSON.stringify(this.other), rejected: this.rejected };
  }

  get size(): number {
    return this.s.keyCount;
  }

  /** Key i, made on first use. */
  private key(i: number): KnownKey {
    const made = this.made[i];
    if (made) return made;
    const cols = this.s.keyCols;
    const c = i * KEY_COLS;
    const type = cols[c] as number;
    const k: KnownKey = {
      id: this.ids[i] as string,
      keyType: KEY_TYPES[type] as KnownKey['keyType'],
      fingerprints: type === OTHER ? { ...this.other[i] } : { spkiSha256: this.spkiSha256(i) },
    };
    const curve = cols[c + 1] as number;
    const needle = cols[c + 2] as number;
    if (type === 0) k.e = this.der.subarray(cols[c + 3] as number, (cols[c + 3] as number) + (cols[c + 4] as number));
    if (curve >= 0) k.curve = CURVES[curve];
    if (needle >= 0) k.needle = needle;
    if (needle >= 0 && type !== 0) k.point = this.needleOf(needle);
    this.made[i] = k;
    return k;
  }

  /** Every key (made on first use). */
  get keys(): KnownKey[] {
    return Array.from({ length: this.size }, (_, i) => this.key(i));
  }

  /** Every needle, as objects (for tests and diagnostics; the search reads the shared columns). */
  get needles(): Needle[] {
    if (this.needleList) return this.needleList;
    const c = this.s.needles;
    const list: Needle[] = [];
    for (let i = 0; i < c.length; i += NEEDLE_COLS) {
      list.push({
        keyIndex: c[i] as number,
        offset: c[i + 1] as number,
        length: c[i + 2] as number,
        format: NEEDLE_FORMATS[c[i + 3] as number] as NeedleFormat,
      });
    }
    this.needleList = list;
    return list;
  }

  /** Key i's SPKI SHA-256 (hex), computed on first use. */
  private spkiSha256(i: number): string {
    let h = this.hashes[i];
    if (h === undefined) {
      const c = i * KEY_COLS;
      h = nodeCrypto().hash('sha256', this.der.subarray(this.s.keyCols[c + 5] as number, this.s.keyCols[c + 6] as number), 'hex');
      this.hashes[i] = h;
    }
    return h;
  }

  /** SPKI SHA-256 → key index (built on first use). */
  private spkiIndex(): Map<string, number> {
    if (this.bySpki) return this.bySpki;
    const map = new Map<string, number>();
    for (let i = 0; i < this.size; i++) {
      const fp = this.s.keyCols[i * KEY_COLS] === OTHER ? this.other[i]?.spkiSha256 : this.spkiSha256(i);
      if (fp && !map.has(fp)) map.set(fp, i);
    }
    this.bySpki = map;
    return map;
  }

  /** A needle's bytes (a view of the shared buffer). */
  needleOf(i: number): Buffer {
    const c = i * NEEDLE_COLS;
    const offset = this.s.needles[c + 1] as number;
    return this.bytes.subarray(offset, offset + (this.s.needles[c + 2] as number));
  }

  /** A key's fingerprints, its RFC 7638 thumbprint computed on first use (cheap build for 10,000 keys). */
  fingerprints(k: KnownKey): Fingerprints {
    if (k.fingerprints.jwkThumbprint || k.keyType === 'OTHER') return k.fingerprints;
    const pub = k.keyType === 'RSA' ? this.needleOf(k.needle as number) : toBuffer(k.point as Uint8Array);
    const half = pub.length / 2;
    // RFC 7638's canonical JSON written directly (base64url and the curve names need no escaping):
    // the same string jwkThumbprint builds, without an object, JSON.stringify and a Hash object per key.
    const json =
      k.keyType === 'RSA'
        ? `{"e":"${b64u(k.e as Uint8Array)}","kty":"RSA","n":"${b64u(pub)}"}`
        : k.keyType === 'EC'
          ? `{"crv":"${k.curve}","kty":"EC","x":"${b64u(pub.subarray(0, half))}","y":"${b64u(pub.subarray(half))}"}`
          : `{"crv":"${k.curve}","kty":"OKP","x":"${b64u(pub)}"}`;
    const tp = nodeCrypto().hash('sha256', json, 'base64url');
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
        for (let j = 0; j < this.size; j++) {
          const tp = this.fingerprints(this.key(j)).jwkThumbprint;
          if (tp && !this.byThumb.has(tp)) this.byThumb.set(tp, j);
        }
      }
      i = this.byThumb.get(fp.jwkThumbprint);
    }
    if (i === undefined) return undefined;
    const k = this.key(i);
    this.fingerprints(k);
    return k;
  }

  /** The keys of one type with their curve and public point (or OKP key). */
  private pointsOf(type: number): { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] {
    const out: { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] = [];
    for (let i = 0; i < this.size; i++) {
      if (this.s.keyCols[i * KEY_COLS] !== type) continue;
      const k = this.key(i);
      if (k.curve && k.point) out.push({ id: k.id, curve: k.curve, point: toBuffer(k.point), fingerprints: this.fingerprints(k) });
    }
    return out;
  }

  /** The EC keys: curve and public point, for the scalar search in memory images. */
  ecPoints(): { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] {
    this.ecList ??= this.pointsOf(1);
    return this.ecList;
  }

  /** The Ed25519 and X25519 keys: curve and 32-byte public key, for the seed search in memory. */
  okpKeys(): { id: string; curve: string; point: Buffer; fingerprints: Fingerprints }[] {
    this.okpList ??= this.pointsOf(2);
    return this.okpList;
  }

  /** True when there are needles to look for. */
  get searchable(): boolean {
    return this.grids.size > 0;
  }

  /**
   * Find needle occurrences sampled in [from, end) of `buf` (valid bytes up to `len`). `words` is an
   * Int32Array over the same memory (byteOffset 0), `base` the absolute offset of buf[0] (a multiple
   * of 4). Calls `onHit(needleIndex, start)` with the window-relative start of each verified occurrence.
   * `memory`: the WebAssembly memory `buf` is (the scanner's window), so the sampling runs there.
   */
  scan(
    buf: Buffer,
    words: Int32Array,
    base: number,
    from: number,
    end: number,
    len: number,
    onHit: (needle: number, start: number) => void,
    memory?: WebAssembly.Memory,
  ): void {
    this.grids.scan(buf, words, base, from, end, len, onHit, memory);
  }

  /** Turn a verified needle occurrence into a finding, proving possession when a private half is nearby. */
  judge(needleIndex: number, buf: Buffer, start: number, lo: number, hi: number, base = 0): RawHit {
    const c = needleIndex * NEEDLE_COLS;
    const key = this.key(this.s.needles[c] as number);
    const length = this.s.needles[c + 2] as number;
    const format = NEEDLE_FORMATS[this.s.needles[c + 3] as number] as NeedleFormat;
    const bytes = this.needleOf(needleIndex);
    let proven: boolean;
    let seedPointers: number[] | undefined;
    if (key.keyType === 'RSA') {
      const modulus = bigFromBE(this.needleOf(key.needle as number), 0, length);
      proven =
        primeNearby(modulus, length, buf, start, lo, hi) ||
        // The wide pass is for in-memory bignums (little-endian limbs); big-endian copies are
        // encodings (DER, CNG) whose primes, when present, sit right next to the modulus.
        (format === 'rsa-modulus-le' && primeFarther(modulus, length, buf, start, lo, hi, base));
    } else if (key.keyType === 'OKP') {
      const r = okpNearby(key.curve as string, bytes, buf, start, lo, hi, base);
      proven = r.proven;
      if (!proven && r.pointers.length) seedPointers = r.pointers;
    } else proven = ecScalarNearby(key, bytes, buf, start, lo, hi, base);
    return {
      offset: start,
      length,
      format,
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
      const k = this.okpKeys().find((x) => x.id === h.knownKeyId);
      if (!k) continue;
      for (const ptr of pointers) {
        const offset = fileOffset(ptr, 32);
        const secret = offset === undefined ? undefined : read(offset, 32);
        if (secret?.length === 32 && okpPublic(k.curve, secret)?.equals(k.point)) {
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
