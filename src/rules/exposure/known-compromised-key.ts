import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { excepted, exceptUrlsDescription, label, setIssuers } from '../lib/published.ts';

export default defineRule({
  id: 'known-compromised-key',
  aliases: ['IOC-01'],
  meta: {
    category: 'exposure',
    severity: 'critical',
    fixedLimit: 'no trusted key set holds a key matched by a known-compromised indicator (built-in feed or providers.jwks.knownCompromised)',
    description: 'No trusted key set, vendored snapshot or pinned-key file contains a known-compromised key.',
    rationale:
      "Microsoft published the thumbprint of the MSA key Storm-0558 used to forge tokens (d4b4cccda9228624656bff33d8110955779632aa; kid/x5t 1LTMzakihiRla_8z2BEJVXeWMqo). A compromised key must be purged everywhere it is trusted: caches, pinned keys and copies of key sets outlive the issuer's own revocation (MS TI 2023-07-14; NIST IR-4; PCI DSS 3.7.5).",
    remediation:
      'Remove the key from the set or file now, refresh every cache and pinned copy from the issuer, and search relying-party logs for tokens whose kid matches the indicator.',
    subject: 'published-key',
    needs: ['knownCompromised'],
    reads: ['issuer', 'trustedBy'],
    appliesTo: (k, ctx) => !excepted(k, ctx),
  },
  options: z.strictObject({
    exceptUrls: z.array(z.string().min(1)).default([]).describe(exceptUrlsDescription),
  }),
  messages: {
    compromised: 'Key {kid} in {url} matches known-compromised indicator {indicator} (on {on}, feed {feed}){trust}.',
  },
  check(k, ctx) {
    const issuers = setIssuers(k);
    for (const m of k.knownCompromised ?? []) {
      ctx.report(
        'compromised',
        { kid: label(k), url: k.url, indicator: m.id, on: m.matchedOn, feed: m.source, trust: issuers.length ? `; trusted by ${issuers.join(', ')}` : '' },
        { key: m.id },
      );
    }
  },
});
