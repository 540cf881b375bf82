// Pure mapping of Cloud Audit Logs settings to AuditTrail records: the effective Data Access audit
// config of cloudkms.googleapis.com (inherited organization → folders → project), the sinks that route
// its entries, and the log buckets that keep them. An undecidable filter leaves the field unknown.
import type { AuditTrail } from '../../model/audit-trail.ts';
import { KMS_SERVICE, PROVIDER, type RawPolicy } from './normalize.ts';

export const LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;
export type LogType = (typeof LOG_TYPES)[number];

export interface EffectiveAuditConfig {
  /** Log types enabled for Cloud KMS anywhere in the hierarchy (for cloudkms.googleapis.com or allServices). */
  enabled: Set<LogType>;
  /** Members exempted per log type, united across the hierarchy. */
  exempted: Record<LogType, Set<string>>;
  /** Where each enabled type was set, for messages. */
  setAt: string[];
}

/**
 * The effective audit config for Cloud KMS: Cloud Audit Logs unite every AuditConfig for
 * `cloudkms.googleapis.com` and `allServices` on the project and all its ancestors; a log type enabled
 * above cannot be disabled below, and exemptions add up.
 */
export function effectiveKmsAuditConfig(policies: readonly { resource: string; policy: RawPolicy }[]): EffectiveAuditConfig {
  const out: EffectiveAuditConfig = { enabled: new Set(), exempted: { ADMIN_READ: new Set(), DATA_READ: new Set(), DATA_WRITE: new Set() }, setAt: [] };
  for (const { resource, policy } of policies) {
    for (const ac of policy.auditConfigs) {
      if (ac.service !== KMS_SERVICE && ac.service !== 'allServices') continue;
      for (const lc of ac.auditLogConfigs) {
        if (!(LOG_TYPES as readonly string[]).includes(lc.logType)) continue;
        const t = lc.logType as LogType;
        out.enabled.add(t);
        for (const m of lc.exemptedMembers) out.exempted[t].add(m);
        out.setAt.push(`${resource} (${ac.service} ${t})`);
      }
    }
  }
  return out;
}

// ---- Logging query language: just enough to decide whether a sink routes Cloud KMS audit entries --

interface LogEntryShape {
  logId: string;
  serviceName: string;
  resourceType: string;
  /** The project that wrote the entry (its logName is projects/PROJECT/logs/LOG_ID); undefined: any. */
  project?: string;
}

/** A Cloud KMS Data Access entry (Encrypt, Decrypt, AsymmetricSign… are DATA_READ). */
export const KMS_DATA_ACCESS: LogEntryShape = { logId: 'cloudaudit.googleapis.com/data_access', serviceName: KMS_SERVICE, resourceType: 'cloudkms_cryptokey' };
/** A Cloud KMS Admin Activity entry (create, destroy, setIamPolicy…), always written. */
export const KMS_ADMIN_ACTIVITY: LogEntryShape = { logId: 'cloudaudit.googleapis.com/activity', serviceName: KMS_SERVICE, resourceType: 'cloudkms_cryptokey' };
/**
 * The same entries about a CryptoKeyVersion (`resource.type="cloudkms_cryptokeyversion"`): operations
 * that name a version — AsymmetricSign, AsymmetricDecrypt, MacSign, Raw*, GetPublicKey, an Encrypt
 * naming a version, DestroyCryptoKeyVersion. A route records every use of a key only if it takes both.
 */
export const KMS_VERSION_DATA_ACCESS: LogEntryShape = { ...KMS_DATA_ACCESS, resourceType: 'cloudkms_cryptokeyversion' };
export const KMS_VERSION_ADMIN_ACTIVITY: LogEntryShape = { ...KMS_ADMIN_ACTIVITY, resourceType: 'cloudkms_cryptokeyversion' };

const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1');
const decodeLogId = (s: string): string => s.replace(/%2F/gi, '/');

function term(t: string, e: LogEntryShape): boolean | undefined {
  const neg = /^(NOT\s+|-)/.exec(t);
  const body = neg ? t.slice(neg[0].length).trim() : t.trim();
  const v = atom(body, e);
  return v === undefined ? undefined : neg ? !v : v;
}

function atom(body: string, e: LogEntryShape): boolean | undefined {
  const logId = /^LOG_ID\(\s*"([^"]+)"\s*\)$/.exec(body);
  if (logId) return decodeLogId(logId[1] as string) === e.logId;
  const cmp = /^([A-Za-z_.]+)\s*(=|:|!=)\s*(".*"|\S+)$/.exec(body);
  if (!cmp) return undefined;
  const [, field, op, raw] = cmp as unknown as [string, string, string, string];
  const value = unquote(raw);
  let actual: string | undefined;
  if (field === 'logName') actual = `/logs/${e.logId}`;
  else if (field === 'protoPayload.serviceName') actual = e.serviceName;
  else if (field === 'resource.type') actual = e.resourceType;
  if (actual === undefined) return undefined;
  if (field === 'logName') return logNameAtom(op, decodeLogId(value), e);
  if (op === ':') return actual.includes(value);
  return op === '!=' ? actual !== value : actual === value;
}

/** A log name names its owner: an aggregated sink's filter on organizations/1/logs/… does not take a child project's entries. */
const OWNED_LOG_NAME = /^(projects|organizations|folders|billingAccounts)\/([^/]+)\/logs\//;

function logNameAtom(op: string, want: string, e: LogEntryShape): boolean {
  const owner = OWNED_LOG_NAME.exec(want);
  const otherOwner = e.project !== undefined && owner !== null && !(owner[1] === 'projects' && owner[2] === e.project);
  if (op === ':') return !otherOwner && `/logs/${e.logId}`.includes(want.replace(OWNED_LOG_NAME, ''));
  const eq = !otherOwner && want.endsWith(`/logs/${e.logId}`);
  return op === '!=' ? !eq : eq;
}

const OPERATOR = /^(!=|=|:)$/;

/** Whitespace-separated tokens, quotes and parenthesised calls (LOG_ID("…")) kept whole. */
function tokens(f: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (const ch of f) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && /\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * The filter's terms: `AND` and whitespace alone (an implicit AND in the Logging query language)
 * separate them; `field = "v"` written with spaces is one term; `NOT` applies to the term after it.
 */
function termsOf(f: string): string[] {
  const merged: string[] = [];
  for (const t of tokens(f)) {
    const prev = merged[merged.length - 1];
    const joins = prev !== undefined && (OPERATOR.test(t) || /(!=|=|:)$/.test(prev) || /^(!=|=|:)/.test(t));
    if (joins) merged[merged.length - 1] = `${prev}${t}`;
    else merged.push(t);
  }
  const out: string[] = [];
  let not = false;
  for (const t of merged) {
    if (t === 'AND') continue;
    if (t === 'NOT') not = !not;
    else {
      out.push(not ? `NOT ${t}` : t);
      not = false;
    }
  }
  return out;
}

/**
 * Does a Logging filter match the entry? `true`/`false` when it is a conjunction (AND, or whitespace) of terms this build
 * understands (LOG_ID, logName, protoPayload.serviceName, resource.type, with NOT); `undefined` for
 * anything else (OR, parentheses, other fields, sample()), never a guess. An empty filter matches all.
 */
export function filterMatches(filter: string | undefined, e: LogEntryShape): boolean | undefined {
  const f = (filter ?? '').replace(/\s+/g, ' ').trim();
  if (!f) return true;
  if (/\bOR\b|\|/.test(f) || /\((?!\s*")/.test(f.replace(/LOG_ID\(\s*"[^"]*"\s*\)/g, 'X'))) return undefined;
  // Regular expressions (=~, !~) and orderings (<, >, <=, >=) are not decided here; outside quotes only.
  if (/=~|!~|<|>/.test(f.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return undefined;
  let result: boolean | undefined = true;
  for (const t of termsOf(f)) {
    const v = term(t, e);
    if (v === false) return false;
    if (v === undefined) result = undefined;
  }
  return result;
}

export interface RawSink {
  name: string;
  destination: string;
  filter?: string;
  disabled?: boolean;
  includeChildren?: boolean;
  exclusions: { name?: string; filter?: string; disabled?: boolean }[];
}

export interface RawBucket {
  name: string;
  retentionDays?: number;
  locked?: boolean;
  lifecycleState?: string;
}

/** Does the sink deliver the entry: its filter matches and no active exclusion drops it (undefined = cannot tell). */
export function sinkRoutes(sink: RawSink, e: LogEntryShape): boolean | undefined {
  if (sink.disabled) return false;
  const m = filterMatches(sink.filter, e);
  if (m === false) return false;
  let result = m;
  for (const x of sink.exclusions) {
    if (x.disabled) continue;
    const hit = filterMatches(x.filter, e);
    if (hit === true) return false;
    if (hit === undefined) result = undefined;
  }
  return result;
}

/** Does the sink deliver every one of the entries: false if it drops any, true if it takes all, else undefined. */
export function sinkRoutesAll(sink: RawSink, entries: readonly LogEntryShape[]): boolean | undefined {
  const each = entries.map((e) => sinkRoutes(sink, e));
  return each.includes(false) ? false : each.every((v) => v === true) ? true : undefined;
}

/** The sink's destination as a trail destination; the log bucket name when it is one. */
export function destinationOf(destination: string): { kind: NonNullable<AuditTrail['destination']>['kind']; id: string; bucket?: string } {
  const d = destination.replace(/^https?:\/\//, '');
  const bucket = /^logging\.googleapis\.com\/(.+\/buckets\/[^/]+)$/.exec(d)?.[1];
  if (bucket) return { kind: 'log-bucket', id: destination, bucket };
  if (d.startsWith('storage.googleapis.com/')) return { kind: 'storage', id: destination };
  return { kind: 'other', id: destination };
}

export interface ProjectLogging {
  project: string;
  /** Undefined when an ancestor's or the project's IAM policy could not be read. */
  audit?: EffectiveAuditConfig;
  /** The project's own sinks and the includeChildren sinks of its folders and organization. */
  sinks: readonly RawSink[];
  /** A log bucket by full name; undefined = not read. */
  bucket: (name: string) => RawBucket | undefined;
}

/** Days a bucket pending deletion still keeps its entries: buckets.delete purges it, entries and all, after 7 days. */
const PURGED_AFTER_DAYS = 7;

/**
 * How long a log bucket keeps entries: its `retentionDays`, where 0 (absent from the JSON, as proto3
 * omits zero) means the documented default of 30 days; a bucket in DELETE_REQUESTED keeps nothing
 * beyond the 7 days before it is purged.
 */
export function bucketRetentionDays(b: RawBucket): number {
  const days = b.retentionDays ? b.retentionDays : 30;
  return b.lifecycleState === 'DELETE_REQUESTED' ? Math.min(days, PURGED_AFTER_DAYS) : days;
}

/** Admin Activity entries always go to the project's _Required bucket: 400 days, locked, not configurable. */
function requiredTrail(project: string): AuditTrail {
  return {
    id: `projects/${project}/sinks/_Required`,
    provider: PROVIDER,
    kind: 'gcp-audit-config',
    name: `${project}/_Required`,
    scope: { provider: PROVIDER, accounts: [project] },
    enabled: true,
    capturesAdminEvents: true,
    capturesDataPlane: false,
    destination: { kind: 'log-bucket', id: `projects/${project}/locations/global/buckets/_Required` },
    retentionDays: 400,
    integrityValidation: true,
  };
}

/**
 * The trails covering a project's keys: `_Required` (Admin Activity), and one per sink that may route
 * Cloud KMS Data Access entries. A trail records key use only if DATA_READ is enabled for Cloud KMS
 * and the sink routes those entries; members exempted from DATA_READ are carried so rules can fail a
 * key whose users are not logged.
 */
export function trailsForProject(p: ProjectLogging): AuditTrail[] {
  const out: AuditTrail[] = [requiredTrail(p.project)];
  const dataRead = p.audit ? p.audit.enabled.has('DATA_READ') : undefined;
  for (const sink of p.sinks) {
    if (sink.name.endsWith('/sinks/_Required')) continue;
    const mine = (shapes: LogEntryShape[]) => shapes.map((e) => ({ ...e, project: p.project }));
    const routesData = sinkRoutesAll(sink, mine([KMS_DATA_ACCESS, KMS_VERSION_DATA_ACCESS]));
    const routesAdmin = sinkRoutesAll(sink, mine([KMS_ADMIN_ACTIVITY, KMS_VERSION_ADMIN_ACTIVITY]));
    if (routesData === false && routesAdmin === false) continue;
    const own = sink.name.startsWith(`projects/${p.project}/`);
    const dest = destinationOf(sink.destination);
    const trail: AuditTrail = {
      id: own ? sink.name : `${sink.name}@projects/${p.project}`,
      provider: PROVIDER,
      kind: 'gcp-audit-config',
      name: own ? `${p.project}/${sink.name.replace(/^.*\/sinks\//, '')}` : sink.name,
      scope: { provider: PROVIDER, accounts: [p.project] },
      enabled: true,
      destination: { kind: dest.kind, id: dest.id },
    };
    if (routesAdmin !== undefined) trail.capturesAdminEvents = routesAdmin;
    const data = dataRead === false || routesData === false ? false : dataRead === true && routesData === true ? true : undefined;
    if (data !== undefined) trail.capturesDataPlane = data;
    const exempt = p.audit ? [...p.audit.exempted.DATA_READ].sort() : [];
    if (exempt.length) trail.exemptedPrincipals = exempt;
    const bucket = dest.bucket ? p.bucket(dest.bucket) : undefined;
    if (bucket) trail.retentionDays = bucketRetentionDays(bucket);
    if (bucket?.locked !== undefined) trail.integrityValidation = bucket.locked;
    out.push(trail);
  }
  return out;
}
