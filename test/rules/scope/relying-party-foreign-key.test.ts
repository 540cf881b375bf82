import type { ResolvedPolicy } from '../../../src/policy/resolve.ts';
import type { RelyingParty } from '../../../src/policy/schema.ts';
import rule from '../../../src/rules/scope/relying-party-foreign-key.ts';
import { key } from '../../helpers/fixtures.ts';
import { CONSUMER, ENTERPRISE, fp, published, trust } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

// The multi-tenant "common" endpoint: one set serving consumer and enterprise tokens (2018-2023).
const COMMON = 'https://login.example.com/common/discovery/v2.0/keys';
const shared = {
  url: COMMON,
  issuer: undefined,
  labels: undefined,
  trustedBy: [trust(CONSUMER, 'consumer', 'production', COMMON), trust(ENTERPRISE, 'enterprise', 'production', COMMON)],
};
const consumerKey = (extra = {}) => published({ ...shared, id: `${COMMON}#consumer-1`, labels: { trustDomain: 'consumer' }, ...extra });
const enterpriseKey = () => published({ ...shared, id: `${COMMON}#ent-1`, kid: 'ent-1', fingerprints: fp('ent-1'), labels: { trustDomain: 'enterprise' } });

const mail = (rp: Partial<RelyingParty> = {}): Partial<Pick<ResolvedPolicy, 'relyingParties'>> => ({
  relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [COMMON], validatesIssuer: false, ...rp } as RelyingParty },
});

ruleTester(rule, [
  {
    // Storm-0558: enterprise mail trusting the common endpoint without validating the issuer.
    name: 'an enterprise relying party that does not validate the issuer accepts a consumer key',
    inventory: { publishedKeys: [consumerKey()] },
    policy: mail(),
    outcome: 'fail',
    messages: [{ id: 'accepts', data: { party: 'enterprise-mail', ours: 'enterprise', theirs: 'consumer' } }],
    severity: 'critical',
  },
  {
    name: 'validating the issuer is not enough when the key carries no per-key issuer binding',
    inventory: { publishedKeys: [consumerKey()] },
    policy: mail({ validatesIssuer: true, allowedIssuers: [ENTERPRISE] }),
    outcome: 'fail',
    messages: ['accepts'],
  },
  {
    name: 'a consumer key bound to the consumer issuer, checked by a party that validates the issuer: refused',
    inventory: { publishedKeys: [consumerKey({ keyIssuer: CONSUMER })] },
    policy: mail({ validatesIssuer: true, allowedIssuers: [ENTERPRISE] }),
    outcome: 'pass',
  },
  {
    // The good enterprise key in the shared endpoint is what the endpoint is meant to serve: no finding on it.
    name: 'an enterprise key of the common endpoint, for an enterprise party',
    inventory: { publishedKeys: [enterpriseKey()] },
    policy: mail(),
    outcome: 'pass',
  },
  {
    name: 'the trust domain of the key comes from the inventoried key with the same public key',
    inventory: {
      publishedKeys: [consumerKey({ labels: undefined, trustedBy: [trust(CONSUMER, undefined, 'production', COMMON)] })],
      keys: [key({ fingerprints: fp('consumer-1') })],
    },
    policy: { ...mail(), trustDomains: { consumer: { match: [{ tags: { env: 'prod' } }] }, enterprise: { match: [{ accounts: ['222222222222'] }] } } },
    outcome: 'fail',
    messages: [{ id: 'accepts', data: { theirs: 'consumer' } }],
  },
  {
    name: 'a key whose trust domain nothing declares: unknown, never a pass',
    inventory: { publishedKeys: [consumerKey({ labels: undefined, trustedBy: [trust(CONSUMER, undefined, 'production', COMMON)] })] },
    policy: { ...mail(), trustDomains: {} },
    outcome: 'unknown',
    because: /matches no trust domain of the policy/,
  },
  {
    name: 'no relying party trusts the set',
    inventory: { publishedKeys: [consumerKey()] },
    policy: mail({ trusts: ['https://other.example.com/keys'] }),
    outcome: 'not-applicable',
  },
  {
    name: 'a relying party may name the issuer instead of the key set (globs allowed)',
    inventory: { publishedKeys: [consumerKey()] },
    policy: mail({ trusts: ['https://login.example.com/*/v2.0'] }),
    outcome: 'fail',
    messages: ['accepts'],
  },
]);
