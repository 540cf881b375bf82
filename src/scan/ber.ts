// A bounded BER reader (X.690 §8.1): definite lengths of up to 4 bytes and the indefinite form (§8.1.3.6,
// ended by 00 00), as PKCS#12 files from Windows and Java use; constructed OCTET STRINGs (§8.7.3) joined.

/** One BER TLV: tag, where its content starts and ends, and where the whole element ends. */
export interface Ber {
  tag: number;
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
}

const MAX_DEPTH = 32;

/** The TLV at `pos` that fits inside `limit`, or undefined. */
export function ber(buf: Buffer, pos: number, limit: number, depth = 0): Ber | undefined {
  if (pos + 2 > limit || depth > MAX_DEPTH) return undefined;
  const tag = buf[pos] as number;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: not in these formats
  let len = buf[pos + 1] as number;
  let p = pos + 2;
  if (len === 0x80) {
    if (!(tag & 0x20)) return undefined;
    let q = p;
    while (q + 2 <= limit && !(buf[q] === 0 && buf[q + 1] === 0)) {
      const child = ber(buf, q, limit, depth + 1);
      if (!child) return undefined;
      q = child.end;
    }
    return q + 2 <= limit ? { tag, start: pos, contentStart: p, contentEnd: q, end: q + 2 } : undefined;
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
  }
  const end = p + len;
  return end <= limit ? { tag, start: pos, contentStart: p, contentEnd: end, end } : undefined;
}

/** The children of a constructed TLV (at most `max`); fewer when one does not parse. */
export function berChildren(buf: Buffer, t: Ber, max = 4096): Ber[] {
  const out: Ber[] = [];
  for (let p = t.contentStart; p < t.contentEnd && out.length < max; ) {
    const c = ber(buf, p, t.contentEnd);
    if (!c) break;
    out.push(c);
    p = c.end;
  }
  return out;
}

/** The children span the whole content of `t` (berChildren stopped at no element that does not parse, nor at its limit). */
export const berWhole = (t: Ber, children: readonly Ber[]): boolean => (children.at(-1)?.end ?? t.contentStart) === t.contentEnd;

/**
 * The bytes of an OCTET STRING (or an implicitly tagged one), its segments joined when constructed;
 * throws a RangeError when segments nest more than MAX_DEPTH deep or do not fill their parent.
 */
export function octets(buf: Buffer, t: Ber, depth = 0): Buffer {
  if (!(t.tag & 0x20)) return buf.subarray(t.contentStart, t.contentEnd);
  if (depth >= MAX_DEPTH) throw new RangeError(`an OCTET STRING whose segments nest more than ${MAX_DEPTH} deep`);
  const segments = berChildren(buf, t);
  if (!berWhole(t, segments)) throw new RangeError('a constructed OCTET STRING whose segments do not parse');
  return Buffer.concat(segments.map((c) => octets(buf, c, depth + 1)));
}

/** An OBJECT IDENTIFIER's dotted form. */
export function oidOf(buf: Buffer, t: Ber): string {
  if (t.tag !== 0x06 || t.contentEnd <= t.contentStart) return '';
  const first = buf[t.contentStart] as number;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let v = 0;
  for (let i = t.contentStart + 1; i < t.contentEnd; i++) {
    const b = buf[i] as number;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}
