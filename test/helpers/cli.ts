import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.ts';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = join(PACKAGE_ROOT, 'bin/run.js');

/**
 * Run the built CLI (dist/, made by `npm run build`, which `npm test` runs first) as a user would,
 * with fake credentials, no metadata probes and no colour.
 */
/** The environment every spawned CLI gets: fake credentials, no metadata probes, no colour. */
export const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'AKIDTESTFAKE',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  NO_COLOR: '1',
};

export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): CliRun {
  if (!existsSync(join(PACKAGE_ROOT, 'dist/commands/audit.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? PACKAGE_ROOT,
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { ...CHILD_ENV, ...opts.env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when output carries a JavaScript stack trace. */
export const hasStackTrace = (s: string): boolean => /\n\s+at .+\(.+:\d+:\d+\)/.test(s);
