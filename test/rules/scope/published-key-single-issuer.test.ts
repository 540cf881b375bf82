import rule from '../../../src/rules/scope/published-key-single-issuer.ts';
import { key } from '../../helpers/fixtures.ts';
import { CONSUMER, ENTERPRISE, fp, published, trust, unreadSet } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const shared = fp('shared');
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
    // Issue 14: a key the common endpoint is meant to serve; the endpoint itself is judged by shared-endpoint-issuer-validation.
    name: 'an enterprise key in a common endpoint that declares it serves consumer and enterprise',
    inventory: { publishedKeys: [inCommon(['consumer', 'enterprise'])], keys: [goodEnterprise] },
    outcome: 'pass',
  },
  {
    name: 'borderline: the same endpoint without `serves:`',
    inventory: { publishedKeys: [inCommon()], keys: [goodEnterprise] },
    outcome: 'fail',
    messages: ['manyIssuers', { id: 'manyTrustDomains', data: { domains: 'consumer, enterprise' } }],
  },
  { name: 'key published by one issuer in one trust domain', inventory: { publishedKeys: [published()] }, outcome: 'pass' },
  {
    name: 'one issuer among the sets read, while another key set could not be read',
    inventory: { publishedKeys: [published()], gaps: [unreadSet()] },
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    name: 'the same key in the consumer and the enterprise issuer sets (Storm-0558)',
    inventory: {
      publishedKeys: [
        published({ fingerprints: shared }),
        published({
          url: `${ENTERPRISE}/keys`,
          issuer: ENTERPRISE,
          labels: { trustDomain: 'enterprise', environment: 'production' },
          trustedBy: [trust(ENTERPRISE, 'enterprise')],
          fingerprints: shared,
        }),
      ],
    },
    outcome: 'fail',
    messages: ['manyIssuers', 'manyTrustDomains'],
    severity: 'critical',
  },
  {
    name: 'a common set trusted by both issuers without per-key binding',
    inventory: {
      publishedKeys: [published({ issuer: undefined, labels: undefined, trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] })],
    },
    outcome: 'fail',
    messages: ['manyIssuers', 'manyTrustDomains'],
  },
  {
    name: 'a common set, but the key is bound to the consumer issuer',
    inventory: {
      publishedKeys: [
        published({ issuer: undefined, labels: undefined, keyIssuer: CONSUMER, trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] }),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'one issuer, but the inventoried key belongs to the enterprise trust domain',
    inventory: { publishedKeys: [published()], keys: [key({ fingerprints: fp('consumer-1'), tags: { env: 'prod', 'trust-domain': 'enterprise' } })] },
    outcome: 'fail',
    messages: ['manyTrustDomains'],
  },
  {
    name: 'the same key in a production and a staging set of one issuer',
    inventory: {
      publishedKeys: [
        published({ fingerprints: shared }),
        published({
          url: `${CONSUMER}/staging-keys`,
          labels: { trustDomain: 'consumer', environment: 'staging' },
          trustedBy: [trust(CONSUMER, 'consumer', 'staging')],
          fingerprints: shared,
        }),
      ],
    },
    outcome: 'fail',
    messages: ['manyEnvironments'],
  },
  {
    name: 'environments may be ignored by option',
    inventory: {
      publishedKeys: [
        published({ fingerprints: shared }),
        published({
          url: `${CONSUMER}/staging-keys`,
          labels: { trustDomain: 'consumer', environment: 'staging' },
          trustedBy: [trust(CONSUMER, 'consumer', 'staging')],
          fingerprints: shared,
        }),
      ],
    },
    options: { checkEnvironments: false },
    outcome: 'pass',
  },
  {
    name: 'key material could not be read: no fingerprint',
    inventory: { publishedKeys: [published({ fingerprints: {} })] },
    outcome: 'unknown',
    missing: 'fingerprints.spkiSha256 | fingerprints.jwkThumbprint',
  },
  { name: 'encryption keys are out of scope', inventory: { publishedKeys: [published({ use: 'enc' })] }, outcome: 'not-applicable' },
]);
