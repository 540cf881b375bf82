// Small, allocation-light helpers over byte buffers: DER TLV walking, SSH wire strings, bignums.

/** One DER TLV: tag, where its content starts and ends (exclusive). */
export interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Read the DER TLV at `pos`, or undefined when it does not fit inside `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = buf[pos] as number;
  let len = buf[pos + 1] as number;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
    // DER: the shortest length form.
    if (len < 0x80 || (n > 1 && buf[pos + 2] === 0)) return undefined;
  }
  const end = p + len;
  if (end > limit) return undefined;
  return { tag, start: pos, contentStart: p, end };
}

/** Children of a constructed TLV, or undefined when they do not exactly fill it. */
export function children(buf: Uint8Array, parent: Tlv, max = 16): Tlv[] | undefined {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end);
    if (!t || out.length >= max) return undefined;
    out.push(t);
    p = t.end;
  }
  return p === parent.end ? out : undefined;
}

export const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Unsigned big-endian bytes to BigInt. */
export function bigFromBE(buf: Uint8Array, start: number, end: number): bigint {
  if (end <= start) return 0n;
  return BigInt(`0x${Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('hex')}`);
}

/** Unsigned little-endian bytes to BigInt. */
export function bigFromLE(buf: Uint8Array, start: number, end: number): bigint {
  let s = '';
  for (let i = end - 1; i >= start; i--) s += HEX[buf[i] as number];
  return s.length ? BigInt(`0x${s}`) : 0n;
}

export function bigFromB64url(s: string): bigint {
  const b = Buffer.from(s, 'base64url');
  return bigFromBE(b, 0, b.length);
}

/** Strip leading zero bytes (DER INTEGER padding). */
export function unsignedBytes(buf: Uint8Array, start: number, end: number): Buffer {
  let s = start;
  while (s < end - 1 && buf[s] === 0) s++;
  return Buffer.from(buf.subarray(s, end));
}

/** SSH wire format reader (RFC 4251 strings and mpints). */
export class SshReader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  u32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error('truncated');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    if (n > this.buf.length - this.pos) throw new Error('truncated');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  string(): string {
    return this.bytes().toString('latin1');
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}
