import rule from '../../../src/rules/exposure/deletion-protected.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'purge protection on', inventory: { keys: [key({ deletion: { protected: true } })] }, outcome: 'pass' },
  { name: 'purge protection off', inventory: { keys: [key({ deletion: { protected: false } })] }, outcome: 'fail', messages: ['unprotected'] },
  {
    name: 'a Cloud KMS key destroyed after less than 7 days: a short window, not purge protection',
    inventory: { keys: [key({ provider: 'gcp-kms', deletion: { protected: false } })] },
    outcome: 'fail',
    messages: ['shortWindow'],
  },
  { name: 'protection not collected', inventory: { keys: [key({ deletion: {} })] }, outcome: 'unknown', missing: 'deletion.protected' },
  { name: 'a provider-managed key', inventory: { keys: [key({ managedBy: 'provider', deletion: { protected: false } })] }, outcome: 'not-applicable' },
]);
