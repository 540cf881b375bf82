// s3:GetBucketLifecycleConfiguration: how long the S3 bucket a trail delivers to keeps its log objects.
import { classify } from '../../kit/index.ts';
import { type AwsRun, fail, send } from '../context.ts';
import { type LifecycleRuleShape, lifecycleRetention } from '../normalize.ts';
import { type FoundTrail, trailGap } from './trail-target.ts';

/** Retention in days (null = kept indefinitely); undefined (with a gap on `retentionDays`) when not read. */
export async function readBucketRetention(run: AwsRun, arn: string, found: FoundTrail): Promise<number | null | undefined> {
  const t = found.trail;
  try {
    const out = await send(run, 's3:GetBucketLifecycleConfiguration', { Bucket: t.S3BucketName }, found.where);
    return lifecycleRetention((out.Rules ?? []) as LifecycleRuleShape[], t.S3KeyPrefix);
  } catch (err) {
    // A bucket without lifecycle rules keeps its objects indefinitely.
    if (classify(err).code === 'NoSuchLifecycleConfiguration') return null;
    const what = `the lifecycle rules of bucket ${t.S3BucketName} (trail ${arn})`;
    fail(run, 's3:GetBucketLifecycleConfiguration', err, trailGap(arn, found, what, found.where.caller.region, ['retentionDays']));
    return undefined;
  }
}
