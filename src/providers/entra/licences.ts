// Read: the tenant's subscribed SKUs, which decide how long Entra keeps sign-in logs without export
// and whether Purview Audit (Premium) retention applies.
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { ProviderKit } from '../kit/index.ts';
import type { EntraClients } from './client.ts';
import { builtInTrail } from './normalize.ts';

/** The tenant's built-in log trail, or undefined with a gap when the licences could not be read. */
export async function readLicences(kit: ProviderKit, clients: EntraClients, tenant: string): Promise<AuditTrail | undefined> {
  const skus = await kit.read(
    'graph:ListSubscribedSkus',
    {
      account: tenant,
      gap: {
        what: `the licences (subscribedSkus) of tenant ${tenant}`,
        scope: { account: tenant },
        affects: ['trails'],
        fix: 'grant the audit identity the Microsoft Graph application permission Organization.Read.All (or LicenseAssignment.Read.All) with admin consent, then rerun',
      },
    },
    (signal) => clients.listSubscribedSkus(signal),
  );
  return skus ? builtInTrail(tenant, skus) : undefined;
}
