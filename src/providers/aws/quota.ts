// Quota-aware calling: one token bucket per API operation (or shared quota group) per account and
// region, at a fraction of the published quota, with adaptive backoff on throttling. No SDK here.

/**
 * Published default request quotas, requests per second, per account and per region.
 * KMS: AWS KMS Developer Guide, "Request quotas". CloudTrail: "Get, describe, and list APIs: 10 TPS"
 * (one shared quota). Others: documented or conservative defaults for a handful of calls per run.
 */
export const PUBLISHED_QUOTAS: Readonly<Record<string, number>> = {
  'kms:ListKeys': 500,
  'kms:ListAliases': 500,
  'kms:DescribeKey': 2000,
  'kms:GetKeyPolicy': 1000,
  'kms:GetKeyRotationStatus': 1000,
  'kms:ListKeyRotations': 100,
  'kms:ListResourceTags': 2000,
  'kms:ListGrants': 100,
  'kms:GetPublicKey': 2000,
  'cloudtrail:read': 10,
  'logs:DescribeLogGroups': 10,
  'sts:GetCallerIdentity': 100,
  'sts:AssumeRole': 100,
  'organizations:ListAccounts': 5,
  'ec2:DescribeRegions': 20,
  's3:GetBucketLifecycleConfiguration': 100,
};

/** Operations that share one quota. */
const QUOTA_GROUP: Readonly<Record<string, string>> = {
  'cloudtrail:DescribeTrails': 'cloudtrail:read',
  'cloudtrail:GetTrailStatus': 'cloudtrail:read',
  'cloudtrail:GetEventSelectors': 'cloudtrail:read',
};

export const quotaKeyOf = (operation: string): string => QUOTA_GROUP[operation] ?? operation;

/**
 * A token bucket in GCRA form: each take() reserves the next free slot synchronously, so waiting
 * callers are served in order at exactly `rate`, with at most `burst` requests at once.
 */
export class TokenBucket {
  readonly target: number;
  rate: number;
  private burst: number;
  private tat = 0;
  private readonly clock: () => number;

  constructor(rate: number, burst: number, clock: () => number = () => performance.now()) {
    this.target = rate;
    this.rate = rate;
    this.burst = Math.max(1, burst);
    this.clock = clock;
  }

  /** Milliseconds the caller must wait before sending; the slot is reserved. */
  reserve(): number {
    const now = this.clock();
    const interval = 1000 / this.rate;
    const tolerance = (this.burst - 1) * interval;
    const at = Math.max(now, this.tat - tolerance);
    this.tat = Math.max(this.tat, now) + interval;
    return at - now;
  }

  /** Throttled: slow down (multiplicative decrease) and push the schedule back by the backoff. */
  penalize(delayMs: number): void {
    this.rate = Math.max(this.target / 16, this.rate * 0.7);
    this.tat = Math.max(this.tat, this.clock() + delayMs);
  }

  /** A success: creep back toward the target rate (additive increase). */
  reward(): void {
    if (this.rate < this.target) this.rate = Math.min(this.target, this.rate + this.target / 100);
  }
}

export type FailureKind = 'throttled' | 'transient' | 'timeout' | 'fatal';

/** Classify an error thrown by an SDK call by its name and HTTP status only (no SDK import). */
export function classifyError(err: unknown): FailureKind {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const name = e?.name ?? e?.code ?? '';
  const status = e?.$metadata?.httpStatusCode;
  if (
    e?.$retryable?.throttling ||
    status === 429 ||
    /^(Throttling|ThrottlingException|ThrottledException|TooManyRequestsException|RequestLimitExceeded|LimitExceededException|RequestThrottled|RequestThrottledException|SlowDown|TransactionInProgressException)$/.test(
      name,
    )
  )
    return 'throttled';
  if (name === 'TimeoutError' || name === 'AbortError' || name === 'RequestTimeout' || name === 'RequestTimeoutException') return 'timeout';
  if (
    (status !== undefined && status >= 500) ||
    /^(InternalFailure|InternalError|ServiceUnavailable|ServiceUnavailableException|KMSInternalException|DependencyTimeoutException|InternalException)$/.test(
      name,
    ) ||
    /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN)$/.test(e?.code ?? '')
  )
    return 'transient';
  return 'fatal';
}

export interface QuotaOptions {
  /** Fraction of each published quota the audit may use. */
  fraction: number;
  /** Overrides of PUBLISHED_QUOTAS (requests per second). */
  quotas?: Readonly<Record<string, number>>;
  maxAttempts: number;
  retryBaseMs: number;
  retryCapMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export interface QuotaStats {
  calls: Record<string, number>;
  throttled: number;
  retries: number;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Per (account, region, operation) buckets; `run` waits for a token, calls, and retries with backoff. */
export class QuotaManager {
  readonly stats: QuotaStats = { calls: {}, throttled: 0, retries: 0 };
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly opts: QuotaOptions;

  constructor(opts: QuotaOptions) {
    this.opts = opts;
  }

  /** Requests per second this run allows itself for an operation in one account and region. */
  rateOf(operation: string): number {
    const key = quotaKeyOf(operation);
    const published = this.opts.quotas?.[operation] ?? this.opts.quotas?.[key] ?? PUBLISHED_QUOTAS[key] ?? 1;
    return published * this.opts.fraction;
  }

  bucket(account: string, region: string, operation: string): TokenBucket {
    const id = `${account}/${region}/${quotaKeyOf(operation)}`;
    let b = this.buckets.get(id);
    if (!b) {
      const rate = this.rateOf(operation);
      // A small burst (5 % of a second's worth) keeps any one-second window under the quota.
      b = new TokenBucket(rate, Math.floor(rate * 0.05));
      this.buckets.set(id, b);
    }
    return b;
  }

  async run<T>(account: string, region: string, operation: string, fn: () => Promise<T>): Promise<T> {
    const bucket = this.bucket(account, region, operation);
    const sleep = this.opts.sleep ?? defaultSleep;
    const random = this.opts.random ?? Math.random;
    const cap = this.opts.retryCapMs ?? 20_000;
    for (let attempt = 1; ; attempt++) {
      await sleep(bucket.reserve(), this.opts.signal);
      this.stats.calls[operation] = (this.stats.calls[operation] ?? 0) + 1;
      try {
        const out = await fn();
        bucket.reward();
        return out;
      } catch (err) {
        const kind = classifyError(err);
        if (kind === 'fatal' || attempt >= this.opts.maxAttempts || this.opts.signal?.aborted) throw err;
        const delay = random() * Math.min(cap, this.opts.retryBaseMs * 2 ** (attempt - 1));
        if (kind === 'throttled') {
          this.stats.throttled++;
          bucket.penalize(delay);
        }
        this.stats.retries++;
        await sleep(delay, this.opts.signal);
      }
    }
  }
}
