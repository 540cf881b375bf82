// Classification never chooses silently: a subject matching several environments or trust domains is
// ambiguous unless the policy's precedence decides, and every verdict that depends on it is unknown.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClassifier, decide } from '../../src/engine/classify.ts';
import { UserError } from '../../src/errors.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import nonprod from '../../src/rules/exposure/nonprod-principal-access.ts';
import crossScope from '../../src/rules/scope/cross-scope-access.ts';
import singleScope from '../../src/rules/scope/signing-key-single-scope.ts';
import { access, key, principal } from '../helpers/fixtures.ts';
import { runRule, TEST_POLICY } from '../helpers/rule-tester.ts';

// A role in the production account (production matches role/*) that is also tagged env=debug.
const debugShell = { id: 'arn:aws:iam::111111111111:role/debug-shell', name: 'debug-shell', tags: { env: 'debug' } };
const signingKey = () => key({ access: [access(), access(debugShell)] });

describe('decide', () => {
  it('keeps a single match, lets precedence pick among several, and calls the rest ambiguous', () => {
    expect(decide(['production'], undefined)).toEqual({ chosen: 'production', ambiguous: false });
    expect(decide([], undefined)).toEqual({ chosen: undefined, ambiguous: false });
    expect(decide(['production', 'debug'], ['debug', 'production'])).toEqual({ chosen: 'debug', ambiguous: false });
    expect(decide(['production', 'debug'], ['staging'])).toEqual({ ambiguous: true });
    expect(decide(['production', 'debug'], undefined)).toEqual({ ambiguous: true });
  });
});

describe('classifier', () => {
  const base = { baseDir: '.', extends: [], ...TEST_POLICY, providers: {}, rules: new Map(), waivers: [] };
  it('marks a principal matching two environments as ambiguous', () => {
    const s = createClassifier(base).principal(principal(debugShell));
    expect(s.ambiguous).toEqual({ environments: ['production', 'debug'] });
  });
  it('resolves it by precedence, to the one environment listed first', () => {
    const s = createClassifier({ ...base, precedence: { environments: ['debug', 'production'] } }).principal(principal(debugShell));
    expect(s.ambiguous).toBeUndefined();
    expect(s.environments).toEqual(['debug']);
    expect(s.environmentKinds).toEqual(['debug']);
  });
});

describe('verdicts over an ambiguous principal', () => {
  it('are unknown, naming what matched and how to decide, instead of passing', () => {
    for (const rule of [crossScope, nonprod]) {
      const { outcome, results } = runRule(rule, { inventory: { keys: [signingKey()] } });
      expect(outcome, rule.id).toBe('unknown');
      expect(results[0]?.message).toMatch(/debug-shell is ambiguous: it matches environments production and debug; declare which wins under `precedence:`/);
    }
  });

  it('are decided once the policy says debug wins: the debug role signing with a production key fails', () => {
    const { outcome } = runRule(nonprod, { inventory: { keys: [signingKey()] }, policy: { precedence: { environments: ['debug', 'production'] } } });
    expect(outcome).toBe('fail');
  });

  it('pass when production is declared to win (the role is then a production principal)', () => {
    const { outcome } = runRule(nonprod, { inventory: { keys: [signingKey()] }, policy: { precedence: { environments: ['production', 'debug'] } } });
    expect(outcome).toBe('pass');
  });
});

describe('an ambiguous key', () => {
  const twoDomains = () => key({ tags: { env: 'prod', 'trust-domain': 'consumer' }, account: '222222222222' });
  it('fails signing-key-single-scope with the matchers named, and leaves the scope rules unknown', () => {
    expect(runRule(singleScope, { inventory: { keys: [twoDomains()] } })).toMatchObject({ outcome: 'fail', reported: [{ messageId: 'manyTrustDomains' }] });
    expect(runRule(crossScope, { inventory: { keys: [twoDomains()] } }).outcome).toBe('unknown');
  });
  it('is decided by precedence.trustDomains', () => {
    const policy = { precedence: { trustDomains: ['enterprise', 'consumer'] } };
    expect(runRule(singleScope, { inventory: { keys: [twoDomains()] }, policy }).outcome).toBe('pass');
  });
});

describe('precedence in a policy file', () => {
  it('must name declared environments and trust domains: exit 2 with the place and a suggestion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-prec-'));
    const file = join(dir, 'keyhygiene.yaml');
    writeFileSync(
      file,
      'version: 1\nenvironments:\n  production: { kind: production, match: [{ accounts: ["1"] }] }\n  debug: { kind: debug, match: [{ accounts: ["2"] }] }\nprecedence:\n  environments: [debugg, production]\n',
    );
    let err: unknown;
    try {
      resolvePolicyFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const d = (err as UserError).diagnostics[0];
    expect(d).toMatchObject({ line: 6 });
    expect(d?.message).toMatch(/precedence\.environments names "debugg", which the policy does not declare\. Did you mean "debug"\?/);
  });
});
