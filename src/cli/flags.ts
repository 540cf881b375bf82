import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { UserError } from '../errors.ts';
import { EXAMPLES_DIR } from '../paths.ts';

export const policyFlag = Flags.string({ char: 'p', description: 'policy file', default: 'keyhygiene.yaml', helpValue: 'FILE' });

export const nowFlag = Flags.string({
  description: 'evaluate as of this instant (ISO 8601), or "snapshot" for the time the inventory was taken; default: now',
  helpValue: 'TIME',
});

export const exampleFlag = Flags.string({ description: 'use a bundled example (policy and snapshot) instead of --policy', helpValue: 'NAME' });

export function listExamples(): string[] {
  return ['storm-0558'].filter((n) => existsSync(join(EXAMPLES_DIR, n, 'keyhygiene.yaml')));
}

export function examplePolicy(name: string): string {
  const file = join(EXAMPLES_DIR, name, 'keyhygiene.yaml');
  if (!existsSync(file)) throw new UserError({ message: `unknown example "${name}".`, expected: `one of: ${listExamples().join(', ')}` });
  return file;
}

/** Parse --now: an ISO timestamp, "snapshot", or absent (the real clock). */
export function parseNow(value: string | undefined, snapshotTime: () => string, realNow: () => Date = () => new Date()): Date {
  if (value === undefined) return realNow();
  if (value === 'snapshot') return new Date(snapshotTime());
  const ms = /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UserError({
      message: `--now ${value} is not a date.`,
      expected: 'an ISO 8601 time such as 2026-01-31T00:00:00Z, a date such as 2026-01-31, or "snapshot"',
    });
  return new Date(ms);
}
