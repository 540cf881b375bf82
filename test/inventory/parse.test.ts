// mergeInventories: records sorted by id whatever order the parts hold them in; identical copies
// collapse, different copies under one id keep one (the same whichever part came first) and a gap.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeInventories } from '../../src/inventory/parse.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { EXAMPLES_DIR } from '../../src/paths.ts';

const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'storm-0558', 'inventory.json'), 'utf8')) as Inventory;
const NOW = '2026-11-01T00:00:00.000Z';
const part = (keys: Inventory['keys']): Inventory => ({ ...example, keys, trails: [], publishedKeys: [], artifacts: [], gaps: [] });
/** The example's keys under ids that sort in the opposite order of the list. */
const reversed = example.keys.map((k, i) => ({ ...k, id: `key-${String(example.keys.length - i).padStart(3, '0')}` }));

describe('mergeInventories', () => {
  it('sorts the records of one unsorted part by id and keeps the records themselves', () => {
    expect(reversed.length).toBeGreaterThan(2);
    const merged = mergeInventories([part(reversed)], NOW);
    expect(merged.keys.map((k) => k.id)).toEqual(reversed.map((k) => k.id).sort());
    expect(merged.keys[0]).toBe(reversed.at(-1));
    expect(merged.gaps).toEqual([]);
  });

  it('sorts parts that do not overlap into one list, in either order', () => {
    const [a, b] = [reversed.slice(0, 2), reversed.slice(2)];
    const ab = mergeInventories([part(a), part(b)], NOW).keys.map((k) => k.id);
    expect(ab).toEqual(reversed.map((k) => k.id).sort());
    expect(mergeInventories([part(b), part(a)], NOW).keys.map((k) => k.id)).toEqual(ab);
  });

  it('collapses identical copies and keeps one of two different copies with a gap, whichever part comes first', () => {
    const [first, second] = reversed as [Inventory['keys'][number], Inventory['keys'][number]];
    const changed = { ...first, state: first.state === 'enabled' ? ('disabled' as const) : ('enabled' as const) };
    const same = mergeInventories([part([first, second]), part([{ ...first }])], NOW);
    expect(same.keys.map((k) => k.id)).toEqual([second.id, first.id]);
    expect(same.gaps).toEqual([]);
    const one = mergeInventories([part([first, second]), part([changed])], NOW);
    const other = mergeInventories([part([changed]), part([second, first])], NOW);
    expect(one.keys.map((k) => k.id)).toEqual([second.id, first.id]);
    expect(one.keys).toEqual(other.keys);
    expect(one.gaps.map((g) => [g.operation, g.scope.subjectId])).toEqual([['merge', first.id]]);
  });
});
