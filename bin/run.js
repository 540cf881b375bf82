#!/usr/bin/env node
// @oclif/core from its bundle in dist/vendor/oclif/ (one file, not ~120 modules: most of a start-up's
// cost), then oclif's `execute` entry alone: the @oclif/core index also loads the parser, the ux kit and
// a full semver, which `--help` never needs. The hook must be in place before oclif is first imported.
import { useVendoredOclif } from '../dist/cli/vendored-oclif.js';

useVendoredOclif(new URL('../dist/vendor/oclif/', import.meta.url));
const { execute } = await import('@oclif/core/execute');

// `keyhygiene … | head`: once the reader has gone, drop the rest of stdout and let the command finish,
// so the exit code is still its verdict (0-4) rather than Node's 13 for a flush that never drains.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.stdout.write = (_chunk, ...rest) => {
    rest.find((r) => typeof r === 'function')?.();
    return true;
  };
  process.stdout.emit('drain'); // a flush that was waiting for the reader
});

await execute({ dir: import.meta.url });
