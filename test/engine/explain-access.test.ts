import { describe, expect, it } from 'vitest';
import { accessLines, explainAccess, findKey } from '../../src/engine/explain-access.ts';
import { UserError } from '../../src/errors.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import { access, gap, inventory, key } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

const policy = (extra: Partial<ResolvedPolicy> = {}): ResolvedPolicy => ({
  baseDir: '.',
  extends: ['test'],
  ...TEST_POLICY,
  providers: {},
  rules: new Map(),
  waivers: [],
  ...extra,
});

const GITHUB = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
const federated = (sub: string) =>
  access(
    { kind: 'role', id: `${GITHUB}#${sub}`, name: sub, account: undefined, federation: { provider: GITHUB, issuer: 'github', subjects: [sub] } },
    ['use-sign'],
    { source: 'iam-policy', sourceId: 'trust policy of role/signer', via: [GITHUB, 'arn:aws:iam::111111111111:role/signer'] },
  );

describe('explain-access', () => {
  it('classifies each path: debug and ambiguous principals, federated subjects by the ci: block, administrators apart', () => {
    const k = key({
      access: [
        access(),
        access({ id: 'arn:aws:iam::333333333333:role/debug-shell', name: 'debug-shell', account: '333333333333' }, ['use-sign', 'use-verify']),
        access({ id: 'arn:aws:iam::555555555555:role/admin', name: 'admin', account: '555555555555' }, ['administer']),
        federated('repo:org/app:pull_request'),
        federated('repo:org/app:environment:production'),
      ],
    });
    const ci = { production: [{ repositories: ['org/app'], environments: ['production'] }] };
    const e = explainAccess(inventory({ keys: [k] }), policy({ ci }), k);
    expect(e.key).toMatchObject({ id: k.id, environment: 'production', trustDomain: 'consumer' });
    expect(e.totals).toEqual({ canUse: 4, mayUse: 0, manages: 1 });
    const by = (name: string) => e.paths.find((p) => p.principal.name === name);
    expect(by('debug-shell')?.classification).toEqual({ environment: 'debug', environmentKind: 'debug', trustDomain: 'consumer', outcome: 'decided' });
    expect(by('admin')).toMatchObject({ status: 'manages', classification: { outcome: 'unclassified' } });
    expect(by('repo:org/app:pull_request')?.federation).toMatchObject({ verdict: 'ci', why: expect.stringMatching(/pull requests/) });
    expect(by('repo:org/app:environment:production')?.federation).toMatchObject({ verdict: 'production' });
    expect(by('repo:org/app:environment:production')?.classification).toMatchObject({ environment: 'production', outcome: 'decided' });
    expect(e.paths.at(-1)?.status).toBe('manages');
  });

  it('a federated subject with no ci: block is undeclared and ambiguous, never production', () => {
    const k = key({ access: [federated('repo:org/app:environment:production')] });
    const [p] = explainAccess(inventory({ keys: [k] }), policy(), k).paths;
    expect(p?.federation?.verdict).toBe('undeclared');
    expect(p?.classification.outcome).toBe('ambiguous');
    expect(accessLines(explainAccess(inventory({ keys: [k] }), policy(), k)).join('\n')).toMatch(/environment AMBIGUOUS/);
  });

  it('an undecided condition is MAY USE with the condition shown; assumed conditions are shown as assumed', () => {
    const k = key({
      access: [
        access({}, ['use-decrypt'], {
          source: 'iam-policy',
          undecided: [{ key: 'aws:SourceVpce', operator: 'StringEquals', values: ['vpce-1a2b3c4d'] }],
          assumed: [{ key: 'kms:ViaService', operator: 'StringEquals', values: ['s3.us-east-1.amazonaws.com'] }],
        }),
      ],
    });
    const e = explainAccess(inventory({ keys: [k] }), policy(), k);
    expect(e.paths[0]?.status).toBe('may-use');
    const text = accessLines(e).join('\n');
    expect(text).toMatch(/MAY USE {2}role token-service .*use-decrypt/);
    expect(text).toMatch(/assumed met by the caller: StringEquals kms:ViaService s3\.us-east-1\.amazonaws\.com/);
    expect(text).toMatch(/UNDECIDED: StringEquals aws:SourceVpce vpce-1a2b3c4d/);
  });

  it('a gap over the key’s access makes the list incomplete; a gap over other fields or other keys does not', () => {
    const k = key();
    const gaps = [
      gap(),
      gap({ id: 'rot', operation: 'kms:GetKeyRotationStatus', affects: ['rotation'] }),
      gap({ id: 'other', scope: { account: '999999999999' } }),
    ];
    const e = explainAccess(inventory({ keys: [k], gaps }), policy(), k);
    expect(e.gaps.map((g) => g.operation)).toEqual(['kms:ListGrants']);
    expect(accessLines(e).join('\n')).toMatch(/INCOMPLETE/);
    const none = explainAccess(inventory({ keys: [key({ access: undefined })] }), policy(), key({ access: undefined }));
    expect(none.collected).toBe(false);
  });

  it('finds a key by id, name or alias; several matches or none is a user error', () => {
    const a = key();
    const b = key({ id: 'arn:aws:kms:eu-west-1:111111111111:key/0000-sign', region: 'eu-west-1' });
    const inv = inventory({ keys: [a, b] });
    expect(findKey(inv, a.id)).toBe(a);
    expect(() => findKey(inv, 'alias/token-signing')).toThrow(/names 2 keys/);
    expect(() => findKey(inv, '0000-sig')).toThrow(UserError);
    expect(() => findKey(inv, '0000-sig')).toThrow(/did you mean/);
    expect(() => findKey(inv, 'nothing-like-it')).toThrow(/\(2 keys read\)/);
    expect(() => findKey(inventory({ keys: [a] }), 'nothing-like-it')).toThrow(/\(1 key read\)/);
  });
});
