// Reading a result's long lists (subjects, results) without building them. Evaluation keeps them in
// compact columns; `result.subjects` and `result.results` are still plain arrays to whoever reads
// them (made on first read, then kept), but a reporter that iterates with `eachSubject` /
// `eachResult` gets one entry at a time and the whole list never exists. Same entries, same order.
import { LazyArray } from '../util/json-stream.ts';
import type { AuditResult, ResultEntry } from './result.ts';

export type SubjectSummary = AuditResult['subjects'][number];

/** A list kept compactly: its length and its entries made one by one, in order. */
export interface CompactList<T> {
  readonly length: number;
  items(): Iterable<T>;
  /** The whole list as an array, when it can share parts between entries (one subject reference per subject). */
  toArray?(): T[];
}

type ListName = 'subjects' | 'results';

interface Slot<T> {
  compact: CompactList<T>;
  /** The array made on the first plain read (or assigned): from then on it is the list. */
  array?: T[];
}

const slots = new WeakMap<object, Partial<Record<ListName, Slot<unknown>>>>();

/**
 * Make `result[name]` a list read from `compact`: a plain read (`result.results`, JSON.stringify,
 * a spread) builds the array once and keeps it; an assignment replaces it. The property keeps its
 * place among the result's keys, so serialised reports do not change.
 */
export function attachCompactList<N extends ListName>(result: AuditResult, name: N, compact: CompactList<AuditResult[N][number]>): void {
  const slot: Slot<unknown> = { compact };
  const own = slots.get(result) ?? {};
  own[name] = slot;
  slots.set(result, own);
  Object.defineProperty(result, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      slot.array ??= compact.toArray ? compact.toArray() : [...compact.items()];
      return slot.array;
    },
    set: (v: unknown[]) => {
      slot.array = v;
    },
  });
}

function list<T>(result: AuditResult, name: ListName): { compact?: CompactList<T>; array?: T[] } {
  const slot = slots.get(result)?.[name] as Slot<T> | undefined;
  if (slot && !slot.array) return { compact: slot.compact };
  return { array: (result[name] ?? []) as T[] };
}

/** The result's entries in report order, one at a time (never the whole list when evaluation kept it compact). */
export function eachResult(result: AuditResult): Iterable<ResultEntry> {
  const l = list<ResultEntry>(result, 'results');
  return l.compact ? l.compact.items() : (l.array as ResultEntry[]);
}

/** The result's subjects in report order (kind, then id), one at a time. */
export function eachSubject(result: AuditResult): Iterable<SubjectSummary> {
  const l = list<SubjectSummary>(result, 'subjects');
  return l.compact ? l.compact.items() : (l.array as SubjectSummary[]);
}

/** How many results `eachResult` yields, without making them. */
export function resultCount(result: AuditResult): number {
  const l = list<ResultEntry>(result, 'results');
  return l.compact ? l.compact.length : (l.array as ResultEntry[]).length;
}

/** How many subjects `eachSubject` yields, without making them. */
export function subjectCount(result: AuditResult): number {
  const l = list<SubjectSummary>(result, 'subjects');
  return l.compact ? l.compact.length : (l.array as SubjectSummary[]).length;
}

/** True while `name` is still compact: nothing has read it as an array. */
export function isCompact(result: AuditResult, name: ListName): boolean {
  return list(result, name).compact !== undefined;
}

/**
 * The result with its still-compact lists as LazyArrays, nothing else copied deeply: `jsonChunks`
 * writes it byte for byte as `JSON.stringify(result, null, 2)` would, one entry at a time. Spread it
 * to add leading fields (`{ $schema, ...streamingView(result) }`): the spread reads no list.
 */
export function streamingView(result: AuditResult): AuditResult {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(result)) {
    if (k === 'subjects' && isCompact(result, k)) out[k] = new LazyArray(() => eachSubject(result));
    else if (k === 'results' && isCompact(result, k)) out[k] = new LazyArray(() => eachResult(result));
    else out[k] = (result as unknown as Record<string, unknown>)[k];
  }
  return out as unknown as AuditResult;
}

/**
 * The result with some top-level fields replaced (the gaps a report shows), in the same key order;
 * lists still compact stay compact in the copy (a spread would build them).
 */
export function withFields(result: AuditResult, fields: Partial<AuditResult>): AuditResult {
  const out: Record<string, unknown> = {};
  const compact: ListName[] = [];
  for (const k of Object.keys(result)) {
    if (Object.hasOwn(fields, k)) out[k] = (fields as Record<string, unknown>)[k];
    else if ((k === 'subjects' || k === 'results') && isCompact(result, k)) {
      out[k] = [];
      compact.push(k);
    } else out[k] = (result as unknown as Record<string, unknown>)[k];
  }
  for (const k of compact) attachCompactList(out as unknown as AuditResult, k, list(result, k).compact as CompactList<never>);
  return out as unknown as AuditResult;
}
