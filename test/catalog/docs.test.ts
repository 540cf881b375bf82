import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogInput, DOCS_ROOT, generatedDocs } from '../../src/catalog/build.ts';
import { CATALOG_ROWS, PEER_ROWS } from '../../src/catalog/coverage-map.ts';
import { DOCS_PENDING, FAIL_ONLY, RULE_DOCS } from '../../src/catalog/index.ts';
import { runExample } from '../../src/catalog/run.ts';
import { findRule, RULES } from '../../src/rules/index.ts';
import type { AnyRule } from '../../src/rules/types.ts';

describe('documented examples run through the engine', () => {
  for (const [id, docs] of Object.entries(RULE_DOCS)) {
    const rule = findRule(id) as AnyRule;
    for (const ex of docs.examples) {
      it(`${id}: ${ex.outcome === 'pass' ? 'passes' : 'fails'} — ${ex.title}`, () => {
        expect(rule, `docs for unknown rule ${id}`).toBeDefined();
        const run = runExample(rule, ex);
        expect(run.outcome).toBe(ex.outcome);
        if (ex.outcome === 'fail') for (const m of run.messages) expect(m).not.toMatch(/\{\w+\}/);
      });
    }
  }
});

describe('docs meta-tests', () => {
  it('every rule has remediation and a passing and a failing example, or is listed as pending', () => {
    const missing: string[] = [];
    for (const r of RULES) {
      const d = RULE_DOCS[r.id];
      if (!d) {
        if (!DOCS_PENDING.includes(r.id)) missing.push(`${r.id}: no docs data`);
        continue;
      }
      if (DOCS_PENDING.includes(r.id)) missing.push(`${r.id}: has docs but is still listed as pending`);
      if (!d.remediation.cli || !d.remediation.terraform || !d.remediation.console) missing.push(`${r.id}: remediation needs cli, terraform and console`);
      if (!d.examples.some((e) => e.outcome === 'fail')) missing.push(`${r.id}: no failing example`);
      if (!FAIL_ONLY.includes(r.id) && !d.examples.some((e) => e.outcome === 'pass')) missing.push(`${r.id}: no passing example`);
    }
    for (const id of DOCS_PENDING) if (!findRule(id)) missing.push(`${id}: listed as pending but no such rule`);
    expect(missing).toEqual([]);
  });

  it('docs/catalog.md and docs/rules/*.md are fresh (run `npm run docs`)', () => {
    const stale: string[] = [];
    const files = generatedDocs(catalogInput());
    for (const [rel, text] of files) {
      const abs = join(DOCS_ROOT, rel);
      if (!existsSync(abs)) stale.push(`${rel} is missing`);
      else if (readFileSync(abs, 'utf8') !== text) stale.push(`${rel} differs from what scripts/gen-docs.ts writes`);
    }
    for (const f of readdirSync(join(DOCS_ROOT, 'docs', 'rules'))) if (!files.has(`docs/rules/${f}`)) stale.push(`docs/rules/${f} belongs to no rule`);
    expect(stale, 'run `npm run docs` and commit the result').toEqual([]);
  });

  it('the catalog names a rule or a reason for every peer row R1–R9, S1–S11, D1–D9, L1–L8, O1–O5', () => {
    const want = [
      ...Array.from({ length: 9 }, (_, i) => `R${i + 1}`),
      ...Array.from({ length: 11 }, (_, i) => `S${i + 1}`),
      ...Array.from({ length: 9 }, (_, i) => `D${i + 1}`),
      ...Array.from({ length: 8 }, (_, i) => `L${i + 1}`),
      ...Array.from({ length: 5 }, (_, i) => `O${i + 1}`),
    ];
    expect(PEER_ROWS.map((r) => r.code)).toEqual(want);
    for (const row of [...PEER_ROWS, ...CATALOG_ROWS]) {
      expect(row.rules.length > 0 || (row.reason ?? '').length > 20, `${row.code} needs a rule or a reason`).toBe(true);
      for (const id of row.rules) expect(findRule(id)?.id, `${row.code} names ${id}`).toBe(id);
    }
    const catalog = readFileSync(join(DOCS_ROOT, 'docs', 'catalog.md'), 'utf8');
    for (const code of want) expect(catalog).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });

  it('the research catalog lists every §4 code', () => {
    const codes = CATALOG_ROWS.map((r) => r.code);
    for (const p of ['ROT-0', 'SCP-0', 'DBG-0', 'LOG-0'])
      for (let i = 1; i <= { 'ROT-0': 8, 'SCP-0': 7, 'DBG-0': 5, 'LOG-0': 6 }[p as 'ROT-0']; i++) expect(codes).toContain(`${p}${i}`);
    for (const c of ['JWK-01', 'JWK-02', 'JWK-03', 'IOC-01', 'GOV-01', 'GOV-02']) expect(codes).toContain(c);
  });
});
