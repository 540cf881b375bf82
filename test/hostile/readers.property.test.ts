// Hostile input, generated (fast-check): mutations of documented, valid inputs and raw bytes, fed to
// every reader through the CLI in this process. Whatever the input, keyhygiene never exits 4, never
// prints a stack trace, answers within a bounded time, and a refusal (exit 2) names the file.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { type CliRun, hasStackTrace, runCli } from '../helpers/cli.ts';

const EXAMPLE = join(PACKAGE_ROOT, 'examples/storm-0558');
const SNAPSHOT = readFileSync(join(EXAMPLE, 'inventory.json'), 'utf8');
const POLICY = readFileSync(join(EXAMPLE, 'keyhygiene.yaml'), 'utf8');
const RUNS = Number(process.env.KH_PROPERTY_RUNS ?? 25);
/** Longest a single generated run may take (in process, one core shared with other tests). */
const PER_RUN_MS = 8_000;
const stats: { reader: string; runs: number; slowestMs: number; refused: number }[] = [];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-hostile-'));
});

/** A JSON value with one place replaced (or removed) along a path chosen by `picks`. */
function mutateJson(value: unknown, picks: number[], replacement: unknown, remove: boolean): unknown {
  if (picks.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [pick, ...rest] = picks as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = pick % value.length;
    const copy = [...value];
    if (remove && rest.length === 0) copy.splice(i, 1);
    else copy[i] = mutateJson(copy[i], rest, replacement, remove);
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const k = keys[pick % keys.length] as string;
  const copy = { ...(value as Record<string, unknown>) };
  if (remove && rest.length === 0) delete copy[k];
  else copy[k] = mutateJson(copy[k], rest, replacement, remove);
  return copy;
}

/** Text edits: insert, delete or overwrite bytes at generated offsets (UTF-8 or not). */
const textEdits = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 64 }), fc.uint8Array({ maxLength: 32 })), { minLength: 1, maxLength: 4 });
function applyEdits(text: string, edits: [number, number, Uint8Array][]): Buffer {
  let b = Buffer.from(text, 'utf8');
  for (const [at, del, ins] of edits) {
    const i = at % (b.length + 1);
    b = Buffer.concat([b.subarray(0, i), Buffer.from(ins), b.subarray(i + del)]);
  }
  return b;
}

const jsonMutation = fc.record({
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  replacement: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(null), fc.string(), fc.double(), fc.constant(1e308), fc.constant(-1)),
  remove: fc.boolean(),
});

/** Input kinds every reader gets: a structural mutation, byte edits of the valid text, raw bytes. */
function inputsFrom(valid: string, isJson: boolean): fc.Arbitrary<Buffer> {
  const edits = textEdits.map((e) => applyEdits(valid, e));
  const raw = fc.uint8Array({ maxLength: 4096 }).map((u) => Buffer.from(u));
  const yamlish = fc.string({ maxLength: 400 }).map((s) => Buffer.from(s, 'utf8'));
  if (!isJson) return fc.oneof(edits, raw, yamlish);
  const structural = jsonMutation.map((m) => Buffer.from(JSON.stringify(mutateJson(JSON.parse(valid), m.picks, m.replacement, m.remove))));
  return fc.oneof({ weight: 3, arbitrary: structural }, { weight: 1, arbitrary: edits }, { weight: 1, arbitrary: raw });
}

function expectHonest(r: CliRun, file: string, ms: number): void {
  const context = `exit ${r.status}\n${r.stderr.slice(0, 2000)}`;
  expect(r.status, context).not.toBe(4);
  expect(r.status, context).not.toBeNull();
  expect(hasStackTrace(r.stderr) || hasStackTrace(r.stdout), context).toBe(false);
  expect(ms, context).toBeLessThan(PER_RUN_MS);
  if (r.status === 2) expect(r.stderr, context).toContain(basename(file));
}

/** Run the property: write each generated input to `file`, run `args`, check the promises. */
async function property(reader: string, file: string, inputs: fc.Arbitrary<Buffer>, args: string[]): Promise<void> {
  const stat = { reader, runs: 0, slowestMs: 0, refused: 0 };
  stats.push(stat);
  await fc.assert(
    fc.asyncProperty(inputs, async (bytes) => {
      writeFileSync(file, bytes);
      const t0 = performance.now();
      const r = await runCli(args, { cwd: dir });
      const ms = performance.now() - t0;
      stat.runs++;
      stat.slowestMs = Math.max(stat.slowestMs, ms);
      if (r.status === 2) stat.refused++;
      expectHonest(r, file, ms);
    }),
    { numRuns: RUNS, seed: 13, endOnFailure: true },
  );
}

describe('hostile input, generated: never exit 4, never a stack trace, bounded, the file named', () => {
  it('policy files (policy validate)', async () => {
    const file = join(dir, 'hostile-policy.yaml');
    await property('policy', file, inputsFrom(POLICY, false), ['policy', 'validate', file]);
  }, 120_000);

  it('snapshots (audit --snapshot)', async () => {
    const file = join(dir, 'hostile-snapshot.json');
    await property('snapshot', file, inputsFrom(SNAPSHOT, true), ['audit', '--snapshot', file, '--policy', join(EXAMPLE, 'keyhygiene.yaml'), '--json']);
  }, 120_000);

  it('baselines (audit --baseline)', async () => {
    const base = join(dir, 'base.json');
    const r = await runCli(['audit', '--example', 'storm-0558', '--format', 'json', '--output', base], { cwd: dir });
    expect([0, 1, 3]).toContain(r.status);
    const file = join(dir, 'hostile-baseline.json');
    await property('baseline', file, inputsFrom(readFileSync(base, 'utf8'), true), ['audit', '--example', 'storm-0558', '--baseline', file]);
  }, 120_000);

  it('JWKS key set files (providers.jwks.keySets[].path)', async () => {
    const set = JSON.stringify({
      keys: [
        {
          kty: 'RSA',
          kid: 'a',
          use: 'sig',
          alg: 'RS256',
          n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw',
          e: 'AQAB',
        },
      ],
    });
    const file = join(dir, 'hostile-keys.json');
    const policy = join(dir, 'jwks-policy.yaml');
    writeFileSync(
      policy,
      `version: 1\nextends: [recommended]\nproviders:\n  jwks:\n    keySets:\n      - { path: ${basename(file)}, issuers: [https://idp.example] }\n`,
    );
    await property('jwks', file, inputsFrom(set, true), ['audit', '--policy', policy]);
  }, 120_000);

  it('evidence bundles (evidence verify), manifest mutated', async () => {
    const bundle = join(dir, 'bundle');
    const r = await runCli(['audit', '--example', 'storm-0558', '--evidence', bundle], { cwd: dir });
    expect([0, 1, 3]).toContain(r.status);
    const manifest = readFileSync(join(bundle, 'manifest.json'), 'utf8');
    const copy = join(dir, 'bundle-copy');
    mkdirSync(copy, { recursive: true });
    cpSync(bundle, copy, { recursive: true });
    const file = join(copy, 'manifest.json');
    await property('evidence', file, inputsFrom(manifest, true), ['evidence', 'verify', copy]);
  }, 120_000);

  it('scanned artifacts (scan): archives, compressed streams, ELF cores and minidumps built from bytes', async () => {
    const file = join(dir, 'hostile-artifact.bin');
    // Magic numbers of the formats the scanner decodes, followed by generated bytes.
    const magics = ['504b0304', '1f8b08', '7f454c46020101', '4d444d5093a7', '425a6839', 'fd377a585a00', '28b52ffd', '7573746172'].map((h) =>
      Buffer.from(h, 'hex'),
    );
    const inputs = fc.tuple(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 4096 })).map(([m, rest]) => Buffer.concat([m, Buffer.from(rest)]));
    await property('scan', file, inputs, ['scan', file]);
  }, 120_000);

  it('reports how many inputs were generated and the slowest one', () => {
    const total = stats.reduce((n, s) => n + s.runs, 0);
    expect(total).toBe(stats.length * RUNS);
    // The inputs are hostile enough to be refused: every file reader said exit 2 to some of them.
    for (const s of stats.filter((x) => x.reader !== 'scan')) expect(s.refused, s.reader).toBeGreaterThan(0);
    console.info(`hostile inputs: ${stats.map((s) => `${s.reader} ${s.runs} runs (${s.refused} refused), slowest ${Math.round(s.slowestMs)} ms`).join('; ')}`);
  });
});
