// Subject summaries as columns (src/engine/subject-table.ts): report order by kind then id, equal ids
// in evaluation order, ranks by id across kinds, one scope reference per classification.
import { describe, expect, it } from 'vitest';
import { N_OUTCOMES, SubjectTable } from '../../src/engine/subject-table.ts';
import type { Subject } from '../../src/model/inventory.ts';
import type { ResolvedScope } from '../../src/rules/types.ts';

const subject = (kind: Subject['kind'], id: string): Subject => ({ kind, id, value: { id, provider: 'aws-kms' } }) as unknown as Subject;

function table(subjects: readonly Subject[], scopes: readonly (ResolvedScope | undefined)[] = []): SubjectTable {
  const t = new SubjectTable(new Uint8Array(subjects.length).fill(5), new Int32Array(subjects.length * N_OUTCOMES));
  subjects.forEach((s, si) => {
    t.add(si, s, scopes[si]);
  });
  return t;
}

describe('SubjectTable', () => {
  // Ids out of order, one id twice among keys and once as a trail, a gap (never listed).
  const subjects = [
    subject('key', 'k-c'),
    subject('key', 'k-a'),
    subject('trail', 'k-b'),
    subject('key', 'k-b'),
    subject('gap', 'g-1'),
    subject('key', 'k-a'),
    subject('artifact', 'z-art'),
  ];

  it('lists subjects by kind, then id, equal ids in evaluation order, without gaps', () => {
    const order = [...table(subjects).list().items()].map((s) => `${s.kind}:${s.id}`);
    expect(order).toEqual(['artifact:z-art', 'key:k-a', 'key:k-a', 'key:k-b', 'key:k-c', 'trail:k-b']);
    const t = table(subjects);
    expect([...t.order()]).toEqual([6, 1, 5, 3, 0, 2]);
  });

  it('ranks subjects by id alone across kinds, equal ids sharing a rank', () => {
    const ranks = [...table(subjects).idRanks()];
    // g-1 < k-a < k-b < k-c < z-art
    expect(ranks).toEqual([3, 1, 2, 2, 0, 1, 4]);
  });

  it('shares one scope reference per classification, in every table', () => {
    const prod = { environments: ['prod'], trustDomains: [], environment: 'prod' } as ResolvedScope;
    const dev = { environments: ['dev'], trustDomains: [], environment: 'dev' } as ResolvedScope;
    const scopes = [prod, dev, undefined, prod, undefined, dev, prod];
    const a = table(subjects, scopes);
    const b = table(subjects, scopes);
    expect(a.scope(0)).toEqual({ environment: 'prod' });
    expect(a.scope(1)).toEqual({ environment: 'dev' });
    expect(a.scope(2)).toBeUndefined();
    expect(a.scope(3)).toBe(a.scope(0));
    expect(a.scope(5)).toBe(a.scope(1));
    expect(b.scope(6)).toBe(a.scope(0));
  });
});
