import { z } from 'zod';
import type { AccessEntry } from '../../model/access-entry.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { anyGlobMatch } from '../../util/glob.ts';
import { defineRule } from '../define-rule.ts';
import { attestationConditions, isAttestationCondition, judgeEntry } from '../lib/attestation.ts';
import { principalCause } from '../lib/causes.ts';
import { describeAccessor, describeCondition } from '../lib/keys.ts';

const Options = z.strictObject({
  enclavePrincipals: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'principal ARNs or names (globs) of the roles enclaves run as (the parent instance role), judged even where no statement names an attestation condition',
    ),
});

/** Capabilities a Recipient (attestation document) can accompany: Decrypt, GenerateDataKey*, GenerateRandom. */
const RECIPIENT = new Set(['use-decrypt', 'use-encrypt']);

/** The principals of the key that run enclaves: those a statement names with attestation conditions, and those the options name. */
function enclavePrincipals(key: KeyRecord, globs: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const e of key.access ?? []) {
    if (attestationConditions(e).length || (globs.length && (anyGlobMatch(globs, e.principal.id) || anyGlobMatch(globs, e.principal.name))))
      ids.add(e.principal.id);
  }
  return ids;
}

/**
 * `appliesTo` and `check` ask for the same key one after the other: the set is computed once per key
 * and options (the last one is kept).
 */
let last: { key: KeyRecord; globs: readonly string[]; ids: Set<string> } | undefined;
function enclavesOf(key: KeyRecord, globs: readonly string[]): Set<string> {
  if (last?.key !== key || last.globs !== globs) last = { key, globs, ids: enclavePrincipals(key, globs) };
  return last.ids;
}

const through = (e: AccessEntry) => `${e.source}${e.sourceId ? ` ${e.sourceId}` : ''}`;

export default defineRule({
  id: 'enclave-debug-attestation',
  aliases: ['D2', 'D3'],
  meta: {
    category: 'exposure',
    severity: 'high',
    fixedLimit:
      'a principal that runs enclaves uses the key only under a condition on attested, non-debug enclave measurements (kms:RecipientAttestation PCRs, not all zeros)',
    description:
      'A key that AWS Nitro Enclaves use refuses debug-mode enclaves: every statement letting an enclave principal decrypt pins a PCR or the image hash to a measurement that is not zeros.',
    rationale:
      'An enclave started with --debug-mode can be read from its parent instance (console, memory), and its attestation document carries PCRs of all zeros (AWS Nitro Enclaves User Guide, "Cryptographic attestation"). A key policy that admits zeros, does not pin kms:RecipientAttestation:ImageSha384 or a PCR, or lets the enclave role decrypt without any attestation condition releases the plaintext to a debuggable environment: the Storm-0558 exposure path (key material reaching a debugging environment) in enclave form. Prowler checks the same (kms_key_policy_nitro_enclave_debug).',
    remediation:
      'In every statement that allows kms:Decrypt (or GenerateDataKey*) to the enclave role, add StringEqualsIgnoreCase on kms:RecipientAttestation:ImageSha384 (or :PCR0) with the production enclave image measurement from `nitro-cli describe-eif`; remove statements, IAM policies and grants that let that role decrypt without the attestation condition.',
    subject: 'key',
    needs: ['access'],
    // Nitro Enclaves attest to AWS KMS only: keys elsewhere are out of scope, even when their access is unknown.
    appliesTo: (k, ctx) => k.provider === 'aws-kms' && enclavesOf(k, (ctx.options as z.infer<typeof Options>).enclavePrincipals).size > 0,
  },
  options: Options,
  messages: {
    noAttestation:
      '{principal} runs enclaves yet can {caps} through {source} without any attestation condition: the parent instance, or a debug-mode enclave on it, receives the plaintext.',
    admitsDebug: '{principal} can {caps} through {source} under {conditions}: a debug-mode enclave (PCRs all zeros) passes that.',
  },
  check(key, ctx) {
    const enclaves = enclavesOf(key, ctx.options.enclavePrincipals);
    const unknown: string[] = [];
    let reported = false;
    for (const e of key.access ?? []) {
      if (!enclaves.has(e.principal.id)) continue;
      const verdict = judgeEntry(e);
      const caps = e.capabilities.filter((c) => (verdict.v === 'no-attestation' ? c === 'use-decrypt' : RECIPIENT.has(c)));
      if (caps.length === 0 || verdict.v === 'pinned') continue;
      // Another undecided condition (source IP, VPC…) may keep the access from existing at all.
      const otherUndecided = (e.undecided ?? []).filter((c) => !isAttestationCondition(c));
      if (verdict.v === 'undecidable' || otherUndecided.length) {
        const conds = verdict.v === 'undecidable' ? verdict.conditions : otherUndecided;
        unknown.push(`${describeAccessor(e)} through ${through(e)} (${conds.map(describeCondition).join('; ')})`);
        continue;
      }
      const data = { principal: describeAccessor(e), caps: caps.join(', '), source: through(e) };
      const opts = { key: `${e.principal.id}\u0000${through(e)}`, cause: principalCause(e.principal) };
      if (verdict.v === 'no-attestation') ctx.report('noAttestation', data, opts);
      else ctx.report('admitsDebug', { ...data, conditions: verdict.conditions.map(describeCondition).join(' and ') }, opts);
      reported = true;
    }
    // A definite failure stands; otherwise an undecidable condition is unknown, never a pass.
    if (!reported && unknown.length)
      ctx.need(undefined, 'access', `whether debug-mode enclaves are refused depends on conditions the audit cannot decide: ${unknown.join(', ')}`);
  },
});
