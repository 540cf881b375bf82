import { z } from 'zod';
import type { AccessEntry } from '../../model/access-entry.ts';
import { defineRule } from '../define-rule.ts';
import { judgeAccess, mergeAccess, withDecision } from '../lib/keys.ts';

/** An entry that lets anyone (or any authenticated identity) use the key, not confined to the owner. */
const isExposed = (e: AccessEntry): boolean => {
  const p = e.principal;
  return (p.kind === 'public' || p.kind === 'any-authenticated' || p.id === '*') && e.confined !== true;
};

export default defineRule({
  id: 'no-public-principal',
  aliases: ['S1', 'SCP-05'],
  meta: {
    category: 'exposure',
    severity: 'critical',
    fixedLimit: 'no anonymous, public or any-authenticated principal can act on the key without a confining condition',
    description: 'No anonymous, public or any-authenticated principal can act on the key unless a condition confines it.',
    rationale:
      'A wildcard principal without a confining condition (organization, account, VPC endpoint) lets anyone with any account use the key. Conditions and Deny statements matter: peers that ignore them raise false alarms or miss real exposure. CIS GCP 1.9; NIST AC-3, AC-6.',
    remediation:
      'Replace the wildcard principal with named principals, or add a condition that confines it (aws:PrincipalOrgID, kms:CallerAccount, aws:SourceVpce).',
    subject: 'key',
    needs: ['access'],
    // A grant to anyone read from one policy fails as it would with every policy read (the unread
    // ones can only add grants to what the rule judges); no failure with a gap stays unknown.
    failureStandsOnPartialData: true,
  },
  options: z.strictObject({}),
  messages: {
    public: '{who} can {caps} this key through {source}{sourceId}.',
  },
  check(key, ctx) {
    // Fast path, the common case: no entry is public, nothing to judge (and nothing allocated).
    if (!key.access?.some(isExposed)) return;
    const exposed = key.access.filter(isExposed);
    judgeAccess(
      ctx,
      mergeAccess(
        exposed,
        withDecision((e) => `${e.source}:${e.sourceId ?? e.principal.id}`),
      ),
      (entry, report) => {
        const p = entry.principal;
        report(
          'public',
          {
            who: p.kind === 'any-authenticated' ? 'Any authenticated identity' : 'Anyone',
            caps: entry.capabilities.join(', '),
            source: entry.source,
            sourceId: entry.sourceId ? ` ${entry.sourceId}` : '',
          },
          { key: `${entry.source}:${entry.sourceId ?? p.id}` },
        );
      },
    );
  },
});
