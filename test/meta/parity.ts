// Parity checks for the explicit registries of providers and reporters: what a folder or file must
// come with to be part of keyhygiene. Written over a root directory so a test can show that an
// unregistered skeleton fails them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const dirsUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => statSync(join(dir, d)).isDirectory())
        .sort()
    : [];

const filesUnder = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()) : []);

/** Folders of src/providers that are shared machinery, not providers. */
export const PROVIDER_SUPPORT_DIRS: readonly string[] = ['kit'];

export interface ProviderRegistryView {
  /** Provider ids in the registry (src/providers/index.ts). */
  registered: readonly string[];
  /** Keys of the policy's `providers:` block schema. */
  configKeys: readonly string[];
  /** Providers that call a cloud API (they print a permissions document and need a demo). */
  cloud: readonly string[];
  /** Cloud providers not in the demo yet, each with the reason (visible debt, not a silent pass). */
  notInDemo?: Readonly<Record<string, string>>;
}

/** Everything a provider folder lacks, as sentences; [] when the tree is in parity. */
export function providerParityProblems(root: string, view: ProviderRegistryView): string[] {
  const problems: string[] = [];
  const folders = dirsUnder(join(root, 'src/providers')).filter((d) => !PROVIDER_SUPPORT_DIRS.includes(d));
  const readme = existsSync(join(root, 'README.md')) ? readFileSync(join(root, 'README.md'), 'utf8') : '';
  for (const id of folders) if (!view.registered.includes(id)) problems.push(`src/providers/${id}/ is not registered in src/providers/index.ts`);
  for (const id of view.registered) {
    const index = join(root, 'src/providers', id, 'index.ts');
    if (!existsSync(index)) problems.push(`${id}: src/providers/${id}/index.ts is missing`);
    if (!view.configKeys.includes(id)) problems.push(`${id}: no \`${id}:\` block in the policy's providers schema (src/providers/config.ts)`);
    if (!existsSync(join(root, 'docs', `${id}.md`))) problems.push(`${id}: docs/${id}.md is missing`);
    if (!readme.includes(`| \`${id}\` |`)) problems.push(`${id}: the README's provider table has no \`${id}\` row`);
    const tests = join(root, 'test/providers', id);
    const proves = filesUnder(tests).some((f) => readFileSync(join(tests, f), 'utf8').includes('expectOnlyDeclared('));
    if (!proves) problems.push(`${id}: no test in test/providers/${id}/ proves read-only operation against its fake (expectOnlyDeclared)`);
    if (view.cloud.includes(id) && !view.notInDemo?.[id] && !existsSync(join(root, 'test/demo', `${id}.test.ts`)))
      problems.push(`${id}: no place in the demo (test/demo/${id}.test.ts)`);
  }
  return problems;
}

/** Source files of src/report that define a reporter (`…Reporter: Reporter = {`). */
export function reporterFiles(root: string): string[] {
  const dir = join(root, 'src/report');
  return filesUnder(dir)
    .filter((f) => f.endsWith('.ts') && /:\s*Reporter\s*=/.test(readFileSync(join(dir, f), 'utf8')))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/** Everything a reporter lacks: registration, a golden file and a docs section. */
export function reporterParityProblems(root: string, registered: readonly string[]): string[] {
  const problems: string[] = [];
  const docs = existsSync(join(root, 'docs/reports.md')) ? readFileSync(join(root, 'docs/reports.md'), 'utf8') : '';
  for (const f of reporterFiles(root))
    if (!registered.includes(f)) problems.push(`src/report/${f}.ts defines a reporter that is not registered in src/report/index.ts`);
  for (const id of registered) {
    if (!filesUnder(join(root, 'test/report/golden')).some((f) => f.startsWith(`${id}.`))) problems.push(`${id}: no golden file test/report/golden/${id}.*`);
    if (!docs.includes(`| \`${id}\` |`)) problems.push(`${id}: docs/reports.md's format table has no \`${id}\` row`);
  }
  return problems;
}
