// Architecture boundaries, checked over the import graph of src/: no cycle between top-level folders,
// cloud SDKs only in providers' client.ts, rules free of I/O, providers free of policy and rules, and
// the cloud simulators (src/fakes) reached only by the demo and sharing no code with what they check.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';

const SRC = join(PACKAGE_ROOT, 'src');

interface Import {
  from: string;
  spec: string;
  /** `import type` / `export type`: erased at compile time, no load-order coupling. */
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    if (spec) out.push({ from: relative(SRC, file), spec, typeOnly: Boolean(m[2]) });
  }
  return out;
}

const ALL = sources(SRC).flatMap(importsOf);
/** Top-level unit of a path under src/: its folder, or the file itself for src/*.ts. */
const unitOf = (rel: string): string => rel.split(sep)[0]?.replace(/\.ts$/, '') ?? rel;
const target = (i: Import): string | undefined => (i.spec.startsWith('.') ? relative(SRC, resolve(SRC, dirname(i.from), i.spec)) : undefined);

/** Edges between top-level units (value imports only), with one example file per edge. */
function unitGraph(): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const i of ALL) {
    const t = target(i);
    if (!t || i.typeOnly) continue;
    const a = unitOf(i.from);
    const b = unitOf(t);
    if (a === b) continue;
    if (!g.has(a)) g.set(a, new Map());
    g.get(a)?.set(b, i.from);
  }
  return g;
}

/** Cycles as "a → b → a" strings (each reported once, from its smallest unit). */
function cyclesOf(g: Map<string, Map<string, string>>): string[] {
  const found = new Set<string>();
  const walk = (start: string, at: string, path: string[]) => {
    for (const next of g.get(at)?.keys() ?? []) {
      if (next === start) found.add([...path, start].join(' → '));
      else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const u of [...g.keys()].sort()) walk(u, u, [u]);
  return [...found].sort();
}

describe('architecture', () => {
  it('has no import cycle between top-level folders of src/', () => {
    expect(cyclesOf(unitGraph())).toEqual([]);
  });

  it('detects a cycle when one is there', () => {
    const g = new Map([
      ['policy', new Map([['rules', 'policy/resolve.ts']])],
      ['rules', new Map([['policy', 'rules/x.ts']])],
    ]);
    expect(cyclesOf(g)).toEqual(['policy → rules → policy']);
  });

  it('imports cloud SDKs only from providers/*/client.ts (and the publish command’s client)', () => {
    const sdk = ALL.filter((i) => /^@(aws-sdk|azure|google-cloud|smithy)\//.test(i.spec) && !i.typeOnly);
    const offenders = sdk.filter((i) => !/^providers\/[^/]+\/client\.ts$/.test(i.from) && !/^publish\/[^/]+\/client\.ts$/.test(i.from));
    expect(offenders.map((i) => `${i.from}: ${i.spec}`)).toEqual([]);
  });

  it('keeps rules free of I/O: no node:fs, network or child processes', () => {
    const io = ALL.filter((i) => i.from.startsWith(`rules${sep}`) && /^node:(fs|net|http|https|dns|child_process|tls|worker_threads)/.test(i.spec));
    expect(io.map((i) => `${i.from}: ${i.spec}`)).toEqual([]);
  });

  it('keeps providers away from the policy loader and the rule registry', () => {
    const bad = ALL.filter((i) => {
      const t = target(i);
      return (
        i.from.startsWith(`providers${sep}`) && t !== undefined && (t.startsWith(`policy${sep}`) || t.startsWith(`rules${sep}`) || t.startsWith(`engine${sep}`))
      );
    });
    expect(bad.map((i) => `${i.from}: ${i.spec}`)).toEqual([]);
  });

  it('keeps the cloud simulators self-contained: src/fakes imports nothing else from src/', () => {
    const bad = ALL.filter((i) => {
      const t = target(i);
      return i.from.startsWith(`fakes${sep}`) && t !== undefined && !t.startsWith(`fakes${sep}`);
    });
    expect(bad.map((i) => `${i.from}: ${i.spec}`)).toEqual([]);
  });

  it('reaches the simulators only from the demo, and the demo only from its command', () => {
    const reach = (i: Import, folder: string) => target(i)?.startsWith(`${folder}${sep}`) === true;
    const intoFakes = ALL.filter((i) => reach(i, 'fakes') && !i.from.startsWith(`fakes${sep}`) && !i.from.startsWith(`demo${sep}`));
    const intoDemo = ALL.filter((i) => reach(i, 'demo') && !i.from.startsWith(`demo${sep}`) && i.from !== join('commands', 'demo.ts'));
    expect([...intoFakes, ...intoDemo].map((i) => `${i.from}: ${i.spec}`)).toEqual([]);
  });
});
