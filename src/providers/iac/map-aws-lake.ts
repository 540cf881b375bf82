// CloudTrail Lake event data stores in a plan or template (Terraform aws_cloudtrail_event_data_store,
// CloudFormation AWS::CloudTrail::EventDataStore) as audit trails, through the AWS provider's own
// normalizeEventDataStore, with the documented defaults of what the configuration leaves out (CloudTrail
// User Guide, "Create an event data store with the AWS CLI": all management events, multi-Region, not
// organization-wide, ingesting). The retention default depends on the billing mode: unset, it is not
// known here. Pure.
import type { AuditTrail } from '../../model/audit-trail.ts';
import { normalizeEventDataStore, PROVIDER } from '../aws/normalize.ts';
import { advancedSelectors } from './map-aws.ts';
import type { PlanContext } from './plan-context.ts';
import { type PlannedResource, Reader } from './values.ts';

export const LAKE_TYPES = ['aws_cloudtrail_event_data_store', 'AWS::CloudTrail::EventDataStore'];

/** Model field each attribute feeds: a value known only after apply there leaves the field unknown. */
const FIELDS: Record<string, string> = {
  advanced_event_selector: 'capturesDataPlane',
  AdvancedEventSelectors: 'capturesDataPlane',
  multi_region_enabled: 'enabled',
  MultiRegionEnabled: 'enabled',
  organization_enabled: 'enabled',
  OrganizationEnabled: 'enabled',
  suspend: 'enabled',
  IngestionEnabled: 'enabled',
  retention_period: 'retentionDays',
  RetentionPeriod: 'retentionDays',
};

/** One attribute in the template's or the plan's name, with the default that applies when it is left out. */
function setting<T>(read: Reader, name: string, get: (n: string) => T | undefined, fallback: T): T | undefined {
  return get(name) ?? (read.isUnknown(name) ? undefined : fallback);
}

/** One planned event data store as an AuditTrail; undefined when it records no CloudTrail management events. */
export function plannedEventDataStore(ctx: PlanContext, r: PlannedResource): AuditTrail | undefined {
  const cfn = r.format === 'cloudformation';
  const read = new Reader(r.values, r.configured);
  const bool = (n: string) => read.bool(n);
  // The AWS provider computes the selectors a configuration leaves out (all management events), so an
  // unknown the configuration does not set takes that default; one it sets stays unknown.
  const blocks = read.list(cfn ? 'AdvancedEventSelectors' : 'advanced_event_selector');
  const multi = setting(read, cfn ? 'MultiRegionEnabled' : 'multi_region_enabled', bool, true);
  const org = setting(read, cfn ? 'OrganizationEnabled' : 'organization_enabled', bool, false);
  // Terraform stops ingestion with suspend = "true"; CloudFormation with IngestionEnabled: false.
  const ingesting = cfn
    ? setting(read, 'IngestionEnabled', bool, true)
    : setting(read, 'suspend', (n) => (read.str(n) === undefined ? undefined : read.str(n) !== 'true'), true);
  const retention = read.num(cfn ? 'RetentionPeriod' : 'retention_period');
  const store = normalizeEventDataStore(ctx.opts.account ?? '', {
    Name: read.str(cfn ? 'Name' : 'name') ?? r.address,
    ...(ingesting !== undefined ? { Status: ingesting ? 'ENABLED' : 'STOPPED_INGESTION' } : {}),
    // Without selectors an event data store records all management events (KMS's among them).
    AdvancedEventSelectors: blocks?.length ? advancedSelectors(blocks) : [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }],
    MultiRegionEnabled: multi === true,
    OrganizationEnabled: org === true,
    ...(retention !== undefined ? { RetentionPeriod: retention } : {}),
  });
  if (!store) return undefined;
  store.id = ctx.idOf(r);
  store.scope = {
    provider: PROVIDER,
    accounts: org || !ctx.opts.account ? '*' : [ctx.opts.account],
    regions: multi || !ctx.opts.region ? '*' : [ctx.opts.region],
  };
  store.destination = { kind: 'other', id: store.name ?? r.address };
  // Where it records is known only after apply: it covers no key for sure.
  if (multi === undefined || org === undefined) delete store.enabled;
  if (read.unknown.some((u) => FIELDS[u.attribute] === 'capturesDataPlane')) {
    delete store.capturesDataPlane;
    delete store.capturesAdminEvents;
  }
  store.provenance = 'planned';
  store.source = ctx.source(r);
  ctx.conditionalTrail(store, r);
  ctx.unknownGaps(store.id, PROVIDER, r, read.unknown, (a) => FIELDS[a]);
  return store;
}
