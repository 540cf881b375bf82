import { describe, expect, it } from 'vitest';
import { jsonChunks, LazyArray } from '../../src/util/json-stream.ts';

describe('LazyArray in jsonChunks', () => {
  it('writes the same bytes as JSON.stringify of the plain array, at any depth, empty too', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ i, name: `n${i}`, nested: { list: [i, null, 'x'] } }));
    const plain = { a: 1, runs: [{ results: items, none: [] as unknown[] }] };
    const lazy = { a: 1, runs: [{ results: new LazyArray(() => items.values()), none: new LazyArray(() => []) }] };
    expect([...jsonChunks(lazy)].join('')).toBe(`${JSON.stringify(plain, null, 2)}\n`);
    expect(JSON.stringify(lazy, null, 2)).toBe(JSON.stringify(plain, null, 2));
    expect([...jsonChunks(new LazyArray(() => [1, 2]))].join('')).toBe('[\n  1,\n  2\n]\n');
  });

  it('makes each item only when it is written: a chunk is out before the rest exist', () => {
    let made = 0;
    function* many() {
      for (let i = 0; i < 100_000; i++) {
        made++;
        yield { i, text: 'x'.repeat(40) };
      }
    }
    const chunks = jsonChunks({ results: new LazyArray(many) });
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(5_000);
    let rest = 0;
    for (const c of chunks) rest += c.length;
    expect(made).toBe(100_000);
    expect(rest).toBeGreaterThan(100_000 * 40);
  });

  it('writes small entries whole and still streams a long list or a LazyArray inside an entry', () => {
    let made = 0;
    function* lazyItems() {
      for (let i = 0; i < 3000; i++) {
        made++;
        yield { i, text: 'x'.repeat(40) };
      }
    }
    const long = Array.from({ length: 5000 }, (_, i) => `subject-${i}`);
    const entries = [{ deep: { list: new LazyArray(lazyItems) } }, { a: 1, b: { c: [1, 2], d: undefined }, e: [] }, { subjects: long }];
    const chunks = jsonChunks({ results: entries, empty: {} });
    const first = chunks.next();
    expect(first.done).toBe(false);
    // the first chunk (64 KiB) is out before the deep LazyArray is all made: it is streamed, not stringified whole
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(3000);
    const text = (first.value as string) + [...chunks].join('');
    expect(made).toBe(3000);
    const plain = { results: [{ deep: { list: [...lazyItems()] } }, entries[1], entries[2]], empty: {} };
    expect(text).toBe(`${JSON.stringify(plain, null, 2)}\n`);
  });
});
