import rule from '../../../src/rules/exposure/no-public-network-access.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const vaultKey = (o: Parameters<typeof key>[0] = {}) =>
  key({ id: 'https://kv-prod.vault.azure.net/keys/signing', provider: 'azure-keyvault', container: 'kv-prod', ...o });

ruleTester(rule, [
  { name: 'public network access disabled', inventory: { keys: [vaultKey({ network: { publicAccess: false, privateEndpoint: true } })] }, outcome: 'pass' },
  { name: 'vault open to the internet', inventory: { keys: [vaultKey({ network: { publicAccess: true } })] }, outcome: 'fail', messages: ['public'] },
  {
    name: 'private endpoint required by option',
    inventory: { keys: [vaultKey({ network: { publicAccess: false, privateEndpoint: false } })] },
    options: { requirePrivateEndpoint: true },
    outcome: 'fail',
    messages: ['noPrivateEndpoint'],
  },
  { name: 'network settings not collected', inventory: { keys: [vaultKey()] }, outcome: 'unknown', missing: 'network.publicAccess' },
  { name: 'a provider-managed key', inventory: { keys: [vaultKey({ managedBy: 'provider', network: { publicAccess: true } })] }, outcome: 'not-applicable' },
  { name: 'an AWS KMS key has no per-key network boundary', inventory: { keys: [key({ network: { publicAccess: true } })] }, outcome: 'not-applicable' },
  {
    name: 'other providers by option',
    inventory: { keys: [key({ network: { publicAccess: true } })] },
    options: { providers: ['aws-kms'] },
    outcome: 'fail',
    messages: ['public'],
  },
]);
