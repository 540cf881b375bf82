// A scan worker: adopts the known-key table the main thread built (sent first, in shared memory), then
// scans the files, or ranges of files, it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { type FileScanOptions, scanFile } from './files.ts';
import { KnownKeyTable, type SharedKnownKeys } from './known-keys.ts';
import { scanRange } from './ranges.ts';

export interface Init {
  limits: FileScanOptions['limits'];
  chunkSize?: number;
}

/** A whole file, or one range of a plain file split across threads. */
export type Task =
  | { id: number; kind: 'file'; path: string; location: string }
  | { id: number; kind: 'range'; path: string; size: number; start: number; stop: number; bignums: boolean };

/** The first message: the table the main thread built, shared (not built again here); then tasks. */
export type Message = { kind: 'table'; known?: SharedKnownKeys } | Task;

const init = workerData as Init;
let table: KnownKeyTable | undefined;
let pending = 0;

const onBytes = (n: number) => {
  pending += n;
  if (pending >= 16 * 1024 * 1024) {
    parentPort?.postMessage({ progress: pending });
    pending = 0;
  }
};

parentPort?.on('message', async (msg: Message) => {
  if (msg.kind === 'table') {
    table = msg.known ? new KnownKeyTable(msg.known) : undefined;
    return;
  }
  const result =
    msg.kind === 'range'
      ? scanRange(msg.path, msg.size, msg.start, msg.stop, { table, chunkSize: init.chunkSize, bignums: msg.bignums, onBytes })
      : await scanFile(msg.path, msg.location, { table, limits: init.limits, chunkSize: init.chunkSize, onBytes });
  parentPort?.postMessage({ id: msg.id, result, progress: pending });
  pending = 0;
});
