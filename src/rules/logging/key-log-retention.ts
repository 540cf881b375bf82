import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { locationCause } from '../lib/causes.ts';
import { judgeTrails, type TrailVerdict } from '../lib/trails.ts';

/** A trail that records the key's use. */
const recorded = (v: TrailVerdict): boolean => !v.problem;

export default defineRule({
  id: 'key-log-retention',
  aliases: ['LOG-02', 'L4'],
  meta: {
    category: 'logging',
    severity: 'medium',
    description: "Records of the key's use are kept at least the policy's minimum retention.",
    rationale:
      "With 30-day retention nobody could establish when Storm-0558 began or how the key left (CSRB p.3, F10). CSRB rec 10 asks for ≥ 6 months by default, rec 5 for the key's life plus 2 years; OMB M-21-31 12 months hot; PCI DSS 10.5.1 12 months.",
    remediation:
      'Raise the retention of the log destination (CloudWatch Logs retentionInDays, S3 lifecycle/Object Lock, Log Analytics or storage retention, GCP log bucket retentionDays).',
    subject: 'key',
  },
  options: z.strictObject({
    minDays: z.number().int().positive().default(365).describe('minimum retention of key-use records, in days'),
  }),
  messages: {
    tooShort: 'Key use is retained for at most {days} days ({trail}); the limit is {min} days ({source}).',
    notRecorded: 'No trail records use of this key, so its retention is 0 days; the limit is {min} days ({source}; see key-use-logged).',
  },
  check(key, ctx) {
    const verdicts = judgeTrails(key, ctx);
    if (!verdicts.some(recorded))
      return ctx.report('notRecorded', { min: ctx.options.minDays, source: ctx.limitSource('minDays') }, { cause: locationCause(key) });
    let best = -1;
    let bestTrail = '';
    let bestId = '';
    let unknownTrail: string | undefined;
    for (const v of verdicts) {
      if (!recorded(v)) continue;
      const r = v.trail.retentionDays;
      // A destination whose retention is unknown (a storage bucket, BigQuery) cannot lower the best
      // known retention; it only matters when the known ones fall short.
      if (r === undefined) {
        unknownTrail ??= v.trail.id;
        continue;
      }
      const days = r === null ? Number.POSITIVE_INFINITY : r;
      if (days > best) {
        best = days;
        bestTrail = v.trail.name ?? v.trail.id;
        bestId = v.trail.id;
      }
    }
    if (best >= ctx.options.minDays) return;
    if (unknownTrail !== undefined) ctx.need(undefined, `trail ${unknownTrail} retentionDays`);
    ctx.report(
      'tooShort',
      { days: best, trail: bestTrail, min: ctx.options.minDays, source: ctx.limitSource('minDays') },
      { cause: { kind: 'trail', id: bestId, name: bestTrail } },
    );
  },
});
