// The scanner's programmatic entry: walk inputs, scan files (in parallel across worker threads when
// there are several), and return findings and gaps in a stable order.
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { STDIN_ARG } from '../util/stdin-path.ts';
import { defaultThreads, dropEarly } from './early-workers.ts';
import { DEFAULT_LIMITS, type FileResult, type FileScanOptions, finishRanges, planFile, type ScanGap, type ScanLimits, scanFile, scanStream } from './files.ts';
import { KnownKeyTable } from './known-keys.ts';
import type { WordShape } from './layout.ts';
import { runTask, type Task, type TaskResult, WorkerPool } from './pool.ts';
import { planRanges, type RangeResult, SPLIT_MIN } from './ranges.ts';
import type { ArtifactType, KnownKeyInput } from './types.ts';
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
  /** Threads scanning at once (this one and jobs − 1 workers); default: half the cores, at most 8 (defaultThreads). */
  jobs?: number;
  chunkSize?: number;
  /** Plain files at least this large are split into ranges scanned on several threads (default 256 MiB). */
  splitMin?: number;
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
  /** Files split into ranges scanned on several threads at once. */
  splitFiles: number;
}

/** A file scanned whole, or split into ranges that run on several threads and are merged after. */
interface FilePlan {
  path: string;
  location: string;
  split?: { type: ArtifactType; size: number; word?: WordShape; ranges: { start: number; stop: number }[] };
}

/** Large plain files (not archives or compressed streams) are split so one big dump uses every thread. */
function planFiles(files: readonly { path: string; location: string }[], threads: number, splitMin: number): FilePlan[] {
  return files.map((f) => {
    if (threads < 2) return f;
    let size = 0;
    try {
      size = statSync(f.path).size;
    } catch {
      return f;
    }
    const plan = size >= splitMin ? planFile(f.path) : undefined;
    if (!plan?.plain) return f;
    return { ...f, split: { type: plan.type, size: plan.size, ...(plan.word ? { word: plan.word } : {}), ranges: planRanges(plan.size, threads) } };
  });
}

function tasksOf(plans: readonly FilePlan[]): Task[] {
  const tasks: Task[] = [];
  for (const p of plans) {
    if (!p.split) tasks.push({ id: tasks.length, kind: 'file', path: p.path, location: p.location });
    else
      for (const r of p.split.ranges)
        tasks.push({ id: tasks.length, kind: 'range', path: p.path, size: p.split.size, ...r, ...(p.split.word ? { word: p.split.word } : {}) });
  }
  return tasks;
}

export async function scanPaths(req: ScanRequest): Promise<ScanReport> {
  const walked = walk(req.inputs, req.baseDir);
  const threads = Math.max(1, req.jobs ?? defaultThreads());
  const plans = planFiles(walked.files, threads, req.splitMin ?? SPLIT_MIN);
  const tasks = tasksOf(plans);
  const jobs = Math.min(threads, tasks.length);
  const limits = { ...DEFAULT_LIMITS, ...req.limits };
  // This thread scans too, so jobs − 1 workers. They load their modules while this thread builds the
  // known-key table (they need it only when they claim their first task).
  const pool = jobs > 1 ? WorkerPool.start(jobs - 1, { limits, chunkSize: req.chunkSize }) : undefined;
  if (!pool) dropEarly(); // started for a large file that turned out to need no worker
  const known = req.known ?? [];
  let table: KnownKeyTable | undefined;
  try {
    table = known.length ? new KnownKeyTable(known) : undefined;
  } catch (err) {
    pool?.stop(); // started early: never leave its threads holding the process open
    throw err;
  }
  const gaps: ScanGap[] = [...walked.gaps];
  for (const r of table?.rejected ?? []) gaps.push({ location: r.id, operation: 'known-key', reason: r.reason });
  const opts = { table, limits, chunkSize: req.chunkSize };
  let done = 0;
  const total = plans.reduce((s, p) => {
    try {
      return s + statSync(p.path).size;
    } catch {
      return s; // scanFile reports it
    }
  }, 0);
  const tick = (n: number) => {
    done += n;
    req.progress?.(done, total);
  };
  const sequential = async () => {
    const out: FileResult[] = [];
    for (const f of walked.files) {
      if (req.signal?.aborted) break;
      out.push(await scanFile(f.path, f.location, { ...opts, onBytes: tick }));
    }
    return out;
  };
  let files: FileResult[];
  let splitFiles = 0;
  if (!pool) files = await sequential();
  else {
    // A worker that fails or ends hands its work back to this thread (pool.ts): each task still runs once.
    const here = (t: Task) => runTask(t, table, { limits, chunkSize: req.chunkSize }, tick);
    const results = await pool.run(tasks, table?.share(), tick, here, req.signal);
    files = await collect(plans, tasks, results, opts);
    splitFiles = plans.filter((p) => p.split && p.split.ranges.length > 1).length;
  }
  for (const s of walked.streams) {
    if (req.signal?.aborted) break;
    files.push(await scanPipe(s, { ...opts, onBytes: tick }, limits.maxExpandedBytes));
  }
  files.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  return { files, gaps, knownKeys: table?.size ?? 0, bytes: files.reduce((s, f) => s + f.bytes, 0), splitFiles };
}

/**
 * A pipe named on the command line, read once as it arrives (it cannot be split or read again) on this
 * thread, through the same sniffing and decoders as an archive member. Reading stops at the bound
 * (the scan's total expanded bytes): what was not read is a gap, never a clean pass.
 */
async function scanPipe(pipe: { path: string; location: string }, opts: FileScanOptions, max: number): Promise<FileResult> {
  const source: AsyncIterable<Buffer> = pipe.path === STDIN_ARG ? process.stdin : createReadStream(pipe.path);
  let cut = false;
  const bounded = async function* () {
    let read = 0;
    for await (const chunk of source) {
      if (read + chunk.length > max) {
        cut = true;
        yield chunk.subarray(0, max - read);
        return; // ends the loop, which closes the pipe
      }
      read += chunk.length;
      yield chunk;
    }
  };
  const result = await scanStream(pipe.location, pipe.path === STDIN_ARG ? '' : basename(pipe.path), bounded(), opts);
  if (cut)
    result.gaps.push({ location: pipe.location, operation: 'read', reason: `the stream is longer than ${max} bytes: only the first ${max} were scanned` });
  return result;
}

/** File results from the tasks' results: whole files as they are, split files merged from their ranges. */
async function collect(plans: readonly FilePlan[], tasks: readonly Task[], results: Map<number, TaskResult>, opts: FileScanOptions): Promise<FileResult[]> {
  const files: FileResult[] = [];
  let t = 0;
  for (const p of plans) {
    if (!p.split) {
      const r = results.get((tasks[t++] as Task).id) as FileResult | undefined;
      if (r) files.push(r);
      continue;
    }
    const parts: RangeResult[] = [];
    for (let i = 0; i < p.split.ranges.length; i++) {
      const r = results.get((tasks[t++] as Task).id) as RangeResult | undefined;
      if (r) parts.push(r);
    }
    if (parts.length < p.split.ranges.length) continue; // aborted
    files.push(await finishRanges(p.path, p.location, p.split.type, p.split.size, parts, opts));
  }
  return files;
}
