// One streaming pass over a byte stream: bounded memory whatever the size, a reused window buffer,
// rare short anchors found in one SIMD pass (anchors.ts) and the sampled known-key pass, then the
// detectors on the few candidate positions, in offset order.
import { AnchorWindow } from './anchors.ts';
import { BASE64_DER_ANCHORS, BASE64_JSON_ANCHORS, BASE64_PEM_ANCHOR, type Base64Run, base64Der, base64Json, base64Pem, mayBeBase64Der } from './base64-pem.ts';
import { cngEc, cngRsa, type Detector, derSec1, derVersion0, jwk, MAX_MATERIAL, pem, putty, utf16Jwk, utf16Pem, xmlRsaKeyValue } from './detectors.ts';
import type { BignumCollector } from './ec-scalars.ts';
import { EMBEDDED_ANCHORS, type Embedded } from './embedded.ts';
import type { KnownKeyTable } from './known-keys.ts';
import { PROOF_RADIUS, WIDE_PROOF_RADIUS } from './known-keys.ts';
import type { RawHit } from './types.ts';

interface Anchor {
  needle: Buffer;
  detect: Detector;
}

/** DER INTEGER 0 (PKCS#1, PKCS#8) or INTEGER 1 followed by an OCTET STRING (SEC1). */
const der: Detector = (buf, pos, lo, hi) => {
  const v = buf[pos + 2];
  if (v === 0x00) return derVersion0(buf, pos, lo, hi);
  if (v === 0x01 && buf[pos + 3] === 0x04) return derSec1(buf, pos, lo, hi);
  return undefined;
};

/** CNG ECC private blobs: ECS2/ECS4/ECS6 (ECDSA), ECK2/ECK4/ECK6 (ECDH) and the generic ECDV/ECKV. */
const ecBlob: Detector = (buf, pos, lo, hi) => {
  const c = buf[pos + 2];
  return c === 0x53 || c === 0x4b || (c === 0x44 && buf[pos + 3] === 0x56) ? cngEc(buf, pos, lo, hi) : undefined;
};

/** "RSA" starts CNG and CAPI blob magics (RSA2, RSA3) and .NET's `<RSAKeyValue>` XML. */
const rsa: Detector = (buf, pos, lo, hi) => (buf[pos + 3] === 0x4b ? xmlRsaKeyValue(buf, pos, lo, hi) : cngRsa(buf, pos, lo, hi));

const E_KEY = Buffer.from('E KEY-');
const PUTTY = Buffer.from('PuTTY-');

/** "Y-" ends both "PRIVATE KEY-----" (PEM) and "PuTTY-User-Key-File-" (PuTTY PPK). */
const keyHeader: Detector = (buf, pos, lo, hi) => {
  const at = pos - 4;
  if (at < lo) return undefined;
  if (buf.compare(E_KEY, 0, 6, at, at + 6) === 0) return pem(buf, at, lo, hi);
  if (buf.compare(PUTTY, 0, 6, at, at + 6) === 0) return putty(buf, at, lo, hi);
  return undefined;
};

/**
 * The formats share as few, short anchors as possible: the SIMD pass compares eight buckets of two-byte
 * prefixes at once (these, the embedded containers' two and base64 PEM's "LS", which shares the bucket
 * of "RS": anchors.ts anchorBuckets), and the indexOf fallback reads the data
 * once per anchor (longer needles switch Buffer.indexOf to a 4–5× slower algorithm: at most 6 bytes).
 */
export const ANCHORS: readonly Anchor[] = [
  { needle: Buffer.from('Y-'), detect: keyHeader },
  { needle: Buffer.from('kty"'), detect: jwk },
  // A JWK held as a JSON string in another JSON document: `{\"kty\":…}`, `{\u0022kty\u0022:…}`.
  { needle: Buffer.from('kty\\'), detect: jwk },
  { needle: Buffer.from([0x02, 0x01]), detect: der },
  { needle: Buffer.from('RSA'), detect: rsa },
  { needle: Buffer.from('EC'), detect: ecBlob },
  // PEM in UTF-16: "E\0Y\0-\0-" (LE) and "\0E\0Y\0-\0-" (BE) both contain it.
  { needle: Buffer.from('Y\0-\0-', 'latin1'), detect: utf16Pem },
  // A JWK in UTF-16: `"kty` in either byte order ("\"\0k\0t\0" LE, "\0\"\0k\0t" BE).
  { needle: Buffer.from('"\0k\0t', 'latin1'), detect: utf16Jwk },
];

export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Context kept on both sides of the searched range: enough for every detector and the proof window (a multiple of 8). */
export const CONTEXT = (Math.max(2 * (MAX_MATERIAL + PROOF_RADIUS) + 16 * 1024, WIDE_PROOF_RADIUS + 2048) + 7) & ~7;
export const MAX_FINDINGS = 10_000;
export const MAX_EMBEDDED = 1000;
/** Candidate kinds at or above this are embedded containers (EMBEDDED_ANCHORS index + EMBEDDED_KIND). */
const EMBEDDED_KIND = 1000;
/** The candidate kinds of base64-encoded PEM and of a base64 DER private key with no armour (base64-pem.ts). */
const BASE64_KIND = 2000;
const BASE64_DER_KIND = 2001;
/** The candidate kind of JSON written as base64 or base64url (a JWK in a Kubernetes Secret or a token segment). */
const BASE64_JSON_KIND = 2002;
/** What each base64 candidate kind decodes, and how a run nested too deep is named. */
const BASE64_READERS: Record<number, { read: (buf: Buffer, pos: number, hi: number) => Base64Run | undefined; what: string }> = {
  [BASE64_KIND]: { read: base64Pem, what: 'base64-encoded PEM' },
  [BASE64_DER_KIND]: { read: base64Der, what: 'a base64 DER private key' },
  [BASE64_JSON_KIND]: { read: base64Json, what: 'base64 JSON with a private JWK' },
};
/** Base64-encoded PEM inside base64-encoded PEM is opened this deep, no deeper. */
const MAX_BASE64_DEPTH = 3;
const SUB_BLOCK = 128 * 1024;
/**
 * New bytes searched at a time (and read at a time by scanRangeFd): well below the L2 cache, so the
 * passes find the bytes still cached from the read that copied them in, however large the window.
 */
export const STEP_BYTES = 256 * 1024;
/** Every anchor the window searches for, and the candidate kind each stands for. */
export const NEEDLES: readonly Buffer[] = [
  ...ANCHORS.map((a) => a.needle),
  ...EMBEDDED_ANCHORS.map((a) => a.needle),
  BASE64_PEM_ANCHOR,
  ...BASE64_DER_ANCHORS,
  ...BASE64_JSON_ANCHORS,
];
export const KINDS: readonly number[] = [
  ...ANCHORS.map((_, i) => i),
  ...EMBEDDED_ANCHORS.map((_, i) => EMBEDDED_KIND + i),
  BASE64_KIND,
  ...BASE64_DER_ANCHORS.map(() => BASE64_DER_KIND),
  ...BASE64_JSON_ANCHORS.map(() => BASE64_JSON_KIND),
];

/** A base64 run that could not be decoded whole (absolute offset): reported as a gap, never clean. */
export interface DecodeGap {
  offset: number;
  reason: string;
}

/**
 * Windows of ended scanners, by size and search, to be reused in this thread: a fresh 4 MiB window
 * costs a page fault every 4 KiB, and a thread scans many ranges and archive members one after another.
 */
const spareWindows = new Map<string, AnchorWindow[]>();
const MAX_SPARE = 2;

export class StreamScanner {
  private readonly window: AnchorWindow;
  private readonly spareKey: string;
  private ended = false;
  private readonly buf: Buffer;
  private readonly words: Int32Array;
  private len = 0;
  private base = 0;
  private from = 0;
  private coveredUntil = -1;
  private readonly table: KnownKeyTable | undefined;
  private readonly allKeys: KnownKeyTable | undefined;
  private readonly found: RawHit[] = [];
  /** Bytes consumed so far. */
  bytes = 0;
  /** Set when more than MAX_FINDINGS were found (the rest are dropped). */
  overflow = false;
  /** Compressed containers found inside the stream (gzip members, zip local headers), to be opened by the caller. */
  readonly embedded: Embedded[] = [];
  /** Set when more than MAX_EMBEDDED containers were found (the rest are not opened). */
  embeddedOverflow = false;
  /** Base64-encoded PEM that was cut, invalid or over the limit. */
  readonly decodeGaps: DecodeGap[] = [];
  /** How many base64 layers this stream is inside (0: the file itself). */
  depth = 0;
  /** Collects BIGNUM-shaped structures (memory images with a layout and known EC keys). */
  bignums: BignumCollector | undefined;
  /** Absolute offset where the search stops (a range of a larger stream); bytes after it are context only. */
  private stop = Number.POSITIVE_INFINITY;
  /** Candidates of one process() call: offset and kind, in pairs (reused). */
  private readonly cand: number[] = [];
  private readonly onTableHit = (ni: number, start: number): void => {
    this.cand.push(start, -1 - ni);
  };

  /** `indexOfOnly`: search the anchors with one indexOf pass each instead of the SIMD pass (tests compare them). */
  constructor(table?: KnownKeyTable, chunkSize = DEFAULT_CHUNK, indexOfOnly = false) {
    this.table = table?.searchable ? table : undefined;
    this.allKeys = table;
    const size = (Math.max(chunkSize, 64 * 1024) + 2 * CONTEXT + 3) & ~3;
    this.spareKey = `${size}/${indexOfOnly}`;
    this.window = spareWindows.get(this.spareKey)?.pop() ?? new AnchorWindow(size, NEEDLES, indexOfOnly);
    this.buf = this.window.buf;
    this.words = this.window.words;
  }

  /**
   * Search only [start, stop) of a larger stream (one range of a file split across threads). The
   * bytes pushed next start at `start - lead` (`lead` bytes of context, a multiple of 8); the caller
   * pushes up to CONTEXT bytes past `stop` so material that starts before `stop` is read whole.
   * Findings and embedded containers keep absolute offsets. Call before any byte is pushed.
   */
  range(start: number, stop: number, lead: number): void {
    if (this.len !== 0 || lead % 8 !== 0 || lead > start) throw new Error('StreamScanner.range: call before pushing, with an 8-aligned lead');
    this.base = start - lead;
    this.from = lead;
    this.stop = stop;
  }

  /** Free space to read into directly (then call commit with the count). */
  get writable(): Buffer {
    return this.buf.subarray(this.len);
  }

  commit(n: number): void {
    if (this.ended) throw new Error('StreamScanner: bytes pushed after end()');
    this.len += n;
    this.bytes += n;
    if (this.len === this.buf.length || this.len - this.from >= CONTEXT + STEP_BYTES) this.process(false);
  }

  /** Copy data in (for decompressed or network streams). */
  push(data: Uint8Array): void {
    let o = 0;
    while (o < data.length) {
      const n = Math.min(data.length - o, this.buf.length - this.len);
      this.buf.set(data.subarray(o, o + n), this.len);
      o += n;
      this.commit(n);
    }
  }

  /** Finish the stream and return its findings, in offset order. The window goes back to be reused: push nothing more. */
  end(): RawHit[] {
    if (this.ended) return this.found;
    this.process(true);
    this.ended = true;
    const spare = spareWindows.get(this.spareKey) ?? [];
    if (spare.length < MAX_SPARE) spare.push(this.window);
    spareWindows.set(this.spareKey, spare);
    return this.found;
  }

  /**
   * Search what has CONTEXT bytes after it (everything, at the end), then, when the window is full
   * (or the stream ended), move the context to its start. Called every STEP_BYTES of input, so the
   * passes read bytes that were read in a moment ago and are still in the CPU's cache.
   */
  private process(final: boolean): void {
    const len = this.len;
    const end = Math.min(final ? len : len - CONTEXT, this.stop - this.base);
    const from = this.from;
    if (end > from) {
      const cand = this.cand;
      cand.length = 0;
      // Sub-blocks small enough to stay in L2 while every anchor and the table pass run over them.
      for (let s = from; s < end; s += SUB_BLOCK) {
        const e = Math.min(end, s + SUB_BLOCK);
        const before = cand.length;
        this.window.find(s, e, len, KINDS, cand);
        this.dropUnlikelyDer(before);
        this.table?.scan(this.buf, this.words, this.base, s, e, len, this.onTableHit, this.window.memory);
        this.bignums?.scan(this.words, this.base, s, e, len);
      }
      if (cand.length) this.verify(cand, len);
      this.from = end;
    }
    if (final || len === this.buf.length) this.shift(final);
  }

  /** Drop base64 DER candidates from `from` on that fail the cheap first look (most "M[C-I]" in text and base64), before they are sorted and verified. */
  private dropUnlikelyDer(from: number): void {
    const cand = this.cand;
    let w = from;
    for (let r = from; r < cand.length; r += 2) {
      const pos = cand[r] as number;
      const kind = cand[r + 1] as number;
      if (kind === BASE64_DER_KIND && !mayBeBase64Der(this.buf, pos)) continue;
      cand[w++] = pos;
      cand[w++] = kind;
    }
    cand.length = w;
  }

  /** Keep the context before the next byte to search, moving by a multiple of 4 so the window stays word-aligned with the stream. */
  private shift(final: boolean): void {
    const len = this.len;
    const keepFrom = final ? len : Math.max(0, this.from - CONTEXT) & ~3;
    this.buf.copyWithin(0, keepFrom, len);
    this.base += keepFrom;
    this.len = len - keepFrom;
    this.from = Math.max(0, this.from - keepFrom);
  }

  /** A hit whose key is one of several candidates: proven (and named) when a candidate is a known key. */
  private resolveCandidates(hit: RawHit): void {
    const known = hit.candidates?.map((fp) => this.allKeys?.match(fp)).find((k) => k !== undefined);
    hit.candidates = undefined;
    delete hit.candidates;
    if (!known) return;
    hit.proof = 'private-key-present';
    hit.fingerprints = known.fingerprints;
    hit.knownKeyId = known.id;
  }

  private addEmbedded(anchor: number, pos: number, len: number): void {
    const found = (EMBEDDED_ANCHORS[anchor] as (typeof EMBEDDED_ANCHORS)[number]).detect(this.buf, pos, len);
    if (!found) return;
    if (this.embedded.length >= MAX_EMBEDDED) {
      this.embeddedOverflow = true;
      return;
    }
    this.embedded.push({ ...found, offset: found.offset + this.base, dataStart: found.dataStart + this.base });
  }

  /** Base64-encoded PEM, a bare base64 DER key or base64 JSON (by `kind`) at `pos`: its bytes scanned as an embedded stream, hits named by the run's offset. */
  private addBase64(pos: number, len: number, kind: number): void {
    if (this.base + pos < this.coveredUntil) return;
    const { read, what } = BASE64_READERS[kind] as (typeof BASE64_READERS)[number];
    const run = read(this.buf, pos, len);
    if (!run) return;
    const at = run.offset + this.base;
    this.coveredUntil = Math.max(this.coveredUntil, at + run.length);
    if (!run.decoded && !run.gap) return; // a run that holds nothing (a public JWKS): covered, not walked again
    if (this.depth >= MAX_BASE64_DEPTH) {
      this.decodeGaps.push({ offset: at, reason: `${what} at offset ${at} is nested more than ${MAX_BASE64_DEPTH} deep; it was not decoded` });
      return;
    }
    if (run.gap) this.decodeGaps.push({ offset: at, reason: run.gap.replace(`offset ${run.offset}`, `offset ${at}`) });
    if (!run.decoded) return;
    const inner = new StreamScanner(this.allKeys, 64 * 1024);
    inner.depth = this.depth + 1;
    inner.push(run.decoded);
    for (const hit of inner.end()) {
      if (this.found.length >= MAX_FINDINGS) {
        this.overflow = true;
        return;
      }
      this.found.push({ ...hit, base64At: [at, ...(hit.base64At ?? [])], base64End: at + run.length });
    }
    for (const g of inner.decodeGaps) this.decodeGaps.push({ offset: at, reason: `inside base64 at offset ${at}: ${g.reason}` });
  }

  private verify(cand: number[], len: number): void {
    const order: number[] = [];
    for (let i = 0; i < cand.length; i += 2) order.push(i);
    order.sort((x, y) => (cand[x] as number) - (cand[y] as number) || (cand[x + 1] as number) - (cand[y + 1] as number));
    for (const i of order) {
      const pos = cand[i] as number;
      const kind = cand[i + 1] as number;
      if (kind >= EMBEDDED_KIND) {
        if (BASE64_READERS[kind]) this.addBase64(pos, len, kind);
        else this.addEmbedded(kind - EMBEDDED_KIND, pos, len);
        continue;
      }
      if (this.base + pos < this.coveredUntil) continue;
      let hit: RawHit | undefined;
      try {
        hit = kind >= 0 ? (ANCHORS[kind] as Anchor).detect(this.buf, pos, 0, len) : this.table?.judge(-1 - kind, this.buf, pos, 0, len, this.base);
      } catch {
        hit = undefined;
      }
      if (!hit) continue;
      if (hit.candidates) this.resolveCandidates(hit);
      hit.offset += this.base;
      this.coveredUntil = Math.max(this.coveredUntil, hit.offset + hit.length);
      if (this.found.length >= MAX_FINDINGS) {
        this.overflow = true;
        return;
      }
      this.found.push(hit);
    }
  }
}

/** Scan an in-memory buffer (tests, small archive members). */
export function scanBuffer(data: Uint8Array, table?: KnownKeyTable, chunkSize?: number, indexOfOnly = false): RawHit[] {
  const s = new StreamScanner(table, chunkSize, indexOfOnly);
  s.push(data);
  return s.end();
}
