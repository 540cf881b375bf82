#!/usr/bin/env node
// @oclif/core from its bundle in dist/vendor/oclif/ (one file, not ~120 modules: most of a start-up's
// cost), then oclif's `execute` entry alone: the @oclif/core index also loads the parser, the ux kit and
// a full semver, which `--help` never needs. The hook must be in place before oclif is first imported.
// `keyhygiene scan` whose arguments need no oclif to read starts without it (dist/cli/scan-fast.js):
// loading oclif was half of a small scan's time.
import { useVendoredOclif } from '../dist/cli/vendored-oclif.js';

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

const argv = process.argv.slice(2);
const fast = argv[0] === 'scan' ? await import('../dist/cli/scan-fast.js') : undefined;
const scan = fast?.fastScanOptions(argv.slice(1), process.env);
if (fast && scan) await fast.runScanFast(scan);
else {
  useVendoredOclif(new URL('../dist/vendor/oclif/', import.meta.url));
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
