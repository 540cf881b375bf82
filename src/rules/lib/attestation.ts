// Nitro Enclaves attestation conditions in AWS KMS key policies (kms:RecipientAttestation:ImageSha384
// and kms:RecipientAttestation:PCR0..PCR8). An enclave launched in debug mode presents an attestation
// document whose PCRs are all zeros (AWS Nitro Enclaves User Guide, "Cryptographic attestation"), so
// a statement protects a key from debug-mode enclaves only when one of its conditions pins a PCR or
// the image hash to values that are not zeros. Pure.
import { type AccessCondition, type AccessEntry, CONFIDENTIAL_SPACE_ISSUER, WIF_ISSUER_KEY } from '../../model/access-entry.ts';
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
/** Whether `attestationConditions(e)` is not empty, without making it (asked of every AWS key's entries). */
export const hasAttestationCondition = (e: AccessEntry): boolean => !!(e.conditions?.some(isAttestationCondition) || e.undecided?.some(isAttestationCondition));

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

// ---- Google Cloud Confidential Space ---------------------------------------------------------------
// A workload identity pool provider whose issuer is Confidential Space admits attestation tokens of
// confidential VMs. The GCP provider records, per admitted set, the claims its attribute condition
// pins (`assertion.*` conditions) and those it tests in ways the audit cannot decide (undecided).
// Confidential Space "Attestation assertions": the debug image reports `dbgstat` "enable" and no
// support attributes; the production image `dbgstat` "disabled-since-boot" and STABLE (LATEST images
// are also STABLE); `swname` is always CONFIDENTIAL_SPACE; `submods.container.image_digest` names the
// workload image.

const SUPPORT = 'assertion.submods.confidential_space.support_attributes';
const DIGEST = 'assertion.submods.container.image_digest';

interface Requirement {
  what: string;
  keys: readonly string[];
  met(c: AccessCondition): boolean;
}

const eqAll = (c: AccessCondition, key: string, ok: (v: string) => boolean) =>
  c.key === key && (c.operator === 'StringEquals' || c.operator === 'ForAnyValue:StringEquals') && c.values.length > 0 && c.values.every(ok);

export const CONFIDENTIAL_SPACE_REQUIREMENTS: readonly Requirement[] = [
  { what: "assertion.swname == 'CONFIDENTIAL_SPACE'", keys: ['assertion.swname'], met: (c) => eqAll(c, 'assertion.swname', (v) => v === 'CONFIDENTIAL_SPACE') },
  {
    what: "the production image ('STABLE' in assertion.submods.confidential_space.support_attributes, or assertion.dbgstat == 'disabled-since-boot')",
    keys: ['assertion.dbgstat', SUPPORT],
    met: (c) => eqAll(c, 'assertion.dbgstat', (v) => v === 'disabled-since-boot') || eqAll(c, SUPPORT, (v) => v === 'STABLE' || v === 'LATEST'),
  },
  { what: 'a pinned workload image (assertion.submods.container.image_digest == …)', keys: [DIGEST], met: (c) => eqAll(c, DIGEST, (v) => v.length > 0) },
];

const sameIssuer = (v: string) => v.replace(/\/+$/, '') === CONFIDENTIAL_SPACE_ISSUER.replace(/\/+$/, '');

/** An entry admitted by a Confidential Space pool provider. */
export const isConfidentialSpaceEntry = (e: AccessEntry): boolean => (e.conditions ?? []).some((c) => c.key === WIF_ISSUER_KEY && c.values.some(sameIssuer));

export type SpaceVerdict = { v: 'pinned' } | { v: 'open'; missing: string[] } | { v: 'undecidable'; conditions: AccessCondition[] };

/** Does the admitted set require the production image, Confidential Space and a pinned workload image? */
export function judgeConfidentialSpace(e: AccessEntry): SpaceVerdict {
  const missing: string[] = [];
  const open: AccessCondition[] = [];
  for (const r of CONFIDENTIAL_SPACE_REQUIREMENTS) {
    if ((e.conditions ?? []).some((c) => r.met(c))) continue;
    const undecided = (e.undecided ?? []).filter((c) => r.keys.includes(c.key));
    if (undecided.length) open.push(...undecided);
    else missing.push(r.what);
  }
  if (missing.length) return { v: 'open', missing };
  return open.length ? { v: 'undecidable', conditions: open } : { v: 'pinned' };
}

/** A condition on the claims Confidential Space requirements read. */
export const isSpaceCondition = (c: AccessCondition) => CONFIDENTIAL_SPACE_REQUIREMENTS.some((r) => r.keys.includes(c.key));

const gatedCondition = (c: AccessCondition): boolean => c.key === WIF_ISSUER_KEY || isAttestationCondition(c);
/** Whether an entry carries an attestation condition or a workload identity provider's issuer (no allocation). */
const gated = (e: AccessEntry): boolean => !!(e.conditions?.some(gatedCondition) || e.undecided?.some(gatedCondition));

/**
 * Access entries as a rule about *who* can use a key should see them. An enclave or Confidential Space
 * entry whose attestation refuses debug mode and pins the workload gives the key's use only to that
 * attested, non-debuggable code (AWS KMS encrypts the result to the enclave's key; Confidential Space
 * tokens are issued only to the attested VM): it reaches no person or environment and is left out.
 * One that admits debug mode exists for its principal: its attestation conditions no longer make it
 * undecided. One whose attestation the audit cannot decide stays undecided.
 */
export function attestationGated(entries: readonly AccessEntry[] | undefined): readonly AccessEntry[] {
  // Fast path, the common case (every key of most estates): no entry is attestation-gated, nothing to copy.
  if (!entries?.some(gated)) return entries ?? [];
  const out: AccessEntry[] = [];
  for (const e of entries ?? []) {
    const space = isConfidentialSpaceEntry(e);
    const nitro = !space && attestationConditions(e).length > 0;
    if (!space && !nitro) {
      out.push(e);
      continue;
    }
    const v = space ? judgeConfidentialSpace(e).v : judgeEntry(e).v;
    if (v === 'pinned') continue;
    if (v === 'undecidable') {
      out.push(e);
      continue;
    }
    const rest = (e.undecided ?? []).filter((c) => !(space ? isSpaceCondition(c) : isAttestationCondition(c)));
    const base: AccessEntry = { ...e };
    if (rest.length) base.undecided = rest;
    else delete base.undecided;
    out.push(base);
  }
  return out;
}
