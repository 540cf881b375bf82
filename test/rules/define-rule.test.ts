// Rule messages (src/rules/define-rule.ts): `messageMaker` remembers a rule's last messages by their
// data, and gives exactly what formatMessage gives, for the same data and for any that differs.
import { describe, expect, it } from 'vitest';
import { formatMessage, messageMaker } from '../../src/rules/define-rule.ts';

const messages = { old: 'Key material is {days} days old; the limit is {limit}.', plain: 'No trail.', other: '{who} can {caps}.' };

describe('messageMaker', () => {
  it('gives what formatMessage gives, and the same string again for the same data', () => {
    const make = messageMaker(messages);
    const a = make('old', { days: 377, limit: 365 });
    expect(a).toBe(formatMessage(messages.old, { days: 377, limit: 365 }));
    expect(make('old', { days: 377, limit: 365 })).toBe(a);
    expect(make('plain', undefined)).toBe('No trail.');
  });

  it('never answers from data that differs in a value, a member or the message id', () => {
    const make = messageMaker(messages);
    const cases: [string, Record<string, string | number> | undefined][] = [
      ['old', { days: 377, limit: 365 }],
      ['old', { days: 378, limit: 365 }],
      ['old', { days: 377 }],
      ['old', { days: 377, limit: 365, extra: 1 }],
      ['old', { days: '377', limit: 365 }],
      ['old', Object.assign(Object.create(null), { days: 377, limit: 365 })],
      ['other', { who: 'role/a', caps: 'use-sign' }],
      ['other', { who: 'role/b', caps: 'use-sign' }],
      ['old', undefined],
      ['missing-id', { days: 1 }],
    ];
    // Twice over, so every one is asked again while the others are remembered.
    for (const [id, data] of [...cases, ...cases]) {
      const template = (messages as Record<string, string>)[id] ?? id;
      expect(make(id, data), `${id} ${JSON.stringify(data)}`).toBe(formatMessage(template, data));
    }
    // A member that holds a number the first time and the same digits as text the next fills alike.
    expect(make('old', { days: '377', limit: 365 })).toBe(make('old', { days: 377, limit: 365 }));
  });

  it('keeps working past the messages it remembers', () => {
    const make = messageMaker(messages);
    for (let round = 0; round < 2; round++)
      for (let d = 0; d < 50; d++) expect(make('old', { days: d, limit: 30 })).toBe(`Key material is ${d} days old; the limit is 30.`);
  });
});
