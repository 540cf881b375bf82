// The provider kit: the only home of quota buckets, retries, deadlines, budgets, the worker pool,
// failure classification and gap building. See README.md beside this file.
export { Limiter, TokenBucket } from './bucket.ts';
export { type KitDefaults, kitConfigFields } from './config.ts';
export { Budget, BudgetExceeded, CallTimeout, raceAbort } from './deadline.ts';
export { classify, describeFailure, type Failure, type FailureKind, isRetryable, parseRetryAfter, ReadFailure, ReadOnlyViolation } from './failure.ts';
export { type FailureGapSpec, GapBuilder, type GapScope, type GapSpec, gapId } from './gaps.ts';
export { type CallScope, createKit, DEFAULT_RETRY, type KitOptions, type KitStats, ProviderKit, type QuotaTable, type RetryPolicy } from './kit.ts';
export { mapPool, Semaphore } from './pool.ts';
export { type BackoffPolicy, backoffDelay, retryTransient } from './retry.ts';
export { type Sleep, sleep } from './sleep.ts';
