import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { vaultCause } from '../lib/causes.ts';

export default defineRule({
  id: 'deletion-protected',
  aliases: ['O2'],
  meta: {
    category: 'exposure',
    severity: 'medium',
    description: 'Keys are protected against immediate, irrecoverable deletion (Azure soft delete and purge protection, or the platform equivalent).',
    rationale:
      'Deleting a key destroys everything it protects; an attacker or a mistake with delete rights should not be able to purge it at once. CIS Azure 8.3.5 (v5/v6, purge protection); NIST SC-12(1), CP-9.',
    remediation:
      'Azure: `az keyvault update --name VAULT --enable-purge-protection true` (soft delete is on by default). Terraform: `purge_protection_enabled = true` on `azurerm_key_vault`. AWS KMS always enforces a 7–30 day waiting period.',
    subject: 'key',
    appliesTo: (k) => k.managedBy !== 'provider',
    needs: ['deletion.protected'],
    fixedLimit:
      'deletion is recoverable: soft delete with purge protection on (Azure), or the platform’s enforced waiting period (AWS KMS 7–30 days, Cloud KMS destroy schedule)',
    reads: ['managedBy'],
  },
  options: z.strictObject({}),
  messages: {
    unprotected: 'Key {where} can be deleted and purged without a recovery window (observed: {observed}).',
    shortWindow: 'Key {where} can be destroyed after a recovery window shorter than 7 days (observed: {observed}).',
  },
  check(key, ctx) {
    // Azure purge protection is a property of the vault: one vault without it is one problem.
    const cause = key.provider === 'azure-keyvault' ? vaultCause(key) : undefined;
    if (key.deletion?.protected !== false) return;
    const where = key.container ? `in ${key.container}` : '';
    // Cloud KMS always waits before destroying a version; it is unprotected here because the wait is under 7 days.
    if (key.provider === 'gcp-kms') ctx.report('shortWindow', { where, observed: 'Cloud KMS destroy scheduled duration under 7 days' });
    else ctx.report('unprotected', { where, observed: 'deletion protection off (Azure: purge protection disabled)' }, { cause });
  },
});
