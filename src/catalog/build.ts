import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { loadAllFrameworks } from '../frameworks/load.ts';
import { PACKAGE_ROOT, PACKS_DIR } from '../paths.ts';
import { listPacks, resolvePolicyFile } from '../policy/resolve.ts';
import { RULES } from '../rules/index.ts';
import { RULE_DOCS } from './index.ts';
import { type CatalogInput, type PackInfo, renderCatalog, renderRuleDoc } from './render.ts';

/** Built-in packs (policies/*.yaml that are policies, not data feeds such as known-compromised). */
export function loadPackInfos(): PackInfo[] {
  return listPacks()
    .filter((name) => {
      const raw = parse(readFileSync(join(PACKS_DIR, `${name}.yaml`), 'utf8')) as Record<string, unknown> | null;
      return raw !== null && typeof raw === 'object' && raw.kind === undefined;
    })
    .map((name) => {
      const file = join(PACKS_DIR, `${name}.yaml`);
      const resolved = resolveAsUser(name);
      const raw = parse(readFileSync(file, 'utf8')) as { description?: string };
      return { name, description: raw.description ?? '', rules: new Map([...resolved.rules].map(([id, c]) => [id, c.severity])) };
    });
}

/** What `extends: [name]` gives a user: the pack with everything it extends. */
export function resolveAsUser(pack: string) {
  const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-pack-'));
  try {
    const file = join(dir, 'keyhygiene.yaml');
    writeFileSync(file, `version: 1\nextends: [${pack}]\n`);
    return resolvePolicyFile(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function catalogInput(): CatalogInput {
  const categoryOf = new Map(RULES.map((r) => [r.id, r.meta.category]));
  return {
    rules: RULES,
    frameworks: loadAllFrameworks(),
    packs: loadPackInfos(),
    docs: RULE_DOCS,
    ruleFile: (r) => `src/rules/${categoryOf.get(r.id)}/${r.id}.ts`,
  };
}

/** Every generated docs file, path relative to the package root → content. */
export function generatedDocs(input: CatalogInput = catalogInput()): Map<string, string> {
  const out = new Map<string, string>();
  out.set('docs/catalog.md', renderCatalog(input));
  for (const r of input.rules) out.set(`docs/rules/${r.id}.md`, renderRuleDoc(r, input));
  return out;
}

export const DOCS_ROOT = PACKAGE_ROOT;
export const relativeToRoot = (abs: string): string => relative(PACKAGE_ROOT, abs);
