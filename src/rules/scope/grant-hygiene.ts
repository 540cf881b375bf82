import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { judgeAccess } from '../lib/keys.ts';

export default defineRule({
  id: 'grant-hygiene',
  aliases: ['S4'],
  meta: {
    category: 'scope',
    severity: 'high',
    fixedLimit: 'no grant re-delegates (CreateGrant), names a wildcard grantee or duplicates another grant',
    description: 'No grant on a key lets its grantee re-delegate (CreateGrant), names a wildcard grantee, or is a duplicate of another grant.',
    rationale:
      'Grants are access outside the key policy that most peers never read; a grant that carries CreateGrant lets its holder hand the key to anyone, and wildcard or duplicate grants hide who can use it. CloudSploit and Mondoo check grants; NIST AC-3, AC-6; PCI DSS 3.6.1.3.',
    remediation:
      'List and retire the grants: `aws kms list-grants --key-id KEY`, `aws kms retire-grant` / `revoke-grant`; recreate only the ones needed, without CreateGrant, for named principals.',
    subject: 'key',
    appliesTo: (k) => k.managedBy !== 'provider',
    needs: ['access'],
    reads: ['managedBy'],
  },
  options: z.strictObject({
    allowDelegation: z.array(z.string()).default([]).describe('grantee ids allowed to create grants (e.g. an AWS service principal that needs it)'),
  }),
  messages: {
    delegates: 'Grant {grant} lets {principal} create further grants on this key.',
    wildcard: 'Grant {grant} is given to a wildcard grantee ({principal}).',
    duplicate: 'Grant {grant} duplicates grant {other} ({principal}, {caps}).',
  },
  check(key, ctx) {
    // Fast path: only grants are judged (a key with none has nothing to report or leave undecided).
    if (!key.access?.some((e) => e.source === 'grant')) return;
    const seen = new Map<string, string>();
    judgeAccess(ctx, key.access ?? [], (entry, report) => {
      if (entry.source !== 'grant') return;
      const p = entry.principal;
      const grant = entry.sourceId ?? p.id;
      const who = p.name ?? p.id;
      if (p.kind === 'public' || p.kind === 'any-authenticated' || p.id === '*') report('wildcard', { grant, principal: who }, { key: `wildcard:${grant}` });
      if (entry.capabilities.includes('create-grant') && !ctx.options.allowDelegation.includes(p.id))
        report('delegates', { grant, principal: who }, { key: `delegates:${grant}` });
      const sig = `${p.id}\n${[...entry.capabilities].sort().join(',')}\n${JSON.stringify(entry.conditions ?? [])}`;
      const other = seen.get(sig);
      if (other !== undefined) report('duplicate', { grant, other, principal: who, caps: entry.capabilities.join(', ') }, { key: `duplicate:${grant}` });
      else if (!entry.undecided?.length) seen.set(sig, grant);
    });
  },
});
