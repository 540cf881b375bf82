// The CLI process resolves @oclif/core into its bundle (dist/vendor/oclif/, scripts/bundle-oclif.ts):
// the specifier mapping, the hook's fall-through, and that the bundle exports what @oclif/core does.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useVendoredOclif, vendoredFile } from '../../src/cli/vendored-oclif.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'kh-vendored-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Resolve = (spec: string, context: object, next: (spec: string, context: object) => unknown) => unknown;

/** A registerHooks stand-in that keeps the resolve hook it was given. */
function capture(): { register: (hooks: { resolve?: Resolve }) => void; resolve: () => Resolve } {
  let hook: Resolve | undefined;
  return {
    register: (hooks) => {
      hook = hooks.resolve;
    },
    resolve: () => {
      if (!hook) throw new Error('no resolve hook was registered');
      return hook;
    },
  };
}

describe('vendoredFile', () => {
  it('names the bundle file of each @oclif/core specifier, and nothing for others', () => {
    expect(vendoredFile('@oclif/core')).toBe('index.mjs');
    expect(vendoredFile('@oclif/core/command')).toBe('command.mjs');
    expect(vendoredFile('@oclif/core/util/ids')).toBe('util-ids.mjs');
    expect(vendoredFile('@oclif/core/package.json')).toBeUndefined();
    expect(vendoredFile('@oclif/core-extra')).toBeUndefined();
    expect(vendoredFile('@oclif/plugin-autocomplete')).toBeUndefined();
    expect(vendoredFile('zod')).toBeUndefined();
  });
});

describe('useVendoredOclif', () => {
  it('changes nothing where Node cannot register resolve hooks, or the bundle was not built', () => {
    const hooks = capture();
    expect(useVendoredOclif(pathToFileURL(`${dir}/`), undefined)).toBe(false);
    expect(useVendoredOclif(pathToFileURL(`${dir}/`), hooks.register as never)).toBe(false); // no core.cjs yet
    expect(hooks.resolve).toThrow(/no resolve hook/);
  });

  it('resolves @oclif/core specifiers to the bundle files that exist, and leaves everything else to Node', () => {
    writeFileSync(join(dir, 'core.cjs'), 'module.exports = {};\n');
    writeFileSync(join(dir, 'command.mjs'), 'export const Command = 1;\n');
    const hooks = capture();
    expect(useVendoredOclif(pathToFileURL(`${dir}/`), hooks.register as never)).toBe(true);
    const resolve = hooks.resolve();
    const next = (spec: string) => ({ url: `next:${spec}` });
    expect(resolve('@oclif/core/command', {}, next)).toEqual({ url: pathToFileURL(join(dir, 'command.mjs')).href, format: 'module', shortCircuit: true });
    expect(resolve('@oclif/core/flags', {}, next)).toEqual({ url: 'next:@oclif/core/flags' }); // not in the bundle dir
    expect(resolve('@oclif/core/package.json', {}, next)).toEqual({ url: 'next:@oclif/core/package.json' });
    expect(resolve('./local.js', {}, next)).toEqual({ url: 'next:./local.js' });
  });
});

describe('the bundle in dist/vendor/oclif (npm run build)', () => {
  const vendor = join(PACKAGE_ROOT, 'dist/vendor/oclif');
  const requireHere = createRequire(join(PACKAGE_ROOT, 'package.json'));

  it('has a module for every subpath @oclif/core exports, with the same named exports', async () => {
    const pjson = requireHere('@oclif/core/package.json') as { exports: Record<string, unknown> };
    const subpaths = Object.entries(pjson.exports).filter(([, v]) => typeof v === 'string' && v.endsWith('.js'));
    expect(subpaths.length).toBeGreaterThan(10);
    const files = readdirSync(vendor);
    for (const [key] of subpaths) {
      const spec = key === '.' ? '@oclif/core' : `@oclif/core/${key.slice(2)}`;
      const file = vendoredFile(spec) as string;
      expect(files, spec).toContain(file);
      const real = Object.keys(requireHere(spec) as object).filter((n) => n !== 'default' && n !== '__esModule');
      const bundled = Object.keys(await import(pathToFileURL(join(vendor, file)).href)).filter((n) => n !== 'default');
      expect(bundled.sort(), spec).toEqual(real.sort());
    }
  });
});
