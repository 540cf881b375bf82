import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: the nearest directory above this module whose package.json is keyhygiene's.
 * This module runs from src/ (tests), dist/ (the built CLI) and action/dist/ (the Action's bundle,
 * inside a checkout of the repository at the Action's tag), so the root is found, not assumed.
 */
export function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'keyhygiene') return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(start);
    dir = up;
  }
}

/** With a trailing separator, so `startsWith(PACKAGE_ROOT)` means inside it. */
export const PACKAGE_ROOT = join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), '/');
export const PACKS_DIR = join(PACKAGE_ROOT, 'policies/');
export const EXAMPLES_DIR = join(PACKAGE_ROOT, 'examples/');
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas/');
