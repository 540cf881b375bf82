// A scan worker: adopts the known-key table the main thread built (in shared memory, not built again
// here), then claims tasks from the shared counter (pool.ts) until none is left, posting each result.
import { parentPort } from 'node:worker_threads';
import { KnownKeyTable } from './known-keys.ts';
import { type Run, runTask } from './pool.ts';

let pending = 0;

const onBytes = (n: number) => {
  pending += n;
  if (pending >= 16 * 1024 * 1024) {
    parentPort?.postMessage({ progress: pending });
    pending = 0;
  }
};

parentPort?.on('message', async (msg: Run) => {
  if (msg.kind !== 'run') return;
  const table = msg.known ? new KnownKeyTable(msg.known) : undefined;
  for (let i = Atomics.add(msg.claim, 0, 1); i < msg.tasks.length; i = Atomics.add(msg.claim, 0, 1)) {
    const task = msg.tasks[i] as Run['tasks'][number];
    const result = await runTask(task, table, msg.init, onBytes);
    parentPort?.postMessage({ id: task.id, result, progress: pending });
    pending = 0;
  }
});
