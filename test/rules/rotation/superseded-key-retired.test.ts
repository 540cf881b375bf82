import rule from '../../../src/rules/rotation/superseded-key-retired.ts';
import { daysAgo, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const superseded = (daysAgoN: number) => ({ env: 'prod', 'superseded-at': daysAgo(daysAgoN).slice(0, 10) });

ruleTester(rule, [
  { name: 'superseded five days ago, within the grace window', inventory: { keys: [key({ tags: superseded(5) })] }, outcome: 'pass' },
  {
    name: 'superseded 400 days ago and still enabled (the 2016 key outlived its successors)',
    inventory: { keys: [key({ tags: superseded(400) })] },
    outcome: 'fail',
    messages: ['stillEnabled'],
  },
  {
    name: 'grace window from options',
    inventory: { keys: [key({ tags: superseded(5) })] },
    options: { graceDays: 2 },
    outcome: 'fail',
    messages: ['stillEnabled'],
  },
  { name: 'a date that is not a date', inventory: { keys: [key({ tags: { 'superseded-at': 'soon' } })] }, outcome: 'fail', messages: ['badDate'] },
  { name: 'a key nobody superseded', inventory: { keys: [key()] }, outcome: 'not-applicable' },
  { name: 'superseded and already disabled', inventory: { keys: [key({ state: 'disabled', tags: superseded(400) })] }, outcome: 'not-applicable' },
  { name: 'tags not collected', inventory: { keys: [key({ tags: undefined })] }, outcome: 'unknown', missing: 'tags' },
]);
