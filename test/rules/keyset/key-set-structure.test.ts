import rule from '../../../src/rules/keyset/key-set-structure.ts';
import { CONSUMER, fp, published, WELL_KNOWN } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const SHA1 = 'd4b4cccda9228624656bff33d8110955779632aa';
const cert = (notAfter = '2027-01-01T00:00:00.000Z') => ({
  subject: 'CN=signer',
  notBefore: '2025-01-01T00:00:00.000Z',
  notAfter,
  sha1Thumbprint: SHA1,
  sha256Thumbprint: 'a'.repeat(64),
  matchesKey: true,
});

ruleTester(rule, [
  { name: 'well-formed key without certificate', inventory: { publishedKeys: [published()] }, outcome: 'pass' },
  {
    name: 'certificate matches key and x5t',
    inventory: { publishedKeys: [published({ x5t: '1LTMzakihiRla_8z2BEJVXeWMqo', certificates: [cert()] })] },
    outcome: 'pass',
  },
  {
    name: 'templated issuer of a multi-tenant discovery document is accepted',
    inventory: {
      publishedKeys: [
        published({
          trustedBy: [
            { via: 'discovery', issuer: 'https://login.example.com/{tenantid}/v2.0', discoveryUrl: `https://login.example.com/common/v2.0${WELL_KNOWN}` },
          ],
        }),
      ],
    },
    outcome: 'pass',
  },
  {
    // OIDC Discovery §4.1: a terminating "/" is removed before /.well-known/openid-configuration is appended
    // (Auth0 issuers https://TENANT.auth0.com/, Entra v1 https://sts.windows.net/TENANT/).
    name: 'an issuer ending in "/" read from its URL without the slash is its own prefix',
    inventory: {
      publishedKeys: [
        published({ trustedBy: [{ via: 'discovery', issuer: 'https://tenant.auth0.com/', discoveryUrl: `https://tenant.auth0.com${WELL_KNOWN}` }] }),
        published({
          id: 'https://sts.windows.net/t/keys#2',
          kid: '2',
          trustedBy: [{ via: 'discovery', issuer: 'https://sts.windows.net/t/', discoveryUrl: `https://sts.windows.net/t${WELL_KNOWN}` }],
        }),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'expired certificate on a listed key (the 2016 MSA key in 2023) escalates to high',
    inventory: { publishedKeys: [published({ x5t: '1LTMzakihiRla_8z2BEJVXeWMqo', certificates: [cert('2021-04-04T14:43:35.000Z')] })] },
    outcome: 'fail',
    messages: ['certExpired'],
    severity: 'high',
  },
  {
    name: 'duplicate kid in one set',
    inventory: {
      publishedKeys: [published({ id: `${CONSUMER}/keys#consumer-1@a` }), published({ id: `${CONSUMER}/keys#consumer-1@b`, fingerprints: fp('other') })],
    },
    outcome: 'fail',
    messages: ['duplicateKid'],
  },
  {
    name: 'x5c holds another key, x5t and x5t#S256 disagree with it',
    inventory: {
      publishedKeys: [published({ x5t: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA', x5tS256: 'B'.repeat(43), certificates: [{ ...cert(), matchesKey: false }] })],
    },
    outcome: 'fail',
    messages: ['x5cMismatch', 'x5tMismatch', 'x5tS256Mismatch'],
  },
  {
    name: 'x5c whose second certificate did not sign the first (RFC 7517 §4.7)',
    inventory: {
      publishedKeys: [
        published({
          certificates: [
            { ...cert(), signedByNext: false },
            { ...cert(), matchesKey: undefined },
          ],
        }),
      ],
    },
    outcome: 'fail',
    messages: ['x5cChainBroken'],
  },
  {
    name: 'x5c in order: the leaf signed by the next certificate',
    inventory: {
      publishedKeys: [
        published({
          certificates: [
            { ...cert(), signedByNext: true },
            { ...cert(), matchesKey: undefined },
          ],
        }),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'x5c entry that is not a certificate',
    inventory: { publishedKeys: [published({ certificates: [{ parseError: 'bad DER' }] })] },
    outcome: 'fail',
    messages: ['badCertificate'],
  },
  {
    name: 'key without use in a set mixing signing and encryption keys',
    inventory: { publishedKeys: [published({ use: undefined }), published({ kid: 'enc-1', use: 'enc' })] },
    outcome: 'fail',
    messages: ['missingUse'],
  },
  {
    name: 'discovery issuer not equal to the URL it was read from; jwks_uri not https',
    inventory: {
      publishedKeys: [
        published({
          trustedBy: [
            { via: 'discovery', issuer: 'https://evil.example.com', discoveryUrl: `${CONSUMER}${WELL_KNOWN}`, jwksUri: 'http://login.example.com/keys' },
          ],
        }),
      ],
    },
    outcome: 'fail',
    messages: ['issuerMismatch', 'jwksNotHttps'],
  },
  {
    // RFC 7518 §6.2.1.2: an EC coordinate is the full size of the curve's coordinates; strict verifiers reject a shorter one.
    name: 'a member not in the form the JWA requires (EC coordinate with its leading zero stripped)',
    inventory: {
      publishedKeys: [published({ kty: 'EC', curve: 'P-256', alg: 'ES256', encodingProblems: ['x is 31 octets; P-256 needs 32 (RFC 7518 §6.2.1.2)'] })],
    },
    outcome: 'fail',
    messages: ['malformedMember'],
  },
  {
    // RFC 7517 §4.3: use and key_ops, if both are present, must agree; key_ops has no duplicates.
    name: 'use sig with key_ops encrypt, verify listed twice',
    inventory: { publishedKeys: [published({ use: 'sig', keyOps: ['verify', 'encrypt', 'verify'] })] },
    outcome: 'fail',
    messages: ['useKeyOpsConflict', 'duplicateKeyOps'],
  },
  {
    name: 'use and key_ops that agree',
    inventory: { publishedKeys: [published({ use: 'sig', keyOps: ['verify'] }), published({ kid: 'enc-1', use: 'enc', keyOps: ['wrapKey', 'encrypt'] })] },
    outcome: 'pass',
  },
  { name: 'snapshot without trust data', inventory: { publishedKeys: [published({ trustedBy: undefined })] }, outcome: 'unknown', missing: 'trustedBy' },
  {
    name: 'set excepted by option',
    inventory: { publishedKeys: [published({ certificates: [cert('2020-01-01T00:00:00Z')] })] },
    options: { exceptUrls: [`${CONSUMER}/*`] },
    outcome: 'not-applicable',
  },
]);
