// A scan worker: builds the known-key table once, then scans the files it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { type FileScanOptions, scanFile } from './files.ts';
import { KnownKeyTable } from './known-keys.ts';
import type { KnownKeyInput } from './types.ts';

interface Init {
  known: KnownKeyInput[];
  limits: FileScanOptions['limits'];
  chunkSize?: number;
}

const init = workerData as Init;
const table = init.known.length ? new KnownKeyTable(init.known) : undefined;
let pending = 0;

parentPort?.on('message', async (msg: { id: number; path: string; location: string }) => {
  const result = await scanFile(msg.path, msg.location, {
    table,
    limits: init.limits,
    chunkSize: init.chunkSize,
    onBytes: (n) => {
      pending += n;
      if (pending >= 16 * 1024 * 1024) {
        parentPort?.postMessage({ progress: pending });
        pending = 0;
      }
    },
  });
  parentPort?.postMessage({ id: msg.id, result, progress: pending });
  pending = 0;
});
