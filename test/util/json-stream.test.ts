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
});
