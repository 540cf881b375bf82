import rule from '../../../src/rules/rotation/key-pending-deletion.ts';
import { daysAhead, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  {
    name: 'an acknowledged deletion',
    inventory: { keys: [key({ state: 'pending-deletion', tags: { 'keyhygiene:deletion-approved': 'CHG-1' } })] },
    outcome: 'pass',
  },
  {
    name: 'an unexplained scheduled deletion',
    inventory: { keys: [key({ state: 'pending-deletion', deletion: { scheduledAt: daysAhead(7) } })] },
    outcome: 'fail',
    messages: ['pending'],
  },
  { name: 'an enabled key', inventory: { keys: [key()] }, outcome: 'not-applicable' },
  { name: 'state not collected', inventory: { keys: [key({ state: undefined })] }, outcome: 'unknown', missing: 'state' },
  { name: 'tags not collected', inventory: { keys: [key({ state: 'pending-deletion', tags: undefined })] }, outcome: 'unknown', missing: 'tags' },
]);
