import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/util/did-you-mean.ts';

describe('didYouMean', () => {
  it.each([
    ['enviroments', ['environments', 'trustDomains'], 'environments'],
    ['prod', ['production', 'staging', 'development'], 'production'],
    ['dev', ['production', 'development', 'debug'], 'development'],
    ['hgh', ['critical', 'high', 'medium'], 'high'],
    ['minDay', ['minDays'], 'minDays'],
  ])('%s → %s', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });

  it('suggests nothing for an unrelated word or a too-short prefix', () => {
    expect(didYouMean('banana', ['production', 'staging'])).toBeUndefined();
    expect(didYouMean('p', ['production', 'pci-dss'])).toBeUndefined();
  });
});
