// Nitro Enclaves attestation conditions in AWS KMS key policies (kms:RecipientAttestation:ImageSha384
// and kms:RecipientAttestation:PCR0..PCR8). An enclave launched in debug mode presents an attestation
// document whose PCRs are all zeros (AWS Nitro Enclaves User Guide, "Cryptographic attestation"), so
// a statement protects a key from debug-mode enclaves only when one of its conditions pins a PCR or
// the image hash to values that are not zeros. Pure.
import type { AccessCondition, AccessEntry } from '../../model/access-entry.ts';
import { globToRegExp } from '../../util/glob.ts';

const ATTESTATION_KEY = /^kms:recipientattestation:(imagesha384|pcr[0-8])$/i;
/** The measurement a debug-mode enclave presents for every PCR (SHA-384: 96 hex digits). */
const DEBUG_PCR = '0'.repeat(96);

export const isAttestationCondition = (c: AccessCondition): boolean => /^kms:recipientattestation:/i.test(c.key);

/** What one condition says about a debug-mode enclave's attestation. */
type ConditionVerdict = 'refuses-debug' | 'admits-debug' | 'open' | 'undecidable';

/** Whether a debug-mode measurement (96 zeros) equals, or matches as a StringLike pattern, one of the values. */
const admitsZeros = (values: readonly string[], like: boolean): boolean =>
  values.some((v) => (like ? globToRegExp(v.toLowerCase()).test(DEBUG_PCR) : v.toLowerCase() === DEBUG_PCR));

/** One condition: does it refuse an attestation document of zeros? `open` = it does not pin anything. */
export function judgeCondition(c: AccessCondition): ConditionVerdict {
  if (!ATTESTATION_KEY.test(c.key)) return 'undecidable';
  // ...IfExists is true when the request carries no attestation at all: the parent instance decrypts in the clear.
  if (/IfExists$/.test(c.operator)) return 'open';
  const op = c.operator.replace(/^(ForAnyValue:|ForAllValues:)/, '');
  if (op === 'Null') return 'open';
  if (c.values.length === 0) return 'undecidable';
  if (op === 'StringEquals' || op === 'StringEqualsIgnoreCase') return admitsZeros(c.values, false) ? 'admits-debug' : 'refuses-debug';
  if (op === 'StringLike') return admitsZeros(c.values, true) ? 'admits-debug' : 'refuses-debug';
  if (op === 'StringNotEquals' || op === 'StringNotEqualsIgnoreCase') return admitsZeros(c.values, false) ? 'refuses-debug' : 'open';
  if (op === 'StringNotLike') return admitsZeros(c.values, true) ? 'refuses-debug' : 'open';
  return 'undecidable';
}

export type EntryVerdict =
  | { v: 'pinned' }
  | { v: 'no-attestation' }
  | { v: 'admits-debug'; conditions: AccessCondition[] }
  | { v: 'undecidable'; conditions: AccessCondition[] };

/** The attestation conditions of an entry, decided or not (IAM-derived entries keep them as undecided). */
export const attestationConditions = (e: AccessEntry): AccessCondition[] => [...(e.conditions ?? []), ...(e.undecided ?? [])].filter(isAttestationCondition);

/**
 * One statement's conditions are ANDed: a debug-mode enclave is refused when any of them refuses its
 * zeros; it is admitted when every attestation condition is decided and none refuses.
 */
export function judgeEntry(e: AccessEntry): EntryVerdict {
  const conds = attestationConditions(e);
  if (conds.length === 0) return { v: 'no-attestation' };
  const verdicts = conds.map(judgeCondition);
  if (verdicts.includes('refuses-debug')) return { v: 'pinned' };
  const undecidable = conds.filter((_, i) => verdicts[i] === 'undecidable');
  if (undecidable.length) return { v: 'undecidable', conditions: undecidable };
  return { v: 'admits-debug', conditions: conds };
}
