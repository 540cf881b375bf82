import rule from '../../../src/rules/rotation/expiry-date-set.ts';
import { daysAhead, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const azure = (o: Parameters<typeof key>[0] = {}) =>
  key({ id: 'https://kv-prod.vault.azure.net/keys/signing', provider: 'azure-keyvault', container: 'kv-prod', ...o });

ruleTester(rule, [
  { name: 'Azure key with an expiry date', inventory: { keys: [azure({ expiresAt: daysAhead(300) })] }, outcome: 'pass' },
  { name: 'Azure key without an expiry date', inventory: { keys: [azure({ expiresAt: null })] }, outcome: 'fail', messages: ['noExpiry'], severity: 'medium' },
  {
    name: 'a retire-by tag serves where there is no expiry',
    inventory: { keys: [azure({ expiresAt: null, tags: { env: 'prod', 'retire-by': '2027-01-31' } })] },
    outcome: 'pass',
  },
  // Not a pass: the rule did not judge the key (a pass is a claim that it has an end date).
  {
    name: 'AWS keys are judged only when the strict "*" (or aws-kms) is set',
    inventory: { keys: [key({ expiresAt: null })] },
    outcome: 'not-applicable',
  },
  {
    name: 'strict: every provider needs an end date',
    inventory: { keys: [key({ expiresAt: null })] },
    options: { providers: ['*'] },
    outcome: 'fail',
    messages: ['noExpiry'],
  },
  {
    name: 'keys: signing (storm-0558) leaves a data-encryption key without an end date alone',
    inventory: { keys: [key({ expiresAt: null, usage: ['encrypt', 'decrypt'], keyType: 'AES', keySize: 256 })] },
    options: { providers: ['*'], keys: 'signing' },
    outcome: 'not-applicable',
  },
  {
    name: 'borderline: keys: signing still needs an end date on a signing key',
    inventory: { keys: [key({ expiresAt: null })] },
    options: { providers: ['*'], keys: 'signing' },
    outcome: 'fail',
    messages: [{ id: 'noExpiry', data: { scope: 'signing', providers: '*', tag: 'retire-by' } }],
  },
  {
    name: 'keys: signing with usage not collected: unknown, never a pass',
    inventory: { keys: [key({ expiresAt: null, usage: undefined })] },
    options: { providers: ['*'], keys: 'signing' },
    outcome: 'unknown',
    missing: 'usage',
  },
  { name: 'expiry not collected', inventory: { keys: [azure({ expiresAt: undefined })] }, outcome: 'unknown', missing: 'expiresAt' },
  { name: 'disabled key', inventory: { keys: [azure({ state: 'disabled', expiresAt: null })] }, outcome: 'not-applicable' },
  { name: 'provider-managed key', inventory: { keys: [azure({ managedBy: 'provider', expiresAt: null })] }, outcome: 'not-applicable' },
]);
