// Which rules read a model field: for a provider that deliberately leaves fields uncollected (the AWS
// `fast` profile), the rules that will then report unknown. Computed here, from the rules' `needs`.
import { RULES } from './index.ts';

/** Rules whose verdicts depend on fields the key-material age is computed from, without naming them in `needs`. */
const INDIRECT: Readonly<Record<string, readonly string[]>> = {
  'key-material-max-age': ['currentVersionCreatedAt', 'rotation.lastRotatedAt', 'versionCount'],
};

/** The ids of the rules that read any of `fields` (a field, a parent or a child of one), sorted. */
export function rulesReadingFields(fields: readonly string[]): string[] {
  const overlaps = (need: string) => fields.some((f) => f === need || f.startsWith(`${need}.`) || need.startsWith(`${f}.`));
  const needsAny = (n: string | readonly string[]) => (typeof n === 'string' ? [n] : n).some(overlaps);
  return RULES.filter((r) => (INDIRECT[r.id] ?? []).some(overlaps) || (r.meta.needs ?? []).some(needsAny))
    .map((r) => r.id)
    .sort();
}
