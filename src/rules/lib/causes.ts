// The resources that cause findings shared by many subjects (see ReportOptions.cause): one trail,
// one vault, one account and region without a trail, one principal.
import type { Principal } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import type { ReportOptions } from '../types.ts';

type Cause = NonNullable<ReportOptions['cause']>;

/** The vault (key ring) holding the key: its network boundary, access model or purge protection. */
export const vaultCause = (k: KeyRecord): Cause | undefined =>
  k.container ? { kind: 'vault', id: [k.provider, k.account ?? '', k.container].join('/'), name: k.container } : undefined;

/** The account and region (subscription, project) where no trail or alarm exists. */
export const locationCause = (k: KeyRecord): Cause => {
  const where = [k.account, k.region].filter(Boolean).join('/');
  return { kind: 'account', id: [k.provider, k.account ?? '', k.region ?? ''].join('/'), name: `${k.provider} ${where || '(no account)'}` };
};

/** The trails whose configuration causes the finding (one or several, in a stable order). */
export const trailsCause = (trails: readonly AuditTrail[]): Cause => {
  const sorted = [...trails].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { kind: 'trail', id: sorted.map((t) => t.id).join(' + '), name: sorted.map((t) => t.name ?? t.id).join(', ') };
};

/** A principal whose access crosses a boundary: one role reaching twenty keys is one problem. */
export const principalCause = (p: Principal): Cause => ({ kind: 'principal', id: p.id, ...(p.name ? { name: p.name } : {}) });
