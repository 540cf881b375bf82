import { accessSync, constants, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary directory removed after the test file; `write` puts a file in it and returns its path. */
export function tempDir(): { dir: string; write(name: string, content: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, content) {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
  };
}

/**
 * Where to put large scratch files: tmpfs (/dev/shm) when it is writable and has `freeBytes` to spare,
 * else the system temporary directory. On tmpfs a sparse file's holes read as the zero page (a disk
 * file system allocates and zeroes page cache for them) and a tree of thousands of files is removed
 * without disk I/O (an installed package: 0.7 s against 38 s on this machine's disk).
 */
export function scratchRoot(freeBytes: number): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize >= freeBytes) return '/dev/shm';
  } catch {
    // no /dev/shm here
  }
  return tmpdir();
}
