// The settings every network provider shares, as zod fields a provider spreads into its config block,
// so deadlines, budgets, retries and quota fractions are named and bounded the same way everywhere.
import { z } from 'zod';

export interface KitDefaults {
  timeoutMs: number;
  budgetMs?: number;
  maxAttempts: number;
  retryBaseMs: number;
  quotaFraction: number;
}

export function kitConfigFields(d: KitDefaults) {
  return {
    timeoutMs: z
      .number()
      .int()
      .positive()
      .max(600_000)
      .default(d.timeoutMs)
      .describe('deadline of one API call, connect to last byte, in ms; a call that passes it is retried, then becomes a gap'),
    budgetMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        `total time this provider may spend, in ms${d.budgetMs ? ` (default ${d.budgetMs})` : ' (default: none)'}; reads not done by then become gaps and the other providers' results stand`,
      ),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(d.maxAttempts)
      .describe('attempts per call, including the first, for throttling and transient failures'),
    retryBaseMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(d.retryBaseMs)
      .describe('first backoff delay (doubles each attempt, full jitter; Retry-After is honoured)'),
    quotaFraction: z.number().gt(0).lte(1).default(d.quotaFraction).describe('fraction of each published API quota the audit may use'),
  };
}
