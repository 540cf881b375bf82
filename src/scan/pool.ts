// The threads of one scan: worker threads started early (loading their modules while the caller
// builds the known-key table), and this thread, all taking tasks (whole files, or ranges of a large
// file) from ONE shared counter. A thread claims the next task with an atomic add when it is free, so
// a worker that starts late or runs slowly on a busy machine simply takes fewer tasks, nobody waits
// for a message to be told what to do next, and a file too small to be worth a worker is done here
// before the worker has loaded. A worker that fails or ends hands its work back: this thread scans
// what it had claimed and not answered, once, and takes back the progress it had reported.
import type { Worker } from 'node:worker_threads';
import { nodeWorkerThreads } from '../util/builtins.ts';
import { adoptEarly, dropEarly, workerUrl } from './early-workers.ts';
import type { FileResult, FileScanOptions } from './files.ts';
import type { KnownKeyTable, SharedKnownKeys } from './known-keys.ts';
import type { WordShape } from './layout.ts';
import { type RangeResult, scanRange } from './ranges.ts';

/** A whole file, or one range of a plain file split across threads. */
export type Task =
  | { id: number; kind: 'file'; path: string; location: string }
  | { id: number; kind: 'range'; path: string; size: number; start: number; stop: number; word?: WordShape };

export type TaskResult = FileResult | RangeResult;

/** What a worker is started with (before the table is built). */
export interface Init {
  limits: FileScanOptions['limits'];
  chunkSize?: number;
}

/** The one message a worker receives: its settings, the table (shared memory, not rebuilt), every task, and the counter to claim them by. */
export interface Run {
  kind: 'run';
  init: Init;
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
    return scanRange(task.path, task.size, task.start, task.stop, { table, chunkSize: init.chunkSize, ...(task.word ? { word: task.word } : {}), onBytes });
  const { scanFile } = await import('./files.ts');
  return scanFile(task.path, task.location, { table, limits: init.limits, chunkSize: init.chunkSize, onBytes });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Worker threads started early, then run together with this thread over one task list. */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;
  /** Told when a worker fails or ends on its own while a run is on. */
  private onFailure: ((err: Error) => void) | undefined;
  private stopped = false;

  private readonly init: Init;

  private constructor(jobs: number, init: Init, script: URL | undefined) {
    this.init = init;
    // Workers bin/run.js started before the scan was planned (early-workers.ts) are taken first.
    for (const e of script ? [] : adoptEarly(jobs)) {
      if (e.failure) {
        void e.worker.terminate(); // one that failed before the scan is replaced below, not a reason to scan on one thread
        continue;
      }
      this.listen(e.worker);
    }
    dropEarly();
    const { Worker } = nodeWorkerThreads(); // loaded only when a pool is needed: one small file needs none
    while (this.workers.length < jobs && !this.failure) {
      try {
        this.listen(new Worker(script ?? workerUrl()));
      } catch (err) {
        this.fail(err as Error);
      }
    }
  }

  private listen(w: Worker): void {
    this.workers.push(w);
    // Listened to from the start: an error before run() would otherwise be an uncaught 'error' event.
    w.on('error', (err) => this.fail(err));
    // A worker that ends without an error (process.exit in it, terminated from outside) fails too:
    // the tasks it had claimed would otherwise never be answered.
    w.on('exit', (code) => {
      if (!this.stopped) this.fail(new Error(`a scan worker exited (code ${code}) before the scan was over`));
    });
  }

  /** Start `jobs` workers running `script` (by default the scan worker, adopting those started early; tests give others). */
  static start(jobs: number, init: Init, script?: URL): WorkerPool {
    return new WorkerPool(jobs, init, script);
  }

  /** Ends every worker (those still loading included). */
  stop(): void {
    this.stopped = true;
    for (const x of this.workers) void x.terminate();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.stop();
    this.onFailure?.(err);
  }

  /**
   * Run every task on the workers and on this thread (`local`), each thread claiming the next one
   * when it is free. Resolves with the result of every task claimed (all of them unless aborted).
   * When a worker fails or ends, every worker is stopped and this thread does the rest: the tasks
   * nobody claimed, then, once its own task is over, each claimed task that has no result, so no
   * task runs twice at once and none is lost. The progress a worker had reported for a task it did
   * not finish is taken back (`tick` with a negative count): no byte is counted twice.
   */
  async run(
    tasks: readonly Task[],
    known: SharedKnownKeys | undefined,
    tick: (n: number) => void,
    local: (task: Task) => Promise<TaskResult>,
    signal?: AbortSignal,
  ): Promise<Map<number, TaskResult>> {
    const claim = new Int32Array(new SharedArrayBuffer(4));
    const results = new Map<number, TaskResult>();
    let claimed = tasks.length;
    let wake = () => {};
    // No task is claimed after an abort; those already claimed finish.
    const onAbort = () => {
      claimed = Math.min(tasks.length, Atomics.exchange(claim, 0, tasks.length));
      wake();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.onFailure = () => wake();
    if (!this.failure) this.post({ kind: 'run', init: this.init, ...(known ? { known } : {}), tasks, claim }, results, tick, () => wake());
    try {
      for (let i = Atomics.add(claim, 0, 1); i < tasks.length; i = Atomics.add(claim, 0, 1)) {
        const task = tasks[i] as Task;
        results.set(task.id, await local(task));
        // Let the workers' messages (results, progress) in between two tasks of this thread.
        await nextTurn();
      }
      await new Promise<void>((resolve) => {
        wake = () => (this.failure || results.size >= claimed ? resolve() : undefined);
        wake();
      });
      // A worker failed: what it (or any other worker) had claimed and not answered is done here.
      for (const task of tasks.slice(0, claimed)) if (!results.has(task.id)) results.set(task.id, await local(task));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.onFailure = undefined;
      this.stop();
    }
    return results;
  }

  /**
   * Give every worker the run, and listen for its results and progress. After a failure nothing a
   * worker says counts (its task is done again in this thread), and the bytes it had reported for
   * the task it was on are taken back.
   */
  private post(msg: Run, results: Map<number, TaskResult>, tick: (n: number) => void, wake: () => void): void {
    const inflight = new Map<Worker, number>();
    const onFailure = this.onFailure;
    this.onFailure = (err) => {
      let back = 0;
      for (const n of inflight.values()) back += n;
      inflight.clear();
      if (back) tick(-back);
      onFailure?.(err);
    };
    for (const w of this.workers) {
      w.on('message', (m: { id?: number; result?: TaskResult; progress?: number }) => {
        if (this.failure) return;
        if (m.progress) {
          tick(m.progress);
          inflight.set(w, (inflight.get(w) ?? 0) + m.progress);
        }
        if (m.result && m.id !== undefined) {
          results.set(m.id, m.result);
          inflight.set(w, 0);
          wake();
        }
      });
      w.postMessage(msg);
    }
  }
}
