import rule from '../../../src/rules/scope/shared-key-set-issuer-binding.ts';
import { CONSUMER, ENTERPRISE, published, trust } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const common = { issuer: undefined, labels: undefined, trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] };
const TEMPLATE = 'https://login.example.com/{tenantid}/v2.0';

ruleTester(rule, [
  { name: 'key of a shared set bound to the consumer issuer', inventory: { publishedKeys: [published({ ...common, keyIssuer: CONSUMER })] }, outcome: 'pass' },
  {
    name: 'templated binding matches the multi-tenant issuer',
    inventory: {
      publishedKeys: [published({ ...common, trustedBy: [trust(CONSUMER), trust(TEMPLATE)], keyIssuer: 'https://login.example.com/{tenantid}/v2.0' })],
    },
    outcome: 'pass',
  },
  {
    name: 'shared set, key without binding (the common endpoint of 2018-2023)',
    inventory: { publishedKeys: [published(common)] },
    outcome: 'fail',
    messages: ['unbound'],
    severity: 'critical',
  },
  {
    name: 'binding names an issuer that trusts no part of the set',
    inventory: { publishedKeys: [published({ ...common, keyIssuer: 'https://other.example.com' })] },
    outcome: 'fail',
    messages: ['foreignBinding'],
  },
  { name: 'snapshot without trust data', inventory: { publishedKeys: [published({ trustedBy: undefined })] }, outcome: 'unknown', missing: 'trustedBy' },
  { name: 'set trusted by one issuer only', inventory: { publishedKeys: [published()] }, outcome: 'not-applicable' },
]);
