import rule from '../../../src/rules/scope/single-region-key.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'single-Region signing key', inventory: { keys: [key({ multiRegion: false })] }, outcome: 'pass' },
  { name: 'multi-Region signing key', inventory: { keys: [key({ multiRegion: true })] }, outcome: 'fail', messages: ['multiRegion'] },
  {
    name: 'replication approved by tag',
    inventory: { keys: [key({ multiRegion: true, tags: { env: 'prod', 'keyhygiene:multi-region': 'approved' } })] },
    outcome: 'pass',
  },
  {
    name: 'an encryption key is not judged by default',
    inventory: { keys: [key({ multiRegion: true, usage: ['encrypt', 'decrypt'] })] },
    outcome: 'not-applicable',
  },
  {
    name: 'allKeys judges encryption keys',
    inventory: { keys: [key({ multiRegion: true, usage: ['encrypt', 'decrypt'] })] },
    options: { allKeys: true },
    outcome: 'fail',
    messages: ['multiRegion'],
  },
  { name: 'multi-Region flag not collected', inventory: { keys: [key()] }, outcome: 'unknown', missing: 'multiRegion' },
  {
    name: 'Azure keys have no multi-Region variant',
    inventory: { keys: [key({ id: 'https://kv.vault.azure.net/keys/k', provider: 'azure-keyvault', multiRegion: true })] },
    outcome: 'not-applicable',
  },
]);
