// EC scalars in a memory image that is only a stream (a core compressed by systemd-coredump, xz or
// gzip): the BIGNUM structures are collected on the first pass, as for a plain core; their limbs lie
// anywhere in the image, so a second decoding pass picks exactly the byte spans the pointers name
// (merged, sorted, at most MAX_SPANS) and stops after the last one. The second pass costs what the
// first did at most, within the same bomb bounds the first pass already enforced.
import type { Readable } from 'node:stream';
import type { BignumCollector } from './ec-scalars.ts';
import type { Layout, ReadAt } from './layout.ts';
import type { RawHit } from './types.ts';

/** Most spans picked on the second pass (each at most 72 bytes: P-521 limbs). */
export const MAX_SPANS = 200_000;

interface Span {
  start: number;
  end: number;
  bytes?: Buffer;
}

/** Merge overlapping [offset, offset + len) requests into sorted disjoint spans. */
export function spansOf(wanted: readonly { offset: number; len: number }[]): Span[] {
  const sorted = [...wanted].sort((a, b) => a.offset - b.offset);
  const out: Span[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && w.offset <= last.end) last.end = Math.max(last.end, w.offset + w.len);
    else out.push({ start: w.offset, end: w.offset + w.len });
  }
  return out;
}

/** Copy the spans' bytes out of a stream read from its start; stops reading after the last span. */
export async function pickSpans(stream: Readable, spans: Span[]): Promise<void> {
  let pos = 0;
  let i = 0;
  const parts: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const end = pos + chunk.length;
      for (; i < spans.length; i++) {
        const s = spans[i] as Span;
        const from = Math.max(s.start, pos);
        if (from >= end) break;
        parts.push(Buffer.from(chunk.subarray(from - pos, Math.min(end, s.end) - pos)));
        if (s.end > end) break; // continues in the next chunk
        s.bytes = Buffer.concat(parts);
        parts.length = 0;
      }
      pos = end;
      if (i >= spans.length) break;
    }
  } catch {
    // A stream that breaks again where the first pass found it broken (already a gap): keep what was picked.
  }
  stream.destroy();
}

/** Random access over the picked spans (what was not picked reads as empty). */
function spanReader(spans: readonly Span[]): ReadAt {
  return (pos, len) => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = spans[mid] as Span;
      if (pos < s.start) hi = mid - 1;
      else if (pos >= s.end) lo = mid + 1;
      else return s.bytes ? s.bytes.subarray(pos - s.start, Math.min(s.end, pos + len) - s.start) : Buffer.alloc(0);
    }
    return Buffer.alloc(0);
  };
}

/**
 * Resolve the collector's pointers in a stream-only memory image: decode it again from the start
 * (`reopen`) and check the limbs the pointers name. `capped` when there were more spans than the bound.
 */
export async function resolveStreamed(collector: BignumCollector, layout: Layout, reopen: () => Readable): Promise<{ hits: RawHit[]; capped: boolean }> {
  const wanted = collector.wanted(layout);
  const capped = wanted.length > MAX_SPANS;
  const spans = spansOf(capped ? wanted.slice(0, MAX_SPANS) : wanted);
  if (!spans.length) return { hits: [], capped };
  await pickSpans(reopen(), spans);
  const r = collector.resolve(layout, spanReader(spans));
  return { hits: r.hits, capped: capped || r.capped };
}
