import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { vaultCause } from '../lib/causes.ts';

export default defineRule({
  id: 'vault-rbac-authorization',
  aliases: ['S7'],
  meta: {
    category: 'scope',
    severity: 'medium',
    fixedLimit: 'the vault authorizes with Azure RBAC, not legacy vault access policies',
    description: 'Keys in Azure Key Vault live in vaults that use Azure RBAC, not legacy vault access policies.',
    rationale:
      'Vault access policies grant at vault scope, cannot be limited to one key, are invisible to Privileged Identity Management and are edited by anyone with Contributor on the vault; RBAC scopes roles to a key and is audited like every other role assignment. CIS Azure 8.3.6 (v5/v6); NIST AC-3, AC-6.',
    remediation:
      'Migrate the vault: create equivalent role assignments (Key Vault Crypto User, Crypto Officer…), then `az keyvault update --name VAULT --enable-rbac-authorization true`. Terraform: `enable_rbac_authorization = true` on `azurerm_key_vault`.',
    subject: 'key',
    appliesTo: (k) => k.provider === 'azure-keyvault',
    needs: ['accessModel'],
  },
  options: z.strictObject({}),
  messages: {
    accessPolicies: 'Vault {vault} authorizes with access policies, not Azure RBAC.',
  },
  check(key, ctx) {
    if (key.accessModel !== 'rbac') ctx.report('accessPolicies', { vault: key.container ?? 'of this key' }, { cause: vaultCause(key) });
  },
});
