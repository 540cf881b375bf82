import rule from '../../../src/rules/rotation/rotation-drill-recent.ts';
import { daysAgo, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const tags = (drill?: string) => ({ env: 'prod', 'key-class': 'token-signing-shared', ...(drill ? { 'keyhygiene:rotation-drill': drill } : {}) });

ruleTester(rule, [
  { name: 'drill 20 days ago', inventory: { keys: [key({ tags: tags(daysAgo(20).slice(0, 10)) })] }, outcome: 'pass' },
  { name: 'no drill ever', inventory: { keys: [key({ tags: tags() })] }, outcome: 'fail', messages: ['never'] },
  { name: 'drill 200 days ago', inventory: { keys: [key({ tags: tags(daysAgo(200).slice(0, 10)) })] }, outcome: 'fail', messages: ['stale'] },
  { name: 'unparseable drill date', inventory: { keys: [key({ tags: tags('last week') })] }, outcome: 'fail', messages: ['badDate'] },
  { name: 'a signing key of a class without automated rotation', inventory: { keys: [key({ tags: { env: 'prod' } })] }, outcome: 'not-applicable' },
  {
    name: 'tags not collected (the class cannot be resolved either)',
    inventory: { keys: [key({ tags: undefined })] },
    policy: { keyClasses: { all: { match: [{ providers: ['aws-kms'] }], requireAutomatedRotation: true } } },
    outcome: 'unknown',
    missing: 'tags',
  },
]);
