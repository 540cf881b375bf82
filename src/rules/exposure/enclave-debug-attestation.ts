import { z } from 'zod';
import type { AccessCondition, AccessEntry } from '../../model/access-entry.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { anyGlobMatch } from '../../util/glob.ts';
import { defineRule } from '../define-rule.ts';
import {
  hasAttestationCondition,
  isAttestationCondition,
  isConfidentialSpaceEntry,
  isSpaceCondition,
  judgeConfidentialSpace,
  judgeEntry,
} from '../lib/attestation.ts';
import { principalCause } from '../lib/causes.ts';
import { describeAccessor, describeCondition, USE_CAPABILITIES } from '../lib/keys.ts';
import type { RuleContext } from '../types.ts';

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

type Ctx = RuleContext<z.infer<typeof Options>, 'noAttestation' | 'admitsDebug' | 'spaceOpen'>;

/** Does the entry belong to a principal that runs enclaves: one a statement names with attestation conditions, or one the options name? */
const runsEnclaves = (e: AccessEntry, globs: readonly string[]): boolean =>
  hasAttestationCondition(e) || (globs.length > 0 && (anyGlobMatch(globs, e.principal.id) || anyGlobMatch(globs, e.principal.name)));

/** How one access entry fares under one kind of attestation. */
interface Judged {
  /** The capabilities the attestation should gate. */
  caps: string[];
  pinned: boolean;
  /** Conditions the audit cannot decide that decide the verdict (an attestation test, or one that may keep the access from existing). */
  open?: readonly AccessCondition[];
  /** The failure, when the entry admits debug: its message and the data it adds. */
  failure?: { id: 'noAttestation' | 'admitsDebug' | 'spaceOpen'; data?: Record<string, string> };
}

interface AttestationKind {
  /** What a debug workload is, in the unknown reason ("debug-mode enclaves are refused"). */
  debug: string;
  /** The key's entries this kind judges (computed once per key). */
  judged(key: KeyRecord, ctx: Ctx): (e: AccessEntry) => boolean;
  judge(e: AccessEntry): Judged;
  describe(c: AccessCondition): string;
}

/** AWS Nitro Enclaves: kms:RecipientAttestation conditions on the statements of the principals that run enclaves. */
const NITRO: AttestationKind = {
  debug: 'debug-mode enclaves',
  judged(key, ctx) {
    const ids = new Set((key.access ?? []).filter((e) => runsEnclaves(e, ctx.options.enclavePrincipals)).map((e) => e.principal.id));
    return (e) => ids.has(e.principal.id);
  },
  judge(e) {
    const verdict = judgeEntry(e);
    const caps = e.capabilities.filter((c) => (verdict.v === 'no-attestation' ? c === 'use-decrypt' : RECIPIENT.has(c)));
    // Another undecided condition (source IP, VPC…) may keep the access from existing at all.
    const otherUndecided = (e.undecided ?? []).filter((c) => !isAttestationCondition(c));
    const open = verdict.v === 'undecidable' ? verdict.conditions : otherUndecided.length ? otherUndecided : undefined;
    const failure: Judged['failure'] =
      verdict.v === 'no-attestation'
        ? { id: 'noAttestation' }
        : verdict.v === 'admits-debug'
          ? { id: 'admitsDebug', data: { conditions: verdict.conditions.map(describeCondition).join(' and ') } }
          : undefined;
    return { caps, pinned: verdict.v === 'pinned', open, failure };
  },
  describe: describeCondition,
};

/** Google Cloud Confidential Space: the attribute condition of the workload identity pool provider a Cloud KMS key admits. */
const CONFIDENTIAL_SPACE: AttestationKind = {
  debug: 'debug Confidential Space images',
  judged: () => isConfidentialSpaceEntry,
  judge(e) {
    const verdict = judgeConfidentialSpace(e);
    const open = verdict.v === 'undecidable' ? verdict.conditions : (e.undecided ?? []).filter((c) => !isSpaceCondition(c));
    return {
      caps: e.capabilities.filter((c) => USE_CAPABILITIES.has(c)),
      pinned: verdict.v === 'pinned',
      open: open.length ? open : undefined,
      failure: verdict.v === 'open' ? { id: 'spaceOpen', data: { missing: verdict.missing.join(' and ') } } : undefined,
    };
  },
  describe: (c) => c.values.join(' '),
};

const through = (e: AccessEntry) => `${e.source}${e.sourceId ? ` ${e.sourceId}` : ''}`;

/** Every entry of the kind that can use the key must refuse debug workloads. A definite failure stands; otherwise an undecidable condition is unknown, never a pass. */
/** Whether an entry lets a principal that runs enclaves use the key (a loop: it runs for every AWS key). */
function anyRunsEnclaves(access: readonly AccessEntry[] | undefined, principals: Parameters<typeof runsEnclaves>[1]): boolean {
  for (const e of access ?? []) if (runsEnclaves(e, principals)) return true;
  return false;
}

function checkAttestation(key: KeyRecord, ctx: Ctx, kind: AttestationKind): void {
  const judged = kind.judged(key, ctx);
  const unknown: string[] = [];
  let reported = false;
  for (const e of key.access ?? []) {
    if (!judged(e)) continue;
    const j = kind.judge(e);
    if (j.caps.length === 0 || j.pinned) continue;
    if (j.open) {
      unknown.push(`${describeAccessor(e)} through ${through(e)} (${j.open.map(kind.describe).join('; ')})`);
      continue;
    }
    if (!j.failure) continue;
    const data = { principal: describeAccessor(e), caps: j.caps.join(', '), source: through(e), ...j.failure.data };
    ctx.report(j.failure.id, data, { key: `${e.principal.id}\u0000${through(e)}`, cause: principalCause(e.principal) });
    reported = true;
  }
  if (!reported && unknown.length)
    ctx.need(undefined, 'access', `whether ${kind.debug} are refused depends on conditions the audit cannot decide: ${unknown.join(', ')}`);
}

export default defineRule({
  id: 'enclave-debug-attestation',
  aliases: ['D2', 'D3'],
  meta: {
    category: 'exposure',
    severity: 'high',
    fixedLimit:
      'a principal that runs enclaves uses the key only under a condition on attested, non-debug enclave measurements (kms:RecipientAttestation PCRs, not all zeros)',
    description:
      'A key that AWS Nitro Enclaves or Google Cloud Confidential Space workloads use refuses debug mode: every statement letting an enclave principal decrypt pins a PCR or the image hash to a measurement that is not zeros; every Confidential Space pool provider that reaches a Cloud KMS key requires the production image and a pinned workload image.',
    rationale:
      'An enclave started with --debug-mode can be read from its parent instance (console, memory), and its attestation document carries PCRs of all zeros (AWS Nitro Enclaves User Guide, "Cryptographic attestation"). A key policy that admits zeros, does not pin kms:RecipientAttestation:ImageSha384 or a PCR, or lets the enclave role decrypt without any attestation condition releases the plaintext to a debuggable environment: the Storm-0558 exposure path (key material reaching a debugging environment) in enclave form. Prowler checks the same (kms_key_policy_nitro_enclave_debug). On Google Cloud, the debug Confidential Space image (dbgstat "enable", no support attributes) allows SSH into the VM; a workload identity pool whose attribute condition does not require assertion.swname == "CONFIDENTIAL_SPACE", the production image and assertion.submods.container.image_digest gives key use to any workload, debug ones included (Confidential Space "Attestation assertions").',
    remediation:
      "AWS: in every statement that allows kms:Decrypt (or GenerateDataKey*) to the enclave role, add StringEqualsIgnoreCase on kms:RecipientAttestation:ImageSha384 (or :PCR0) with the production enclave image measurement from `nitro-cli describe-eif`; remove statements, IAM policies and grants that let that role decrypt without the attestation condition. Google Cloud: make the Confidential Space provider's attribute condition require assertion.swname == 'CONFIDENTIAL_SPACE' && 'STABLE' in assertion.submods.confidential_space.support_attributes && assertion.submods.container.image_digest == 'sha256:…'.",
    subject: 'key',
    needs: ['access'],
    // Nitro Enclaves attest to AWS KMS; Confidential Space workloads reach Cloud KMS through a workload
    // identity pool. An AWS key no enclave principal uses is out of scope. A Cloud KMS key whose access
    // was not read (absent, or hidden by a gap: reading it stops with unknown) may have a Confidential
    // Space path: it applies, and its verdict is unknown (a pass is a claim).
    appliesTo: (k, ctx) =>
      (k.provider === 'aws-kms' && anyRunsEnclaves(k.access, (ctx.options as z.infer<typeof Options>).enclavePrincipals)) ||
      (k.provider === 'gcp-kms' && (k.access === undefined || k.access.some(isConfidentialSpaceEntry))),
  },
  options: Options,
  messages: {
    noAttestation:
      '{principal} runs enclaves yet can {caps} through {source} without any attestation condition: the parent instance, or a debug-mode enclave on it, receives the plaintext.',
    admitsDebug: '{principal} can {caps} through {source} under {conditions}: a debug-mode enclave (PCRs all zeros) passes that.',
    spaceOpen:
      '{principal} can {caps} through {source}, but its attribute condition does not require {missing}: a debug Confidential Space image or another workload obtains the key use.',
  },
  check(key, ctx) {
    checkAttestation(key, ctx, key.provider === 'gcp-kms' ? CONFIDENTIAL_SPACE : NITRO);
  },
});
