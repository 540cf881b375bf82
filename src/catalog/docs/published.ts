import type { PublishedKey } from '../../model/published-key.ts';
import type { RuleDocs } from '../types.ts';

const CONSUMER = 'https://login.example.com/consumers/v2.0';
const ENTERPRISE = 'https://login.example.com/organizations/v2.0';
const trust = (issuer: string, trustDomain: string) => ({
  via: 'discovery' as const,
  issuer,
  discoveryUrl: `${issuer}/.well-known/openid-configuration`,
  jwksUri: `${issuer}/keys`,
  labels: { trustDomain, environment: 'production' },
});
/** The same key published by the enterprise issuer too (Storm-0558's common endpoint). */
const enterpriseCopy: Partial<PublishedKey> = {
  id: `${ENTERPRISE}/keys#consumer-1`,
  url: `${ENTERPRISE}/keys`,
  issuer: ENTERPRISE,
  labels: { trustDomain: 'enterprise', environment: 'production' },
  trustedBy: [trust(ENTERPRISE, 'enterprise')],
};
const JWKS_FIX = {
  cli: 'Fix the key set at its source (the IdP or the service that serialises it), then re-run `keyhygiene audit`; check a live set with `curl -s JWKS_URI | jq .keys`',
  terraform: 'Not a cloud resource: the key set is served by your IdP or application.',
  console: 'In the IdP admin console, remove or replace the key; rotate signing keys through the IdP, not by editing the set.',
};

export const PUBLISHED_DOCS: Record<string, RuleDocs> = {
  'key-published-in-one-scope': {
    remediation: { ...JWKS_FIX, console: "Publish the key only in its own issuer's key set; give the other issuer its own key." },
    examples: [
      { title: 'published by its own consumer issuer', outcome: 'pass', published: {} },
      { title: 'the consumer key is trusted by the enterprise issuer (Storm-0558)', outcome: 'fail', published: enterpriseCopy },
    ],
  },
  'key-set-structure': {
    remediation: JWKS_FIX,
    examples: [
      { title: 'a well-formed set', outcome: 'pass' },
      {
        title: 'the certificate expired in 2021 but the key is still listed (Storm-0558)',
        outcome: 'fail',
        published: {
          certificates: [
            { subject: 'CN=Live ID STS Signing Public Key', notBefore: '2016-04-05T00:00:00Z', notAfter: '2021-04-04T00:00:00Z', matchesKey: true },
          ],
        },
      },
    ],
  },
  'known-compromised-key': {
    remediation: {
      ...JWKS_FIX,
      console: 'Remove the key from every trust store, cache, pinned-key list and vendored key set; rotate whatever it signed for.',
    },
    examples: [
      { title: 'no indicator matches', outcome: 'pass' },
      {
        title: 'the Storm-0558 MSA key is still trusted',
        outcome: 'fail',
        published: { knownCompromised: [{ id: 'storm-0558-msa-2016', matchedOn: 'x5t', source: 'built-in' }] },
      },
    ],
  },
  'published-key-inventoried': {
    remediation: {
      ...JWKS_FIX,
      console: "Find the key's owner and add it to an inventoried key store (or declare the issuer as third party in the rule options).",
    },
    examples: [
      { title: 'the published key is the inventoried key', outcome: 'pass', key: {} },
      {
        title: 'a shadow key nobody inventoried',
        outcome: 'fail',
        key: {
          fingerprints: {
            spkiSha256: '0000000000000000000000000000000000000000000000000000000000000001',
            jwkThumbprint: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          },
        },
      },
    ],
  },
  'published-key-private-members': {
    remediation: { ...JWKS_FIX, console: 'Serialise only the public projection of the key; treat the exposed key as compromised and rotate it now.' },
    examples: [
      { title: 'public members only', outcome: 'pass' },
      { title: 'the set publishes d, p and q', outcome: 'fail', published: { privateMembers: ['d', 'p', 'q'] } },
    ],
  },
  'published-key-single-issuer': {
    remediation: { ...JWKS_FIX, console: 'Give each issuer its own signing key; remove the shared key from all but one set.' },
    examples: [
      { title: 'one issuer', outcome: 'pass' },
      { title: 'the same key under the consumer and the enterprise issuer', outcome: 'fail', alsoPublished: [enterpriseCopy] },
    ],
  },
  'published-key-strength': {
    remediation: { ...JWKS_FIX, console: 'Rotate to an RSA-3072 or P-256 key through the IdP.' },
    examples: [
      { title: 'RSA-3072, RS256', outcome: 'pass' },
      { title: 'RSA-1024', outcome: 'fail', published: { keySize: 1024 } },
    ],
  },
  'retired-key-still-published': {
    remediation: {
      cli: 'Remove the key from the IdP key set, or re-enable it if it must still verify tokens: `aws kms enable-key --key-id KEY`',
      terraform: 'Drop the key from the IdP configuration that publishes it',
      console: 'In the IdP, unpublish the retired key once no valid token signed by it remains.',
    },
    examples: [
      { title: 'an enabled key, published', outcome: 'pass', published: {} },
      { title: 'a disabled key still published', outcome: 'fail', key: { state: 'disabled' }, published: {} },
    ],
  },
  'relying-party-foreign-key': {
    remediation: {
      cli: "In the relying party's token validation settings (e.g. `TokenValidationParameters.ValidateIssuer = true` with `ValidIssuers`, and an issuer-to-key check for multi-tenant sets), then re-run `keyhygiene audit`",
      terraform: "Not a cloud resource: the validation lives in the relying party's code or configuration.",
      console:
        "Configure the relying party to validate `iss` against its own issuers and the key's `issuer` binding, or point it at its own domain's key set; then declare it `validatesIssuer: true` with `allowedIssuers` in the policy.",
    },
    examples: [
      {
        title: 'an enterprise relying party that validates the issuer; the consumer key is bound to the consumer issuer',
        outcome: 'pass',
        published: { keyIssuer: CONSUMER, trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] },
        relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [`${CONSUMER}/keys`], validatesIssuer: true, allowedIssuers: [ENTERPRISE] } },
      },
      {
        title: 'enterprise mail trusts the common set and does not validate the issuer (Storm-0558)',
        outcome: 'fail',
        published: { trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] },
        relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [`${CONSUMER}/keys`], validatesIssuer: false } },
      },
    ],
  },
  'shared-endpoint-issuer-validation': {
    remediation: {
      cli: "In the relying party's token validation settings (e.g. `TokenValidationParameters.ValidateIssuer = true` with `ValidIssuers`, plus an issuer-to-key check), then re-run `keyhygiene audit`",
      terraform: "Not a cloud resource: the validation lives in the relying party's code or configuration; the per-key `issuer` lives in the IdP's key set.",
      console:
        "Make the relying party validate the issuer against each key's `issuer` binding and publish that binding on every key of the shared endpoint, or point the party at its own domain's key set; then declare `validatesIssuer: true` with `allowedIssuers`.",
    },
    examples: [
      {
        title: 'an enterprise relying party that validates the issuer; the key of the common set is bound to its issuer',
        outcome: 'pass',
        published: { keyIssuer: CONSUMER, trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] },
        relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [`${CONSUMER}/keys`], validatesIssuer: true, allowedIssuers: [ENTERPRISE] } },
      },
      {
        title: 'enterprise mail trusts the common endpoint (consumer and enterprise) and does not validate the issuer (Storm-0558)',
        outcome: 'fail',
        published: { trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] },
        relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [`${CONSUMER}/keys`], validatesIssuer: false } },
      },
    ],
  },
  'shared-key-set-issuer-binding': {
    remediation: { ...JWKS_FIX, console: 'Give every key in a shared (common) set an `issuer` member naming the one issuer it signs for, or split the set.' },
    examples: [
      {
        title: 'a common set trusted by two issuers, the key bound to the consumer issuer',
        outcome: 'pass',
        published: { trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')], keyIssuer: CONSUMER },
      },
      {
        title: 'a common set with an unbound key (Storm-0558)',
        outcome: 'fail',
        published: { trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] },
      },
    ],
  },
};
