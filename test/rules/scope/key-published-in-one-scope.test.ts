import rule from '../../../src/rules/scope/key-published-in-one-scope.ts';
import { key } from '../../helpers/fixtures.ts';
import { CONSUMER, ENTERPRISE, fp, published, trust } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const k = key({ fingerprints: fp('consumer-1') });
const enterpriseCopy = published({
  url: `${ENTERPRISE}/keys`,
  issuer: ENTERPRISE,
  labels: { trustDomain: 'enterprise', environment: 'production' },
  trustedBy: [trust(ENTERPRISE, 'enterprise')],
});

ruleTester(rule, [
  { name: 'consumer key published only by the consumer issuer', inventory: { keys: [k], publishedKeys: [published()] }, outcome: 'pass' },
  { name: 'key published nowhere', inventory: { keys: [k] }, outcome: 'pass' },
  {
    name: 'consumer key also trusted by the enterprise issuer (Storm-0558), reported on the inventoried record',
    inventory: { keys: [k], publishedKeys: [published(), enterpriseCopy] },
    outcome: 'fail',
    messages: ['manyIssuers', 'foreignTrustDomain'],
    severity: 'critical',
  },
  {
    name: 'consumer key published only in an enterprise set',
    inventory: { keys: [k], publishedKeys: [enterpriseCopy] },
    outcome: 'fail',
    messages: ['foreignTrustDomain'],
  },
  {
    name: 'unclassified key trusted in two trust domains',
    inventory: { keys: [key({ fingerprints: fp('consumer-1'), tags: {} })], publishedKeys: [published(), enterpriseCopy] },
    outcome: 'fail',
    messages: ['manyIssuers', 'manyTrustDomains'],
  },
  {
    name: 'production key published in a staging set',
    inventory: {
      keys: [k],
      publishedKeys: [published({ labels: { trustDomain: 'consumer', environment: 'staging' }, trustedBy: [trust(CONSUMER, 'consumer', 'staging')] })],
    },
    outcome: 'fail',
    messages: ['foreignEnvironment'],
  },
  { name: 'fingerprints not collected', inventory: { keys: [key()], publishedKeys: [published()] }, outcome: 'unknown', missing: 'fingerprints' },
  {
    name: 'encryption keys are out of scope',
    inventory: { keys: [key({ usage: ['encrypt', 'decrypt'], fingerprints: fp('consumer-1') })] },
    outcome: 'not-applicable',
  },
  {
    name: 'key usage not collected',
    inventory: { keys: [key({ usage: undefined, fingerprints: fp('consumer-1') })], publishedKeys: [published()] },
    outcome: 'unknown',
    missing: 'usage',
  },
]);
