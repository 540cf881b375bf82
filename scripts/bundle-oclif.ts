// Bundle @oclif/core into dist/vendor/oclif/ after the build: one file instead of ~120 CommonJS modules
// (oclif's own, debug, ejs, minimatch, picomatch, tinyglobby, ansis, wsl-utils…). Resolving, reading
// and wrapping each module was most of what `keyhygiene --help` and a small `scan` spent before any
// work (issues 16 and 21). bin/run.js maps every `@oclif/core` specifier onto these files
// (src/cli/vendored-oclif.ts), so the CLI, our commands and plugins share this one copy; tests and
// library users import @oclif/core from node_modules as before. The code is @oclif/core's, unchanged.
//
//   core.cjs        the bundle: one lazy getter per subpath of @oclif/core's package.json "exports"
//   <subpath>.mjs   an ES module per subpath ("index" for the package itself, "util-ids" for util/ids)
//                   with the same named exports, for `import { Command } from '@oclif/core/command'`
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { vendoredFile } from '../src/cli/vendored-oclif.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The subpaths of @oclif/core's "exports" that are modules: ['.', './args', './command', …]. */
function subpaths(coreDir: string): [string, string][] {
  const pjson = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return Object.entries(pjson.exports).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].endsWith('.js'));
}

/** The ES module for one subpath: its default export and its named exports, read from the real module. */
function shim(key: string, names: string[]): string {
  return [
    "import { createRequire } from 'node:module';",
    `const m = createRequire(import.meta.url)('./core.cjs')[${JSON.stringify(key)}];`,
    'export default m;',
    names.length ? `export const { ${names.join(', ')} } = m;` : '',
    '',
  ].join('\n');
}

export async function bundleOclif(outdir: string): Promise<void> {
  const requireHere = createRequire(join(root, 'package.json'));
  const coreDir = join(requireHere.resolve('@oclif/core/package.json'), '..');
  const entries = subpaths(coreDir);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // Getters keep each subpath lazy, as separate modules were: `execute` does not evaluate the parser.
  const entry = entries
    .map(
      ([key, file]) =>
        `Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => require(${JSON.stringify(join(coreDir, file))}) });`,
    )
    .join('\n');
  const { version } = requireHere('@oclif/core/package.json') as { version: string };
  const result = await build({
    banner: { js: `// @oclif/core ${version} and its dependencies, bundled unchanged by keyhygiene's scripts/bundle-oclif.ts (licenses: each package's own).` },
    stdin: { contents: entry, resolveDir: coreDir, sourcefile: 'oclif-core-entry.cjs', loader: 'js' },
    outfile: join(outdir, 'core.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    legalComments: 'eof',
    logLevel: 'silent',
    // oclif requires typescript (to read tsconfig.json) and ts-node/tsx only in development, inside a try.
    external: ['typescript', 'ts-node', 'tsx'],
  });
  // A warning (import.meta in a CommonJS bundle, a require that cannot be followed) would be a
  // behaviour change in the CLI: stop the build rather than ship it.
  if (result.warnings.length) throw new Error(`bundling @oclif/core: ${result.warnings.map((w) => w.text).join('; ')}`);
  for (const [key] of entries) {
    const spec = key === '.' ? '@oclif/core' : `@oclif/core/${key.slice(2)}`;
    const names = Object.keys(requireHere(spec) as object).filter((n) => n !== 'default' && IDENTIFIER.test(n));
    writeFileSync(join(outdir, vendoredFile(spec) as string), shim(key, names));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(root, 'dist/vendor/oclif'));
  await bundleOclif(outdir);
  console.log(`wrote ${outdir} (@oclif/core in one file)`);
}
