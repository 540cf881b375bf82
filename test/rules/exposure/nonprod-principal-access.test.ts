import type { AccessEntry } from '../../../src/model/access-entry.ts';
import type { KeyRecord } from '../../../src/model/key-record.ts';
import rule from '../../../src/rules/exposure/nonprod-principal-access.ts';
import { ACCOUNT, access, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const debugUser = (caps: AccessEntry['capabilities'] = ['use-sign']) =>
  access({ kind: 'user', id: 'arn:aws:iam::333333333333:user/dev', name: 'dev', account: '333333333333' }, caps);
const ciRole = (caps: AccessEntry['capabilities'] = ['administer']) =>
  access({ id: 'arn:aws:iam::444444444444:role/ci-deploy', name: 'ci-deploy', account: '444444444444' }, caps);
const stranger = (caps: AccessEntry['capabilities'] = ['use-sign']) =>
  access({ kind: 'role', id: 'arn:aws:iam::555555555555:role/stranger', name: 'stranger', account: '555555555555' }, caps);
/** A debug principal's decrypt behind Nitro Enclave attestation conditions (IAM-derived: kept undecided by the access evaluator). */
const IMAGE = 'ab'.repeat(48);
const attested = (operator: string, value: string) => ({
  ...debugUser(['use-decrypt']),
  undecided: [{ key: 'kms:RecipientAttestation:ImageSha384', operator, values: [value] }],
});
/** A debug principal's decrypt through a Confidential Space pool whose condition pins CONFIDENTIAL_SPACE and `pins`. */
const spaceEntry = (pins: AccessEntry['conditions'] = []): AccessEntry => ({
  ...debugUser(['use-decrypt']),
  conditions: [
    { key: 'iam.googleapis.com/workloadIdentityPoolProvider.issuer', operator: 'StringEquals', values: ['https://confidentialcomputing.googleapis.com/'] },
    { key: 'assertion.swname', operator: 'StringEquals', values: ['CONFIDENTIAL_SPACE'] },
    ...(pins ?? []),
  ],
});
const dataKey = (overrides: Partial<KeyRecord> = {}): KeyRecord =>
  key({ usage: ['encrypt', 'decrypt'], keyType: 'AES', keySize: 256, tags: { env: 'prod', 'key-class': 'data-encryption' }, ...overrides });

ruleTester(rule, [
  {
    // Issue 15: the plaintext goes only to the attested production enclave image, not to the principal.
    name: 'attestation-gated decrypt pinned to a non-zero image measurement does not count',
    inventory: { keys: [dataKey({ access: [access(), attested('StringEqualsIgnoreCase', IMAGE)] })] },
    outcome: 'pass',
  },
  {
    name: 'attestation conditions that admit a debug-mode enclave (zeros) leave a decided access: fail',
    inventory: { keys: [dataKey({ access: [access(), attested('StringEqualsIgnoreCase', '0'.repeat(96))] })] },
    outcome: 'fail',
    messages: ['reachable'],
  },
  {
    name: 'an attestation operator the evaluator cannot read stays undecided: unknown',
    inventory: { keys: [dataKey({ access: [access(), attested('NumericEquals', '1')] })] },
    outcome: 'unknown',
    because: /NumericEquals kms:RecipientAttestation:ImageSha384/,
  },
  {
    name: 'a Confidential Space pool pinned to the production image and a workload digest does not count',
    inventory: {
      keys: [
        dataKey({
          access: [
            access(),
            spaceEntry([
              { key: 'assertion.dbgstat', operator: 'StringEquals', values: ['disabled-since-boot'] },
              { key: 'assertion.submods.container.image_digest', operator: 'StringEquals', values: ['sha256:abc'] },
            ]),
          ],
        }),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'a Confidential Space pool that admits the debug image counts as its principal',
    inventory: { keys: [dataKey({ access: [access(), spaceEntry([])] })] },
    outcome: 'fail',
    messages: ['reachable'],
  },
  { name: 'production key used by production principals only', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'debug principal that can only verify or read',
    inventory: { keys: [key({ access: [access(), debugUser(['use-verify', 'read'])] })] },
    outcome: 'pass',
  },
  {
    name: 'CI principal allowed when only debug is untrusted',
    inventory: { keys: [key({ access: [access(), ciRole()] })] },
    options: { untrustedKinds: ['debug'] },
    outcome: 'pass',
  },
  {
    // Storm-0558: a debugging environment that could reach the production signing key.
    name: 'debug principal can sign with a production signing key: critical',
    inventory: { keys: [key({ access: [access(), debugUser()] })] },
    outcome: 'fail',
    messages: ['reachable'],
    severity: 'critical',
  },
  {
    name: 'CI principal that administers a production key: high, not escalated',
    inventory: { keys: [key({ access: [access(), ciRole()] })] },
    outcome: 'fail',
    messages: ['reachable'],
    severity: 'high',
  },
  {
    name: 'debug principal can decrypt with a production data key',
    inventory: { keys: [dataKey({ access: [access(), debugUser(['use-decrypt'])] })] },
    outcome: 'fail',
    messages: ['reachable'],
    severity: 'high',
  },
  {
    name: 'one finding per untrusted principal',
    inventory: { keys: [key({ access: [access(), debugUser(), ciRole()] })] },
    outcome: 'fail',
    messages: ['reachable', 'reachable'],
  },
  {
    name: 'the same principal through a key policy and a grant is one finding',
    inventory: { keys: [key({ access: [access(), debugUser(['read']), { ...debugUser(['use-sign']), source: 'grant', sourceId: 'g-1' }] })] },
    outcome: 'fail',
    messages: ['reachable'],
    severity: 'critical',
  },
  { name: 'access not collected', inventory: { keys: [key({ access: undefined })] }, outcome: 'unknown', missing: 'access' },
  {
    name: 'access hidden by a collection gap',
    inventory: { keys: [key({ access: undefined })], gaps: [gap({ scope: { account: ACCOUNT } })] },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'kms:ListGrants',
  },
  {
    // The key policy was read and names a debug user; IAM behind its delegation was not: a fact, not a guess.
    name: 'a debug principal read alongside a gap on the rest of access: fail, not unknown',
    inventory: { keys: [key({ access: [access(), debugUser()] })], gaps: [gap()] },
    outcome: 'fail',
    messages: ['reachable'],
  },
  {
    name: 'trusted principals read alongside a gap on the rest of access: unknown, never pass',
    inventory: { keys: [key({ access: [access()] })], gaps: [gap()] },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'kms:ListGrants',
  },
  {
    name: 'key of the debug environment',
    inventory: { keys: [key({ tags: { env: 'debug', 'trust-domain': 'consumer' }, access: [debugUser()] })] },
    outcome: 'not-applicable',
  },
  { name: 'key of no environment', inventory: { keys: [key({ tags: {}, access: [debugUser()] })] }, outcome: 'not-applicable' },
  {
    // A principal no environment names could be a debug identity: a pass would be a guess.
    name: 'a principal of no environment can sign with the production key',
    inventory: { keys: [key({ access: [access(), stranger()] })] },
    outcome: 'unknown',
    because: /stranger matches no environment of the policy.*unclassified:/,
  },
  {
    // The unplaced principal makes a pass impossible, not the debug user's access possible: it fails.
    name: 'a principal of no environment does not hide a debug principal listed after it',
    inventory: { keys: [key({ access: [access(), stranger(), debugUser()] })] },
    outcome: 'fail',
    messages: [{ id: 'reachable', data: { principal: 'dev', environment: 'debug' } }],
  },
  {
    name: 'unclassified: ignore leaves principals of no environment out',
    inventory: { keys: [key({ access: [access(), stranger()] })] },
    policy: { unclassified: 'ignore' },
    outcome: 'pass',
  },
  {
    name: 'unclassified: { environment: debug } judges such a principal as debug',
    inventory: { keys: [key({ access: [access(), stranger()] })] },
    policy: { unclassified: { environment: 'debug' } },
    outcome: 'fail',
    messages: [{ id: 'reachable', data: { principal: 'stranger', environment: 'debug' } }],
  },
  {
    name: 'a principal of no environment that can only read the key does not matter',
    inventory: { keys: [key({ access: [access(), stranger(['read'])] })] },
    outcome: 'pass',
  },
  {
    name: 'cloud service principals act for the key owner',
    inventory: { keys: [key({ access: [access(), access({ kind: 'service', id: 'logs.amazonaws.com', account: undefined })] })] },
    outcome: 'pass',
  },
]);
