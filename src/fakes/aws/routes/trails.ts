// What the logging reads go to: CloudTrail (DescribeTrails, GetTrailStatus, GetEventSelectors),
// CloudWatch Logs (DescribeLogGroups) and the S3 lifecycle of a trail's bucket (REST/XML).
import type { FakeEventDataStore } from '../types.ts';
import { AwsError, epoch, page, type Routes } from '../wire.ts';
import { trailArn, type VisibleTrail, type WorldView } from '../world.ts';

const describeTrail = ({ owner, t }: VisibleTrail) => ({
  Name: t.name,
  S3BucketName: t.s3Bucket ?? `trail-${owner}`,
  IncludeGlobalServiceEvents: true,
  IsMultiRegionTrail: t.multiRegion ?? false,
  HomeRegion: t.homeRegion,
  TrailARN: trailArn(owner, t),
  LogFileValidationEnabled: t.logFileValidation ?? false,
  ...(t.logGroup ? { CloudWatchLogsLogGroupArn: `arn:aws:logs:${t.homeRegion}:${owner}:log-group:${t.logGroup}:*` } : {}),
  HasCustomEventSelectors: true,
  IsOrganizationTrail: t.organization ?? false,
});

function eventSelectors({ owner, t }: VisibleTrail) {
  if (t.advancedSelectors) return { TrailARN: trailArn(owner, t), AdvancedEventSelectors: t.advancedSelectors };
  const selector = {
    ReadWriteType: t.readWriteType ?? 'All',
    IncludeManagementEvents: t.includeManagementEvents ?? true,
    DataResources: [],
    ExcludeManagementEventSources: t.excludeManagementEventSources ?? [],
  };
  return { TrailARN: trailArn(owner, t), EventSelectors: [selector] };
}

const lifecycle = (days: number) =>
  `<?xml version="1.0" encoding="UTF-8"?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ID>expire-logs</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>${days}</Days></Expiration></Rule></LifecycleConfiguration>`;

/** GetEventDataStore's answer (epoch-second dates, as the JSON protocol writes them). */
function eventDataStore(account: string, d: FakeEventDataStore) {
  return {
    EventDataStoreArn: eventDataStoreArn(account, d),
    Name: d.name,
    Status: d.status ?? 'ENABLED',
    AdvancedEventSelectors: d.advancedSelectors ?? [{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
    MultiRegionEnabled: d.multiRegion ?? true,
    OrganizationEnabled: d.organization ?? false,
    RetentionPeriod: d.retentionDays ?? 366,
    TerminationProtectionEnabled: true,
    BillingMode: 'EXTENDABLE_RETENTION_PRICING',
    CreatedTimestamp: epoch('2025-01-01T00:00:00Z'),
    UpdatedTimestamp: epoch('2025-01-01T00:00:00Z'),
  };
}

const eventDataStoreArn = (account: string, d: FakeEventDataStore) => `arn:aws:cloudtrail:${d.region}:${account}:eventdatastore/${d.name}-0000`;

export function trailRoutes(w: WorldView): Routes {
  const stores = (account: string) => w.accounts.get(account)?.eventDataStores ?? [];
  return {
    'cloudtrail:ListEventDataStores': (input, account, region) => {
      const all = stores(account).filter((d) => d.region === region);
      const { slice, next } = page(all, input, 20, 'MaxResults', 'NextToken');
      return { EventDataStores: slice.map((d) => ({ EventDataStoreArn: eventDataStoreArn(account, d), Name: d.name })), ...(next ? { NextToken: next } : {}) };
    },
    'cloudtrail:GetEventDataStore': (input, account) => {
      const d = stores(account).find((x) => eventDataStoreArn(account, x) === input.EventDataStore || x.name === input.EventDataStore);
      if (!d) throw new AwsError('EventDataStoreNotFoundException', `The specified event data store ${String(input.EventDataStore)} was not found.`);
      return eventDataStore(account, d);
    },
    'cloudtrail:DescribeTrails': (_input, account, region) => ({ trailList: w.trailsVisible(account, region).map(describeTrail) }),
    'cloudtrail:GetTrailStatus': (input, account) => ({ IsLogging: w.findTrail(account, input.Name).t.logging ?? true }),
    'cloudtrail:GetEventSelectors': (input, account) => eventSelectors(w.findTrail(account, input.TrailName)),
    'logs:DescribeLogGroups': (input, account, region) => {
      const prefix = String(input.logGroupNamePrefix ?? '');
      const groups = (w.accounts.get(account)?.logGroups ?? [])
        .filter((g) => g.region === region && g.name.startsWith(prefix))
        .map((g) => ({
          logGroupName: g.name,
          arn: `arn:aws:logs:${region}:${account}:log-group:${g.name}:*`,
          ...(g.retentionDays === null ? {} : { retentionInDays: g.retentionDays }),
        }));
      return { logGroups: groups };
    },
    's3:GetBucketLifecycleConfiguration': (input, account) => {
      const bucket = w.accounts.get(account)?.buckets?.[String(input.Bucket)];
      if (!bucket) throw new AwsError('AccessDenied', 'Access Denied', 403);
      if (bucket.expirationDays === null) throw new AwsError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404);
      return lifecycle(bucket.expirationDays);
    },
  };
}
