// The single SIMD anchor pass must find exactly what one Buffer.indexOf pass per anchor finds: the
// same candidate offsets on every kind of data (random, text, zero pages, every material format,
// anchors packed at every alignment and cut by the search range and the window's end), and the same
// findings through the whole scanner, with material cut by chunk edges. The compiled module must be
// the one anchors.wat compiles to.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compileAnchors } from '../../scripts/build-wasm.ts';
import { AnchorWindow, anchorBuckets, strayCost } from '../../src/scan/anchors.ts';
import { ANCHORS_WASM } from '../../src/scan/anchors-wasm.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { CONTEXT, KINDS, NEEDLES, STEP_BYTES, StreamScanner, scanBuffer } from '../../src/scan/scanner.ts';
import { encode, FORMATS, filler, kindsFor, makeKey } from './material.ts';

const SIZE = 256 * 1024;

/** A deterministic byte source (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Anchors, their prefixes and near misses packed densely at every alignment, over noise. */
function dense(seed: number, size: number): Buffer {
  const r = rng(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (r() * 256) | 0;
  for (let p = 0; p < size - 8; ) {
    const n = NEEDLES[(r() * NEEDLES.length) | 0] as Buffer;
    const cut = r() < 0.3 ? 1 + ((r() * (n.length - 1)) | 0) : n.length;
    n.copy(out, p, 0, cut);
    p += cut + ((r() * 5) | 0);
  }
  return out;
}

function materials(): Buffer {
  const parts: Buffer[] = [];
  FORMATS.forEach((f, i) => {
    parts.push(filler('mixed', 777 + i * 13), encode(makeKey((kindsFor(f) as string[])[0] as 'rsa2048'), f));
  });
  return Buffer.concat(parts);
}

const sorted = (c: number[]) => {
  const pairs: string[] = [];
  for (let i = 0; i < c.length; i += 2) pairs.push(`${c[i]}:${c[i + 1]}`);
  return pairs.sort();
};

/** Candidates of both searches over the same bytes and range. */
const simd = new AnchorWindow(SIZE, NEEDLES);
const slow = new AnchorWindow(SIZE, NEEDLES, true);

function both(data: Buffer, s: number, e: number, len: number): { simd: string[]; indexOf: string[] } {
  simd.buf.fill(0);
  slow.buf.fill(0);
  data.copy(simd.buf, 0, 0, Math.min(data.length, SIZE));
  data.copy(slow.buf, 0, 0, Math.min(data.length, SIZE));
  const a: number[] = [];
  const b: number[] = [];
  simd.find(s, e, len, KINDS, a);
  slow.find(s, e, len, KINDS, b);
  return { simd: sorted(a), indexOf: sorted(b) };
}

describe('anchor prefilter', () => {
  it('the embedded module is what anchors.wat compiles to (npm run wasm)', async () => {
    expect(Buffer.from(await compileAnchors()).toString('base64')).toBe(ANCHORS_WASM);
  });

  it('uses the single pass for the scanner anchors (and the indexOf passes when asked)', () => {
    expect(simd.singlePass).toBe(true);
    expect(slow.singlePass).toBe(false);
  });

  it('finds the same candidates as one indexOf pass per anchor, on every kind of data and range', () => {
    const corpora: [string, Buffer][] = [
      ['random', filler('random', SIZE)],
      ['text', filler('text', SIZE)],
      ['zero', filler('zero', SIZE)],
      ['mixed', filler('mixed', SIZE)],
      ['materials', Buffer.concat([materials(), filler('mixed', SIZE)]).subarray(0, SIZE)],
      ['dense', dense(7, SIZE)],
    ];
    const r = rng(42);
    let compared = 0;
    for (const [name, data] of corpora) {
      const whole = both(data, 0, SIZE, SIZE);
      expect(whole.simd, name).toEqual(whole.indexOf);
      if (name === 'materials' || name === 'dense') expect(whole.simd.length, name).toBeGreaterThan(name === 'dense' ? 10_000 : 20);
      // Ranges that start and stop anywhere (not multiples of 16), and windows whose valid bytes end inside an anchor.
      for (let k = 0; k < 40; k++) {
        const s = (r() * (SIZE - 64)) | 0;
        const e = Math.min(SIZE, s + 1 + ((r() * 70_000) | 0));
        const len = Math.min(SIZE, e + ((r() * 8) | 0));
        const got = both(data, s, e, len);
        expect(got.simd, `${name} [${s}, ${e}) len ${len}`).toEqual(got.indexOf);
        compared++;
      }
    }
    expect(compared).toBe(corpora.length * 40);
  });

  it('every anchor is found at every offset of a 16-byte block and at the range edges', () => {
    for (const [a, needle] of NEEDLES.entries()) {
      for (let at = 100; at < 132; at++) {
        const data = Buffer.alloc(1024, 0x20);
        needle.copy(data, at);
        expect(both(data, 0, 1024, 1024).simd).toEqual([`${at}:${KINDS[a]}`]);
        // The anchor's first byte is the range's last: found; one past the range: not found.
        expect(both(data, 0, at + 1, 1024).simd).toEqual([`${at}:${KINDS[a]}`]);
        expect(both(data, 0, at, 1024).simd).toEqual([]);
        // The window's valid bytes end one byte before the anchor does: not found.
        expect(both(data, 0, 1024, at + needle.length - 1).simd).toEqual([]);
      }
    }
  });

  it('a first byte of one pair followed by the second byte of another is no candidate; stray offsets of a shared bucket are dropped', () => {
    // In the order the window meets them (last anchor first): ties between merges are broken by it.
    const pairs = [...new Set([...NEEDLES].reverse().map((n) => `${n[0]},${n[1]}`))].map((p) => p.split(',').map(Number) as [number, number]);
    expect(pairs.length).toBe(20);
    const buckets = anchorBuckets(pairs.map(([a, b]) => (a << 8) | b));
    expect(buckets.length).toBe(8);
    const named = buckets.map((b) => b.map((p) => String.fromCharCode(p >>> 8, p & 255)).sort());
    // "LS" (base64 PEM) shares the bucket of "RS" (CNG RSA): they share their second byte.
    expect(named).toContainEqual(['LS', 'RS']);
    // Base64 DER's "MC"…"MI" share one first byte and one high nibble: a bucket of them reports no stray pair.
    expect(named).toContainEqual(['MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MI']);
    // What a bucket's nibble tables accept: every low nibble with every high nibble of its pairs' bytes.
    const cross = (bytes: number[]) => bytes.flatMap((x) => bytes.map((y) => (x & 0xf0) | (y & 15)));
    const reported = (a: number, b: number) => buckets.some((bk) => cross(bk.map((p) => p >>> 8)).includes(a) && cross(bk.map((p) => p & 255)).includes(b));
    expect(reported(0x42, 0x53)).toBe(true); // "BS": a stray of the shared bucket
    expect(pairs.some(([x, y]) => x === 0x42 && y === 0x53)).toBe(false);
    const data = Buffer.alloc(4096, 0x20);
    let at = 0;
    let crossed = 0;
    const strays: number[] = [];
    for (const [a] of pairs) {
      for (const [, b] of pairs) {
        if (pairs.some(([x, y]) => x === a && y === b)) continue;
        data[at] = a;
        data[at + 1] = b;
        if (reported(a, b)) strays.push(at);
        at += 3;
        crossed++;
      }
    }
    for (const [a, b] of [
      [0x42, 0x53],
      [0x5c, 0x53],
    ] as const) {
      data[at] = a;
      data[at + 1] = b;
      strays.push(at);
      at += 3;
    }
    expect(crossed).toBeGreaterThan(40);
    simd.buf.fill(0);
    data.copy(simd.buf);
    expect(simd.pairOffsets(0, 4096)).toEqual(strays);
    // The strays are dropped when the rest of the anchor is confirmed: no candidate at all.
    const cand: number[] = [];
    simd.find(0, 4096, 4096, KINDS, cand);
    expect(cand).toEqual([]);
    // And on dense data the pass reports exactly the offsets where a bucket's bytes start.
    const d = dense(11, SIZE);
    d.copy(simd.buf);
    const want: number[] = [];
    for (let p = 0; p < SIZE - 1; p++) if (reported(d[p] as number, d[p + 1] as number)) want.push(p);
    expect(want.length).toBeGreaterThan(10_000);
    expect(simd.pairOffsets(0, SIZE - 1)).toEqual(want);
  });

  it('buckets are grouped as counting every stray sequence one by one would group them (the class-count sum is exact)', () => {
    // The reference: every sequence a merged bucket accepts, weighted as the scanner weighs it.
    const common = new Set([0x00, 0x09, 0x0a, 0x0d, 0x20]);
    const weight = (a: number, b: number) => (common.has(a) || common.has(b) ? 16 : /^[A-Za-z0-9]{2}$/.test(String.fromCharCode(a, b)) ? 4 : 1);
    const cross = (bytes: number[]) => {
      const lo = [...new Set(bytes.map((x) => x & 15))];
      return [...new Set(bytes.map((x) => x >>> 4))].flatMap((h) => lo.map((l) => (h << 4) | l));
    };
    const cost = (pairs: number[]) => {
      let c = 0;
      for (const a of cross(pairs.map((p) => p >>> 8))) for (const b of cross(pairs.map((p) => p & 255))) if (!pairs.includes((a << 8) | b)) c += weight(a, b);
      return c;
    };
    const reference = (pairs: number[]): number[][] => {
      const buckets = pairs.map((p) => [p]);
      while (buckets.length > 8) {
        let best: [number, number] = [0, 1];
        let bestCost = Number.POSITIVE_INFINITY;
        for (let i = 0; i < buckets.length; i++)
          for (let j = i + 1; j < buckets.length; j++) {
            const c = cost([...(buckets[i] as number[]), ...(buckets[j] as number[])]);
            if (c < bestCost) [best, bestCost] = [[i, j], c];
          }
        buckets[best[0]] = [...(buckets[best[0]] as number[]), ...(buckets[best[1]] as number[])];
        buckets.splice(best[1], 1);
      }
      return buckets;
    };
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // Bytes of every class: zero and blanks, letters and digits, and the rest.
    const byte = () => [[0, 9, 10, 13, 32][rnd(5)] as number, 0x41 + rnd(26), 0x30 + rnd(10), rnd(256)][rnd(4)] as number;
    const sets = [NEEDLES.map((n) => ((n[0] as number) << 8) | (n[1] as number))];
    for (let t = 0; t < 60; t++) sets.push(Array.from({ length: 9 + rnd(9) }, () => (byte() << 8) | byte()));
    for (const set of sets) {
      const pairs = [...new Set(set)];
      expect(strayCost(pairs)).toBe(cost(pairs));
      for (let k = 1; k < pairs.length; k++) expect(strayCost(pairs.slice(0, k))).toBe(cost(pairs.slice(0, k)));
      expect(anchorBuckets(pairs)).toEqual(reference(pairs));
    }
  });

  it('over zero bytes (skipped 32 at a time): every anchor at every offset of a turn, and pairs that start with a zero byte', () => {
    for (const [a, needle] of NEEDLES.entries()) {
      for (let at = 96; at < 160; at++) {
        const data = Buffer.alloc(1024);
        needle.copy(data, at);
        expect(both(data, 0, 1024, 1024).simd, `anchor ${a} at ${at}`).toEqual([`${at}:${KINDS[a]}`]);
      }
    }
    // With a pair that starts with a zero byte no turn may be skipped.
    const zeroFirst = [Buffer.from([0, 0x41]), Buffer.from('Y-')];
    const fast = new AnchorWindow(4096, zeroFirst);
    const slow = new AnchorWindow(4096, zeroFirst, true);
    expect(fast.singlePass).toBe(true);
    for (const w of [fast, slow]) {
      w.buf.fill(0);
      // Each one the last byte of an all-zero turn, its second byte the first of the next turn.
      for (const at of [95, 1023, 2047, 4031]) w.buf[at + 1] = 0x41;
    }
    const got = (w: AnchorWindow) => {
      const c: number[] = [];
      w.find(0, 4096, 4096, [0, 1], c);
      return sorted(c);
    };
    expect(got(fast)).toEqual(got(slow));
    expect(got(fast)).toEqual(sorted([95, 0, 1023, 0, 2047, 0, 4031, 0]));
  });

  it('the scanner finds the same whether the stream arrives in one piece or in pieces of any size', () => {
    const keys = FORMATS.map((f) => makeKey((kindsFor(f) as string[])[0] as 'rsa2048'));
    const table = new KnownKeyTable([...new Set(keys)].map((k, i) => ({ id: `k${i}`, publicKey: k.spkiB64 })));
    const body = materials();
    const data = Buffer.concat([filler('mixed', 300_001), body, dense(3, 200_000), body, filler('text', 700_000), body]);
    const whole = scanBuffer(data, table);
    expect(whole.length).toBeGreaterThanOrEqual(3 * FORMATS.length - 3);
    // Windows that fill (and move their context) many times, once or twice, or never.
    for (const chunk of [64 * 1024, 1024 * 1024, undefined]) {
      for (const piece of [1, 4093, 65_536, 262_144, 300_007]) {
        const s = new StreamScanner(table, chunk);
        for (let o = 0; o < data.length; o += piece) s.push(data.subarray(o, o + piece));
        expect(s.end(), `chunk ${chunk}, pieces of ${piece}`).toEqual(whole);
      }
    }
  });

  it('material that starts just before a step of the incremental search is found whole', () => {
    const key = makeKey('rsa2048');
    const table = new KnownKeyTable([{ id: 'k', publicKey: key.spkiB64 }]);
    for (const f of ['pem-pkcs1', 'der-pkcs1', 'jwk'] as const) {
      const enc = encode(key, f);
      // Every k up to 40 puts the format's anchor (at most 31 bytes in) on each side of the step.
      for (const k of [...Array.from({ length: 41 }, (_, i) => i), 200, 1000]) {
        // 1 KiB pieces (CONTEXT and STEP_BYTES are multiples): the first step searches exactly [0, STEP_BYTES).
        const data = Buffer.concat([filler('random', STEP_BYTES - k), enc, filler('random', 2 * CONTEXT + STEP_BYTES)]);
        const s = new StreamScanner(table, 1024 * 1024);
        for (let o = 0; o < data.length; o += 1024) s.push(data.subarray(o, o + 1024));
        const hits = s.end();
        expect(hits, `${f} ${k} bytes before the step`).toEqual(scanBuffer(data, table));
        expect(
          hits.filter((h) => h.offset === STEP_BYTES - k && h.proof === 'private-key-present'),
          `${f} at -${k}`,
        ).toHaveLength(1);
      }
    }
  });

  it('the scanner gives the same findings with either search, material cut by chunk edges', () => {
    const keys = FORMATS.map((f) => makeKey((kindsFor(f) as string[])[0] as 'rsa2048'));
    const table = new KnownKeyTable([...new Set(keys)].map((k, i) => ({ id: `k${i}`, publicKey: k.spkiB64 })));
    const body = materials();
    for (const shift of [0, 1, 7, 15, 16, 4093]) {
      const data = Buffer.concat([filler('mixed', 64 * 1024 - 40 + shift), body, body, filler('random', 3000)]);
      for (const chunk of [64 * 1024, 200_000]) {
        const fast = scanBuffer(data, table, chunk);
        const slow = scanBuffer(data, table, chunk, true);
        expect(fast.length, `shift ${shift} chunk ${chunk}`).toBeGreaterThanOrEqual(2 * FORMATS.length - 2);
        expect(fast).toEqual(slow);
      }
    }
  });
});

describe('without WebAssembly (node --jitless)', () => {
  it('the scanner falls back to the indexOf passes and finds the same as the SIMD pass', () => {
    const data = Buffer.concat([materials(), dense(5, 100_000), materials()]);
    const dir = mkdtempSync(join(tmpdir(), 'kh-jitless-'));
    writeFileSync(join(dir, 'data.bin'), data);
    // Node cannot strip TypeScript without WebAssembly: the scanner is bundled to JavaScript first.
    const entry = `import { readFileSync } from 'node:fs';
import { AnchorWindow } from './anchors.ts';
import { NEEDLES, scanBuffer } from './scanner.ts';
const hits = scanBuffer(readFileSync(process.argv[2]));
process.stdout.write(JSON.stringify({ single: new AnchorWindow(65536, NEEDLES).singlePass, hits }));`;
    buildSync({
      stdin: { contents: entry, resolveDir: fileURLToPath(new URL('../../src/scan', import.meta.url)), loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'scan.mjs'),
      logLevel: 'silent',
    });
    const out = execFileSync(process.execPath, ['--jitless', join(dir, 'scan.mjs'), join(dir, 'data.bin')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const child = JSON.parse(out) as { single: boolean; hits: unknown[] };
    expect(child.single).toBe(false);
    expect(simd.singlePass).toBe(true);
    const here = JSON.parse(JSON.stringify(scanBuffer(data)));
    expect(here.length).toBeGreaterThan(20);
    expect(child.hits).toEqual(here);
  }, 120_000);
});
