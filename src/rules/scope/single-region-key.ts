import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isSigningKey } from '../lib/keys.ts';

export default defineRule({
  id: 'single-region-key',
  aliases: ['S8'],
  meta: {
    category: 'scope',
    severity: 'medium',
    fixedLimit: 'signing keys (every key with allKeys) are single-Region unless tagged as intended',
    description: 'AWS KMS signing keys (and, optionally, every key) are not multi-Region keys replicated to other regions, unless tagged as intended.',
    rationale:
      'A multi-Region key shares its material with replicas whose policies, grants and logging are configured separately: one key, several places to leak and to audit. Prowler flags multi-Region keys; NIST SC-12; PCI DSS 3.6.1.4 (fewest locations).',
    remediation:
      'Use a separate single-Region key per region (`aws kms create-key` without `--multi-region`), or, if replication is intended, tag the key `keyhygiene:multi-region=approved` and audit each replica.',
    subject: 'key',
    appliesTo: (k, ctx) => k.provider === 'aws-kms' && k.managedBy !== 'provider' && ((ctx.options as { allKeys: boolean }).allKeys || isSigningKey(k)),
    needs: ['multiRegion'],
    reads: ['managedBy', 'usage'],
  },
  options: z.strictObject({
    allKeys: z.boolean().default(false).describe('judge encryption keys too, not only signing keys'),
    approvedTag: z.string().default('keyhygiene:multi-region').describe('tag that marks replication as intended (value "approved")'),
  }),
  messages: {
    multiRegion: 'Key is a multi-Region key: its material is shared with replicas in other regions.',
  },
  check(key, ctx) {
    if (key.multiRegion && key.tags?.[ctx.options.approvedTag] !== 'approved') ctx.report('multiRegion');
  },
});
