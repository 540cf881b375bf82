import { type AccessCondition, type AccessEntry, CAPABILITIES, type Capability } from '../../model/access-entry.ts';
import { isSigningKey, type KeyRecord } from '../../model/key-record.ts';
import { MissingData } from '../missing-data.ts';
import type { RuleContext } from '../types.ts';

export { isSigningKey };

/** Capabilities that amount to using, releasing or delegating the key. */
export const USE_CAPABILITIES: ReadonlySet<Capability> = new Set([
  'use-sign',
  'use-encrypt',
  'use-decrypt',
  'use-mac',
  'use-wrap',
  'use-unwrap',
  'export',
  'create-grant',
]);

/**
 * Access entries merged by finding key (one principal, one statement…): a principal granted through a
 * key policy and a grant is one finding, not two with the same fingerprint. The first entry of each
 * key stands for the group; capabilities are united, in catalog order.
 */
export function mergeAccess(entries: readonly AccessEntry[], keyOf: (e: AccessEntry) => string): readonly AccessEntry[] {
  // Fast path, the common case: no two entries share a finding key, so there is nothing to merge.
  if (entries.length < 2) return entries;
  const keys = entries.map(keyOf);
  let distinct = true;
  for (let i = 1; i < keys.length && distinct; i++) for (let j = 0; j < i; j++) if (keys[i] === keys[j]) distinct = false;
  if (distinct) return entries;
  const groups = new Map<string, { entry: AccessEntry; caps: Set<Capability> }>();
  for (const e of entries) {
    const k = keyOf(e);
    const g = groups.get(k);
    if (g) for (const c of e.capabilities) g.caps.add(c);
    else groups.set(k, { entry: e, caps: new Set(e.capabilities) });
  }
  return [...groups.values()].map(({ entry, caps }) => ({ ...entry, capabilities: CAPABILITIES.filter((c) => caps.has(c)) }));
}

export const isActive = (k: KeyRecord, ctx: RuleContext<unknown, string>): boolean => ctx.need(k.state, 'state') === 'enabled';

/**
 * When the key material now in use was created: the newest of the current version's creation and
 * the last rotation. A key that cannot rotate keeps its original material, so its creation date
 * serves. For any other key without those dates the age is unknown, never guessed.
 */
export function materialCreatedAt(k: KeyRecord, ctx: RuleContext<unknown, string>): string {
  const current = k.currentVersionCreatedAt;
  const rotated = k.rotation?.lastRotatedAt;
  if (current !== undefined && rotated !== undefined) return ctx.daysSince(current) <= ctx.daysSince(rotated) ? current : rotated;
  if (current !== undefined) return current;
  if (rotated !== undefined) return rotated;
  if (k.rotation?.supported !== false) ctx.need(undefined, 'currentVersionCreatedAt');
  return ctx.need(k.createdAt, 'createdAt');
}

export const round = (n: number): number => Math.floor(n);

/** An access entry's principal, and the chain it reaches the key through. */
export const describeAccessor = (e: AccessEntry): string => `${e.principal.name ?? e.principal.id}${e.via?.length ? ` through ${e.via.join(' → ')}` : ''}`;

const ZEROS = /^(0x)?0+$/i;

/** One condition as `operator key value,value`; an all-zero value (a debug enclave's PCR) is shortened to 000…0. */
export const describeCondition = (c: AccessCondition): string => `${c.operator} ${c.key} ${c.values.map((v) => (ZEROS.test(v) ? '000…0' : v)).join(',')}`;

/** An access entry's principal and the conditions the evaluator could not decide, for an `unknown` verdict. */
export const describeUndecided = (e: AccessEntry): string => `${describeAccessor(e)} (${(e.undecided ?? []).map(describeCondition).join('; ')})`;

type Report<M extends string> = RuleContext<unknown, M>['report'];

/**
 * Judge access entries with `judge(entry, report)`. Entries whose conditions the evaluator could not
 * decide (`undecided`) may or may not exist: what they would report is never a failure and never a
 * pass; when no decided entry failed, it makes the verdict unknown, naming the conditions. An entry
 * the judge cannot decide (a principal the policy does not place) does not stop the others: a failure
 * of any entry stands, and only when none failed is the verdict unknown for it.
 */
export function judgeAccess<M extends string>(
  ctx: RuleContext<unknown, M>,
  entries: readonly AccessEntry[],
  judge: (entry: AccessEntry, report: Report<M>) => void,
): void {
  let failed = false;
  let maybe: string[] | undefined;
  let undecidable: MissingData | undefined;
  const report: Report<M> = (id, data, opts) => {
    failed = true;
    ctx.report(id, data, opts);
  };
  for (const e of entries) {
    try {
      if (!judgeOne(e, judge, report)) continue;
      maybe ??= [];
      maybe.push(describeUndecided(e));
    } catch (err) {
      if (!(err instanceof MissingData)) throw err;
      undecidable ??= err;
    }
  }
  if (failed) return;
  if (undecidable) throw undecidable;
  if (maybe) ctx.need(undefined, 'access', `the verdict depends on conditions the audit cannot decide: ${[...new Set(maybe)].join(', ')}`);
}

/** Judge one entry; true when it is undecided and would have reported (the verdict may hinge on it). */
function judgeOne<M extends string>(e: AccessEntry, judge: (entry: AccessEntry, report: Report<M>) => void, report: Report<M>): boolean {
  if (!e.undecided?.length) {
    judge(e, report);
    return false;
  }
  let would = false;
  judge(e, () => {
    would = true;
  });
  return would;
}

/** The merge key of an entry plus whether it is undecided: a decided and an undecided path never merge. */
export const withDecision =
  (keyOf: (e: AccessEntry) => string) =>
  (e: AccessEntry): string =>
    `${keyOf(e)}\u0000${e.undecided?.length ? 'undecided' : ''}`;

const byPrincipalId = withDecision((e) => e.principal.id);

/**
 * Access entries merged per principal, decided and undecided paths apart. Rules call it through
 * `ctx.accessByPrincipal`, which keeps the last merge for the next rule on the same key (per evaluation).
 */
export const mergeByPrincipal = (entries: readonly AccessEntry[] | undefined): readonly AccessEntry[] =>
  !entries || samePrincipalTwice(entries) ? mergeAccess(entries ?? [], byPrincipalId) : entries;

const undecided = (e: AccessEntry): boolean => (e.undecided?.length ?? 0) > 0;

/** Whether two entries share their merge key (principal id and decided or not), compared without building the keys. */
function samePrincipalTwice(entries: readonly AccessEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i] as AccessEntry;
    for (let j = 0; j < i; j++) {
      const b = entries[j] as AccessEntry;
      if (a.principal.id === b.principal.id && undecided(a) === undecided(b)) return true;
    }
  }
  return false;
}
