// The simulator's request quotas and injected faults. Quotas are per account, per region and per
// operation, as AWS documents its request quotas; operations AWS documents as sharing one quota
// draw on one bucket (a quota given for the group's name applies to all of them).
import { hashFraction } from '../hash.ts';
import type { Fault } from './types.ts';

/** CloudTrail's control-plane reads share one rate per account and region. */
const SHARED_QUOTAS: Readonly<Record<string, readonly string[]>> = {
  'cloudtrail:read': ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
};
const GROUP_OF = new Map(Object.entries(SHARED_QUOTAS).flatMap(([group, ops]) => ops.map((op) => [op, group] as const)));
const quotaGroupOf = (op: string): string => GROUP_OF.get(op) ?? op;

/**
 * Each quota is a token bucket refilled at the quota rate holding one second's worth: a steady caller
 * above the rate is throttled, short bursts within the second are not.
 */
export class Quotas {
  private readonly rates: Readonly<Record<string, number>> | undefined;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(rates: Readonly<Record<string, number>> | undefined) {
    this.rates = rates;
  }

  /** true: this request is over its quota (answer ThrottlingException). */
  throttle(account: string, region: string, op: string): boolean {
    const group = quotaGroupOf(op);
    const rate = this.rates?.[op] ?? this.rates?.[group];
    if (!rate) return false;
    const id = `${account}/${region}/${group}`;
    const now = performance.now();
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: rate, at: now };
      this.buckets.set(id, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }
}

const matches = (f: Fault, op: string, account: string, region: string, keyId: string): boolean =>
  (!f.op || f.op === op) && (!f.account || f.account === account) && (!f.region || f.region === region) && (!f.keyId || f.keyId === keyId);

/** Injected faults: each fires for the (operation, subject) pairs it matches, at its rate, up to `times`. */
export class Faults {
  private list: Fault[];
  private readonly counts = new Map<string, number>();
  constructor(list: Fault[]) {
    this.list = list;
  }

  set(list: Fault[]): void {
    this.list = list;
    this.counts.clear();
  }

  /** The fault this request meets, if any. */
  for(op: string, account: string, region: string, input: Record<string, unknown>): Fault | undefined {
    const keyId = String(input.KeyId ?? input.Name ?? input.TrailName ?? '').replace(/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, '');
    const subject = `${op}/${account}/${region}/${keyId}`;
    for (const [i, f] of this.list.entries()) {
      if (!matches(f, op, account, region, keyId)) continue;
      if (f.rate !== undefined && hashFraction(`${i}/${subject}`) >= f.rate) continue;
      if (f.times !== undefined) {
        const id = `${i}/${subject}`;
        const n = this.counts.get(id) ?? 0;
        if (n >= f.times) continue;
        this.counts.set(id, n + 1);
      }
      return f;
    }
    return undefined;
  }
}
