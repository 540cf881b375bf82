import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { flush, run } from '@oclif/core';
import { Exit, handle } from '@oclif/core/handle';
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

/**
 * Run the built CLI in this process, as `bin/run.js` would: the same commands from dist/, the same
 * clean environment as a spawned child (CHILD_ENV plus `env`), `cwd`, and captured stdout, stderr and
 * exit code. About a hundred times cheaper than a spawn; keep `cli()` for the few smoke tests that
 * must prove the real process (stdin, signals, the bin script itself).
 */
export async function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  if (!existsSync(join(PACKAGE_ROOT, 'dist/commands/audit.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const out: string[] = [];
  const err: string[] = [];
  const saved = {
    env: { ...process.env },
    cwd: process.cwd(),
    exitCode: process.exitCode,
    out: process.stdout.write,
    err: process.stderr.write,
    exit: Exit.exit,
  };
  const savedConsole = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  let status: number | undefined;
  // Node prints a process warning as "(node:PID) …Warning: …" on stderr. The worker is shared with other
  // test files, so a warning raised by their leftovers (a MaxListenersExceededWarning about the worker's
  // own stdout socket was seen in CI) can print while this command runs; a spawned CLI would never see it.
  const nodeWarning = `(node:${process.pid}) `;
  const capture =
    (sink: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (sink === err && text.startsWith(nodeWarning)) saved.err.call(process.stderr, text);
      else sink.push(text);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, CHILD_ENV, opts.env);
  process.chdir(opts.cwd ?? PACKAGE_ROOT);
  process.exitCode = undefined;
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  // oclif prints help and errors through console, which the test runner intercepts: route it to the captures.
  const line =
    (sink: string[]) =>
    (...parts: unknown[]) =>
      void sink.push(`${format(...parts)}\n`);
  console.log = line(out);
  console.info = line(out);
  console.warn = line(err);
  console.error = line(err);
  Exit.exit = ((code = 0) => {
    status = code;
  }) as typeof Exit.exit;
  try {
    await run(args, pathToFileURL(BIN).href);
  } catch (e) {
    await handle(e as Error);
  } finally {
    await flush().catch(() => {});
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, savedConsole);
    Exit.exit = saved.exit;
    process.chdir(saved.cwd);
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
    status ??= typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0);
    process.exitCode = saved.exitCode;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}
