import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { vaultCause } from '../lib/causes.ts';

export default defineRule({
  id: 'no-public-network-access',
  aliases: ['D1'],
  meta: {
    category: 'exposure',
    severity: 'medium',
    fixedLimit: 'the key (its vault) is not reachable from public networks; with requirePrivateEndpoint, it has a private endpoint',
    description:
      'The vault or key ring that holds the key is not reachable from the public internet (public network access off, or a firewall with private endpoints).',
    rationale:
      'A vault open to the internet accepts any stolen token from anywhere; private networking confines key use to the workloads that need it, so a compromised engineer account outside the boundary cannot reach the key (CSRB F9). CIS Azure 8.3.7 and 8.3.8 (v5/v6); NIST SC-7, AC-17.',
    remediation:
      'Azure: `az keyvault update --name VAULT --public-network-access Disabled` and add a private endpoint (`az network private-endpoint create … --group-id vault`). Terraform: `public_network_access_enabled = false` and `network_acls { default_action = "Deny" }`.',
    subject: 'key',
    appliesTo: (k, ctx) => k.managedBy !== 'provider' && (ctx.options as { providers: string[] }).providers.includes(k.provider),
    needs: ['network.publicAccess'],
    reads: ['managedBy'],
  },
  options: z.strictObject({
    providers: z
      .array(z.string().min(1))
      .default(['azure-keyvault'])
      .describe('providers whose key containers have a network boundary to judge (AWS and GCP KMS have none per key)'),
    requirePrivateEndpoint: z.boolean().default(false).describe('also fail when no private endpoint is configured'),
  }),
  messages: {
    public: 'The key is reachable from public networks ({where}).',
    noPrivateEndpoint: 'The key has no private endpoint ({where}).',
  },
  check(key, ctx) {
    const where = key.container ?? key.region ?? key.provider;
    if (key.network?.publicAccess === true) ctx.report('public', { where }, { key: 'public', cause: vaultCause(key) });
    if (ctx.options.requirePrivateEndpoint && ctx.need(key.network?.privateEndpoint, 'network.privateEndpoint') === false)
      ctx.report('noPrivateEndpoint', { where }, { key: 'private-endpoint', cause: vaultCause(key) });
  },
});
