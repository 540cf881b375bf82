import type { Waiver } from '../../../src/policy/schema.ts';
import rule from '../../../src/rules/coverage/waiver-hygiene.ts';
import { key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const K = key().id;
const waiver = (o: Partial<Waiver> = {}): Waiver => ({
  rule: 'key-material-max-age',
  subject: K,
  reason: 'Successor key is being rolled out to relying parties.',
  approver: 'security-lead@example.com',
  expires: '2026-07-31',
  ticket: 'SEC-1',
  ...o,
});

// No unknown outcome: waivers come from the policy, which is always read in full.
ruleTester(rule, [
  { name: 'a time-boxed waiver with a ticket', inventory: { keys: [key()] }, waivers: [waiver()], outcome: 'pass' },
  {
    name: 'a glob waiver counts for the keys it names',
    inventory: { keys: [key()] },
    waivers: [waiver({ subject: undefined, subjectGlob: 'arn:aws:kms:*', expires: '2020-01-01' })],
    outcome: 'fail',
    messages: ['expired'],
  },
  { name: 'an expired waiver (rotation paused, never resumed)', inventory: { keys: [key()] }, waivers: [waiver({ expires: '2021-12-31' })], outcome: 'fail', messages: ['expired'] },
  { name: 'a waiver ten years ahead is open-ended', inventory: { keys: [key()] }, waivers: [waiver({ expires: '2036-01-01' })], outcome: 'fail', messages: ['openEnded'] },
  {
    name: 'a ticket required by option',
    inventory: { keys: [key()] },
    waivers: [waiver({ ticket: undefined })],
    options: { requireTicket: true },
    outcome: 'fail',
    messages: ['noTicket'],
  },
  { name: 'a key without waivers', inventory: { keys: [key()] }, waivers: [waiver({ subject: 'arn:aws:kms:other' })], outcome: 'not-applicable' },
]);
