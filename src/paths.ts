import { fileURLToPath } from 'node:url';

/** The package root, whether running from src/ (tests) or dist/ (the built CLI). */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PACKS_DIR = fileURLToPath(new URL('../policies/', import.meta.url));
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));
export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));
