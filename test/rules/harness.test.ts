// The typed rule harness itself: message ids are checked by the compiler and by the run, and the
// data a finding carries can be asserted.
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/rotation/automatic-rotation.ts';
import type { MessageIdOf } from '../../src/rules/types.ts';
import { key } from '../helpers/fixtures.ts';
import { type RuleCase, runRule } from '../helpers/rule-tester.ts';

const slow = key({
  usage: ['encrypt', 'decrypt'],
  keyType: 'AES',
  keySize: 256,
  tags: { env: 'prod' },
  rotation: { supported: true, automatic: true, periodDays: 400 },
});

describe('typed rule harness', () => {
  it('knows a rule’s message ids as a type', () => {
    const ids: MessageIdOf<typeof rule>[] = ['disabled', 'tooSlow'];
    // @ts-expect-error: 'tooFast' is not a message of automatic-rotation, so this does not compile
    const wrong: MessageIdOf<typeof rule> = 'tooFast';
    expect(ids).toHaveLength(2);
    expect(Object.keys(rule.messages)).not.toContain(wrong);
  });

  it('rejects a case naming an unknown message id at compile time', () => {
    const ok: RuleCase<MessageIdOf<typeof rule>> = { name: 'ok', inventory: {}, outcome: 'fail', messages: ['tooSlow'] };
    // @ts-expect-error: an id the rule does not declare
    const bad: RuleCase<MessageIdOf<typeof rule>> = { name: 'bad', inventory: {}, outcome: 'fail', messages: ['rotationSlow'] };
    expect([ok.messages, bad.messages]).toHaveLength(2);
  });

  it('reports each finding with its message id and data, not only the rendered text', () => {
    const { outcome, reported } = runRule(rule, { inventory: { keys: [slow] }, options: { maxPeriodDays: 90 } });
    expect(outcome).toBe('fail');
    expect(reported).toEqual([{ messageId: 'tooSlow', data: expect.objectContaining({ period: 400, max: 90 }) }]);
  });
});
