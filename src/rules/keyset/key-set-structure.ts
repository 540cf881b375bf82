import { z } from 'zod';
import type { Inventory } from '../../model/inventory.ts';
import type { PublishedKey } from '../../model/published-key.ts';
import { defineRule } from '../define-rule.ts';
import { excepted, exceptUrlsDescription, issuerPattern, label } from '../lib/published.ts';

const WELL_KNOWN = '/.well-known/openid-configuration';
const ENC_OPS = new Set(['encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'deriveKey', 'deriveBits']);
/** Keys by set URL, built once per inventory (a set of N keys would otherwise cost N² lookups). */
const setsByInventory = new WeakMap<Inventory, Map<string, PublishedKey[]>>();
function siblingsOf(k: PublishedKey, inv: Inventory): PublishedKey[] {
  let sets = setsByInventory.get(inv);
  if (!sets) {
    sets = new Map();
    for (const p of inv.publishedKeys) {
      const list = sets.get(p.url);
      if (list) list.push(p);
      else sets.set(p.url, [p]);
    }
    setsByInventory.set(inv, sets);
  }
  return sets.get(k.url) ?? [k];
}
const isEnc = (k: { use?: string; keyOps?: string[] }) => k.use === 'enc' || (k.keyOps ?? []).some((o) => ENC_OPS.has(o));
/** The `key_ops` each `use` admits (RFC 7517 §4.2/§4.3: when both are present they must agree). */
const OPS_OF_USE: Record<string, ReadonlySet<string>> = { sig: new Set(['sign', 'verify']), enc: ENC_OPS };

/** key_ops values that contradict `use`; none for a `use` this rule does not know. */
const conflictingOps = (k: PublishedKey): string[] => {
  const allowed = k.use ? OPS_OF_USE[k.use] : undefined;
  return allowed ? (k.keyOps ?? []).filter((o) => !allowed.has(o)) : [];
};

export default defineRule({
  id: 'key-set-structure',
  aliases: ['JWK-03'],
  meta: {
    category: 'keyset',
    severity: 'medium',
    fixedLimit:
      'a key set is well formed: unique kids, members in their JWA form, readable, chained and matching certificates, `use` where sets mix and agreeing with `key_ops`, https jwks_uri, issuer equal to its URL prefix',
    description:
      'Key sets are well formed: unique kids, members written as the JWA requires (full-length EC coordinates, no leading zero octets, base64url), `use` and `key_ops` that agree, certificates that match their keys and thumbprints and certify each other in order, no expired certificate on a listed key, `use` on every key where sets mix purposes, discovery `issuer` equal to its URL and an https `jwks_uri`.',
    rationale:
      'OIDC Discovery §3/§4.3 and RFC 7517 §4: `issuer` must equal the URL prefix the metadata was fetched from, `use` is required when signing and encryption keys share a set, and the bare key must match its `x5c`. The Storm-0558 key stayed listed years after its certificate expired in 2021 (CSRB F4); duplicate kids break key-to-issuer accounting.',
    remediation:
      'Remove expired and mismatched keys, give each key a unique kid and an explicit `use`, publish `issuer` exactly as the discovery URL prefix, and serve `jwks_uri` over https.',
    subject: 'published-key',
    needs: ['trustedBy'],
    reads: ['use'],
    appliesTo: (k, ctx) => !excepted(k, ctx),
  },
  options: z.strictObject({
    allowTemplatedIssuers: z.boolean().default(true).describe('accept a templated issuer such as https://idp/{tenantid}/v2.0 for a multi-tenant discovery URL'),
    exceptUrls: z.array(z.string().min(1)).default([]).describe(exceptUrlsDescription),
  }),
  messages: {
    duplicateKid: 'kid {kid} appears {count} times in {url}.',
    malformedMember: 'Key {kid} is not written as the JWA requires, so strict relying parties reject it: {problems}.',
    useKeyOpsConflict: 'Key {kid} declares use "{use}" but key_ops {ops}, which that use does not allow (RFC 7517 §4.3: they must agree).',
    duplicateKeyOps: 'Key {kid} lists key_ops {ops} more than once (RFC 7517 §4.3).',
    badCertificate: 'x5c[{index}] of key {kid} is not a readable certificate ({error}).',
    x5cMismatch: 'The x5c certificate of key {kid} holds a different public key than the bare key members.',
    x5cChainBroken: 'x5c[{index}] of key {kid} is not signed by x5c[{next}] (RFC 7517 §4.7: each certificate certifies the one before it).',
    x5tMismatch: 'x5t of key {kid} does not match the SHA-1 of its x5c certificate.',
    x5tS256Mismatch: 'x5t#S256 of key {kid} does not match the SHA-256 of its x5c certificate.',
    certExpired: 'The certificate of key {kid} expired on {date} ({days} days ago) but the key is still listed in {url}.',
    missingUse: 'Key {kid} has no `use` although {url} mixes signing and encryption keys.',
    issuerMismatch: 'Discovery document {discovery} declares issuer {issuer}, not its URL prefix {prefix}.',
    jwksNotHttps: 'Discovery document {discovery} gives a jwks_uri that is not https: {jwksUri}.',
  },
  check(k, ctx) {
    const kid = label(k);
    const siblings = siblingsOf(k, ctx.inventory);
    if (k.kid !== undefined) {
      const count = siblings.filter((p) => p.kid === k.kid).length;
      if (count > 1) ctx.report('duplicateKid', { kid, count, url: k.url }, { key: 'duplicate-kid' });
    }
    if (k.encodingProblems?.length) ctx.report('malformedMember', { kid, problems: k.encodingProblems.join('; ') }, { key: 'encoding' });
    const conflicts = conflictingOps(k);
    if (conflicts.length) ctx.report('useKeyOpsConflict', { kid, use: k.use ?? '', ops: conflicts.join(', ') }, { key: 'key-ops' });
    const dups = (k.keyOps ?? []).filter((o, i, all) => all.indexOf(o) !== i);
    if (dups.length) ctx.report('duplicateKeyOps', { kid, ops: [...new Set(dups)].join(', ') }, { key: 'key-ops-duplicate' });
    const certs = k.certificates ?? [];
    certs.forEach((c, index) => {
      if (c.parseError) ctx.report('badCertificate', { kid, index, error: c.parseError }, { key: `x5c-${index}` });
      if (c.signedByNext === false) ctx.report('x5cChainBroken', { kid, index, next: index + 1 }, { key: `x5c-chain-${index}` });
    });
    const leaf = certs[0];
    if (leaf && !leaf.parseError) {
      if (leaf.matchesKey === false) ctx.report('x5cMismatch', { kid }, { key: 'x5c' });
      if (k.x5t && leaf.sha1Thumbprint && Buffer.from(k.x5t, 'base64url').toString('hex') !== leaf.sha1Thumbprint)
        ctx.report('x5tMismatch', { kid }, { key: 'x5t' });
      if (k.x5tS256 && leaf.sha256Thumbprint && Buffer.from(k.x5tS256, 'base64url').toString('hex') !== leaf.sha256Thumbprint)
        ctx.report('x5tS256Mismatch', { kid }, { key: 'x5t#S256' });
      if (leaf.notAfter && ctx.daysSince(leaf.notAfter) > 0) {
        ctx.report(
          'certExpired',
          { kid, date: leaf.notAfter.slice(0, 10), days: Math.floor(ctx.daysSince(leaf.notAfter)), url: k.url },
          { key: 'cert-expired', escalateTo: 'high' },
        );
      }
    }
    if (!k.use && siblings.some(isEnc) && siblings.some((p) => !isEnc(p))) ctx.report('missingUse', { kid, url: k.url }, { key: 'use' });
    for (const t of k.trustedBy ?? []) {
      if (t.via !== 'discovery' || !t.discoveryUrl) continue;
      const prefix = t.discoveryUrl.endsWith(WELL_KNOWN) ? t.discoveryUrl.slice(0, -WELL_KNOWN.length) : undefined;
      // OIDC Discovery §4.1 removes a terminating "/" of the issuer before appending the well-known path.
      if (prefix !== undefined && t.issuer !== undefined && t.issuer !== prefix && t.issuer !== `${prefix}/`) {
        const templated = ctx.options.allowTemplatedIssuers && /\{[^}]+\}/.test(t.issuer) && issuerPattern(t.issuer).test(prefix);
        if (!templated) ctx.report('issuerMismatch', { discovery: t.discoveryUrl, issuer: t.issuer, prefix }, { key: `issuer:${t.discoveryUrl}` });
      }
      if (t.jwksUri !== undefined && !t.jwksUri.startsWith('https://'))
        ctx.report('jwksNotHttps', { discovery: t.discoveryUrl, jwksUri: t.jwksUri }, { key: `jwks-uri:${t.discoveryUrl}` });
    }
  },
});
