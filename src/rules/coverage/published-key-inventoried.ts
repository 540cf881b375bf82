import { z } from 'zod';
import { anyGlobMatch } from '../../util/glob.ts';
import { defineRule } from '../define-rule.ts';
import { label, setIssuers } from '../lib/published.ts';

export default defineRule({
  id: 'published-key-inventoried',
  aliases: ['GOV-01'],
  meta: {
    category: 'coverage',
    severity: 'high',
    fixedLimit: 'every published key matches exactly one inventoried key',
    description: 'Every key your issuers publish matches exactly one inventoried key (no "shadow" signing keys).',
    rationale:
      'A key that relying parties trust but that no inventory holds has no owner, no rotation and no access control anyone reviews: nobody would notice it leaking or outliving its retirement, as the 2016 MSA key did (CSRB F1). NIST CM-8; PCI DSS 3.6.1.1; ISO 27001 A.5.9.',
    remediation:
      'Find where the key lives and bring it under a KMS/HSM the audit reads (add that provider to the policy), or remove it from the set. List third-party issuers you trust but do not own in `thirdPartyIssuers`.',
    subject: 'published-key',
    needs: [['fingerprints.spkiSha256', 'fingerprints.jwkThumbprint']],
    reads: ['issuer', 'trustedBy'],
    appliesTo: (k, ctx) => {
      const o = ctx.options as { thirdPartyIssuers: string[]; thirdPartyUrls: string[] };
      const issuers = setIssuers(k);
      return !anyGlobMatch(o.thirdPartyUrls, k.url) && !(issuers.length > 0 && issuers.every((i) => anyGlobMatch(o.thirdPartyIssuers, i)));
    },
  },
  options: z.strictObject({
    thirdPartyIssuers: z.array(z.string().min(1)).default([]).describe('issuers (globs) you trust but do not own, e.g. https://accounts.google.com: their keys are not in your inventory'),
    thirdPartyUrls: z.array(z.string().min(1)).default([]).describe('key set URLs or files (globs) you trust but do not own'),
  }),
  messages: {
    shadow: 'Key {kid} published in {url} matches no inventoried key: nobody owns it.',
    severalOwners: 'Key {kid} matches {count} inventoried keys ({keys}); one key should have one owner record.',
  },
  check(k, ctx) {
    const same = ctx.sameKey(k.fingerprints);
    if (same.keys.length === 0) {
      // Without a key inventory, or with one that could not be read in full, absence proves nothing.
      if (ctx.inventory.keys.length === 0) ctx.need(undefined, 'inventory.keys (no key provider or snapshot in this audit)');
      const hidden = ctx.inventory.gaps.find((g) => g.provider !== k.provider && (g.affects === undefined || g.affects.some((a) => a === 'fingerprints' || a === 'publicKey')));
      if (hidden) ctx.need(undefined, `inventory.keys (${hidden.operation} failed: ${hidden.reason})`);
      ctx.report('shadow', { kid: label(k), url: k.url });
    } else if (same.keys.length > 1) {
      ctx.report('severalOwners', { kid: label(k), count: same.keys.length, keys: same.keys.map((x) => x.id).join(', ') });
    }
  },
});
