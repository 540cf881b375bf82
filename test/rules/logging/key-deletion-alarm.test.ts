import rule from '../../../src/rules/logging/key-deletion-alarm.ts';
import { gap, key, trail } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  {
    name: 'an alarm on DisableKey/ScheduleKeyDeletion',
    inventory: { keys: [key()], trails: [trail({ alerts: { keyDisableOrDeletion: true } })] },
    outcome: 'pass',
  },
  {
    name: 'one covering trail with the alarm is enough',
    inventory: {
      keys: [key()],
      trails: [trail({ id: 'a', alerts: { keyDisableOrDeletion: false } }), trail({ id: 'b', alerts: { keyDisableOrDeletion: true } })],
    },
    outcome: 'pass',
  },
  { name: 'no alarm', inventory: { keys: [key()], trails: [trail({ alerts: { keyDisableOrDeletion: false } })] }, outcome: 'fail', messages: ['noAlarm'] },
  { name: 'no trail at all', inventory: { keys: [key()], trails: [] }, outcome: 'fail', messages: ['noTrail'] },
  {
    name: 'policy-change alarm required by option',
    inventory: { keys: [key()], trails: [trail({ alerts: { keyDisableOrDeletion: true, keyPolicyChange: false } })] },
    options: { requirePolicyChangeAlarm: true },
    outcome: 'fail',
    messages: ['noPolicyAlarm'],
  },
  {
    name: 'alarms not collected',
    inventory: { keys: [key()], trails: [trail()] },
    outcome: 'unknown',
    missing: 'trail arn:aws:cloudtrail:us-east-1:111111111111:trail/org alerts.keyDisableOrDeletion',
  },
  {
    name: 'trails hidden by a gap',
    inventory: { keys: [key()], gaps: [gap({ affects: ['trails'], operation: 'cloudtrail:DescribeTrails' })] },
    outcome: 'unknown',
    missing: 'trails',
    gapOperation: 'cloudtrail:DescribeTrails',
  },
  { name: 'a provider-managed key', inventory: { keys: [key({ managedBy: 'provider' })], trails: [] }, outcome: 'not-applicable' },
]);
