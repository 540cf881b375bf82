// Retries for work that is not one kit.call: a step an SDK performs on its own inside a read, such as
// getting an access token (the token endpoint can answer 503, reset or send a broken body). Same
// backoff as kit.call: full jitter, doubling, capped, never sooner than Retry-After.
import { classify, type Failure, isRetryable } from './failure.ts';
import { sleep } from './sleep.ts';

export interface BackoffPolicy {
  /** attempts including the first */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}

/** The wait before attempt `attempt + 1`: full jitter over base·2^(attempt-1), capped, at least Retry-After. */
export function backoffDelay(
  attempt: number,
  failure: Pick<Failure, 'retryAfterMs'>,
  policy: Pick<BackoffPolicy, 'baseMs' | 'capMs'>,
  random = Math.random,
): number {
  const jittered = random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.max(jittered, failure.retryAfterMs ?? 0);
}

/**
 * Run `fn` until it succeeds, fails for good (not retryable by `classify`), runs out of attempts or
 * `signal` aborts; the last error is thrown unchanged.
 */
export async function retryTransient<T>(fn: () => Promise<T>, policy: BackoffPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const failure = classify(err);
      if (!isRetryable(failure) || attempt >= policy.maxAttempts || signal?.aborted) throw err;
      await sleep(backoffDelay(attempt, failure, policy), signal).catch(() => {
        throw err;
      });
    }
  }
}
