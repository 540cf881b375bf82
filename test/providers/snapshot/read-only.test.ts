import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../../src/paths.ts';
import snapshotProvider from '../../../src/providers/snapshot/index.ts';
import { readTextFile } from '../../../src/util/read-text.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';

describe('snapshot provider', () => {
  it('reads its snapshots only through the injected reader, and nothing else', async () => {
    const sent: string[] = [];
    const read = (file: string, what: string, hint: string) => {
      sent.push('fs:ReadFile');
      return readTextFile(file, what, hint);
    };
    const out = await snapshotProvider.collect(
      { paths: ['inventory.json'] },
      { now: () => new Date(), baseDir: join(EXAMPLES_DIR, 'storm-0558'), env: {}, readText: read },
    );
    expect(out.keys?.length).toBeGreaterThan(3);
    expect(sent).toEqual(['fs:ReadFile']);
    expectOnlyDeclared(sent, snapshotProvider);
  });

  it('names the missing snapshot and how to make one', async () => {
    await expect(snapshotProvider.collect({ paths: ['nope.json'] }, { now: () => new Date(), baseDir: EXAMPLES_DIR, env: {} })).rejects.toThrow(
      /snapshot does not exist/,
    );
  });
});
