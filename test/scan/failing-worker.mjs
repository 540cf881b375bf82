// A scan worker that fails (pool.test.ts): it speaks the scan worker's protocol (one 'run' message,
// tasks claimed from the shared counter), claims ONE task, reports half of its bytes as progress, then
// dies mid-task: by an uncaught error ('throw'), by ending without one ('exit'), or before it ever
// runs ('throw-at-load', as a worker whose modules cannot load).
import { parentPort } from 'node:worker_threads';

// The mode comes from the environment the test set before starting the pool (a worker gets a copy of
// process.env when it is made; the pool gives its workers no workerData).
const mode = process.env.KH_FAILING_WORKER_MODE;
if (mode === 'throw-at-load') throw new Error('failing worker: could not load');

parentPort.on('message', (msg) => {
  if (msg.kind !== 'run') return;
  const i = Atomics.add(msg.claim, 0, 1);
  if (i >= msg.tasks.length) return;
  const task = msg.tasks[i];
  parentPort.postMessage({ progress: Math.floor((task.stop - task.start) / 2) });
  setTimeout(() => {
    if (mode === 'exit') process.exit(0);
    throw new Error('failing worker: died mid-task');
  }, 50);
});
