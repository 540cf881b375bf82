// What `keyhygiene scan` does once its arguments are parsed, free of oclif: the command
// (commands/scan.ts) calls it after oclif has parsed them, and the fast start (scan-fast.ts) calls it
// when bin/run.js could read them without oclif. One body, so both give the same bytes and exit code.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { type KnownKeyInput, scanPaths } from '../scan/index.ts';
import { loadKnownKeyFiles } from '../scan/known-key-files.ts';
import { renderScanText, scanExitCode, scanResult } from '../scan/report.ts';
import { isGlob } from '../scan/walk.ts';
import { STDIN_ARG, stdinOnce } from '../util/stdin-path.ts';
import { terminalSafeText } from '../util/terminal.ts';

/** The scan command's parsed arguments and flags. */
export interface ScanCliOptions {
  paths: string[];
  snapshot?: string[];
  knownKeys?: string[];
  json: boolean;
  showPublic: boolean;
  jobs?: number;
  maxRatio: number;
  maxDepth: number;
  allowIncomplete: boolean;
}

async function knownKeysOf(opts: ScanCliOptions, warn: (message: string) => void): Promise<KnownKeyInput[]> {
  const known: KnownKeyInput[] = [];
  if (opts.snapshot?.length) {
    // Loaded only when asked for: the audit module pulls in every provider (about a second of start-up).
    const { loadSnapshots } = await import('../audit.ts');
    const inv = loadSnapshots(opts.snapshot);
    for (const k of [...inv.keys, ...inv.publishedKeys]) if (k.publicKey) known.push({ id: k.id, publicKey: k.publicKey });
    if (known.length === 0) warn('the snapshot holds no public keys (publicKey): only self-describing key formats will be found, not bare moduli.');
  }
  if (opts.knownKeys?.length) known.push(...loadKnownKeyFiles(opts.knownKeys));
  return known;
}

/** On a terminal, a progress line (MiB scanned, MB/s) at most every 200 ms. */
function progressLine(): ((done: number) => void) | undefined {
  if (!process.stderr.isTTY || process.env.CI) return undefined;
  const started = performance.now();
  let last = 0;
  return (done: number) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    const mbps = done / 1e6 / ((now - started) / 1000);
    process.stderr.write(`\r\u001b[2Kscanning… ${(done / 2 ** 20).toFixed(0)} MiB, ${mbps.toFixed(0)} MB/s`);
  };
}

/** Scan, print the findings (text or JSON) on stdout and set the exit code. Input errors throw UserError. */
export async function runScan(opts: ScanCliOptions, warn: (message: string) => void): Promise<void> {
  stdinOnce([
    ['--snapshot', opts.snapshot],
    ['PATH', opts.paths],
  ]);
  for (const p of opts.paths) {
    if (p !== STDIN_ARG && !isGlob(p) && !existsSync(p))
      throw new UserError({ message: `${p}: no such file or directory.`, hint: 'check the path; quote globs so the shell does not expand them' });
  }
  const known = await knownKeysOf(opts, warn);
  const progress = progressLine();
  const report = await scanPaths({
    inputs: opts.paths,
    baseDir: process.cwd(),
    known,
    jobs: opts.jobs,
    limits: { maxRatio: opts.maxRatio, maxDepth: opts.maxDepth },
    progress,
  });
  if (progress) process.stderr.write('\r\u001b[2K');
  const result = scanResult(report);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : terminalSafeText(renderScanText(result, { showPublic: opts.showPublic })));
  process.exitCode = scanExitCode(result, opts.allowIncomplete);
}
