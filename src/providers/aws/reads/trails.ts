// cloudtrail:DescribeTrails, GetTrailStatus and GetEventSelectors: the trails that can record key use,
// whether they log, and which events they capture; retention comes from log-groups.ts or s3-lifecycle.ts.
import type { AuditTrail } from '../../../model/audit-trail.ts';
import { type AwsRun, fail, list, read, type Where } from '../context.ts';
import {
  type EventDataStoreShape,
  type EventSelectorsShape,
  logGroupName,
  normalizeEventDataStore,
  normalizeTrail,
  type TrailReadings,
  type TrailShape,
} from '../normalize.ts';
import { readLogGroupRetention } from './log-groups.ts';
import { readBucketRetention } from './s3-lifecycle.ts';
import { type FoundTrail, trailGap } from './trail-target.ts';

/**
 * Add the trails visible from one account and region to `found` (keyed by ARN; a trail seen from
 * several accounts is read with its owner's credentials). Returns false (with a gap) when not read.
 */
export async function describeTrails(run: AwsRun, where: Where, found: Map<string, FoundTrail>): Promise<boolean> {
  const { account, caller } = where;
  const gap = { what: `the CloudTrail trails of account ${account} in ${caller.region}`, account, region: caller.region, affects: ['trails'] };
  const out = await read(run, 'cloudtrail:DescribeTrails', { includeShadowTrails: true }, where, gap);
  for (const t of (out?.trailList ?? []) as TrailShape[]) {
    const arn = t.TrailARN ?? t.Name;
    if (!arn) continue;
    const prev = found.get(arn);
    const owner = /:(\d{12}):trail\//.exec(arn)?.[1];
    if (!prev || (owner === account && prev.where.account !== account)) found.set(arn, { where, trail: t });
  }
  return out !== undefined;
}

/** One trail as the model sees it: logging status, event selectors and retention, each a gap when unread. */
export async function readTrail(run: AwsRun, arn: string, found: FoundTrail): Promise<AuditTrail> {
  const t = found.trail;
  const where: Where = { account: found.where.account, caller: { ...found.where.caller, region: t.HomeRegion ?? found.where.caller.region } };
  const region = where.caller.region;
  const r: TrailReadings = { account: where.account, trail: t };
  const [status, selectors] = await Promise.all([
    read(run, 'cloudtrail:GetTrailStatus', { Name: arn }, where, trailGap(arn, found, `the logging status of trail ${arn}`, region, ['enabled'])),
    read(
      run,
      'cloudtrail:GetEventSelectors',
      { TrailName: arn },
      where,
      trailGap(arn, found, `the event selectors of trail ${arn}`, region, ['capturesDataPlane', 'capturesAdminEvents', 'excludedSources']),
    ),
  ]);
  if (status) r.isLogging = status.IsLogging === true;
  if (selectors) r.selectors = selectors as EventSelectorsShape;
  const group = t.CloudWatchLogsLogGroupArn ? logGroupName(t.CloudWatchLogsLogGroupArn) : undefined;
  const retention = group
    ? await readLogGroupRetention(run, arn, { ...found, where })
    : t.S3BucketName
      ? await readBucketRetention(run, arn, { ...found, where })
      : undefined;
  if (retention !== undefined) r.retentionDays = retention;
  return normalizeTrail(r);
}

/**
 * The CloudTrail Lake event data stores of one account and region (ListEventDataStores, then
 * GetEventDataStore for each): they record KMS events as trails do. A failed list is a gap on `trails`.
 */
export async function readEventDataStores(run: AwsRun, where: Where): Promise<AuditTrail[]> {
  const { account, caller } = where;
  const scope = { account, region: caller.region, affects: ['trails'] };
  const arns: string[] = [];
  try {
    const each = (p: Record<string, unknown>) => {
      for (const d of (p.EventDataStores ?? []) as EventDataStoreShape[]) if (d.EventDataStoreArn) arns.push(d.EventDataStoreArn);
    };
    await list(run, 'cloudtrail:ListEventDataStores', {}, where, each);
  } catch (err) {
    fail(run, 'cloudtrail:ListEventDataStores', err, { ...scope, what: `the CloudTrail Lake event data stores of account ${account} in ${caller.region}` });
    return [];
  }
  const out: AuditTrail[] = [];
  await run.kit.pool(arns, 4, async (arn) => {
    const gap = { ...scope, what: `the event data store ${arn}`, subjectId: arn, idSuffix: arn.split('/').at(-1) ?? arn };
    const d = await read(run, 'cloudtrail:GetEventDataStore', { EventDataStore: arn }, where, gap);
    const trail = d ? normalizeEventDataStore(account, d as EventDataStoreShape) : undefined;
    if (trail) out.push(trail);
  });
  return out;
}
