// Bundle the GitHub Action into action/dist/ (committed: a tagged Action runs without any install).
// `node scripts/build-action.ts [outdir]`; test/action/bundle.test.ts rebuilds into a temporary
// directory and compares, so the committed bundle always matches the source.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildAction(outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { index: 'action/src/index.ts', worker: 'src/scan/worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    legalComments: 'linked',
    charset: 'utf8',
    logLevel: 'warning',
    // oclif reads tsconfig.json with typescript only in development (inside a try); the Action never does.
    external: ['typescript'],
    // CommonJS dependencies (the cloud SDKs, oclif) call require(); give the ES module one.
    banner: { js: "import { createRequire as __khRequire } from 'node:module'; const require = __khRequire(import.meta.url);" },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildAction(resolve(process.argv[2] ?? join(root, 'action/dist')));
