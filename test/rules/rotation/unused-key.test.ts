import rule from '../../../src/rules/rotation/unused-key.ts';
import { daysAgo, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'used yesterday', inventory: { keys: [key({ lastUsedAt: daysAgo(1) })] }, outcome: 'pass' },
  { name: 'idle for 200 days', inventory: { keys: [key({ lastUsedAt: daysAgo(200) })] }, outcome: 'fail', messages: ['idle'] },
  {
    name: 'never used since creation 400 days ago',
    inventory: { keys: [key({ lastUsedAt: null, createdAt: daysAgo(400) })] },
    outcome: 'fail',
    messages: ['neverUsed'],
  },
  { name: 'new key not used yet', inventory: { keys: [key({ lastUsedAt: null })] }, outcome: 'pass' },
  { name: 'disabled key kept around', inventory: { keys: [key({ state: 'disabled' })] }, outcome: 'fail', messages: ['disabled'] },
  { name: 'disabled keys allowed by option', inventory: { keys: [key({ state: 'disabled' })] }, options: { flagDisabled: false }, outcome: 'pass' },
  { name: 'last use not collected', inventory: { keys: [key()] }, outcome: 'unknown', missing: 'lastUsedAt' },
  { name: 'pending deletion is already being retired', inventory: { keys: [key({ state: 'pending-deletion' })] }, outcome: 'not-applicable' },
]);
