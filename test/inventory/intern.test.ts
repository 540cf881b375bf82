// The interner behind the streamed snapshot reader (issue 21): repeated strings, short string lists
// and flat principals become one shared copy; values that differ in any way stay apart.
import { describe, expect, it } from 'vitest';
import { Interner } from '../../src/inventory/intern.ts';

const entry = (account: string, extra: Record<string, unknown> = {}) => ({
  principal: { kind: 'role', id: `arn:aws:iam::${account}:role/KeyAdmins`, account, ...extra },
  capabilities: ['administer', 'read'],
  source: 'key-policy',
});

describe('Interner', () => {
  it('shares equal principals and capability lists across records, and keeps their content and key order', () => {
    const i = new Interner();
    const a = i.record(JSON.parse(JSON.stringify({ access: [entry('111111111111')] })));
    const b = i.record(JSON.parse(JSON.stringify({ access: [entry('111111111111')] })));
    expect(b.access[0].principal).toBe(a.access[0].principal);
    expect(b.access[0].capabilities).toBe(a.access[0].capabilities);
    expect(b).toEqual({ access: [entry('111111111111')] });
    expect(Object.keys(b.access[0].principal)).toEqual(['kind', 'id', 'account']);
  });

  it('keeps principals apart when any field, its type or the key order differs', () => {
    const i = new Interner();
    const base = i.record(entry('111111111111')).principal;
    const variants = [
      entry('222222222222').principal,
      entry('111111111111', { name: 'KeyAdmins' }).principal,
      { ...entry('111111111111').principal, account: 111111111111 },
      { account: '111111111111', kind: 'role', id: 'arn:aws:iam::111111111111:role/KeyAdmins' },
    ];
    for (const v of variants) expect(i.record({ principal: v }).principal).not.toBe(base);
  });

  it('does not confuse lists whose items contain the separators', () => {
    const i = new Interner();
    const one = i.record({ values: ['a1:b'] }).values;
    const two = i.record({ values: ['a', 'b'] }).values;
    const three = i.record({ values: ['a1:', 'b'] }).values;
    expect(one).toEqual(['a1:b']);
    expect(two).toEqual(['a', 'b']);
    expect(three).toEqual(['a1:', 'b']);
    expect(new Set([one, two, three]).size).toBe(3);
  });

  it('never shares a principal with tags (nested values) or a list of objects', () => {
    const i = new Interner();
    const p = () => ({ kind: 'role', id: 'r', tags: { env: 'prod' } });
    expect(i.record({ principal: p() }).principal).not.toBe(i.record({ principal: p() }).principal);
    const conds = () => [{ key: 'aws:SourceVpc', values: ['vpc-1'] }];
    const c1 = i.record({ conditions: conds() });
    const c2 = i.record({ conditions: conds() });
    expect(c1.conditions).not.toBe(c2.conditions);
    // The string list inside is shared all the same.
    expect(c1.conditions[0]?.values).toBe(c2.conditions[0]?.values);
  });
});
