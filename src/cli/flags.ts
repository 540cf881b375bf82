import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../errors.ts';
import { EXAMPLES_DIR } from '../paths.ts';

export const policyFlag = Flags.string({ char: 'p', description: 'policy file', default: 'keyhygiene.yaml', helpValue: 'FILE', env: 'KEYHYGIENE_POLICY' });

export const nowFlag = Flags.string({
  description:
    'evaluate as of this instant (ISO 8601 date or date-time; impossible dates such as 2026-02-30 are refused), or "snapshot" for the time the inventory was taken (with several --snapshot files, the newest of their times); default: now',
  helpValue: 'TIME',
  env: 'KEYHYGIENE_NOW',
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
  const ms = strictDate(value);
  if (Number.isNaN(ms))
    throw new UserError({
      message: `--now ${value} is not a date.`,
      expected: 'an ISO 8601 time such as 2026-01-31T00:00:00Z, a date such as 2026-01-31, or "snapshot"',
    });
  return new Date(ms);
}

/**
 * Milliseconds of an ISO 8601 date (YYYY-MM-DD, midnight UTC) or date-time with a zone, or NaN. Strict:
 * a day that does not exist in its month (2026-02-30) is NaN, where Date.parse would roll it over.
 */
export function strictDate(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(value);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return Number.NaN;
  return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
}
