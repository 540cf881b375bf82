import rule from '../../../src/rules/coverage/published-key-inventoried.ts';
import { gap, key } from '../../helpers/fixtures.ts';
import { fp, published } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const owner = key({ fingerprints: fp('consumer-1') });

ruleTester(rule, [
  { name: 'published key matches its inventoried KMS key', inventory: { publishedKeys: [published()], keys: [owner] }, outcome: 'pass' },
  { name: 'shadow key: trusted, owned by nobody', inventory: { publishedKeys: [published()], keys: [key({ fingerprints: fp('other') })] }, outcome: 'fail', messages: ['shadow'], severity: 'high' },
  {
    name: 'one public key behind two inventoried records',
    inventory: { publishedKeys: [published()], keys: [owner, key({ id: 'https://vault.example.net/keys/copy', provider: 'azure-keyvault', fingerprints: fp('consumer-1') })] },
    outcome: 'fail',
    messages: ['severalOwners'],
  },
  { name: 'no key inventory collected at all', inventory: { publishedKeys: [published()] }, outcome: 'unknown', missing: 'inventory.keys (no key provider or snapshot in this audit)' },
  {
    name: 'a key provider could not read every key',
    inventory: { publishedKeys: [published()], keys: [key({ fingerprints: fp('other') })], gaps: [gap({ affects: undefined, operation: 'kms:ListKeys' })] },
    outcome: 'unknown',
    missing: 'inventory.keys (kms:ListKeys failed: AccessDenied)',
  },
  { name: 'third-party issuer (e.g. Google) is not ours to inventory', inventory: { publishedKeys: [published()], keys: [owner] }, options: { thirdPartyIssuers: ['https://login.example.com/*'] }, outcome: 'not-applicable' },
]);
