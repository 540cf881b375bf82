// Node built-ins loaded on first use instead of at import. `keyhygiene scan` of a file with nothing
// key-shaped in it, scanned in this thread, needs neither node:crypto (about 17 ms of CPU to load) nor
// node:worker_threads (about 8 ms): at start-up that is a tenth of the whole run (issue 16).
type Crypto = typeof import('node:crypto');
type WorkerThreads = typeof import('node:worker_threads');

let crypto: Crypto | undefined;
let workerThreads: WorkerThreads | undefined;

/** node:crypto, loaded on the first call. */
export const nodeCrypto = (): Crypto => (crypto ??= process.getBuiltinModule('node:crypto'));

/** node:worker_threads, loaded on the first call. */
export const nodeWorkerThreads = (): WorkerThreads => (workerThreads ??= process.getBuiltinModule('node:worker_threads'));
