import rule from '../../../src/rules/exposure/known-compromised-key.ts';
import { published } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const storm = { id: 'storm-0558-msa-2016', matchedOn: 'x5t' as const, source: 'built-in' };

ruleTester(rule, [
  { name: 'no indicator matched', inventory: { publishedKeys: [published()] }, outcome: 'pass' },
  {
    name: 'the Storm-0558 key still in a vendored key set',
    inventory: { publishedKeys: [published({ kid: '1LTMzakihiRla_8z2BEJVXeWMqo', knownCompromised: [storm] })] },
    outcome: 'fail',
    messages: ['compromised'],
    severity: 'critical',
  },
  {
    name: 'two feeds match the same key: one finding each',
    inventory: {
      publishedKeys: [published({ knownCompromised: [storm, { id: 'internal-2025-01', matchedOn: 'spkiSha256', source: 'feeds/internal.yaml' }] })],
    },
    outcome: 'fail',
    messages: ['compromised', 'compromised'],
  },
  {
    name: 'collected without a feed check',
    inventory: { publishedKeys: [published({ knownCompromised: undefined })] },
    outcome: 'unknown',
    missing: 'knownCompromised',
  },
  {
    name: 'our own revocation list is excepted',
    inventory: { publishedKeys: [published({ url: 'revoked/keys.json', knownCompromised: [storm] })] },
    options: { exceptUrls: ['revoked/*'] },
    outcome: 'not-applicable',
  },
]);
