// Every `keyhygiene <command> --flag` the README, docs/ and the rule catalog show a user is a flag
// that command has: a page that teaches a flag the CLI refuses is a broken first run.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const COMMANDS_DIR = join(ROOT, 'src/commands');
/** Deliberate misspellings that pages show to explain "did you mean". */
const SHOWN_AS_TYPOS = new Set(['--fromat']);

type FlagMap = Record<string, { aliases?: string[]; allowNo?: boolean; type?: string }>;

async function commandFlags(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const files = readdirSync(COMMANDS_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const cmd = (await import(join(COMMANDS_DIR, file))).default as { flags?: FlagMap; baseFlags?: FlagMap; enableJsonFlag?: boolean };
    const flags: FlagMap = { ...cmd.baseFlags, ...cmd.flags, ...(cmd.enableJsonFlag ? { json: {} } : {}) };
    const names = new Set(['--help']);
    for (const [name, f] of Object.entries(flags)) {
      names.add(`--${name}`);
      for (const a of f.aliases ?? []) names.add(`--${a}`);
      if (f.allowNo) names.add(`--no-${name}`);
    }
    out.set(
      file
        .replace(/\.ts$/, '')
        .replace(/\/index$/, '')
        .replace('/', ' '),
      names,
    );
  }
  return out;
}

const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f));
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

/** Each command line a page shows: inline code spans, and lines of fenced blocks, that run keyhygiene. */
function commandLines(text: string): { line: number; command: string }[] {
  const out: { line: number; command: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((l, i) => {
    if (/^\s*```/.test(l)) fenced = !fenced;
    const pieces = fenced ? [l.replace(/^\s*\$\s*/, '')] : [...l.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
    for (const p of pieces) for (const m of p.matchAll(/\bkeyhygiene ([a-z][^|;&#>]*)/g)) out.push({ line: i + 1, command: m[1] as string });
  });
  return out;
}

describe('commands and flags shown in README.md, docs/ and the rule catalog', () => {
  it('name flags the command has', async () => {
    const flags = await commandFlags();
    const files = [
      join(ROOT, 'README.md'),
      join(ROOT, 'CONTRIBUTING.md'),
      ...markdownFiles(join(ROOT, 'docs')),
      ...sourceFiles(join(ROOT, 'src/catalog')),
      ...sourceFiles(join(ROOT, 'src/rules')),
    ];
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const { line, command } of commandLines(readFileSync(file, 'utf8'))) {
        const words = command.trim().split(/\s+/);
        const id = flags.has(`${words[0]} ${words[1]}`) ? `${words[0]} ${words[1]}` : (words[0] as string);
        const known = flags.get(id);
        if (!known) continue;
        checked++;
        for (const flag of command.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [])
          if (!known.has(flag) && !SHOWN_AS_TYPOS.has(flag)) problems.push(`${relative(ROOT, file)}:${line}: keyhygiene ${id} has no ${flag}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});
