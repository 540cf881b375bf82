// logs:DescribeLogGroups: how long the CloudWatch Logs group a trail delivers to keeps events.
import { type AwsRun, read } from '../context.ts';
import { logGroupName } from '../normalize.ts';
import { type FoundTrail, trailGap } from './trail-target.ts';

/** Retention in days (null = never expires); undefined when not read (a gap on `retentionDays`) or the group is gone. */
export async function readLogGroupRetention(run: AwsRun, arn: string, found: FoundTrail): Promise<number | null | undefined> {
  const groupArn = found.trail.CloudWatchLogsLogGroupArn ?? '';
  const group = logGroupName(groupArn);
  if (!group) return undefined;
  const region = /^arn:[^:]+:logs:([^:]+):/.exec(groupArn)?.[1] ?? found.where.caller.region;
  const where = { account: found.where.account, caller: { ...found.where.caller, region } };
  const gap = trailGap(arn, found, `the retention of log group ${group} (trail ${arn})`, region, ['retentionDays']);
  const out = await read(run, 'logs:DescribeLogGroups', { logGroupNamePrefix: group }, where, gap);
  const g = ((out?.logGroups ?? []) as { logGroupName?: string; retentionInDays?: number }[]).find((x) => x.logGroupName === group);
  return g ? (g.retentionInDays ?? null) : undefined;
}
