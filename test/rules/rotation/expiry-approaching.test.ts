import rule from '../../../src/rules/rotation/expiry-approaching.ts';
import { daysAhead, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'expiry far ahead', inventory: { keys: [key({ expiresAt: daysAhead(200) })] }, outcome: 'pass' },
  { name: 'expiry in 10 days, no automatic rotation', inventory: { keys: [key({ expiresAt: daysAhead(10) })] }, outcome: 'fail', messages: ['soon'] },
  {
    name: 'the warning window is an option',
    inventory: { keys: [key({ expiresAt: daysAhead(45) })] },
    options: { warnDays: 60 },
    outcome: 'fail',
    messages: ['soon'],
  },
  {
    name: 'automatic rotation replaces the key before expiry',
    inventory: { keys: [key({ expiresAt: daysAhead(10), rotation: { supported: true, automatic: true, periodDays: 30 } })] },
    outcome: 'not-applicable',
  },
  { name: 'already expired is expired-key-in-use, not this rule', inventory: { keys: [key({ expiresAt: daysAhead(-3) })] }, outcome: 'pass' },
  { name: 'no expiry at all', inventory: { keys: [key({ expiresAt: null })] }, outcome: 'not-applicable' },
  { name: 'expiry not collected', inventory: { keys: [key({ expiresAt: undefined })] }, outcome: 'unknown', missing: 'expiresAt' },
]);
