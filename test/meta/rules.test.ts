import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { RULES } from '../../src/rules/index.ts';
import { RULE_CATEGORIES } from '../../src/rules/types.ts';

const RULES_DIR = join(PACKAGE_ROOT, 'src/rules');
const ruleFiles = RULE_CATEGORIES.flatMap((cat) =>
  existsSync(join(RULES_DIR, cat))
    ? readdirSync(join(RULES_DIR, cat))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({ cat, id: basename(f, '.ts'), file: join(RULES_DIR, cat, f) }))
    : [],
);

describe('rule registry', () => {
  it('lists exactly the rule files, sorted by id', () => {
    expect(RULES.map((r) => r.id)).toEqual(ruleFiles.map((f) => f.id).sort());
  });

  it('has no folder outside the declared categories (besides lib)', () => {
    const dirs = readdirSync(RULES_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(dirs.filter((d) => d !== 'lib' && !(RULE_CATEGORIES as readonly string[]).includes(d))).toEqual([]);
  });

  it('has unique ids and aliases', () => {
    const all = RULES.flatMap((r) => [r.id, ...(r.aliases ?? [])]);
    expect(all.length).toBe(new Set(all).size);
  });

  for (const f of ruleFiles) {
    describe(f.id, () => {
      const rule = RULES.find((r) => r.id === f.id);
      it('declares its id as a literal equal to the file name, in the folder of its category', () => {
        expect(rule).toBeDefined();
        expect(readFileSync(f.file, 'utf8')).toContain(`id: '${f.id}'`);
        expect(rule?.meta.category).toBe(f.cat);
      });
      it('is documented: description, rationale and remediation', () => {
        expect(rule?.meta.description.length).toBeGreaterThan(20);
        expect(rule?.meta.rationale.length).toBeGreaterThan(40);
        expect(rule?.meta.remediation.length).toBeGreaterThan(20);
      });
      it('has a strict options schema whose defaults parse from {}', () => {
        const schema = rule?.options as z.ZodType;
        expect(() => schema.parse({})).not.toThrow();
        expect(schema.safeParse({ surelyNotAnOption: 1 }).success).toBe(false);
        const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { additionalProperties?: unknown };
        expect(json.additionalProperties).toBe(false);
      });
      it('has messages without unknown placeholders in its check', () => {
        expect(Object.keys(rule?.messages ?? {}).length).toBeGreaterThan(0);
      });
      it('declares needsEveryPublishedSet when it reads the published key sets (an unread set makes a pass unknown)', () => {
        const src = readFileSync(f.file, 'utf8');
        const readsSets = /\.published\b|\bissuerLinks\(/.test(src);
        // A rule whose pass rests on the sets only in some cases asks the engine itself, in those cases.
        const declared = rule?.meta.needsEveryPublishedSet === true || src.includes('ctx.needAllPublished()');
        expect(!readsSets || declared, 'reads sameKey().published but neither declares needsEveryPublishedSet nor calls needAllPublished').toBe(true);
      });
      it('has a table-driven test covering pass, fail and, where the rule can reach them, unknown and not-applicable', () => {
        const test = join(PACKAGE_ROOT, 'test/rules', f.cat, `${f.id}.test.ts`);
        expect(existsSync(test), `${test} is missing`).toBe(true);
        const src = readFileSync(test, 'utf8');
        // Each outcome is a table case or a named test; an outcome the rule cannot reach is explained in a comment.
        for (const outcome of ['pass', 'fail', 'unknown', 'not-applicable']) {
          const covered = src.includes(`outcome: '${outcome}'`) || src.includes(`it('${outcome}:`) || new RegExp(`//.*\\bno ${outcome}\\b`, 'i').test(src);
          expect(covered, `${outcome} is neither tested nor explained`).toBe(true);
        }
      });
    });
  }
});
