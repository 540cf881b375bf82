import { describe, expect, it } from 'vitest';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import { describeCondition, describeUndecided } from '../../../src/rules/lib/keys.ts';

const PCR0 = 'kms:RecipientAttestation:PCR0';

describe('describeCondition / describeUndecided (one formatter for conditions in messages)', () => {
  it('writes operator, key and values, shortening an all-zero measurement', () => {
    expect(describeCondition({ operator: 'StringEquals', key: 'aws:SourceVpce', values: ['vpce-1a2b', 'vpce-3c4d'] })).toBe(
      'StringEquals aws:SourceVpce vpce-1a2b,vpce-3c4d',
    );
    expect(describeCondition({ operator: 'StringEqualsIgnoreCase', key: PCR0, values: ['0'.repeat(96), '0x00'] })).toBe(
      `StringEqualsIgnoreCase ${PCR0} 000…0,000…0`,
    );
  });

  it('names the principal, its chain and every undecided condition the same way', () => {
    const e: AccessEntry = {
      principal: { kind: 'role', id: 'arn:aws:iam::111122223333:role/enclave', name: 'enclave' },
      capabilities: ['use-decrypt'],
      source: 'key-policy',
      via: ['arn:aws:iam::111122223333:role/ci'],
      undecided: [
        { operator: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'] },
        { operator: 'StringEqualsIgnoreCase', key: PCR0, values: ['0'.repeat(96)] },
      ],
    };
    expect(describeUndecided(e)).toBe(
      `enclave through arn:aws:iam::111122223333:role/ci (IpAddress aws:SourceIp 203.0.113.0/24; StringEqualsIgnoreCase ${PCR0} 000…0)`,
    );
  });
});
