// Scan workers started before the scan is planned (src/scan/early-workers.ts): started only for a
// file large enough to be split and more than one thread, adopted by the next pool instead of new
// ones, and ended when no pool takes them, so the process never stays alive on an idle worker.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { adoptEarly, dropEarly, SPLIT_MIN, startEarly, startEarlyFor, startedEarly } from '../../src/scan/early-workers.ts';
import { DEFAULT_LIMITS } from '../../src/scan/files.ts';
import { scanPaths } from '../../src/scan/index.ts';
import { WorkerPool } from '../../src/scan/pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'kh-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => dropEarly());

/** A sparse file of `size` bytes (no disk used). */
function sparse(name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

const exited = (w: Worker) => new Promise<number>((resolve) => w.once('exit', resolve));

describe('workers started early', () => {
  it('start for a file large enough to be split, one fewer than the threads; not for small files, directories or one thread', async () => {
    const big = sparse('big.bin', SPLIT_MIN);
    const small = join(dir, 'small.bin');
    writeFileSync(small, 'x'.repeat(1000));
    await startEarlyFor([small, dir, join(dir, 'missing')], 3);
    expect(adoptEarly(8)).toHaveLength(0);
    await startEarlyFor([big], 1);
    expect(adoptEarly(8)).toHaveLength(0);
    await startEarlyFor([small, big], 3);
    const taken = adoptEarly(8);
    expect(taken).toHaveLength(2);
    await Promise.all(taken.map((e) => e.worker.terminate()));
  });

  it('do not start for a large archive or compressed stream: the scan reads those whole on one thread', async () => {
    // A gzip member header (RFC 1952) at the start of a sparse file of split size: a container, not split.
    const gz = sparse('core.gz', SPLIT_MIN);
    const fd = openSync(gz, 'r+');
    writeSync(fd, Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]), 0, 10, 0);
    closeSync(fd);
    await startEarlyFor([gz], 3);
    expect(adoptEarly(8)).toHaveLength(0);
  });

  it('a worker that failed before the scan is replaced by a new one, not a reason to scan on one thread', async () => {
    startEarly(2);
    const [bad, good] = startedEarly();
    // The first one ends before any pool adopts it (as a worker that fails to load does).
    const gone = exited(bad?.worker as Worker);
    await bad?.worker.terminate();
    await gone;
    expect(bad?.failure).toBeDefined();
    const pool = WorkerPool.start(2, { limits: DEFAULT_LIMITS });
    const workers = (pool as unknown as { workers: Worker[]; failure?: Error }).workers;
    expect((pool as unknown as { failure?: Error }).failure).toBeUndefined();
    expect(workers).toHaveLength(2);
    expect(workers).not.toContain(bad?.worker);
    expect(workers).toContain(good?.worker);
    pool.stop();
  });

  it('are adopted by the next pool instead of new workers, and those it does not need are ended', async () => {
    startEarly(2);
    const pool = WorkerPool.start(1, { limits: DEFAULT_LIMITS });
    const workers = (pool as unknown as { workers: Worker[] }).workers;
    expect(workers).toHaveLength(1);
    expect(adoptEarly(8)).toHaveLength(0); // the second was ended, not left running
    // Thread ids count up: the pool's worker is the first one started early, not a third, new one.
    const probe = new Worker('', { eval: true });
    expect(probe.threadId - (workers[0] as Worker).threadId).toBe(2);
    await probe.terminate();
    const results = await pool.run(
      [],
      undefined,
      () => {},
      async () => {
        throw new Error('no task');
      },
    );
    expect(results.size).toBe(0);
  });

  it('are ended when the scan needs no worker, so the process can exit', async () => {
    startEarly(1);
    const file = join(dir, 'one.txt');
    writeFileSync(file, 'nothing here\n');
    const report = await scanPaths({ inputs: [file], baseDir: dir, jobs: 2 });
    expect(report.files).toHaveLength(1);
    expect(adoptEarly(8)).toHaveLength(0);
  });

  it('dropEarly ends every worker no pool took', async () => {
    startEarly(1);
    const [e] = adoptEarly(1);
    expect(e).toBeDefined();
    const w = e?.worker as Worker;
    const gone = exited(w);
    void w.terminate();
    expect(typeof (await gone)).toBe('number');
    startEarly(1);
    dropEarly();
    expect(adoptEarly(8)).toHaveLength(0);
  });

  it('scan a large file split over this thread and an early worker with the findings of one thread', async () => {
    const big = sparse('split.bin', SPLIT_MIN);
    await startEarlyFor([big], 2);
    const split = await scanPaths({ inputs: [big], baseDir: dir, jobs: 2 });
    const one = await scanPaths({ inputs: [big], baseDir: dir, jobs: 1 });
    expect(split.splitFiles).toBe(1);
    expect(split.files).toEqual(one.files);
    expect(adoptEarly(8)).toHaveLength(0);
  }, 120_000);
});
