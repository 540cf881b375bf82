// One trail being read: where it was found and how its gaps are named.
import type { AwsGapSpec, Where } from '../context.ts';
import type { TrailShape } from '../normalize.ts';

/** A trail found in some account and region, with the credentials that found it. */
export interface FoundTrail {
  where: Where;
  trail: TrailShape;
}

/** The gap spec of a read about one trail, in `region`. */
export const trailGap = (arn: string, f: FoundTrail, what: string, region: string, affects: string[]): AwsGapSpec => ({
  what,
  account: f.where.account,
  region,
  subjectId: arn,
  idSuffix: f.trail.Name ?? arn,
  affects,
});
