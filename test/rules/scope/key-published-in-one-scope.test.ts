import rule from '../../../src/rules/scope/key-published-in-one-scope.ts';
import { key } from '../../helpers/fixtures.ts';
import { CONSUMER, ENTERPRISE, fp, published, trust, unreadSet } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const k = key({ fingerprints: fp('consumer-1') });
const enterpriseCopy = published({
  url: `${ENTERPRISE}/keys`,
  issuer: ENTERPRISE,
  labels: { trustDomain: 'enterprise', environment: 'production' },
  trustedBy: [trust(ENTERPRISE, 'enterprise')],
});

// The multi-tenant "common" endpoint: trusted by the consumer and the enterprise issuer.
const COMMON = 'https://login.example.com/common/discovery/v2.0/keys';
const goodEnterprise = key({ fingerprints: fp('ent-1'), tags: { env: 'prod', 'trust-domain': 'enterprise' } });
const inCommon = (serves?: string[]) =>
  published({
    url: COMMON,
    id: `${COMMON}#ent-1`,
    kid: 'ent-1',
    fingerprints: fp('ent-1'),
    issuer: undefined,
    labels: undefined,
    trustedBy: [trust(CONSUMER, 'consumer', 'production', COMMON), trust(ENTERPRISE, 'enterprise', 'production', COMMON)].map((t) =>
      serves ? { ...t, serves } : t,
    ),
  });

ruleTester(rule, [
  {
    // Issue 14: the finding belongs to the endpoint (shared-endpoint-issuer-validation), not to a key it is meant to serve.
    name: 'a good enterprise key in a common endpoint that declares it serves consumer and enterprise',
    inventory: { keys: [goodEnterprise], publishedKeys: [inCommon(['consumer', 'enterprise'])] },
    outcome: 'pass',
  },
  {
    name: 'borderline: the same endpoint without `serves:` publishes the enterprise key to the consumer issuer',
    inventory: { keys: [goodEnterprise], publishedKeys: [inCommon()] },
    outcome: 'fail',
    messages: ['manyIssuers', { id: 'foreignTrustDomain', data: { ours: 'enterprise', theirs: 'consumer' } }],
  },
  {
    name: 'borderline: an endpoint that declares it serves only the consumer domain does not cover an enterprise key',
    inventory: { keys: [goodEnterprise], publishedKeys: [inCommon(['consumer'])] },
    outcome: 'fail',
    messages: ['manyIssuers', 'foreignTrustDomain'],
  },
  {
    name: 'a served endpoint does not excuse a copy of the key in a consumer-only set',
    inventory: {
      keys: [goodEnterprise],
      publishedKeys: [inCommon(['consumer', 'enterprise']), published({ id: `${CONSUMER}/keys#ent-1`, kid: 'ent-1', fingerprints: fp('ent-1') })],
    },
    outcome: 'fail',
    messages: ['manyIssuers', { id: 'foreignTrustDomain', data: { theirs: 'consumer' } }],
  },
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
  {
    name: 'published in its own scope, while another key set could not be read',
    inventory: { keys: [k], publishedKeys: [published()], gaps: [unreadSet()] },
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    name: 'in no set that was read, while another key set could not be read',
    inventory: { keys: [k], gaps: [unreadSet()] },
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    name: 'production key in a staging set fails whatever an unread set holds',
    inventory: {
      keys: [k],
      publishedKeys: [published({ labels: { trustDomain: 'consumer', environment: 'staging' }, trustedBy: [trust(CONSUMER, 'consumer', 'staging')] })],
      gaps: [unreadSet()],
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
