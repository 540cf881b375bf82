import rule from '../../../src/rules/scope/signing-key-single-scope.ts';
import { ACCOUNT, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'signing key in one trust domain and one environment', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'classified by account matchers although tags were not collected',
    inventory: { keys: [key({ tags: undefined })] },
    policy: {
      environments: { production: { kind: 'production', match: [{ accounts: [ACCOUNT] }] } },
      trustDomains: { consumer: { match: [{ accounts: [ACCOUNT] }] } },
    },
    outcome: 'pass',
  },
  {
    name: 'signing key with no trust domain',
    inventory: { keys: [key({ tags: { env: 'prod' } })] },
    outcome: 'fail',
    messages: ['noTrustDomain'],
    severity: 'high',
  },
  {
    name: 'signing key with no environment',
    inventory: { keys: [key({ tags: { 'trust-domain': 'consumer' } })] },
    outcome: 'fail',
    messages: ['noEnvironment'],
  },
  { name: 'signing key with no scope at all', inventory: { keys: [key({ tags: {} })] }, outcome: 'fail', messages: ['noTrustDomain', 'noEnvironment'] },
  {
    // Storm-0558: one key accepted by consumer and enterprise alike.
    name: 'signing key matching two trust domains',
    inventory: { keys: [key({ account: '222222222222' })] },
    outcome: 'fail',
    messages: ['manyTrustDomains'],
  },
  {
    name: 'signing key matching two environments',
    inventory: { keys: [key()] },
    policy: {
      environments: {
        production: { kind: 'production', match: [{ tags: { env: 'prod' } }] },
        staging: { kind: 'staging', match: [{ regions: ['us-east-*'] }] },
      },
    },
    outcome: 'fail',
    messages: ['manyEnvironments'],
  },
  {
    name: 'HMAC key is a signing key too',
    inventory: { keys: [key({ usage: ['mac'], keyType: 'HMAC', tags: { env: 'prod' } })] },
    outcome: 'fail',
    messages: ['noTrustDomain'],
  },
  { name: 'key usage not collected', inventory: { keys: [key({ usage: undefined })] }, outcome: 'unknown', missing: 'usage' },
  {
    name: 'key usage hidden by a collection gap (an unreadable key is unknown, never pass)',
    inventory: {
      keys: [key({ usage: undefined })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:DescribeKey`, operation: 'kms:DescribeKey', affects: undefined, scope: { subjectId: key().id } })],
    },
    outcome: 'unknown',
    missing: 'usage',
    gapOperation: 'kms:DescribeKey',
  },
  {
    name: 'tags not collected and nothing else classifies the key: unknown, not "unclassified"',
    inventory: {
      keys: [key({ tags: undefined })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:ListResourceTags`, operation: 'kms:ListResourceTags', affects: ['tags'] })],
    },
    outcome: 'unknown',
    missing: 'tags',
    gapOperation: 'kms:ListResourceTags',
  },
  { name: 'encryption key', inventory: { keys: [key({ usage: ['encrypt', 'decrypt'], tags: {} })] }, outcome: 'not-applicable' },
  { name: 'verification-only key', inventory: { keys: [key({ usage: ['verify'], tags: {} })] }, outcome: 'not-applicable' },
]);
