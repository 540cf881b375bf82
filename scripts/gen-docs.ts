// Writes docs/rules/<rule-id>.md and docs/catalog.md from the rule metadata, src/catalog and the
// framework and pack files. Run with `npm run docs` (Node 24 runs TypeScript directly). A test fails
// when the committed files differ from what this script would write.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DOCS_ROOT, generatedDocs } from '../src/catalog/build.ts';

const files = generatedDocs();
const rulesDir = join(DOCS_ROOT, 'docs', 'rules');
mkdirSync(rulesDir, { recursive: true });
// Drop pages of rules that no longer exist.
for (const f of readdirSync(rulesDir)) if (f.endsWith('.md') && !files.has(`docs/rules/${f}`)) rmSync(join(rulesDir, f));
for (const [rel, text] of files) {
  const abs = join(DOCS_ROOT, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}
process.stdout.write(`wrote ${files.size} files under docs/\n`);
