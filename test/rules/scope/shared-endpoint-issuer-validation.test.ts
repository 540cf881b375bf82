import { describe, expect, it } from 'vitest';
import type { PublishedKey } from '../../../src/model/published-key.ts';
import type { ResolvedPolicy } from '../../../src/policy/resolve.ts';
import type { RelyingParty } from '../../../src/policy/schema.ts';
import rule from '../../../src/rules/scope/shared-endpoint-issuer-validation.ts';
import { CONSUMER, ENTERPRISE, fp, published, trust } from '../../helpers/published-keys.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

// The multi-tenant "common" endpoint of 2018-2023: one set serving consumer and enterprise tokens.
const COMMON = 'https://login.example.com/common/discovery/v2.0/keys';
// Microsoft's common discovery names one templated issuer for every tenant, consumer included.
const TEMPLATED = 'https://login.example.com/{tenantid}/v2.0';

const both = [trust(CONSUMER, 'consumer', 'production', COMMON), trust(ENTERPRISE, 'enterprise', 'production', COMMON)];
/** The good enterprise key the common endpoint is meant to serve. */
const enterpriseKey = (extra: Partial<PublishedKey> = {}) =>
  published({ url: COMMON, id: `${COMMON}#ent-1`, kid: 'ent-1', fingerprints: fp('ent-1'), issuer: undefined, labels: undefined, trustedBy: both, ...extra });

const mail = (rp: Partial<RelyingParty> = {}): Partial<Pick<ResolvedPolicy, 'relyingParties'>> => ({
  relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [COMMON], validatesIssuer: false, ...rp } as RelyingParty },
});
const validating = mail({ validatesIssuer: true, allowedIssuers: [ENTERPRISE] });

ruleTester(rule, [
  {
    // Storm-0558: enterprise mail trusting the common endpoint without validating the issuer.
    name: 'an enterprise party trusts a consumer+enterprise endpoint without validating the issuer (even its own good key is exposed)',
    inventory: { publishedKeys: [enterpriseKey()] },
    policy: mail(),
    outcome: 'fail',
    messages: [
      {
        id: 'unvalidated',
        data: {
          endpoint: COMMON,
          party: 'enterprise-mail',
          ours: 'enterprise',
          count: 2,
          domains: 'consumer, enterprise',
          from: 'the trust domains of the issuers trusting it',
        },
      },
    ],
    severity: 'critical',
  },
  {
    name: 'borderline: the party validates `iss` but the key carries no per-key issuer binding',
    inventory: { publishedKeys: [enterpriseKey()] },
    policy: validating,
    outcome: 'fail',
    messages: ['unvalidated'],
  },
  {
    name: 'the party validates the issuer and the key is bound to its issuer',
    inventory: { publishedKeys: [enterpriseKey({ keyIssuer: ENTERPRISE })] },
    policy: validating,
    outcome: 'pass',
  },
  {
    name: 'borderline: an endpoint serving one trust domain (two issuers of it) is not multi-domain',
    inventory: {
      publishedKeys: [
        enterpriseKey({ trustedBy: [trust(ENTERPRISE, 'enterprise', 'production', COMMON), trust(`${ENTERPRISE}/b`, 'enterprise', 'production', COMMON)] }),
      ],
    },
    policy: mail(),
    outcome: 'pass',
  },
  {
    // The templated issuer matches no trust domain, but the endpoint declares what it serves.
    name: 'a declared `serves:` makes a one-issuer endpoint multi-domain',
    inventory: {
      publishedKeys: [enterpriseKey({ trustedBy: [{ ...trust(TEMPLATED, undefined, 'production', COMMON), serves: ['consumer', 'enterprise'] }] })],
    },
    policy: mail({ trusts: [COMMON] }),
    outcome: 'fail',
    messages: [{ id: 'unvalidated', data: { from: 'declared serves: [consumer, enterprise]', count: 2 } }],
  },
  {
    name: 'an endpoint whose only issuer matches no trust domain: unknown, it may serve several',
    inventory: { publishedKeys: [enterpriseKey({ trustedBy: [trust(TEMPLATED, undefined, 'production', COMMON)] })] },
    policy: mail(),
    outcome: 'unknown',
    because: /matches no trust domain of the policy/,
  },
  {
    name: 'no relying party trusts the endpoint',
    inventory: { publishedKeys: [enterpriseKey()] },
    policy: mail({ trusts: ['https://other.example.com/keys'] }),
    outcome: 'not-applicable',
  },
]);

describe('shared-endpoint-issuer-validation root cause', () => {
  it('is the endpoint: every key of the common endpoint fails as one problem per relying party', () => {
    // runRule judges the first published key; the second run judges the other key of the same endpoint.
    const consumer = enterpriseKey({ id: `${COMMON}#consumer-1`, kid: 'consumer-1', fingerprints: fp('consumer-1') });
    const { results } = runRule(rule, { inventory: { publishedKeys: [enterpriseKey(), consumer] }, policy: mail() });
    expect(results.map((r) => r.rootCause?.resource)).toEqual([{ kind: 'endpoint', id: COMMON }]);
    const other = runRule(rule, { inventory: { publishedKeys: [consumer, enterpriseKey()] }, policy: mail() }).results;
    expect(other[0]?.rootCause?.id).toBe(results[0]?.rootCause?.id);
    expect(results[0]?.message).toContain('Limit: a party that trusts a multi-domain endpoint validates the issuer');
    expect(results[0]?.message).toContain('observed: validatesIssuer: false');
  });
});
