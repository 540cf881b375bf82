import rule from '../../../src/rules/rotation/retired-key-still-published.ts';
import { daysAgo, key } from '../../helpers/fixtures.ts';
import { fp, published, unreadSet } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const fingerprints = fp('consumer-1');

ruleTester(rule, [
  { name: 'enabled key, published', inventory: { keys: [key({ fingerprints })], publishedKeys: [published()] }, outcome: 'pass' },
  { name: 'disabled key no longer published', inventory: { keys: [key({ fingerprints, state: 'disabled' })] }, outcome: 'pass' },
  {
    name: 'disabled in the KMS, still in the key set',
    inventory: { keys: [key({ fingerprints, state: 'disabled' })], publishedKeys: [published()] },
    outcome: 'fail',
    messages: ['disabled'],
    severity: 'critical',
  },
  {
    name: 'expired yet published',
    inventory: { keys: [key({ fingerprints, expiresAt: daysAgo(30) })], publishedKeys: [published()] },
    outcome: 'fail',
    messages: ['expired'],
  },
  {
    name: 'past its retire-by date (the 2016 MSA key, due March 2021) yet published',
    inventory: { keys: [key({ fingerprints, tags: { env: 'prod', 'retire-by': '2021-03-31' } })], publishedKeys: [published()] },
    outcome: 'fail',
    messages: ['retired'],
  },
  {
    name: 'disabled key in no set that was read, while another key set could not be read',
    inventory: { keys: [key({ fingerprints, state: 'disabled' })], gaps: [unreadSet()] },
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    name: 'retired key, and one key of a set could not be fingerprinted',
    inventory: { keys: [key({ fingerprints, tags: { 'retire-by': '2021-03-31' } })], gaps: [unreadSet(undefined, ['fingerprints', 'publicKey'])] },
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    name: 'disabled key absent from every set, where a gap hid only who trusts a set',
    inventory: { keys: [key({ fingerprints, state: 'disabled' })], gaps: [unreadSet(undefined, ['trustedBy', 'issuer', 'labels'])] },
    outcome: 'pass',
  },
  {
    name: 'an enabled key needs no key set: an unread set does not matter',
    inventory: { keys: [key({ fingerprints })], gaps: [unreadSet()] },
    outcome: 'pass',
  },
  {
    name: 'state unknown and absent from an incompletely read set',
    inventory: { keys: [key({ fingerprints, state: undefined })], gaps: [unreadSet()] },
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    name: 'state unknown, absent from every set, all sets read',
    inventory: { keys: [key({ fingerprints, state: undefined })] },
    outcome: 'pass',
  },
  {
    name: 'disabled and still published in a set that was read: fails whatever the unread set holds',
    inventory: { keys: [key({ fingerprints, state: 'disabled' })], publishedKeys: [published()], gaps: [unreadSet()] },
    outcome: 'fail',
    messages: ['disabled'],
  },
  {
    name: 'state not collected',
    inventory: { keys: [key({ fingerprints, state: undefined })], publishedKeys: [published()] },
    outcome: 'unknown',
    missing: 'state',
  },
  {
    name: 'encryption keys are out of scope',
    inventory: { keys: [key({ fingerprints, usage: ['encrypt', 'decrypt'] })], publishedKeys: [published()] },
    outcome: 'not-applicable',
  },
  {
    name: 'key usage not collected',
    inventory: { keys: [key({ fingerprints, usage: undefined })], publishedKeys: [published()] },
    outcome: 'unknown',
    missing: 'usage',
  },
]);
