import { describe, expect, it } from 'vitest';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import rule from '../../../src/rules/scope/cross-scope-access.ts';
import { ACCOUNT, access, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const enterpriseRole = access({ id: 'arn:aws:iam::222222222222:role/mail', name: 'mail', account: '222222222222' }, ['use-sign']);
const debugUser = access({ kind: 'user', id: 'arn:aws:iam::333333333333:user/dev', name: 'dev', account: '333333333333' }, ['use-sign']);
const stranger = access({ id: 'arn:aws:iam::999999999999:role/x', name: 'x', account: '999999999999' }, ['use-decrypt']);
const logsService = access({ kind: 'service', id: 'logs.amazonaws.com', name: undefined, account: undefined }, ['use-encrypt', 'use-decrypt']);

ruleTester(rule, [
  { name: 'only a principal of the same trust domain and environment', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'foreign principal that can only read or verify',
    inventory: { keys: [key({ access: [access(), { ...enterpriseRole, capabilities: ['read', 'use-verify'] }] })] },
    outcome: 'pass',
  },
  {
    name: 'public principal is left to no-public-principal',
    inventory: { keys: [key({ access: [access(), access({ kind: 'public', id: '*', name: undefined, account: undefined })] })] },
    outcome: 'pass',
  },
  { name: 'service principals act for the owner by default', inventory: { keys: [key({ access: [access(), logsService] })] }, outcome: 'pass' },
  {
    name: 'unclassified principals ignored on request',
    inventory: { keys: [key({ access: [access(), stranger] })] },
    options: { unclassifiedPrincipals: 'ignore' },
    outcome: 'pass',
  },
  {
    // Storm-0558: an enterprise workload able to use a consumer signing key.
    name: 'principal of another trust domain (and of no environment)',
    inventory: { keys: [key({ access: [access(), enterpriseRole] })] },
    outcome: 'fail',
    messages: ['otherTrustDomain', 'unclassified'],
    severity: 'critical',
  },
  {
    name: 'the same principal through a key policy and a grant is one finding per dimension, not two',
    inventory: { keys: [key({ access: [access(), enterpriseRole, { ...enterpriseRole, capabilities: ['use-decrypt'], source: 'grant', sourceId: 'g-1' }] })] },
    outcome: 'fail',
    messages: ['otherTrustDomain', 'unclassified'],
  },
  {
    name: 'principal of the same domain but a debug environment',
    inventory: { keys: [key({ access: [access(), debugUser] })] },
    outcome: 'fail',
    messages: ['otherEnvironment'],
  },
  {
    name: 'principal nobody classified: reported for both dimensions',
    inventory: { keys: [key({ access: [access(), stranger] })] },
    outcome: 'fail',
    messages: ['unclassified', 'unclassified'],
  },
  {
    name: 'service principals judged when not ignored',
    inventory: { keys: [key({ access: [access(), logsService] })] },
    options: { ignoreServicePrincipals: false },
    outcome: 'fail',
    messages: ['unclassified', 'unclassified'],
  },
  {
    name: 'key with only an environment is still checked on that dimension',
    inventory: { keys: [key({ tags: { env: 'prod' }, access: [access(), debugUser] })] },
    outcome: 'fail',
    messages: ['otherEnvironment'],
  },
  { name: 'access not collected', inventory: { keys: [key({ access: undefined })] }, outcome: 'unknown', missing: 'access' },
  {
    name: 'access hidden by a collection gap',
    inventory: { keys: [key({ access: undefined })], gaps: [gap()] },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'kms:ListGrants',
  },
  {
    name: 'tags not collected and nothing else gives the key a scope',
    inventory: {
      keys: [key({ tags: undefined, access: [access(), stranger] })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:ListResourceTags`, operation: 'kms:ListResourceTags', affects: ['tags'] })],
    },
    outcome: 'unknown',
    missing: 'tags',
    gapOperation: 'kms:ListResourceTags',
  },
  {
    // key-classified and signing-key-single-scope report the missing scope; a pass here would claim a check that never ran.
    name: 'key with neither trust domain nor environment',
    inventory: { keys: [key({ tags: {}, access: [access(), stranger] })] },
    outcome: 'not-applicable',
  },
]);

describe('cross-scope-access findings', () => {
  it('merges the capabilities a principal holds through several entries, so fingerprints stay unique', () => {
    const grant: AccessEntry = { ...debugUser, capabilities: ['use-decrypt', 'use-sign'], source: 'grant', sourceId: 'g-1' };
    const { results } = runRule(rule, { inventory: { keys: [key({ access: [grant, access(), debugUser] })] } });
    expect(results.map((r) => r.message)).toEqual(['dev of environment debug can use-sign, use-decrypt this key of environment production.']);
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(results.length);
  });

  it('keys each finding by principal and dimension, naming both domains', () => {
    const { results } = runRule(rule, { inventory: { keys: [key({ access: [access(), enterpriseRole] })] } });
    expect(results.map((r) => [r.findingKey, r.message])).toEqual([
      ['arn:aws:iam::222222222222:role/mail#environment', 'mail can use-sign this key but belongs to no declared environment.'],
      ['arn:aws:iam::222222222222:role/mail#trust-domain', 'mail of trust domain enterprise can use-sign this key of trust domain consumer.'],
    ]);
  });
});
