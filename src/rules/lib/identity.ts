// Identity-plane records of a token-signing key: which tenants' logs would record the tokens it
// signs (through declared token issuers or the issuers of the JWKS that publish it), and whether any
// of those records is kept long enough. Pure: reads the inventory and the classification only.
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import { RETENTION_FACTS } from '../../model/identity-retention.ts';
import type { Inventory } from '../../model/inventory.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import type { RuleContext } from '../types.ts';

export type IdentityEvent = 'token-issuance' | 'token-use';

export interface IssuerLink {
  /** Declared issuer name, or the issuer URL when linked through a JWKS. */
  label: string;
  tenants: readonly string[];
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** Entra ID issuer URLs name their tenant: https://login.microsoftonline.com/<tid>/v2.0, https://sts.windows.net/<tid>/. */
const ENTRA_ISSUER = new RegExp(
  `^https://(?:login\\.microsoftonline\\.(?:com|us)|sts\\.windows\\.net|login\\.partner\\.microsoftonline\\.cn|login\\.chinacloudapi\\.cn)/(${GUID})(?:/|$)`,
  'i',
);

export const tenantOfIssuer = (issuer: string | undefined): string | undefined => (issuer ? ENTRA_ISSUER.exec(issuer)?.[1]?.toLowerCase() : undefined);

/** The issuers a key signs for: declared in policy, or found by fingerprint in a published key set. */
export function issuerLinks(key: KeyRecord, ctx: RuleContext<unknown, string>): IssuerLink[] {
  const links = new Map<string, IssuerLink>();
  for (const i of ctx.scope(key).tokenIssuers ?? []) links.set(i.name, { label: i.name, tenants: i.tenants.map((t) => t.toLowerCase()) });
  for (const p of ctx.sameKey(key.fingerprints).published) {
    const declared = ctx.publishedScope(p).tokenIssuers ?? [];
    for (const i of declared) links.set(i.name, { label: i.name, tenants: i.tenants.map((t) => t.toLowerCase()) });
    const tenant = tenantOfIssuer(p.issuer);
    if (p.issuer && !declared.length) links.set(p.issuer, { label: p.issuer, tenants: tenant ? [tenant] : [] });
  }
  return [...links.values()].sort((a, b) => (a.label < b.label ? -1 : 1));
}

const identityIndex = new WeakMap<Inventory, Map<string, AuditTrail[]>>();

/** Identity-plane trails of one tenant (indexed once per inventory). */
export function identityTrails(inventory: Inventory, tenant: string): readonly AuditTrail[] {
  let index = identityIndex.get(inventory);
  if (!index) {
    index = new Map();
    for (const t of inventory.trails) {
      const id = t.identity?.tenantId.toLowerCase();
      if (id) index.set(id, [...(index.get(id) ?? []), t]);
    }
    identityIndex.set(inventory, index);
  }
  return index.get(tenant) ?? [];
}

const EVENT_PROVIDERS: Record<IdentityEvent, readonly string[]> = { 'token-issuance': ['entra'], 'token-use': ['m365', 'entra'] };

/** A collection gap that hides this tenant's records of `event`. */
export function identityGap(inventory: Inventory, tenant: string, event: IdentityEvent): CollectionGap | undefined {
  const providers = EVENT_PROVIDERS[event];
  return inventory.gaps.find(
    (g) =>
      providers.includes(g.provider) &&
      (!g.scope.account || g.scope.account.toLowerCase() === tenant) &&
      (!g.affects || g.affects.includes('trails') || g.affects.includes(event)),
  );
}

/** Audit retention of a Microsoft 365 trail: its own, or what the tenant's Purview Audit licence gives. */
function useRetention(trail: AuditTrail, inventory: Inventory): number | null | undefined {
  if (trail.retentionDays !== undefined) return trail.retentionDays;
  const tenant = trail.identity?.tenantId.toLowerCase() ?? '';
  const licensed = identityTrails(inventory, tenant).find((t) => t.identity?.auditPremium !== undefined);
  if (!licensed) return undefined;
  return licensed.identity?.auditPremium ? RETENTION_FACTS.auditPremium.days : RETENTION_FACTS.auditStandard.days;
}

export interface RecordVerdict {
  /** A record kept at least the required days. */
  met?: { trail: AuditTrail; days: number };
  /** Why each candidate falls short, in words. */
  shortfalls: string[];
  /** A field that could not be decided (a gap, an unread property) when nothing met the requirement. */
  undecided?: string;
}

const name = (t: AuditTrail) => t.name ?? t.id;

/** Why a retention falls short, with what the next licence or an export would give. */
function retentionHint(trail: AuditTrail, days: number, min: number, event: IdentityEvent): string {
  const tenant = trail.identity?.tenantId ?? '';
  if (event === 'token-issuance' && trail.kind === 'entra-sign-in-logs') {
    const free = trail.identity?.licence === RETENTION_FACTS.entraFree.licence;
    const upgrade = free
      ? `; ${RETENTION_FACTS.entraPremium.licence} (service plan ${RETENTION_FACTS.entraPremium.servicePlans.join(' or ')}) would keep them ${RETENTION_FACTS.entraPremium.days} days`
      : '';
    return `tenant ${tenant} keeps sign-in logs ${days} days (${trail.identity?.licence ?? 'licence unknown'}, no export)${upgrade}; export SignInLogs through a diagnostic setting to a workspace kept at least ${min} days`;
  }
  if (event === 'token-use' && trail.retentionDays === undefined && days < RETENTION_FACTS.auditPremium.days) {
    const p = RETENTION_FACTS.auditPremium;
    return `tenant ${tenant} keeps audit records ${days} days (${RETENTION_FACTS.auditStandard.licence}); ${p.licence} (service plan ${p.servicePlans.join(', ')}, in Microsoft 365 E5) would keep them ${p.days} days`;
  }
  return `${name(trail)} keeps them ${days} days`;
}

function judgeTrail(trail: AuditTrail, event: IdentityEvent, min: number, inventory: Inventory): { days?: number; problem?: string; undecided?: string } {
  if (trail.enabled === false) return { problem: `${name(trail)} is not recording` };
  if (trail.enabled === undefined) return { undecided: `trail ${trail.id} enabled` };
  if (event === 'token-use' && trail.identity?.premium === false)
    return { problem: `${name(trail)} does not record each mailbox access (MailItemsAccessed is not audited on every mailbox)` };
  if (event === 'token-use' && trail.identity?.premium === undefined) return { undecided: `trail ${trail.id} identity.premium` };
  const r = event === 'token-use' ? useRetention(trail, inventory) : trail.retentionDays;
  if (r === undefined) return { undecided: `trail ${trail.id} retentionDays` };
  const days = r === null ? Number.POSITIVE_INFINITY : r;
  if (days < min) return { days, problem: retentionHint(trail, days, min, event) };
  return { days };
}

/** Add what one tenant records of `event` to the verdict. */
function judgeTenant(out: RecordVerdict, tenant: string, event: IdentityEvent, min: number, inventory: Inventory): void {
  const what = event === 'token-issuance' ? 'sign-in log' : 'Microsoft 365 audit';
  const trails = identityTrails(inventory, tenant).filter((t) => t.identity?.records.includes(event));
  const gap = identityGap(inventory, tenant, event);
  if (gap) out.undecided ??= `${what} records of tenant ${tenant} (${gap.reason})`;
  if (trails.length === 0 && !gap)
    out.shortfalls.push(
      `tenant ${tenant} has no ${what} record (not collected: configure the ${event === 'token-issuance' ? 'entra provider' : 'm365 evidence'})`,
    );
  for (const trail of trails) {
    const v = judgeTrail(trail, event, min, inventory);
    if (v.undecided) out.undecided ??= v.undecided;
    else if (v.problem) out.shortfalls.push(v.problem);
    else if (v.days !== undefined && (!out.met || v.days > out.met.days)) out.met = { trail, days: v.days };
  }
}

/** Is `event` for tokens of these issuers recorded and kept at least `min` days in some tenant? */
export function judgeIdentityRecords(links: readonly IssuerLink[], event: IdentityEvent, min: number, inventory: Inventory): RecordVerdict {
  const out: RecordVerdict = { shortfalls: [] };
  for (const link of links) {
    if (link.tenants.length === 0) out.shortfalls.push(`issuer ${link.label} names no tenant whose logs record its tokens`);
    for (const tenant of link.tenants) judgeTenant(out, tenant, event, min, inventory);
  }
  return out;
}
