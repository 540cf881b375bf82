// The one bounded worker pool: at most `limit` tasks in flight.

/** Run `fn` over `items` with at most `limit` in flight; stops taking new items once `signal` aborts. */
export async function mapPool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(Math.max(1, limit), items.length)) }, worker));
}

/** At most `n` tasks at once across independent callers (a released slot passes to the next waiter). */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly n: number;

  constructor(n: number) {
    this.n = Math.max(1, n);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => this.queue.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
