import rule from '../../../src/rules/coverage/key-classified.ts';
import { ACCOUNT, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const tagsGap = gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:ListResourceTags`, operation: 'kms:ListResourceTags', affects: ['tags'] });

ruleTester(rule, [
  { name: 'key with an environment and a key class', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'classified by account and id matchers although tags were not collected',
    inventory: { keys: [key({ tags: undefined })], gaps: [tagsGap] },
    // No matcher of this policy reads tags (a tag-based trust domain would leave the scope unknown).
    policy: {
      environments: { production: { kind: 'production', match: [{ accounts: [ACCOUNT] }] } },
      trustDomains: { consumer: { match: [{ accounts: [ACCOUNT] }] } },
      keyClasses: { 'token-signing-shared': { match: [{ ids: ['*:key/0000-*'] }], maxAgeDays: 30 } },
    },
    outcome: 'pass',
  },
  { name: 'untagged key', inventory: { keys: [key({ tags: {} })] }, outcome: 'fail', messages: ['noEnvironment', 'noKeyClass'], severity: 'medium' },
  { name: 'key with an environment but no class', inventory: { keys: [key({ tags: { env: 'prod' } })] }, outcome: 'fail', messages: ['noKeyClass'] },
  { name: 'key with a class but no environment', inventory: { keys: [key({ tags: { 'key-class': 'data-encryption' } })] }, outcome: 'fail', messages: ['noEnvironment'] },
  {
    name: 'a class that is only a template (no matcher) classifies nothing',
    inventory: { keys: [key()] },
    policy: { keyClasses: { 'token-signing-shared': { maxAgeDays: 30 } } },
    outcome: 'fail',
    messages: ['noKeyClass'],
  },
  {
    name: 'tags hidden by a collection gap: unknown, not "unclassified"',
    inventory: { keys: [key({ tags: undefined })], gaps: [tagsGap] },
    outcome: 'unknown',
    missing: 'tags',
    gapOperation: 'kms:ListResourceTags',
  },
  { name: 'tags not collected', inventory: { keys: [key({ tags: undefined })] }, outcome: 'unknown', missing: 'tags' },
  { name: 'key the cloud manages for a service', inventory: { keys: [key({ managedBy: 'provider', tags: {} })] }, outcome: 'not-applicable' },
]);
