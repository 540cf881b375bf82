import { z } from 'zod';
import type { AccessEntry } from '../../model/access-entry.ts';
import { defineRule } from '../define-rule.ts';
import { principalCause } from '../lib/causes.ts';
import { judgeAccess, USE_CAPABILITIES } from '../lib/keys.ts';

/** What a finding names: the principal and the capabilities that use the key (made only for a finding). */
const data = (entry: AccessEntry) => ({
  principal: entry.principal.name ?? entry.principal.id,
  caps: entry.capabilities.filter((c) => USE_CAPABILITIES.has(c)).join(', '),
});

export default defineRule({
  id: 'cross-scope-access',
  aliases: ['S10'],
  meta: {
    category: 'scope',
    severity: 'critical',
    fixedLimit: "only principals of the key's own trust domain and environment can use it",
    description: "Only principals of the key's own trust domain and environment can use it.",
    rationale:
      'Storm-0558 turned one consumer key into access to enterprise mail because the key was usable outside the domain it was made for. Every key policy statement, grant, role assignment and access policy must stay inside the key\'s declared domain (CSRB rec 6 "per-customer keys"; NIST AC-3, IA-13(1)).',
    remediation:
      'Remove the statement, grant or role assignment that lets the foreign principal use the key, or give that workload its own key in its own domain.',
    subject: 'key',
    needs: ['access'],
    // A principal read from one policy that breaks the rule breaks it whatever the unread policies add.
    failureStandsOnPartialData: true,
    reads: ['classification'],
    // A key with neither a trust domain nor an environment gives principals nothing to be compared with
    // (key-classified reports it); a pass would claim a check that never ran. Unread tags leave it unknown.
    appliesTo: (k, ctx) => {
      const s = ctx.scope(k);
      if (s.trustDomain !== undefined || s.environment !== undefined) return true;
      ctx.need(k.tags, 'tags');
      return false;
    },
  },
  options: z.strictObject({
    unclassifiedPrincipals: z
      .enum(['report', 'ignore'])
      .default('report')
      .describe('report principals that match no trust domain or environment (the rule cannot tell where they belong)'),
    ignoreServicePrincipals: z.boolean().default(true).describe('cloud service principals act for the key owner (e.g. logs.amazonaws.com)'),
  }),
  messages: {
    otherTrustDomain: '{principal} of trust domain {theirs} can {caps} this key of trust domain {ours}.',
    otherEnvironment: '{principal} of environment {theirs} can {caps} this key of environment {ours}.',
    unclassified: '{principal} can {caps} this key but belongs to no declared {dimension}.',
  },
  check(key, ctx) {
    const s = ctx.scope(key);
    judgeAccess(ctx, ctx.accessByPrincipal(key.access), (entry, report) => {
      const p = entry.principal;
      if (p.kind === 'public' || p.kind === 'any-authenticated') return; // no-public-principal covers these
      if (p.kind === 'service' && ctx.options.ignoreServicePrincipals) return;
      if (!entry.capabilities.some((c) => USE_CAPABILITIES.has(c))) return;
      const ps = ctx.principalScope(p);
      if (s.trustDomain) {
        if (ps.trustDomains.length === 0) {
          if (ctx.options.unclassifiedPrincipals === 'report')
            report('unclassified', { ...data(entry), dimension: 'trust domain' }, { key: `${p.id}#trust-domain`, cause: principalCause(p) });
        } else if (!ps.trustDomains.includes(s.trustDomain)) {
          report(
            'otherTrustDomain',
            { ...data(entry), theirs: ps.trustDomains.join('/'), ours: s.trustDomain },
            { key: `${p.id}#trust-domain`, cause: principalCause(p) },
          );
        }
      }
      if (s.environment) {
        if (ps.environments.length === 0) {
          if (ctx.options.unclassifiedPrincipals === 'report')
            report('unclassified', { ...data(entry), dimension: 'environment' }, { key: `${p.id}#environment`, cause: principalCause(p) });
        } else if (!ps.environments.includes(s.environment)) {
          report(
            'otherEnvironment',
            { ...data(entry), theirs: ps.environments.join('/'), ours: s.environment },
            { key: `${p.id}#environment`, cause: principalCause(p) },
          );
        }
      }
    });
  },
});
