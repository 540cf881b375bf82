// Scan workers started before the scan is planned. A worker takes about 0.05–0.08 s of CPU to start
// (Node's own start in the thread, then its modules); bin/run.js's fast start (cli/scan-fast.ts)
// knows from the command line alone that a large file is coming, so it starts them before it loads
// the scanner, and the pool of the scan adopts them (pool.ts) instead of starting its own. This
// module is small on purpose: it is loaded before anything else of the scanner.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { nodeWorkerThreads } from '../util/builtins.ts';

/**
 * Files at least this large are split into ranges over every thread (ranges.ts). The thread that
 * calls scanPaths scans ranges too, so a worker costs only the CPU of its start (about 0.05 s,
 * loading its modules) and adds its core from then on; one core scans about 256 MiB in the time a
 * worker takes to start, so smaller files are done in one thread before a worker could help.
 */
export const SPLIT_MIN = 256 * 1024 * 1024;

/** The scan worker's module. */
export const workerUrl = (): URL => new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

/**
 * The threads a scan uses by default: half the cores (at least one, at most 8). Each scanning thread
 * has its reads done on libuv's thread pool (ranges.ts scanRangeFdAsync), and copying the bytes out of
 * the page cache costs about as much CPU as searching them, so one scanning thread keeps two cores
 * busy; on two cores a worker would only add its start (0.1 s of CPU) to work that already fills them.
 */
export const defaultThreads = (): number => Math.min(8, Math.max(1, Math.ceil(availableParallelism() / 2)));

/** A worker started early, and what became of it before a pool adopted it. */
export interface EarlyWorker {
  worker: Worker;
  failure?: Error;
  /** Our listeners until adoption (removed then: the pool listens from there on). */
  onError?: (err: Error) => void;
  onExit?: (code: number) => void;
}

let early: EarlyWorker[] = [];

/** Start `n` scan workers now, for the next pool to adopt. A worker that cannot start is left out (the pool starts its own). */
export function startEarly(n: number): void {
  const { Worker } = nodeWorkerThreads();
  for (let i = 0; i < n; i++) {
    let entry: EarlyWorker;
    try {
      entry = { worker: new Worker(workerUrl()) };
    } catch {
      return;
    }
    // Kept until adoption: an 'error' with no listener would end the process.
    const e = entry;
    e.onError = (err) => {
      e.failure ??= err;
    };
    e.onExit = (code) => {
      e.failure ??= new Error(`a scan worker exited (code ${code}) before the scan began`);
    };
    e.worker.on('error', e.onError).on('exit', e.onExit);
    early.push(e);
  }
}

/** The workers started early and not yet adopted (read-only view, for tests). */
export const startedEarly = (): readonly EarlyWorker[] => early;

/** Up to `n` workers started early, handed over (the caller listens to them from now on). */
export function adoptEarly(n: number): EarlyWorker[] {
  const taken = early.splice(0, n);
  for (const e of taken) if (e.onError && e.onExit) e.worker.off('error', e.onError).off('exit', e.onExit);
  return taken;
}

/** End the workers started early that no pool adopted (the scan needed fewer threads, or stopped before). */
export function dropEarly(): void {
  for (const e of early) void e.worker.terminate();
  early = [];
}

/** Paths looked at for a large file: a shell-expanded `dumps/*` of thousands is not statted here first. */
const LOOK_AT = 8;

/**
 * Start the workers a scan of these paths will use, when a plain file among the first few is large
 * enough to be split (jobs: --jobs, or defaultThreads()). Small files, directories, and archives or
 * compressed streams (scanned whole on one thread: planFiles splits only plain files) wait for the
 * scan's plan.
 */
export async function startEarlyFor(paths: readonly string[], jobs: number | undefined): Promise<void> {
  const threads = jobs ?? defaultThreads();
  if (threads < 2) return;
  const large = paths.slice(0, LOOK_AT).find((p) => {
    try {
      const s = statSync(p);
      return s.isFile() && s.size >= SPLIT_MIN;
    } catch {
      return false;
    }
  });
  if (large !== undefined && (await isPlain(large))) startEarly(threads - 1);
}

/** Whether the file's first bytes make it a plain file (not a container), as the scan's plan will see it. */
async function isPlain(path: string): Promise<boolean> {
  // Loaded here only for a large file; the scan loads it next anyway.
  const { sniff, SNIFF_BYTES } = await import('./artifact-type.ts');
  const head = Buffer.alloc(SNIFF_BYTES);
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, SNIFF_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return !sniff(head.subarray(0, n), path).container;
}
