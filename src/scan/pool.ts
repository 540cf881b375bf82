// The threads of one scan: worker threads started early (loading their modules while the caller
// builds the known-key table), and this thread, all taking tasks (whole files, or ranges of a large
// file) from ONE shared counter. A thread claims the next task with an atomic add when it is free, so
// a worker that starts late or runs slowly on a busy machine simply takes fewer tasks, nobody waits
// for a message to be told what to do next, and a file too small to be worth a worker is done here
// before the worker has loaded.
import type { Worker } from 'node:worker_threads';
import { nodeWorkerThreads } from '../util/builtins.ts';
import type { FileResult, FileScanOptions } from './files.ts';
import type { KnownKeyTable, SharedKnownKeys } from './known-keys.ts';
import { type RangeResult, scanRange } from './ranges.ts';

/** A whole file, or one range of a plain file split across threads. */
export type Task =
  | { id: number; kind: 'file'; path: string; location: string }
  | { id: number; kind: 'range'; path: string; size: number; start: number; stop: number; bignums: boolean };

export type TaskResult = FileResult | RangeResult;

/** What a worker is started with (before the table is built). */
export interface Init {
  limits: FileScanOptions['limits'];
  chunkSize?: number;
}

/** The one message a worker receives: the table (shared memory, not rebuilt), every task, and the counter to claim them by. */
export interface Run {
  kind: 'run';
  known?: SharedKnownKeys;
  tasks: readonly Task[];
  /** Int32Array over a SharedArrayBuffer: index 0 is the next task to claim. */
  claim: Int32Array;
}

/**
 * Run one task in the calling thread. Whole files need the containers and codecs (files.ts, Node's
 * streams and zlib): loaded on the first file task, so a worker that only scans ranges starts faster.
 */
export async function runTask(task: Task, table: KnownKeyTable | undefined, init: Init, onBytes: (n: number) => void): Promise<TaskResult> {
  if (task.kind === 'range')
    return scanRange(task.path, task.size, task.start, task.stop, { table, chunkSize: init.chunkSize, bignums: task.bignums, onBytes });
  const { scanFile } = await import('./files.ts');
  return scanFile(task.path, task.location, { table, limits: init.limits, chunkSize: init.chunkSize, onBytes });
}

const workerUrl = (): URL => new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Worker threads started early, then run together with this thread over one task list. */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;
  private onFailure: ((err: Error) => void) | undefined;

  private constructor(jobs: number, init: Init) {
    const { Worker } = nodeWorkerThreads(); // loaded only when a pool is needed: one small file needs none
    for (let i = 0; i < jobs; i++) {
      let w: Worker;
      try {
        w = new Worker(workerUrl(), { workerData: init });
      } catch (err) {
        this.fail(err as Error);
        break;
      }
      this.workers.push(w);
      // Listened to from the start: an error before run() would otherwise be an uncaught 'error' event.
      w.on('error', (err) => this.fail(err));
    }
  }

  static start(jobs: number, init: Init): WorkerPool {
    return new WorkerPool(jobs, init);
  }

  /** Ends every worker (those still loading included). */
  stop(): void {
    for (const x of this.workers) void x.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.stop();
    this.onFailure?.(err);
  }

  /**
   * Run every task on the workers and on this thread (`local`), each thread claiming the next one
   * when it is free. Resolves with the result of every task claimed (all of them unless aborted);
   * rejects when a worker fails (the caller then scans in this thread alone).
   */
  run(
    tasks: readonly Task[],
    known: SharedKnownKeys | undefined,
    tick: (n: number) => void,
    local: (task: Task) => Promise<TaskResult>,
    signal?: AbortSignal,
  ): Promise<Map<number, TaskResult>> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const claim = new Int32Array(new SharedArrayBuffer(4));
      const results = new Map<number, TaskResult>();
      let claimed = tasks.length;
      let localDone = false;
      let stopped = false;
      const settle = () => {
        if (stopped || !localDone || results.size < claimed) return;
        stopped = true;
        this.stop();
        resolve(results);
      };
      this.onFailure = (err) => {
        stopped = true;
        Atomics.store(claim, 0, tasks.length);
        reject(err);
      };
      // No task is claimed after an abort; those already claimed finish.
      const onAbort = () => {
        claimed = Math.min(tasks.length, Atomics.exchange(claim, 0, tasks.length));
        settle();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const w of this.workers) {
        w.on('message', (m: { id?: number; result?: TaskResult; progress?: number }) => {
          if (m.progress) tick(m.progress);
          if (m.result && m.id !== undefined) {
            results.set(m.id, m.result);
            settle();
          }
        });
        w.postMessage({ kind: 'run', ...(known ? { known } : {}), tasks, claim } satisfies Run);
      }
      const help = async () => {
        for (let i = Atomics.add(claim, 0, 1); i < tasks.length && !stopped; i = Atomics.add(claim, 0, 1)) {
          const task = tasks[i] as Task;
          results.set(task.id, await local(task));
          // Let the workers' messages (results, progress) in between two tasks of this thread.
          await nextTurn();
        }
        localDone = true;
        settle();
      };
      help().catch((err) => this.onFailure?.(err as Error));
    });
  }
}
