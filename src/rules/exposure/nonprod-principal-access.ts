import { z } from 'zod';
import { EnvironmentKind } from '../../model/common.ts';
import { defineRule } from '../define-rule.ts';
import { attestationGated } from '../lib/attestation.ts';
import { principalCause } from '../lib/causes.ts';
import { isSigningKey, judgeAccess } from '../lib/keys.ts';

const REACH = new Set(['use-sign', 'use-encrypt', 'use-decrypt', 'use-mac', 'use-wrap', 'use-unwrap', 'export', 'create-grant', 'administer']);
/** Principals environments can name: cloud services act for the key owner, public ones have their own rule. */
const classifiable = (p: { kind: string }) => p.kind !== 'service' && p.kind !== 'public' && p.kind !== 'any-authenticated';
const PRIVATE = new Set(['use-sign', 'use-decrypt', 'use-mac', 'use-unwrap', 'export', 'create-grant']);

export default defineRule({
  id: 'nonprod-principal-access',
  aliases: ['D6', 'DBG-05'],
  meta: {
    category: 'exposure',
    severity: 'high',
    fixedLimit: 'no principal of a debug, development, CI or test environment can use, export or administer a production key',
    description: 'No principal of a debug, development, CI or test environment can use, export or administer a production key.',
    rationale:
      'The Storm-0558 key was believed to have reached an internet-connected debugging environment, where a compromised engineer account could read it (MSRC 2023-09-06). A debug identity that can sign with a production key is the same exposure without the crash dump. ISO 27001 A.8.31; NIST AC-6, SC-7.',
    remediation:
      'Remove the debug/dev/CI principal from the key policy, grants or role assignments; give non-production workloads their own keys in their own environment.',
    subject: 'key',
    needs: ['access'],
    // A principal read from one policy that breaks the rule breaks it whatever the unread policies add.
    failureStandsOnPartialData: true,
    reads: ['classification'],
    appliesTo: (k, ctx) => ctx.scope(k).environmentKind === 'production',
  },
  options: z.strictObject({
    untrustedKinds: z
      .array(EnvironmentKind)
      .min(1)
      .default(['debug', 'development', 'ci', 'test'])
      .describe('environment kinds whose principals must not reach production keys'),
  }),
  messages: {
    reachable: '{principal} of the {environment} environment ({kind}) can {caps} this production key.',
  },
  check(key, ctx) {
    const untrusted = ctx.options.untrustedKinds;
    // An access that depends on a condition the evaluator cannot decide is neither a pass nor a failure.
    // Attestation-gated access (an enclave or Confidential Space workload pinned to a non-debug image) reaches no environment.
    judgeAccess(ctx, ctx.accessByPrincipal(attestationGated(key.access)), (entry, report) => {
      // Cheapest test first: most principals are in a trusted environment.
      const ps = ctx.principalScope(entry.principal);
      const idx = ps.environmentKinds.findIndex((k) => untrusted.includes(k));
      if (idx < 0) {
        // A principal of no environment that can reach the key: the verdict cannot say it is trusted.
        if (ps.environments.length === 0 && classifiable(entry.principal) && entry.capabilities.some((c) => REACH.has(c)))
          ctx.unclassified(entry.principal.name ?? entry.principal.id, 'environment');
        return;
      }
      const caps = entry.capabilities.filter((c) => REACH.has(c));
      if (caps.length === 0) return;
      const who = entry.principal.name ?? entry.principal.id;
      const privateUse = caps.some((c) => PRIVATE.has(c)) && isSigningKey(key);
      const path = entry.via?.length ? ` through ${entry.via.join(' → ')}` : '';
      report(
        'reachable',
        { principal: `${who}${path}`, environment: ps.environments[idx] ?? '', kind: ps.environmentKinds[idx] ?? '', caps: caps.join(', ') },
        { key: entry.principal.id, escalateTo: privateUse ? 'critical' : undefined, cause: principalCause(entry.principal) },
      );
    });
  },
});
