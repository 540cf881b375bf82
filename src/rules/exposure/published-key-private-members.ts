import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { excepted, exceptUrlsDescription, label } from '../lib/published.ts';

export default defineRule({
  id: 'published-key-private-members',
  aliases: ['JWK-01'],
  meta: {
    category: 'exposure',
    severity: 'critical',
    fixedLimit: 'no private or symmetric member (d, p, q, dp, dq, qi, oth, k; AKP priv, seed) in a published key set',
    description: 'No published key set contains private or symmetric key members (d, p, q, dp, dq, qi, oth, k; AKP priv, seed).',
    rationale:
      'OIDC Discovery §3: "The JWK Set MUST NOT contain private or symmetric key values" (RFC 7518 §6). Serialising the whole key object instead of its public projection has published signing keys to the world (ONC Inferno test kit, EUDI wallet, oidc-provider-mock). Anyone who read the set can forge tokens.',
    remediation:
      'Treat the key as compromised: remove it from the set, publish a new key generated in a KMS/HSM, rotate every issuer using it, and fix the code that serialises keys so it exports only public members.',
    subject: 'published-key',
    needs: ['privateMembers'],
    reads: ['kty'],
    appliesTo: (k, ctx) => !excepted(k, ctx),
  },
  options: z.strictObject({
    exceptUrls: z.array(z.string().min(1)).default([]).describe(exceptUrlsDescription),
  }),
  messages: {
    privateMembers: 'Key {kid} in {url} publishes private member(s) {members}: its private key is public.',
    symmetric: 'Key {kid} in {url} is a symmetric (oct) key{members}: the shared secret is published.',
  },
  check(k, ctx) {
    const members = k.privateMembers ?? [];
    const data = { kid: label(k), url: k.url };
    if (k.kty === 'oct') ctx.report('symmetric', { ...data, members: members.length ? ` with member(s) ${members.join(', ')}` : '' });
    else if (members.length) ctx.report('privateMembers', { ...data, members: members.join(', ') });
  },
});
