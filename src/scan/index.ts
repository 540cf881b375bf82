// The scanner's programmatic entry: walk inputs, scan files (in parallel across worker threads when
// there are several), and return findings and gaps in a stable order.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS, type FileResult, type ScanGap, type ScanLimits, scanFile } from './files.ts';
import { KnownKeyTable } from './known-keys.ts';
import type { KnownKeyInput } from './types.ts';
import { walk } from './walk.ts';

export { MEMORY_TYPES } from './artifact-type.ts';
export type { FileResult, ScanFinding, ScanGap, ScanLimits, ScannedEntry } from './files.ts';
export { KnownKeyTable } from './known-keys.ts';
export type { KnownKeyInput } from './types.ts';

export interface ScanRequest {
  inputs: readonly string[];
  baseDir: string;
  known?: readonly KnownKeyInput[];
  limits?: Partial<ScanLimits>;
  /** Files scanned at once (worker threads); default: the number of cores, at most 8. */
  jobs?: number;
  chunkSize?: number;
  /** Called now and then with bytes read so far and the total size of the files found. */
  progress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ScanReport {
  files: FileResult[];
  /** Gaps of the walk and of known keys that could not be used. */
  gaps: ScanGap[];
  knownKeys: number;
  bytes: number;
}

const workerUrl = (): URL => new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export async function scanPaths(req: ScanRequest): Promise<ScanReport> {
  const walked = walk(req.inputs, req.baseDir);
  const known = req.known ?? [];
  const table = known.length ? new KnownKeyTable(known) : undefined;
  const gaps: ScanGap[] = [...walked.gaps];
  for (const r of table?.rejected ?? []) gaps.push({ location: r.id, operation: 'known-key', reason: r.reason });
  const jobs = Math.max(1, Math.min(req.jobs ?? Math.min(8, availableParallelism()), walked.files.length));
  const limits = { ...DEFAULT_LIMITS, ...req.limits };
  let done = 0;
  let total = 0;
  for (const f of walked.files) {
    try {
      total += statSync(f.path).size;
    } catch {
      // scanFile reports it
    }
  }
  const tick = (n: number) => {
    done += n;
    req.progress?.(done, total);
  };
  let files: FileResult[];
  if (jobs <= 1) {
    files = [];
    for (const f of walked.files) {
      if (req.signal?.aborted) break;
      files.push(await scanFile(f.path, f.location, { table, limits, chunkSize: req.chunkSize, onBytes: tick }));
    }
  } else {
    try {
      files = await scanInWorkers(walked.files, jobs, { known: [...known], limits, chunkSize: req.chunkSize }, tick, req.signal);
    } catch {
      // A worker could not start (or died): scan in this thread instead; results are the same.
      files = [];
      for (const f of walked.files) files.push(await scanFile(f.path, f.location, { table, limits, chunkSize: req.chunkSize, onBytes: tick }));
    }
  }
  files.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  return { files, gaps, knownKeys: table?.size ?? 0, bytes: files.reduce((s, f) => s + f.bytes, 0) };
}

function scanInWorkers(
  list: { path: string; location: string }[],
  jobs: number,
  init: { known: KnownKeyInput[]; limits: ScanLimits; chunkSize?: number },
  tick: (n: number) => void,
  signal?: AbortSignal,
): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = [];
    let next = 0;
    let running = 0;
    const workers: Worker[] = [];
    const finish = () => {
      for (const w of workers) void w.terminate();
      resolve(results);
    };
    const feed = (w: Worker) => {
      if (next >= list.length || signal?.aborted) {
        if (running === 0) finish();
        return;
      }
      const id = next++;
      const f = list[id] as { path: string; location: string };
      running++;
      w.postMessage({ id, path: f.path, location: f.location });
    };
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(workerUrl(), { workerData: init });
      workers.push(w);
      w.on('message', (m: { id?: number; result?: FileResult; progress?: number }) => {
        if (m.progress) tick(m.progress);
        if (m.result) {
          results.push(m.result);
          running--;
          feed(w);
        }
      });
      w.on('error', (err) => {
        for (const x of workers) void x.terminate();
        reject(err);
      });
      feed(w);
    }
  });
}
