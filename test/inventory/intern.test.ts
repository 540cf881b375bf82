// The interner behind the streamed snapshot reader (issue 21): repeated strings, short lists and
// small objects (principals, whole access entries, conditions) become one shared copy once they have
// been seen; values that differ in any way stay apart, and no record changes content or key order.
import { describe, expect, it } from 'vitest';
import { Interner } from '../../src/inventory/intern.ts';

const entry = (account: string, extra: Record<string, unknown> = {}) => ({
  principal: { kind: 'role', id: `arn:aws:iam::${account}:role/KeyAdmins`, account, ...extra },
  capabilities: ['administer', 'read'],
  source: 'key-policy',
});
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));
/** The same value read `n` times, as the reader reads it from n records: fresh objects each time. */
const readTimes = <T>(i: Interner, v: T, n: number): T[] => Array.from({ length: n }, () => i.record(copy(v)));

describe('Interner', () => {
  it('shares equal principals, capability lists and whole access entries across records, keeping content and key order', () => {
    const i = new Interner();
    const recs = readTimes(i, { access: [entry('111111111111')] }, 4);
    const [, , c, d] = recs as [unknown, unknown, { access: ReturnType<typeof entry>[] }, { access: ReturnType<typeof entry>[] }];
    expect(d.access[0]?.principal).toBe(c.access[0]?.principal);
    expect(d.access[0]?.capabilities).toBe(c.access[0]?.capabilities);
    expect(d.access[0]).toBe(c.access[0]);
    for (const r of recs) expect(r).toEqual({ access: [entry('111111111111')] });
    expect(Object.keys(d.access[0]?.principal ?? {})).toEqual(['kind', 'id', 'account']);
    // The records themselves are never shared.
    expect(d).not.toBe(c);
  });

  it("never shares an empty list or object: filling one record's leaves the others empty", () => {
    const i = new Interner();
    const [a, b, c] = readTimes(i, { aliases: [], tags: {}, access: [{ principal: { kind: 'role' }, conditions: [] }] }, 3) as {
      aliases: string[];
      tags: Record<string, string>;
      access: { principal: unknown; conditions: unknown[] }[];
    }[];
    a?.aliases.push('alias/one');
    if (a) a.tags.env = 'prod';
    a?.access[0]?.conditions.push({ key: 'aws:SourceIp' });
    for (const r of [b, c]) expect(r).toEqual({ aliases: [], tags: {}, access: [{ principal: { kind: 'role' }, conditions: [] }] });
    // Non-empty values are still shared.
    expect(c?.access[0]?.principal).toBe(b?.access[0]?.principal);
  });

  it('keeps principals apart when any field, its type or the key order differs', () => {
    const i = new Interner();
    const base = readTimes(i, { principal: entry('111111111111').principal }, 3).at(-1)?.principal;
    const variants = [
      entry('222222222222').principal,
      entry('111111111111', { name: 'KeyAdmins' }).principal,
      { ...entry('111111111111').principal, account: 111111111111 },
      { account: '111111111111', kind: 'role', id: 'arn:aws:iam::111111111111:role/KeyAdmins' },
      { ...entry('111111111111').principal, account: null },
    ];
    for (const v of variants) {
      const seen = readTimes(i, { principal: v }, 3).map((r) => r.principal);
      for (const p of seen) expect(p).not.toBe(base);
      expect(seen[2]).toEqual(v);
    }
  });

  it('does not confuse lists whose items contain the separators, or a list with an object', () => {
    const i = new Interner();
    const shapes = [['a1:b'], ['a', 'b'], ['a1:', 'b'], { 0: 'a', 1: 'b' }, ['a', 'b', null], [1, 'b'], ['1', 'b'], [true], ['true']];
    const last = shapes.map((v) => readTimes(i, { values: v }, 3).at(-1)?.values);
    last.forEach((v, n) => {
      expect(v).toEqual(shapes[n]);
    });
    expect(new Set(last).size).toBe(shapes.length);
  });

  it('shares nested values bottom-up: conditions and a principal with tags, once seen', () => {
    const i = new Interner();
    const p = { kind: 'role', id: 'r', tags: { env: 'prod' } };
    const conds = [{ key: 'aws:SourceVpc', operator: 'StringEquals', values: ['vpc-1'] }];
    const recs = readTimes(i, { principal: p, conditions: conds }, 5);
    const [x, y] = recs.slice(-2) as [(typeof recs)[number], (typeof recs)[number]];
    expect(y.principal).toBe(x.principal);
    expect(y.conditions).toBe(x.conditions);
    expect(y).toEqual({ principal: p, conditions: conds });
  });

  it('never shares what holds a value seen once (a grant id), nor long strings', () => {
    const i = new Interner();
    const grant = (n: number) => ({ principal: { kind: 'role', id: 'r' }, source: 'grant', sourceId: `g-${n}` });
    const recs = Array.from({ length: 4 }, (_, n) => i.record({ access: [grant(n)] }));
    expect(new Set(recs.map((r) => r.access[0])).size).toBe(4);
    // Its principal, repeated, is still shared.
    expect(recs[3]?.access[0]?.principal).toBe(recs[2]?.access[0]?.principal);
    const long = { conditions: [{ key: 'k', values: ['x'.repeat(600)] }] };
    const l = readTimes(i, long, 4);
    expect(l[3]?.conditions).not.toBe(l[2]?.conditions);
    expect(l[3]).toEqual(long);
  });

  it('keeps sharing correctly after its tables start again (a snapshot with more distinct values than they hold)', () => {
    const i = new Interner(64);
    // Distinct strings, and distinct pairs of known strings (a trie node or two each), many times the 64 each table holds.
    for (let n = 0; n < 3000; n++) i.record({ grant: `g-${n}`, pair: { a: `x${n % 20}`, b: `y${n % 21}` } });
    const recs = readTimes(i, { access: [entry('333333333333')] }, 4);
    expect(recs[3]?.access[0]).toBe(recs[2]?.access[0]);
    expect(recs[3]).toEqual({ access: [entry('333333333333')] });
  });
});
