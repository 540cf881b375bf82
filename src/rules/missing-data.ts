import type { CollectionGap } from '../model/collection-gap.ts';

/**
 * What `ctx.need()` (and `ctx.unclassified()`, an ambiguous `ctx.scope()`) throws to stop one
 * evaluation with `unknown`. Not an Error: it is a verdict, not a fault. A rule helper that judges
 * several independent facts (judgeAccess) may catch it to judge the rest, and rethrow it when nothing failed.
 */
export class MissingData {
  readonly field: string;
  readonly gap?: CollectionGap;
  /** Why, when the data was read but cannot be decided (an ambiguous classification). */
  readonly reason?: string;
  constructor(field: string, gap?: CollectionGap, reason?: string) {
    this.field = field;
    this.gap = gap;
    this.reason = reason;
  }
}
