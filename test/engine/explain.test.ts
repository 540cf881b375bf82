import { describe, expect, it } from 'vitest';
import { explain, explanationLines, findSubject } from '../../src/engine/explain.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import { inventory, key, principal } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

const policy = (extra: Partial<ResolvedPolicy> = {}): ResolvedPolicy => ({
  baseDir: '.',
  extends: ['test'],
  ...TEST_POLICY,
  environments: {
    ...TEST_POLICY.environments,
    debug: { kind: 'debug', match: [{ tags: { env: 'debug' } }, { principals: ['arn:aws:iam::333333333333:*', '*debug*'] }] },
  },
  providers: {},
  rules: new Map(),
  waivers: [],
  ...extra,
});
const debugShell = 'arn:aws:iam::111111111111:role/debug-shell';

describe('policy explain', () => {
  it('names every matcher that matched and calls two environments without precedence ambiguous', () => {
    const e = explain(policy(), findSubject(debugShell, undefined));
    expect(e.subject).toEqual({ kind: 'principal', id: debugShell });
    expect(e.environment.outcome).toBe('ambiguous');
    expect(e.environment.matched).toEqual([
      { name: 'production', matchers: ['environments.production.match[1]'] },
      { name: 'debug', matchers: ['environments.debug.match[1]'] },
    ]);
    expect(e.trustDomain).toMatchObject({ outcome: 'decided', chosen: 'consumer', how: 'the only match' });
    expect(explanationLines(e).join('\n')).toMatch(
      /environment: AMBIGUOUS .*\n {4}production: matched by environments\.production\.match\[1\]\n {4}debug: matched by/,
    );
  });

  it('says when precedence decided, and when `unclassified:` placed a subject that matched nothing', () => {
    expect(explain(policy({ precedence: { environments: ['debug', 'production'] } }), findSubject(debugShell, undefined)).environment).toMatchObject({
      outcome: 'decided',
      chosen: 'debug',
      how: 'first of the matches in `precedence:`',
    });
    const stranger = findSubject('arn:aws:iam::999999999999:role/x', undefined);
    expect(stranger.value).toMatchObject({ account: '999999999999' });
    expect(explain(policy(), stranger).environment.outcome).toBe('unclassified');
    expect(explain(policy({ unclassified: { environment: 'debug' } }), stranger).environment).toMatchObject({ outcome: 'placed', chosen: 'debug' });
  });

  it('finds keys by alias and principals of access entries in an inventory, and explains key classes', () => {
    const inv = inventory({ keys: [key({ access: [{ principal: principal({ name: 'token-service' }), capabilities: ['use-sign'], source: 'key-policy' }] })] });
    const k = findSubject('alias/token-signing', inv);
    expect(k.kind).toBe('key');
    const e = explain(policy(), k);
    expect(e.environment).toMatchObject({
      outcome: 'decided',
      chosen: 'production',
      matched: [{ name: 'production', matchers: ['environments.production.match[0]'] }],
    });
    expect(e.keyClasses).toEqual([{ name: 'token-signing-shared', matchers: ['keyClasses.token-signing-shared.match[0]'] }]);
    expect(findSubject('token-service', inv)).toMatchObject({ kind: 'principal', value: { name: 'token-service' } });
  });
});
