import { describe, expect, it } from 'vitest';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import { describeCondition, describeUndecided, mergeByPrincipal } from '../../../src/rules/lib/keys.ts';

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

describe('mergeByPrincipal', () => {
  const entry = (id: string, capabilities: AccessEntry['capabilities'], undecided = false): AccessEntry => ({
    principal: { kind: 'role', id },
    capabilities,
    source: 'key-policy',
    ...(undecided ? { undecided: [{ operator: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'] }] } : {}),
  });

  it('gives the entries themselves when no principal appears twice on the same (decided or undecided) path', () => {
    const entries = [entry('role/a', ['use-sign']), entry('role/b', ['administer']), entry('role/a', ['use-decrypt'], true)];
    expect(mergeByPrincipal(entries)).toBe(entries);
    expect(mergeByPrincipal(undefined)).toEqual([]);
  });

  it('merges one principal granted twice, capabilities united in catalog order, the undecided path apart', () => {
    const entries = [
      entry('role/a', ['use-sign']),
      entry('role/b', ['administer']),
      entry('role/a', ['use-decrypt'], true),
      entry('role/a', ['administer', 'use-encrypt']),
    ];
    const merged = mergeByPrincipal(entries);
    expect(merged.map((e) => [e.principal.id, e.capabilities, (e.undecided?.length ?? 0) > 0])).toEqual([
      ['role/a', ['use-sign', 'use-encrypt', 'administer'], false],
      ['role/b', ['administer'], false],
      ['role/a', ['use-decrypt'], true],
    ]);
  });
});
