// Bundle the GitHub Action into action/dist/ (committed: a tagged Action runs without any install).
// `node scripts/build-action.ts [outdir]`; test/action/bundle.test.ts rebuilds into a temporary
// directory and compares, so the committed bundle always matches the source.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

// HashiCorp's HCL parser (@cdktf/hcl2json, for IaC sources) loads its WebAssembly from
// join(__dirname, '..', 'main.wasm.gz'): ship it next to the bundle and point the loader there.
const HCL_WASM = 'hcl2json.wasm.gz';
const hclWasm: Plugin = {
  name: 'hcl2json-wasm',
  setup(b) {
    b.onLoad({ filter: /@cdktf[\\/]hcl2json[\\/]lib[\\/]bridge\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const from = '(0, path_1.join)(__dirname, "..", "main.wasm.gz")';
      if (!text.includes(from)) throw new Error(`@cdktf/hcl2json changed how it loads main.wasm.gz: update scripts/build-action.ts`);
      return { contents: text.replace(from, `(0, path_1.join)(__dirname, ${JSON.stringify(HCL_WASM)})`), loader: 'js' };
    });
  },
};

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
    // bridge_wasm_exec.js requires 'performance' only where globalThis.performance is missing (never on Node 24).
    external: ['typescript', 'performance'],
    plugins: [hclWasm],
    // CommonJS dependencies (the cloud SDKs, oclif) call require(); give the ES module one.
    banner: {
      js: [
        "import { createRequire as __khRequire } from 'node:module';",
        "import { dirname as __khDirname } from 'node:path';",
        "import { fileURLToPath as __khPath } from 'node:url';",
        'const require = __khRequire(import.meta.url);',
        'const __filename = __khPath(import.meta.url);',
        'const __dirname = __khDirname(__filename);',
      ].join(' '),
    },
  });
  copyFileSync(join(root, 'node_modules/@cdktf/hcl2json/main.wasm.gz'), join(outdir, HCL_WASM));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildAction(resolve(process.argv[2] ?? join(root, 'action/dist')));
