import rule from '../../../src/rules/rotation/key-material-max-age.ts';
import { daysAgo, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'token-signing key within its 30-day class limit', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'signing key that cannot rotate is held to its class limit (peers skip these keys)',
    inventory: { keys: [key({ createdAt: daysAgo(45), currentVersionCreatedAt: daysAgo(45) })] },
    outcome: 'fail',
    messages: ['tooOld'],
    severity: 'high',
  },
  {
    name: 'more than twice the limit escalates to critical',
    inventory: { keys: [key({ createdAt: daysAgo(2500), currentVersionCreatedAt: daysAgo(2500) })] },
    outcome: 'fail',
    messages: ['tooOld'],
    severity: 'critical',
  },
  {
    name: 'a recent rotation resets the age of the material',
    inventory: {
      keys: [
        key({
          createdAt: daysAgo(900),
          currentVersionCreatedAt: undefined,
          rotation: { supported: true, automatic: true, periodDays: 30, lastRotatedAt: daysAgo(10) },
        }),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'unclassified signing key falls back to the 1095-day SP 800-57 default',
    inventory: { keys: [key({ tags: { env: 'prod' }, createdAt: daysAgo(1200), currentVersionCreatedAt: daysAgo(1200) })] },
    outcome: 'fail',
    messages: ['tooOld'],
  },
  {
    name: 'rotatable key without a rotation date: age unknown, not guessed from creation',
    inventory: { keys: [key({ currentVersionCreatedAt: undefined, rotation: { supported: true, automatic: true, periodDays: 30 } })] },
    outcome: 'unknown',
    missing: 'currentVersionCreatedAt',
  },
  { name: 'state not collected', inventory: { keys: [key({ state: undefined })] }, outcome: 'unknown', missing: 'state' },
  {
    name: 'disabled key is not in use',
    inventory: { keys: [key({ state: 'disabled', createdAt: daysAgo(4000), currentVersionCreatedAt: daysAgo(4000) })] },
    outcome: 'not-applicable',
  },
  {
    name: 'options override the default limits',
    inventory: { keys: [key({ tags: {}, usage: ['encrypt', 'decrypt'], createdAt: daysAgo(100), currentVersionCreatedAt: daysAgo(100) })] },
    options: { defaultMaxAgeDays: { other: 90 } },
    outcome: 'fail',
    messages: ['tooOld'],
  },
]);
