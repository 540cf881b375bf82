// Fixtures follow AWS KMS's documented Nitro Enclaves statement ("Condition keys for Nitro Enclaves":
// the data-processing role may Decrypt, DeriveSharedSecret, GenerateDataKey, GenerateDataKeyPair and
// GenerateRandom when kms:RecipientAttestation:ImageSha384 matches the image digest), normalized by the
// AWS provider's key policy reader; a debug-mode enclave presents PCRs of 96 zeros.
import { describe, expect, it } from 'vitest';
import type { AccessCondition, AccessEntry } from '../../../src/model/access-entry.ts';
import { policyToAccess } from '../../../src/providers/aws/normalize.ts';
import rule from '../../../src/rules/exposure/enclave-debug-attestation.ts';
import { judgeCondition } from '../../../src/rules/lib/attestation.ts';
import { access, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const ROLE = 'arn:aws:iam::111111111111:role/data-processing';
const IMAGE = '9fedcba8abcdef7abcdef6abcdef5abcdef4abcdef3abcdef2abcdef1abcdef1abcdef1abcdef1abcdef1abcdef1abcdef';
const ZEROS = '0'.repeat(96);
const ACTIONS = ['kms:Decrypt', 'kms:DeriveSharedSecret', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateRandom'];

/** The documented statement, with the condition block given. */
const statement = (condition: Record<string, Record<string, string | string[]>> | undefined, sid = 'Enable enclave data processing', actions = ACTIONS) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: { AWS: ROLE },
  Action: actions,
  Resource: '*',
  ...(condition ? { Condition: condition } : {}),
});
const fromPolicy = (...statements: unknown[]): AccessEntry[] => policyToAccess(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const enclaveKey = (...statements: unknown[]) =>
  key({
    usage: ['encrypt', 'decrypt'],
    keyType: 'AES',
    keySize: 256,
    tags: { env: 'prod', 'key-class': 'data-encryption' },
    access: [access(), ...fromPolicy(...statements)],
  });
const gcpKey = (over: Parameters<typeof key>[0]) =>
  key({ id: 'projects/p/locations/us/keyRings/r/cryptoKeys/k', provider: 'gcp-kms', account: 'p', region: 'us', ...over });
const attest = (op: string, k: string, v: string | string[]) => ({ [op]: { [`kms:RecipientAttestation:${k}`]: v } });

ruleTester(rule, [
  {
    name: 'the documented statement: image digest pinned (StringEqualsIgnoreCase ImageSha384)',
    inventory: { keys: [enclaveKey(statement(attest('StringEqualsIgnoreCase', 'ImageSha384', IMAGE)))] },
    outcome: 'pass',
  },
  {
    name: 'PCR0 pinned to a non-zero measurement',
    inventory: { keys: [enclaveKey(statement(attest('StringEqualsIgnoreCase', 'PCR0', IMAGE)))] },
    outcome: 'pass',
  },
  {
    name: 'PCR8 (signing certificate) pinned alongside a wildcard PCR1: the pin refuses zeros',
    inventory: {
      keys: [
        enclaveKey(statement({ StringEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR8': IMAGE }, StringLike: { 'kms:RecipientAttestation:PCR1': '*' } })),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'a debug-mode measurement admitted (zeros among the allowed values)',
    inventory: { keys: [enclaveKey(statement(attest('StringEqualsIgnoreCase', 'PCR0', [IMAGE, ZEROS])))] },
    outcome: 'fail',
    messages: ['admitsDebug'],
  },
  {
    name: 'a wildcard that matches anything does not pin',
    inventory: { keys: [enclaveKey(statement(attest('StringLike', 'ImageSha384', '*')))] },
    outcome: 'fail',
    messages: ['admitsDebug'],
  },
  {
    name: 'IfExists: a request without an attestation document passes, the parent gets the plaintext',
    inventory: { keys: [enclaveKey(statement(attest('StringEqualsIgnoreCaseIfExists', 'PCR0', IMAGE)))] },
    outcome: 'fail',
    messages: ['admitsDebug'],
  },
  {
    name: 'the enclave role may also decrypt through a second statement without attestation',
    inventory: {
      keys: [enclaveKey(statement(attest('StringEqualsIgnoreCase', 'ImageSha384', IMAGE)), statement(undefined, 'Allow use of the key', ['kms:Decrypt']))],
    },
    outcome: 'fail',
    messages: ['noAttestation'],
  },
  {
    name: 'an enclave role named in the options decrypts with no attestation condition anywhere',
    inventory: { keys: [enclaveKey(statement(undefined, 'Allow use of the key', ['kms:Decrypt', 'kms:Encrypt']))] },
    options: { enclavePrincipals: ['*:role/data-processing'] },
    outcome: 'fail',
    messages: ['noAttestation'],
  },
  {
    name: 'an enclave role named in the options that can only encrypt',
    inventory: { keys: [enclaveKey(statement(undefined, 'Encrypt only', ['kms:Encrypt']))] },
    options: { enclavePrincipals: [ROLE] },
    outcome: 'pass',
  },
  {
    name: 'a numeric operator on a PCR: undecidable, unknown with the expression shown',
    inventory: { keys: [enclaveKey(statement(attest('NumericEquals', 'PCR0', '0')))] },
    outcome: 'unknown',
    because: /cannot decide: data-processing through key-policy Enable enclave data processing \(NumericEquals kms:RecipientAttestation:PCR0 000…0\)/,
  },
  {
    name: 'IAM-derived access whose other condition (source IP) the evaluator left undecided',
    inventory: {
      keys: [
        key({
          access: [
            access({ id: ROLE, name: 'data-processing' }, ['use-decrypt'], {
              source: 'iam-policy',
              undecided: [
                { key: 'kms:RecipientAttestation:PCR0', operator: 'StringEqualsIgnoreCase', values: [ZEROS] },
                { key: 'aws:SourceIp', operator: 'IpAddress', values: ['203.0.113.0/24'] },
              ],
            }),
          ],
        }),
      ],
    },
    outcome: 'unknown',
    because: /IpAddress aws:SourceIp 203\.0\.113\.0\/24/,
  },
  {
    name: 'access hidden by a collection gap',
    inventory: { keys: [enclaveKey(statement(attest('StringEqualsIgnoreCase', 'ImageSha384', IMAGE)))], gaps: [gap()] },
    outcome: 'unknown',
    gapOperation: 'kms:ListGrants',
  },
  { name: 'a key no enclave uses', inventory: { keys: [key()] }, outcome: 'not-applicable' },
  {
    // A Cloud KMS key whose IAM policy could not be read may admit a Confidential Space pool: unknown, not out of scope.
    name: 'a Cloud KMS key whose access is behind a gap',
    inventory: {
      keys: [gcpKey({ access: undefined })],
      gaps: [
        gap({
          id: 'gcp-kms:p:us:cloudkms:GetKeyRingIamPolicy',
          provider: 'gcp-kms',
          scope: { account: 'p', region: 'us' },
          operation: 'cloudkms:GetKeyRingIamPolicy',
        }),
      ],
    },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'cloudkms:GetKeyRingIamPolicy',
  },
  { name: 'a Cloud KMS key whose access was not collected', inventory: { keys: [gcpKey({ access: undefined })] }, outcome: 'unknown', missing: 'access' },
  {
    name: 'a Cloud KMS key whose access was read and admits no workload identity pool',
    inventory: { keys: [gcpKey({ access: [access({ id: 'user:ops@example.com', name: 'ops@example.com', kind: 'user' }, ['use-decrypt'])] })] },
    outcome: 'not-applicable',
  },
]);

describe('enclave-debug-attestation details', () => {
  it('names the principal, the statement and the zeros in the message', () => {
    const k = enclaveKey(statement(attest('StringEqualsIgnoreCase', 'PCR0', ZEROS)));
    const r = runRule(rule, { inventory: { keys: [k] } });
    expect(r.outcome).toBe('fail');
    expect(r.results[0]?.message).toMatch(
      /data-processing can use-decrypt, use-encrypt through key-policy Enable enclave data processing under StringEqualsIgnoreCase kms:RecipientAttestation:PCR0 000…0/,
    );
  });

  it('judges the key as it is now: nothing is remembered from another key or evaluation with the same options', () => {
    const k = enclaveKey(statement(attest('StringEqualsIgnoreCase', 'PCR0', ZEROS)));
    const ctx = { options: rule.options.parse({}) } as Parameters<NonNullable<typeof rule.meta.appliesTo>>[1];
    expect(rule.meta.appliesTo?.(k, ctx)).toBe(true);
    k.access = [access()];
    expect(rule.meta.appliesTo?.(k, ctx)).toBe(false);
  });

  it('judges each operator the way IAM evaluates it against a measurement of zeros', () => {
    const c = (operator: string, values: string[], k = 'kms:RecipientAttestation:PCR0'): AccessCondition => ({ key: k, operator, values });
    expect(judgeCondition(c('StringEquals', [IMAGE]))).toBe('refuses-debug');
    expect(judgeCondition(c('StringEquals', [ZEROS]))).toBe('admits-debug');
    expect(judgeCondition(c('StringLike', ['0*']))).toBe('admits-debug');
    expect(judgeCondition(c('StringLike', ['9fed*']))).toBe('refuses-debug');
    expect(judgeCondition(c('StringNotEquals', [ZEROS]))).toBe('refuses-debug');
    expect(judgeCondition(c('StringNotEquals', [IMAGE]))).toBe('open');
    expect(judgeCondition(c('Null', ['false']))).toBe('open');
    expect(judgeCondition(c('StringEquals', [IMAGE], 'kms:RecipientAttestation:PCR9'))).toBe('undecidable');
  });
});
