import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
