// Shared read helpers of the GCP provider: every page of a list through the kit, a failure as a gap.
import type { GapScope } from '../kit/gaps.ts';
import { type CallScope, type ProviderKit, ReadOnlyViolation } from '../kit/index.ts';
import type { GcpApi, Page } from './client.ts';

/** What every read module gets: the API, the kit, and the quota partition (the calling project). */
export interface GcpReadContext {
  api: GcpApi;
  kit: ProviderKit;
  /** The kit partition all Cloud KMS, Resource Manager and Logging calls are charged to. */
  quota: CallScope;
  nowMs: number;
}

export interface GapOf {
  what: string;
  scope?: GapScope;
  affects?: readonly string[];
}

/** Every item of a paginated list, or undefined (and a gap) when a page failed for good. */
export async function listAll<T>(
  c: GcpReadContext,
  op: string,
  gap: GapOf,
  fetch: (token: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
): Promise<T[] | undefined> {
  const items: T[] = [];
  try {
    await c.kit.paginate(
      op,
      c.quota,
      fetch,
      (p) => p.next,
      (p) => {
        for (const i of p.items) items.push(i);
      },
    );
    return items;
  } catch (err) {
    if (err instanceof ReadOnlyViolation) throw err;
    c.kit.failed(op, err, gap);
    return undefined;
  }
}

/** One read, or undefined (and a gap) when it failed for good. */
export const readOne = <T>(c: GcpReadContext, op: string, gap: GapOf, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> =>
  c.kit.read(op, { ...c.quota, gap }, fn);
