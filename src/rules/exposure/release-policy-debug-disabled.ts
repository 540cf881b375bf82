import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { judgeReleasePolicy } from '../lib/release-policy.ts';

export default defineRule({
  id: 'release-policy-debug-disabled',
  aliases: ['DBG-07', 'SKR-01'],
  meta: {
    category: 'exposure',
    severity: 'critical',
    fixedLimit:
      'an exportable key has a release policy, and every release path requires a non-debuggable environment (is-debuggable == false) of an accepted attestation type and authority',
    description:
      "An exportable key's Secure Key Release policy releases it only to a non-debuggable confidential environment (x-ms-sevsnpvm-is-debuggable or x-ms-sgx-is-debuggable == false) of an expected attestation type, attested by an expected authority.",
    rationale:
      "Azure Secure Key Release hands the key's private material to whatever environment satisfies the release policy. A debuggable SEV-SNP VM or SGX enclave lets its operator read that memory: a policy that does not require is-debuggable == false releases the key into a debugging environment, the exposure Storm-0558 began with (MSRC 2023-09-06). CSRB rec 6 (minimal key release); NIST SC-12, SC-28(3).",
    remediation:
      'Create a new release policy (or a new key, if the policy is immutable) whose every authority group requires x-ms-attestation-type and x-ms-sevsnpvm-is-debuggable (or x-ms-sgx-is-debuggable) equals false, with your Microsoft Azure Attestation authority.',
    subject: 'key',
    needs: ['exportable'],
    reads: ['releasePolicy'],
    appliesTo: (k, ctx) => ctx.need(k.exportable, 'exportable') === true,
  },
  options: z.strictObject({
    attestationTypes: z.array(z.string().min(1)).min(1).default(['sevsnpvm', 'sgx', 'tdxvm']).describe('accepted values of x-ms-attestation-type'),
    authorities: z
      .array(z.string().min(1))
      .min(1)
      .default(['https://*.attest.azure.net'])
      .describe(
        'accepted attestation authorities: URLs; `*` matches within the host name (dots included) or one path segment, never across `/`, `?`, `#`, `@`',
      ),
  }),
  messages: {
    noPolicy: 'This key is exportable but has no release policy that could be read.',
    debugPath: 'Release policy path via {authority} {problem}.',
  },
  check(key, ctx) {
    const policy = key.releasePolicy;
    if (policy === null) {
      ctx.report('noPolicy');
      return;
    }
    const p = ctx.need(policy, 'releasePolicy');
    const doc = ctx.need(p.document, 'releasePolicy', `the encoded release policy could not be decoded (${p.undecodable ?? 'no content'})`);
    const verdict = judgeReleasePolicy(doc, { attestationTypes: ctx.options.attestationTypes, authorities: ctx.options.authorities });
    if (verdict.undecided) ctx.need(undefined, 'releasePolicy', verdict.undecided);
    let failed = false;
    for (const path of verdict.paths) {
      for (const problem of path.problems) {
        ctx.report('debugPath', { authority: path.authority ?? '(no authority)', problem }, { key: `${path.authority ?? ''}|${problem}` });
        failed = true;
      }
    }
    // A definite release path into a debuggable environment is reported even when another path is undecided.
    const open = verdict.paths.find((p) => p.undecided);
    if (!failed && open) ctx.need(undefined, 'releasePolicy', `a release path via ${open.authority ?? '(no authority)'} cannot be decided: ${open.undecided}`);
  },
});
