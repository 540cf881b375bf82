// The fast start of `keyhygiene scan` (issue 16): oclif's loading (its bundle, the command class,
// reading the manifest and finding plugins) costs about 0.1 s of CPU before the first byte is read,
// half of a small scan. bin/run.js asks fastScanOptions() first: when every argument is one it can
// read exactly as oclif would (paths, and the scan flags below in their plain spellings), the scan
// runs at once through the same body as the command (scan-run.ts) and prints its errors as
// BaseCommand does (error-output.ts). Anything else — help, --version, a short or unknown flag, a
// value oclif would reject or read differently, --snapshot (which loads the audit module anyway),
// oclif's debug settings — returns undefined and goes through oclif as before.
import { UserError } from '../errors.ts';
import { dropEarly, startEarlyFor } from '../scan/early-workers.ts';
import { terminalSafeText } from '../util/terminal.ts';
import { printInternalError, printUserError } from './error-output.ts';
import type { ScanCliOptions } from './scan-run.ts';

/** A scan flag as oclif defines it (commands/scan.ts; a test checks the two agree). */
export interface FastFlag {
  type: 'boolean' | 'integer' | 'files';
  char?: string;
  min?: number;
  max?: number;
  default?: number;
}

/** The flags the fast start reads. --snapshot is left to oclif. */
export const FAST_SCAN_FLAGS: Readonly<Record<string, FastFlag>> = {
  'known-keys': { type: 'files', char: 'k' },
  json: { type: 'boolean' },
  'show-public': { type: 'boolean' },
  jobs: { type: 'integer', char: 'j', min: 1, max: 64 },
  'max-ratio': { type: 'integer', min: 2, default: 200 },
  'max-depth': { type: 'integer', min: 1, max: 16, default: 4 },
  'allow-incomplete': { type: 'boolean' },
  debug: { type: 'boolean' },
};

const CHARS = new Map<string, string>(Object.entries(FAST_SCAN_FLAGS).flatMap(([name, f]) => (f.char ? [[`-${f.char}`, name] as [string, string]] : [])));

/** `--name`, `--name=value` or `-c` (alone) → the flag's name and inline value; anything else undefined. */
function flagOf(token: string): { name: string; inline?: string } | undefined {
  if (!token.startsWith('--')) return CHARS.has(token) ? { name: CHARS.get(token) as string } : undefined;
  const eq = token.indexOf('=');
  const name = token.slice(2, eq < 0 ? undefined : eq);
  return name in FAST_SCAN_FLAGS ? { name, ...(eq < 0 ? {} : { inline: token.slice(eq + 1) }) } : undefined;
}

/** A value as oclif reads it, or undefined where oclif would reject it or could read it otherwise. */
function readValue(spec: FastFlag, raw: string): number | string[] | undefined {
  if (spec.type === 'integer') {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number.parseInt(raw, 10);
    return (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max) ? undefined : n;
  }
  // oclif splits on unescaped commas, trims, and unquotes: without \ " ' a plain split and trim is the same.
  if (/[\\"']/.test(raw)) return undefined;
  const parts = raw.split(',').map((p) => p.trim());
  return parts.some((p) => p === '') ? undefined : parts;
}

/** oclif settings that change what it prints (debug output, performance marks): those runs go through oclif. */
const oclifTuned = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env.DEBUG || env.KEYHYGIENE_DEBUG || env.NODE_ENV === 'development') || Object.keys(env).some((k) => k.startsWith('OCLIF_'));

/** A scan command line read without oclif: the command's options, and whether --debug was given. */
export type FastScan = ScanCliOptions & { debug: boolean };

/** Read scan's arguments (those after `scan`) as oclif would, or undefined when oclif must. */
export function fastScanOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): FastScan | undefined {
  if (oclifTuned(env)) return undefined;
  const paths: string[] = [];
  const seen = new Set<string>();
  const values = new Map<string, number | string[]>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-') || token === '-') {
      paths.push(token); // `-` is standard input
      continue;
    }
    const flag = flagOf(token);
    const spec = flag && FAST_SCAN_FLAGS[flag.name];
    if (!flag || !spec || (seen.has(flag.name) && spec.type !== 'files')) return undefined;
    seen.add(flag.name);
    if (spec.type === 'boolean') {
      if (flag.inline !== undefined) return undefined;
      continue;
    }
    const raw = flag.inline ?? argv[++i];
    const value = raw === undefined || raw.startsWith('-') ? undefined : readValue(spec, raw);
    if (value === undefined) return undefined;
    const before = values.get(flag.name);
    values.set(flag.name, Array.isArray(before) && Array.isArray(value) ? [...before, ...value] : value);
  }
  if (paths.length === 0) return undefined;
  const int = (name: string) => (values.get(name) as number | undefined) ?? FAST_SCAN_FLAGS[name]?.default;
  return {
    paths,
    knownKeys: values.get('known-keys') as string[] | undefined,
    json: seen.has('json'),
    showPublic: seen.has('show-public'),
    jobs: int('jobs'),
    maxRatio: int('max-ratio') as number,
    maxDepth: int('max-depth') as number,
    allowIncomplete: seen.has('allow-incomplete'),
    debug: seen.has('debug'),
  };
}

/**
 * Run the scan without oclif; errors are printed as the command prints them (exit 2 or 4). For a
 * file large enough to be split, the worker threads start first, while the scanner loads.
 */
export async function runScanFast(scan: FastScan): Promise<void> {
  const { debug, ...opts } = scan;
  await startEarlyFor(opts.paths, opts.jobs);
  try {
    const { runScan } = await import('./scan-run.ts');
    // A warning is printed and the scan goes on, as on the oclif path (which frames it its own way).
    await runScan(opts, (message) => process.stderr.write(terminalSafeText(`Warning: ${message}\n`)));
  } catch (err) {
    if (err instanceof UserError) printUserError(err, debug);
    else printInternalError(err as Error, debug);
  } finally {
    dropEarly(); // those no pool adopted (the scan stopped before it needed them)
  }
}
