// Workflow commands, outputs and inputs as the GitHub runner defines them (no @actions/core needed).
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { UserError } from '../../src/errors.ts';

/** An input as the runner passes it: INPUT_<NAME>, upper case, spaces as underscores, hyphens kept. */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A boolean input: true/True/TRUE or false/False/FALSE (the YAML 1.2 core schema, as @actions/core reads it), else the default. */
export function getBooleanInput(name: string, env: NodeJS.ProcessEnv = process.env, fallback = false): boolean {
  const v = getInput(name, env);
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  if (v === '') return fallback;
  throw new UserError({ message: `input ${name} must be true or false, not "${v}".`, expected: 'true or false' });
}

/** Split a command line the way a POSIX shell would for words and quotes (no expansion). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new UserError({ message: `unterminated ${quote} quote in args: ${line}`, hint: 'close the quote' });
  if (has) out.push(cur);
  return out;
}

/** Workflow-command escaping (the runner's toCommandValue/escapeData/escapeProperty). */
export const escapeData = (s: unknown): string => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s: unknown): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A workflow command line such as `::error title=keyhygiene::message`. */
export function command(name: string, props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${p ? ` ${p}` : ''}::${escapeData(message)}\n`;
}

/** Set a step output through $GITHUB_OUTPUT (a heredoc with a random delimiter), or print it without a runner. */
export function setOutput(name: string, value: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_OUTPUT;
  const text = String(value);
  if (!file) {
    process.stdout.write(`${name}=${text}\n`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
}
