// readsKey decides whether two keys of one account and region may share an access answer: a condition on
// any of the key's own properties must make it say yes, or one key's answer is reused for another.
import { describe, expect, it } from 'vitest';
import { KEY_ATTRIBUTES } from '../../../../src/providers/aws/access/conditions.ts';
import { compileDocument } from '../../../../src/providers/aws/access/document.ts';
import { readsKey } from '../../../../src/providers/aws/access/evaluate.ts';

const policy = (condition?: Record<string, Record<string, string>>) =>
  compileDocument(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Sign', Resource: '*', ...(condition ? { Condition: condition } : {}) }] },
    'test',
  );

describe('readsKey', () => {
  it('is false for statements that do not depend on the key', () => {
    expect(readsKey(policy())).toBe(false);
    expect(readsKey(policy({ StringEquals: { 'aws:PrincipalTag/team': 'a' } }))).toBe(false);
  });

  it.each([...KEY_ATTRIBUTES])('is true for a condition on the key property %s (in any letter case)', (key) => {
    expect(readsKey(policy({ StringEquals: { [key]: 'x' } }))).toBe(true);
    expect(readsKey(policy({ StringEquals: { [key.toUpperCase()]: 'x' } }))).toBe(true);
  });

  it('is true for the key tags, aliases, account, region, a resource pattern and a policy variable', () => {
    expect(readsKey(policy({ StringEquals: { 'aws:ResourceTag/env': 'prod' } }))).toBe(true);
    expect(readsKey(policy({ 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/a*' } }))).toBe(true);
    expect(readsKey(policy({ StringEquals: { 'aws:ResourceAccount': '111111111111' } }))).toBe(true);
    expect(readsKey(policy({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }))).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, written as IAM writes it
    expect(readsKey(policy({ StringEquals: { 'aws:PrincipalTag/team': '${aws:ResourceTag/team}' } }))).toBe(true);
    expect(readsKey(compileDocument({ Statement: [{ Effect: 'Allow', Action: 'kms:Sign', Resource: 'arn:aws:kms:*:*:key/abc' }] }, 'test'))).toBe(true);
  });
});
