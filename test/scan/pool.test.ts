// The threads of one scan claim tasks from one shared counter: every task runs exactly once, on this
// thread or a worker; a worker that starts late still takes what is left; an abort stops new claims
// without hanging; and a reused scanner window never lends a scan the bytes of the one before.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { type Task, WorkerPool } from '../../src/scan/pool.ts';
import { type RangeResult, scanRangeFd } from '../../src/scan/ranges.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import type { RawHit } from '../../src/scan/types.ts';
import { encode, filler, makeKey } from './material.ts';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'kh-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = makeKey('rsa2048');
const table = new KnownKeyTable([{ id: 'k', publicKey: key.spkiB64 }]);
const init = { limits: DEFAULT_LIMITS };

/** A file with a key in every MiB, split into 1 MiB ranges. */
function rangeTasks(name: string, mib: number): Task[] {
  const pem = encode(key, 'pem-pkcs8');
  const parts: Buffer[] = [];
  for (let i = 0; i < mib; i++) parts.push(pem, filler('mixed', MiB - pem.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return Array.from({ length: mib }, (_, id) => ({ id, kind: 'range', path, size: mib * MiB, start: id * MiB, stop: (id + 1) * MiB }));
}

/** A range scanned here with blocking reads: the threads' overlapped reads (scanRange) must give exactly this. */
const direct = (t: Task): RangeResult => {
  if (t.kind !== 'range') throw new Error('range tasks only');
  const fd = openSync(t.path, 'r');
  try {
    return scanRangeFd(fd, t.size, t.start, t.stop, { table });
  } finally {
    closeSync(fd);
  }
};

const waitFor = async (cond: () => boolean, ms: number): Promise<void> => {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
};

describe('scan threads', () => {
  it('runs every task exactly once across this thread and a worker, with the results one thread gives', async () => {
    const tasks = rangeTasks('every.bin', 16);
    expect(tasks.length).toBe(16);
    const pool = WorkerPool.start(1, init);
    let fromWorker = 0;
    const here: number[] = [];
    // This thread holds its first task until a worker result has come in, so both threads take part.
    const results = await pool.run(
      tasks,
      table.share(),
      () => fromWorker++,
      async (t) => {
        if (here.length === 0) await waitFor(() => fromWorker > 0, 60_000);
        here.push(t.id);
        return direct(t);
      },
    );
    expect(fromWorker).toBeGreaterThan(0);
    expect(here.length).toBeGreaterThan(0);
    expect(here.length).toBeLessThan(tasks.length);
    expect([...results.keys()].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
    for (const t of tasks) {
      const r = results.get(t.id) as RangeResult;
      expect(r.hits.length, `range ${t.id}`).toBe(1);
      expect(r).toEqual(direct(t));
    }
  }, 90_000);

  it('this thread takes every task when no worker comes, and the run ends without waiting for one', async () => {
    const tasks = rangeTasks('alone.bin', 8);
    // A pool with no workers (as when the workers have not loaded yet): nothing else could claim a task.
    const pool = WorkerPool.start(0, init);
    const here: number[] = [];
    const results = await pool.run(
      tasks,
      table.share(),
      () => {},
      async (t) => {
        here.push(t.id);
        return direct(t);
      },
    );
    expect(here).toEqual(tasks.map((t) => t.id));
    expect(results.size).toBe(tasks.length);
  });

  it('an abort stops new claims: the tasks already claimed finish and the run ends', async () => {
    const tasks = rangeTasks('abort.bin', 8);
    const pool = WorkerPool.start(0, init);
    const ac = new AbortController();
    const results = await pool.run(
      tasks,
      undefined,
      () => {},
      async (t) => {
        if (t.id === 2) ac.abort();
        return direct(t);
      },
      ac.signal,
    );
    expect([...results.keys()]).toEqual([0, 1, 2]);
  });

  it.each(['throw', 'exit', 'throw-at-load'])(
    'a worker that fails (%s): this thread does its tasks, each task runs once and no byte is counted twice',
    async (mode) => {
      const tasks = rangeTasks(`fail-${mode}.bin`, 8);
      const total = tasks.reduce((s, t) => s + (t.kind === 'range' ? t.stop - t.start : 0), 0);
      process.env.KH_FAILING_WORKER_MODE = mode;
      const pool = WorkerPool.start(1, init, new URL('./failing-worker.mjs', import.meta.url));
      delete process.env.KH_FAILING_WORKER_MODE;
      let done = 0;
      let most = 0;
      let fromWorker = 0;
      const tick = (n: number) => {
        done += n;
        most = Math.max(most, done);
      };
      const here: number[] = [];
      const results = await pool.run(
        tasks,
        table.share(),
        (n) => {
          fromWorker += n;
          tick(n);
        },
        async (t) => {
          // This thread's first task is still running when the worker dies (it waits for the worker's
          // progress to come and be taken back): the old fallback scanned everything again meanwhile.
          if (here.length === 0 && mode !== 'throw-at-load') await waitFor(() => fromWorker > 0, 30_000).then(() => waitFor(() => fromWorker === 0, 2_000));
          here.push(t.id);
          const r = direct(t);
          if (t.kind === 'range') tick(t.stop - t.start);
          return r;
        },
      );
      expect([...here].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
      expect([...results.keys()].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
      for (const t of tasks) expect(results.get(t.id), `range ${t.id}`).toEqual(direct(t));
      expect(done).toBe(total);
      expect(most).toBeLessThanOrEqual(total);
    },
    60_000,
  );

  it('a scanner window reused after another scan does not see the bytes of that scan', () => {
    const pem = encode(key, 'pem-pkcs8');
    const big = Buffer.concat([filler('random', 10_000), pem, filler('random', 10_000)]);
    // The same bytes up to the middle of the key: what the window held after `big` must not complete it.
    const cut = big.subarray(0, 10_000 + (pem.length >> 1));
    const fresh = (data: Buffer): RawHit[] => scanBuffer(data, table, 4 * MiB + 64 * 1024);
    const expected = fresh(cut);
    for (let i = 0; i < 3; i++) {
      expect(scanBuffer(big, table).filter((h) => h.proof === 'private-key-present')).toHaveLength(1);
      expect(scanBuffer(cut, table)).toEqual(expected);
    }
    expect(expected.some((h) => h.proof === 'private-key-present')).toBe(false);
  });
});
