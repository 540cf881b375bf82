import rule from '../../../src/rules/scope/key-region-allowed.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const gcp = (region: string | undefined) =>
  key({ id: `projects/p/locations/${region}/keyRings/r/cryptoKeys/k`, provider: 'gcp-kms', account: 'p', region, container: 'r' });

ruleTester(rule, [
  { name: 'a regional key ring', inventory: { keys: [gcp('europe-west1')] }, outcome: 'pass' },
  { name: 'a global key ring', inventory: { keys: [gcp('global')] }, outcome: 'fail', messages: ['denied'] },
  {
    name: 'outside the allowed regions',
    inventory: { keys: [gcp('us-central1')] },
    options: { allowedRegions: ['europe-*'] },
    outcome: 'fail',
    messages: ['notAllowed'],
  },
  { name: 'region not collected', inventory: { keys: [gcp(undefined)] }, outcome: 'unknown', missing: 'region' },
  { name: 'a provider-managed key', inventory: { keys: [key({ managedBy: 'provider', region: 'global' })] }, outcome: 'not-applicable' },
]);
