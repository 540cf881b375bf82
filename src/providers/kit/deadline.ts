// Deadlines: a total budget per provider and a deadline on every call, as AbortSignals that reach the
// SDK, plus a race so that a client which ignores its signal still cannot hang the audit.
import { setMaxListeners } from 'node:events';

export class BudgetExceeded extends Error {
  constructor(provider: string, ms: number) {
    super(`${provider}: the provider's time budget of ${ms} ms ran out (budget cancel)`);
    this.name = 'AbortError';
  }
}

export class CallTimeout extends Error {
  constructor(operation: string, ms: number) {
    super(`${operation}: no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** The time a provider may spend in total; `signal` aborts when it runs out or the parent aborts. */
export class Budget {
  readonly signal: AbortSignal;
  readonly ms: number | undefined;
  private readonly controller = new AbortController();
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly onParentAbort: () => void;
  private readonly parent: AbortSignal | undefined;

  constructor(provider: string, ms: number | undefined, parent?: AbortSignal) {
    this.ms = ms;
    this.parent = parent;
    this.startedAt = performance.now();
    this.signal = this.controller.signal;
    // Every call in flight and every call waiting for its bucket listens here (concurrency × 2 at most):
    // by design, not a leak, so Node's 10-listener warning would only be noise on stderr.
    setMaxListeners(0, this.signal);
    this.onParentAbort = () => this.controller.abort(parent?.reason);
    if (parent?.aborted) this.controller.abort(parent.reason);
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
    if (ms !== undefined && !this.signal.aborted) {
      this.timer = setTimeout(() => this.controller.abort(new BudgetExceeded(provider, ms)), ms);
      this.timer.unref?.();
    }
  }

  /** Milliseconds left (Infinity without a budget). */
  remaining(): number {
    return this.ms === undefined ? Number.POSITIVE_INFINITY : Math.max(0, this.ms - (performance.now() - this.startedAt));
  }

  /** A signal for one call: aborts at the call's deadline, or when the budget does. */
  callSignal(operation: string, timeoutMs: number): { signal: AbortSignal; dispose: () => void } {
    const c = new AbortController();
    const timer = setTimeout(() => c.abort(new CallTimeout(operation, timeoutMs)), timeoutMs);
    timer.unref?.();
    const onBudget = () => c.abort(this.signal.reason);
    if (this.signal.aborted) c.abort(this.signal.reason);
    else this.signal.addEventListener('abort', onBudget, { once: true });
    return {
      signal: c.signal,
      dispose: () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onBudget);
      },
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/** Settle with `work`, or reject with the signal's reason as soon as it aborts, whichever comes first. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
