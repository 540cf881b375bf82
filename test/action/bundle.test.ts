// The committed bundle (action/dist) is what a tagged Action runs: it must be exactly what the source builds.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAction } from '../../scripts/build-action.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();

describe('action/dist', () => {
  it('matches a fresh esbuild of the source (run `npm run build:action` and commit when this fails)', async () => {
    const out = join(tmp.dir, 'dist');
    await buildAction(out);
    const committed = join(PACKAGE_ROOT, 'action/dist');
    expect(readdirSync(committed).sort()).toEqual(readdirSync(out).sort());
    for (const f of readdirSync(out)) expect(readFileSync(join(committed, f)).equals(readFileSync(join(out, f))), `action/dist/${f} is stale`).toBe(true);
  }, 120_000);
});
