// The worker-thread plumbing the inventory benches share: the loopback fake runs in a worker thread
// (so the client's CPU is measured alone), started with the world and options it is given, and
// answers 'stats' and 'close' over the message port. A bench file is both sides: in the worker it
// calls serveFake(), in the main thread startFakeWorker(its own URL, world, options).
import { parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * Worker side: start the fake with the world and options the main thread passed, post
 * `{ type: 'ready', ...ready(fake) }`, then answer 'stats' with `{ type: 'stats', ...stats(fake) }`
 * and 'close' by stopping the fake and posting `{ type: 'closed' }`.
 */
export async function serveFake({ start, ready = (fake) => ({ url: fake.url }), stats, stop }) {
  const fake = await start(workerData.world, workerData.options);
  parentPort.postMessage({ type: 'ready', ...ready(fake) });
  parentPort.on('message', async (m) => {
    if (m === 'stats') parentPort.postMessage({ type: 'stats', ...stats(fake) });
    if (m === 'close') {
      await stop(fake);
      parentPort.postMessage({ type: 'closed' });
    }
  });
}

/** Main side: run `script` (a bench file URL) as the fake's worker; resolves once it is listening. */
export async function startFakeWorker(script, world, options) {
  const worker = new Worker(script, { workerData: { world, options } });
  const ready = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const ask = (m, type) =>
    new Promise((resolve) => {
      const on = (msg) => {
        if (msg.type === type) {
          worker.off('message', on);
          resolve(msg);
        }
      };
      worker.on('message', on);
      worker.postMessage(m);
    });
  return {
    ready,
    url: ready.url,
    stats: () => ask('stats', 'stats'),
    close: async () => {
      await ask('close', 'closed');
      await worker.terminate();
    },
  };
}
