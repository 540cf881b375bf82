// keyhygiene publish security-hub: import a result's ASFF findings into Security Hub with
// BatchImportFindings (batches of 100, the API's limit) and archive (RecordState ARCHIVED) the
// findings an earlier publish sent that this result no longer has. What was published before is read
// back with GetFindings (our product ARN, GeneratorId keyhygiene/*, ACTIVE, the same --scope), so no
// state file has to survive between scheduled runs.
import type { AuditResult } from '../../engine/result.ts';
import { type AsffFinding, asffFindings, productArn } from '../../report/asff.ts';
import type { ReportMeta } from '../../report/types.ts';
import type { HubFinding, SecurityHubApi } from './client.ts';

export const BATCH_SIZE = 100;
export const SCOPE_FIELD = 'keyhygiene/scope';

export interface PublishOutcome {
  productArn: string;
  imported: number;
  archived: number;
  failed: { id: string; code: string; message: string }[];
  batches: number;
}

/** The ACTIVE findings an earlier publish of this scope sent, every page. */
export async function publishedBefore(api: SecurityHubApi, product: string, scope: string): Promise<HubFinding[]> {
  const Filters = {
    ProductArn: [{ Value: product, Comparison: 'EQUALS' }],
    GeneratorId: [{ Value: 'keyhygiene/', Comparison: 'PREFIX' }],
    RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
    ProductFields: [{ Key: SCOPE_FIELD, Value: scope, Comparison: 'EQUALS' }],
  };
  const out: HubFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await api.getFindings({ Filters, MaxResults: 100, ...(NextToken ? { NextToken } : {}) });
    out.push(...(page.Findings ?? []));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return out;
}

const REQUIRED = ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Types', 'CreatedAt', 'Severity', 'Title', 'Description', 'Resources'];

/** An earlier finding, re-sent with only what the import needs, as ARCHIVED and RESOLVED. */
export function archived(f: HubFinding, now: string): Record<string, unknown> {
  const keep = Object.fromEntries(REQUIRED.filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
  return {
    ...keep,
    ...(f.ProductFields ? { ProductFields: { ...(f.ProductFields as Record<string, string>), 'keyhygiene/outcome': 'resolved' } } : {}),
    Compliance: { Status: 'PASSED' },
    Workflow: { Status: 'RESOLVED' },
    UpdatedAt: now,
    RecordState: 'ARCHIVED',
  };
}

async function sendAll(api: SecurityHubApi, findings: readonly Record<string, unknown>[], out: PublishOutcome): Promise<number> {
  let ok = 0;
  for (let i = 0; i < findings.length; i += BATCH_SIZE) {
    const batch = findings.slice(i, i + BATCH_SIZE);
    const r = await api.batchImport(batch);
    out.batches++;
    ok += r.SuccessCount ?? batch.length - (r.FailedCount ?? 0);
    for (const f of r.FailedFindings ?? []) out.failed.push({ id: f.Id ?? '?', code: f.ErrorCode ?? '?', message: f.ErrorMessage ?? '' });
  }
  return ok;
}

/**
 * Publish one result. `now` is the publish time (UpdatedAt of archives). Findings still present keep
 * the CreatedAt Security Hub already has, so "created" stays the first time it was published.
 */
export async function publishToSecurityHub(
  api: SecurityHubApi,
  result: AuditResult,
  meta: ReportMeta,
  opts: { scope: string; now: Date },
): Promise<PublishOutcome> {
  const caller = await api.callerAccount();
  const target = { account: caller.account, region: api.region, partition: caller.partition };
  const product = productArn(target);
  const before = await publishedBefore(api, product, opts.scope);
  const earlier = new Map(before.map((f) => [f.Id, f]));
  const now = new Date(Math.max(opts.now.getTime(), Date.parse(result.generatedAt))).toISOString();
  const current: AsffFinding[] = [];
  for (const f of asffFindings(result, meta, target)) {
    const prev = earlier.get(f.Id);
    current.push({
      ...f,
      ...(prev && typeof prev.CreatedAt === 'string' ? { CreatedAt: prev.CreatedAt } : {}),
      ProductFields: { ...(f.ProductFields as Record<string, string>), [SCOPE_FIELD]: opts.scope },
    });
  }
  const ids = new Set(current.map((f) => f.Id));
  const gone = before.filter((f) => !ids.has(f.Id)).map((f) => archived(f, now));
  const out: PublishOutcome = { productArn: product, imported: 0, archived: 0, failed: [], batches: 0 };
  out.imported = await sendAll(
    api,
    current.filter((f) => f.RecordState === 'ACTIVE'),
    out,
  );
  out.archived = await sendAll(api, [...current.filter((f) => f.RecordState === 'ARCHIVED'), ...gone], out);
  return out;
}
