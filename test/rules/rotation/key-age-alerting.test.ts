import rule from '../../../src/rules/rotation/key-age-alerting.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  {
    name: 'Azure rotation policy notifies 30 days before expiry',
    inventory: { keys: [key({ alerts: { nearExpiry: true, notifyBeforeDays: 30, source: 'azure-rotation-policy' } })] },
    outcome: 'pass',
  },
  {
    name: 'an alert declared by tag (EventBridge rule outside the key service)',
    inventory: { keys: [key({ tags: { env: 'prod', 'keyhygiene:age-alert': 'eventbridge/kms-key-age' } })] },
    outcome: 'pass',
  },
  {
    name: 'no alert on the age of an active signing key (CSRB F3)',
    inventory: { keys: [key({ alerts: { nearExpiry: false } })] },
    outcome: 'fail',
    messages: ['noAlert'],
    severity: 'high',
  },
  {
    name: 'an alert two days ahead is too late',
    inventory: { keys: [key({ alerts: { nearExpiry: true, notifyBeforeDays: 2 } })] },
    outcome: 'fail',
    messages: ['tooLate'],
  },
  { name: 'alerting not collected and not declared', inventory: { keys: [key()] }, outcome: 'unknown', missing: 'alerts' },
  {
    name: 'an encryption key of a class without automated rotation',
    inventory: { keys: [key({ usage: ['encrypt', 'decrypt'], tags: { env: 'prod', 'key-class': 'data-encryption' } })] },
    outcome: 'not-applicable',
  },
  { name: 'a disabled key', inventory: { keys: [key({ state: 'disabled' })] }, outcome: 'not-applicable' },
]);
