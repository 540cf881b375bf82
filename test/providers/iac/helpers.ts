import { resolve } from 'node:path';
import { UserError } from '../../../src/errors.ts';
import { PACKAGE_ROOT } from '../../../src/paths.ts';
import { listDirectory } from '../../../src/providers/files.ts';
import iacProvider from '../../../src/providers/iac/index.ts';
import { IacConfig } from '../../../src/providers/iac/schema.ts';
import type { ProviderOutput } from '../../../src/providers/types.ts';
import { readTextFile } from '../../../src/util/read-text.ts';

export const FIXTURES = 'test/fixtures/iac';

/** Collect IaC fixtures (paths relative to the package root) and record every file operation. */
export async function collectIac(paths: string[], extra: Partial<IacConfig> = {}): Promise<ProviderOutput & { ops: string[] }> {
  const ops: string[] = [];
  const out = await iacProvider.collect(IacConfig.parse({ paths, ...extra }), {
    now: () => new Date('2026-12-01T12:00:00Z'),
    baseDir: resolve(PACKAGE_ROOT),
    env: {},
    readText: (file, what, hint) => {
      ops.push('fs:ReadFile');
      return readTextFile(file, what, hint);
    },
    listDir: (dir) => {
      ops.push('fs:ListDirectory');
      return listDirectory(dir);
    },
  });
  return { ...out, ops };
}

/** The usage error collecting these IaC files raises (fails the test when there is none). */
export async function userError(paths: string[]): Promise<UserError> {
  try {
    await collectIac(paths);
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}
