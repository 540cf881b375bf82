// evaluate({ release: true }) (issue 21): the CLI hands the inventory over so that a million-key audit
// does not hold the inventory and all its results at once. Key records are dropped as they are
// evaluated; the result must be the same, field for field and in the same order, as without it,
// including rules that look at other subjects (published keys matched to keys by fingerprint).
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { readInventoryFile } from '../../src/inventory/read.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';

const dir = new URL('../../examples/storm-0558/', import.meta.url).pathname;

describe('evaluate with release', () => {
  it('gives the same result as without, and leaves the inventory without key records', () => {
    const policy = resolvePolicyFile(`${dir}keyhygiene.yaml`);
    const kept = readInventoryFile(`${dir}inventory.json`);
    const handed = readInventoryFile(`${dir}inventory.json`);
    const now = new Date(kept.generatedAt);
    const nKeys = kept.keys.length;
    // The example has keys whose public half is published: rules across subjects run after the keys are dropped.
    expect(nKeys).toBeGreaterThan(2);
    expect(
      handed.publishedKeys.some((p) => handed.keys.some((k) => k.fingerprints?.spkiSha256 && k.fingerprints.spkiSha256 === p.fingerprints?.spkiSha256)),
    ).toBe(true);
    for (const includePassed of [false, true]) {
      const a = evaluate(readInventoryFile(`${dir}inventory.json`), policy, { now, includePassed });
      const inv = readInventoryFile(`${dir}inventory.json`);
      const b = evaluate(inv, policy, { now, includePassed, release: true });
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      expect(b.inventory.keys).toBe(nKeys);
      expect(inv.keys).toEqual([]);
      expect(inv.publishedKeys.length).toBe(kept.publishedKeys.length);
    }
  });
});
