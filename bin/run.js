#!/usr/bin/env node
// The `execute` entry alone: the @oclif/core index also loads the parser, the ux kit and a full semver
// (about 60 modules) before any command runs, which `--help` never needs.
import { execute } from '@oclif/core/execute';

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
