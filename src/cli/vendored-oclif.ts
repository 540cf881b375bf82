// The CLI process loads @oclif/core from one bundled file (dist/vendor/oclif/, written by
// scripts/bundle-oclif.ts) instead of ~120 modules from node_modules: most of what `--help` and a small
// `scan` spent before any work (issues 16 and 21). bin/run.js calls useVendoredOclif() first; every
// `@oclif/core` specifier (ours, plugins') then resolves into the bundle, so one copy of oclif serves
// the whole process. Without the bundle (a build that did not write it) or without
// module.registerHooks (Node before 22.15), nothing changes: node_modules as before.
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';

const PACKAGE = '@oclif/core';

/** The bundle's file for an @oclif/core specifier (`index.mjs`, `command.mjs`, `util-ids.mjs`), or undefined. */
export function vendoredFile(spec: string): string | undefined {
  if (spec === PACKAGE) return 'index.mjs';
  if (!spec.startsWith(`${PACKAGE}/`) || spec.endsWith('.json')) return undefined;
  return `${spec.slice(PACKAGE.length + 1).replaceAll('/', '-')}.mjs`;
}

type RegisterHooks = typeof nodeModule.registerHooks | undefined;

/**
 * Resolve @oclif/core into the bundle in `dir` for the rest of this thread. True when installed; false
 * (and nothing changed) when the bundle is not there or this Node cannot register resolve hooks.
 */
export function useVendoredOclif(dir: URL, registerHooks: RegisterHooks = nodeModule.registerHooks): boolean {
  if (typeof registerHooks !== 'function' || !existsSync(new URL('core.cjs', dir))) return false;
  const urls = new Map<string, string | null>();
  const urlOf = (file: string): string | null => {
    let url = urls.get(file);
    if (url === undefined) {
      const u = new URL(file, dir);
      url = existsSync(u) ? u.href : null;
      urls.set(file, url);
    }
    return url;
  };
  registerHooks({
    resolve(spec, context, next) {
      const file = vendoredFile(spec);
      const url = file ? urlOf(file) : null;
      return url ? { url, format: 'module', shortCircuit: true } : next(spec, context);
    },
  });
  return true;
}
