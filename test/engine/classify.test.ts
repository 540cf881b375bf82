import { describe, expect, it } from 'vitest';
import { createClassifier, matchesKey, matchesPrincipal, matchesPublished } from '../../src/engine/classify.ts';
import type { PublishedKey } from '../../src/model/published-key.ts';
import type { ResolvedPolicy } from '../../src/policy/resolve.ts';
import { ACCOUNT, key, principal } from '../helpers/fixtures.ts';
import { TEST_POLICY } from '../helpers/rule-tester.ts';

const published = (overrides: Partial<PublishedKey> = {}): PublishedKey => ({
  id: 'https://login.example.com/keys#k1',
  provider: 'jwks',
  issuer: 'https://login.example.com/consumer/v2.0',
  url: 'https://login.example.com/keys',
  kid: 'k1',
  kty: 'RSA',
  fingerprints: { spkiSha256: 'a'.repeat(64) },
  ...overrides,
});

const policy = (parts: Partial<Pick<ResolvedPolicy, 'environments' | 'trustDomains' | 'keyClasses'>> = {}): ResolvedPolicy => ({
  baseDir: '.',
  extends: ['test'],
  environments: {},
  trustDomains: {},
  keyClasses: {},
  ...parts,
  providers: {},
  rules: new Map(),
  waivers: [],
});

describe('matchesKey', () => {
  it('ANDs the fields of one matcher', () => {
    expect(matchesKey({ tags: { env: 'prod' }, regions: ['us-east-1'] }, key())).toBe(true);
    expect(matchesKey({ tags: { env: 'prod' }, regions: ['eu-west-1'] }, key())).toBe(false);
    expect(matchesKey({ tags: { env: 'prod', 'trust-domain': 'enterprise' } }, key())).toBe(false);
    expect(matchesKey({ providers: ['aws-kms'], accounts: [ACCOUNT], containers: ['kv-1'] }, key())).toBe(false);
    expect(matchesKey({ providers: ['aws-kms'], accounts: [ACCOUNT], containers: ['kv-1'] }, key({ container: 'kv-1' }))).toBe(true);
  });

  it('matches globs: * across / and :, ? for one character, everything else literal', () => {
    expect(matchesKey({ ids: ['arn:aws:kms:*:key/0000-*'] }, key())).toBe(true);
    expect(matchesKey({ accounts: ['1111111111??'] }, key())).toBe(true);
    expect(matchesKey({ accounts: ['1111111111?'] }, key())).toBe(false);
    expect(matchesKey({ regions: ['us-*'] }, key())).toBe(true);
    expect(matchesKey({ regions: ['us.east.1'] }, key({ region: 'us-east-1' }))).toBe(false);
    expect(matchesKey({ ids: ['alias/token-signing'] }, key())).toBe(true);
    expect(matchesKey({ ids: ['alias/legacy'] }, key({ aliases: ['alias/legacy'] }))).toBe(true);
    expect(matchesKey({ ids: ['alias/other'] }, key({ aliases: ['alias/legacy'] }))).toBe(false);
  });

  it('matches tags by value glob or list of globs; a missing tag or missing tags never match', () => {
    expect(matchesKey({ tags: { env: ['production', 'prod'] } }, key())).toBe(true);
    expect(matchesKey({ tags: { env: ['staging', 'dev*'] } }, key())).toBe(false);
    expect(matchesKey({ tags: { env: 'pr*' } }, key())).toBe(true);
    expect(matchesKey({ tags: { owner: '*' } }, key())).toBe(false);
    expect(matchesKey({ tags: { env: '*' } }, key({ tags: undefined }))).toBe(false);
    expect(matchesKey({ regions: ['*'] }, key({ region: undefined }))).toBe(false);
  });

  it('does not match on fields that do not apply to keys', () => {
    expect(matchesKey({ principals: ['*'] }, key())).toBe(false);
    expect(matchesKey({ issuers: ['*'] }, key())).toBe(false);
    expect(matchesKey({ accounts: [ACCOUNT], principals: ['*'] }, key())).toBe(false);
  });
});

describe('matchesPrincipal', () => {
  it('matches by account or tenant', () => {
    expect(matchesPrincipal({ accounts: [ACCOUNT] }, principal())).toBe(true);
    expect(matchesPrincipal({ accounts: ['2222*'] }, principal())).toBe(false);
    expect(matchesPrincipal({ accounts: ['tenant-a'] }, principal({ kind: 'user', id: 'oid-1', account: undefined, tenant: 'tenant-a' }))).toBe(true);
  });

  it('matches by id or name', () => {
    expect(matchesPrincipal({ principals: ['arn:aws:iam::111111111111:role/*'] }, principal())).toBe(true);
    expect(matchesPrincipal({ principals: ['token-service'] }, principal())).toBe(true);
    expect(matchesPrincipal({ principals: ['*:user/*'] }, principal())).toBe(false);
    expect(matchesPrincipal({ accounts: [ACCOUNT], principals: ['other'] }, principal())).toBe(false);
  });

  it('does not match on fields that do not apply to principals', () => {
    expect(matchesPrincipal({ tags: { env: 'prod' } }, principal())).toBe(false);
    expect(matchesPrincipal({ accounts: [ACCOUNT], regions: ['us-east-1'] }, principal())).toBe(false);
    expect(matchesPrincipal({ ids: ['*'] }, principal())).toBe(false);
  });
});

describe('matchesPublished', () => {
  it('matches by provider, issuer and id or URL', () => {
    expect(matchesPublished({ issuers: ['https://login.example.com/consumer/*'] }, published())).toBe(true);
    expect(matchesPublished({ issuers: ['https://login.example.com/enterprise/*'] }, published())).toBe(false);
    expect(matchesPublished({ ids: ['https://login.example.com/keys'] }, published())).toBe(true);
    expect(matchesPublished({ providers: ['jwks'], ids: ['*#k1'] }, published())).toBe(true);
    expect(matchesPublished({ issuers: ['*'] }, published({ issuer: undefined }))).toBe(false);
  });

  it('does not match on fields that do not apply to published keys', () => {
    expect(matchesPublished({ tags: { env: 'prod' } }, published())).toBe(false);
    expect(matchesPublished({ accounts: ['*'] }, published())).toBe(false);
    expect(matchesPublished({ issuers: ['*'], principals: ['*'] }, published())).toBe(false);
  });
});

describe('createClassifier', () => {
  const c = createClassifier(policy(TEST_POLICY));

  it('ORs the matchers of a list and resolves one environment, domain and class', () => {
    expect(c.key(key())).toEqual({
      environments: ['production'],
      trustDomains: ['consumer'],
      environment: 'production',
      environmentKind: 'production',
      trustDomain: 'consumer',
      keyClass: { name: 'token-signing-shared', ...TEST_POLICY.keyClasses['token-signing-shared'] },
    });
    // enterprise matches by its second matcher (accounts) alone.
    expect(c.key(key({ id: 'k-ent', account: '222222222222', tags: {} })).trustDomains).toEqual(['enterprise']);
  });

  it('leaves environment and trust domain unset when several match', () => {
    const s = c.key(key({ id: 'k-both', account: '222222222222', tags: { env: 'prod', 'trust-domain': 'consumer' } }));
    expect(s.trustDomains).toEqual(['consumer', 'enterprise']);
    expect(s.trustDomain).toBeUndefined();
    expect(s.environment).toBe('production');
    const none = c.key(key({ id: 'k-none', tags: {} }));
    expect(none).toMatchObject({ environments: [], trustDomains: [] });
    expect(none.environment).toBeUndefined();
    expect(none.environmentKind).toBeUndefined();
    expect(none.keyClass).toBeUndefined();
  });

  it('lets the strictest key class win when several match', () => {
    const cl = createClassifier(
      policy({
        keyClasses: {
          loose: { match: [{ tags: { env: 'prod' } }], maxAgeDays: 365 },
          strict: { match: [{ ids: ['*0000-sign'] }], maxAgeDays: 30 },
          unlimited: { match: [{ regions: ['*'] }] },
          template: { maxAgeDays: 1 },
        },
      }),
    );
    expect(cl.key(key()).keyClass?.name).toBe('strict');
    expect(cl.key(key({ id: 'other' })).keyClass?.name).toBe('loose');
    expect(cl.key(key({ id: 'other2', tags: {} })).keyClass?.name).toBe('unlimited');
    // A class without matchers is only a template: it classifies nothing, however strict.
    expect(cl.key(key({ id: 'other3', tags: {}, region: undefined })).keyClass).toBeUndefined();
  });

  it('classifies principals by account or id/name, never by key-only fields', () => {
    expect(c.principal(principal())).toEqual({ environments: ['production'], environmentKinds: ['production'], trustDomains: ['consumer'] });
    expect(c.principal(principal({ kind: 'user', id: 'arn:aws:iam::333333333333:user/dev', account: '333333333333' }))).toEqual({
      environments: ['debug'],
      environmentKinds: ['debug'],
      trustDomains: ['consumer'],
    });
    expect(c.principal(principal({ id: 'arn:aws:iam::222222222222:role/mail', name: 'mail', account: '222222222222' }))).toEqual({
      environments: [],
      environmentKinds: [],
      trustDomains: ['enterprise'],
    });
    // The production environment matches keys by tag; a principal has no tags.
    const byTag = createClassifier(policy({ environments: { production: { kind: 'production', match: [{ tags: { env: 'prod' } }] } } }));
    expect(byTag.principal(principal()).environments).toEqual([]);
  });

  it('does not confuse two principals with the same id in different tenants', () => {
    const cl = createClassifier(policy({ trustDomains: { a: { match: [{ accounts: ['tenant-a'] }] }, b: { match: [{ accounts: ['tenant-b'] }] } } }));
    const p = { kind: 'service-principal' as const, id: 'app-1' };
    expect(cl.principal({ ...p, tenant: 'tenant-a' }).trustDomains).toEqual(['a']);
    expect(cl.principal({ ...p, tenant: 'tenant-b' }).trustDomains).toEqual(['b']);
  });

  it('classifies published keys by labels first, then by issuer matchers', () => {
    const cl = createClassifier(
      policy({
        environments: { production: { kind: 'production', match: [{ issuers: ['https://login.example.com/*'] }] } },
        trustDomains: {
          consumer: { match: [{ issuers: ['https://login.example.com/consumer/*'] }] },
          enterprise: { match: [{ issuers: ['https://login.example.com/enterprise/*'] }] },
        },
      }),
    );
    expect(cl.published(published())).toMatchObject({ environment: 'production', environmentKind: 'production', trustDomain: 'consumer' });
    expect(cl.published(published({ issuer: 'https://login.example.com/enterprise/v2.0' })).trustDomain).toBe('enterprise');
    expect(cl.published(published({ labels: { trustDomain: 'enterprise', environment: 'staging' } }))).toMatchObject({
      environments: ['staging'],
      trustDomains: ['enterprise'],
    });
    expect(cl.published(published({ issuer: 'https://other.example.net/' }))).toMatchObject({ environments: [], trustDomains: [] });
  });

  it('places an artifact in the environment of its store', () => {
    const a = {
      id: 'dump@0',
      provider: 'artifacts',
      location: '/dumps/a.dmp',
      offset: 0,
      artifactType: 'minidump' as const,
      materialFormat: 'pem' as const,
      proof: 'unproven' as const,
    };
    expect(c.artifact({ ...a, store: { environment: 'debug' } })).toMatchObject({ environment: 'debug', environmentKind: 'debug' });
    expect(c.artifact(a)).toMatchObject({ environments: [], trustDomains: [] });
  });

  it('reports the kind of an environment by name', () => {
    expect(c.environmentKind('ci')).toBe('ci');
    expect(c.environmentKind('nope')).toBeUndefined();
  });
});

describe('negation: ! patterns and not:', () => {
  const deploy = principal({ id: 'arn:aws:iam::111111111111:role/deploy', name: 'deploy' });
  const app = principal({ id: 'arn:aws:iam::111111111111:role/app', name: 'app' });

  it('"every principal in this account except the deploy role", with ! and with not:', () => {
    for (const m of [
      { principals: ['arn:aws:iam::111111111111:*', '!*:role/deploy'] },
      { accounts: [ACCOUNT], not: { principals: ['*:role/deploy'] } },
      { accounts: [ACCOUNT], not: [{ principals: ['*:role/other'] }, { principals: ['deploy'] }] },
    ]) {
      expect(matchesPrincipal(m, app), JSON.stringify(m)).toBe(true);
      expect(matchesPrincipal(m, deploy), JSON.stringify(m)).toBe(false);
    }
  });

  it('a list of only exclusions matches any present value, never an absent one', () => {
    expect(matchesKey({ regions: ['!eu-*'] }, key({ region: 'us-east-1' }))).toBe(true);
    expect(matchesKey({ regions: ['!eu-*'] }, key({ region: 'eu-west-1' }))).toBe(false);
    expect(matchesKey({ regions: ['!eu-*'] }, key({ region: undefined }))).toBe(false);
    expect(matchesKey({ tags: { env: '!prod*' } }, key({ tags: { env: 'dev' } }))).toBe(true);
    expect(matchesKey({ tags: { env: '!prod*' } }, key())).toBe(false);
    expect(matchesKey({ tags: { env: '!prod*' } }, key({ tags: {} }))).toBe(false);
  });

  it('an exclusion applies to every name of a key: an excluded alias excludes the key', () => {
    const legacy = key({ aliases: ['alias/legacy'] });
    expect(matchesKey({ ids: ['!alias/legacy'] }, legacy)).toBe(false);
    expect(matchesKey({ ids: ['!alias/legacy'] }, key({ aliases: ['alias/new'] }))).toBe(true);
  });

  it('not: alone matches every subject of its kind it does not exclude; fields of another kind never match', () => {
    expect(matchesKey({ not: { tags: { env: 'debug' } } }, key())).toBe(true);
    expect(matchesKey({ not: { tags: { env: 'prod' } } }, key())).toBe(false);
    // `not: { principals }` says nothing about keys: the matcher does not apply to them.
    expect(matchesKey({ not: { principals: ['*'] } }, key())).toBe(false);
    expect(matchesKey({ accounts: [ACCOUNT], not: { principals: ['x'] } }, key())).toBe(false);
    expect(matchesPublished({ issuers: ['https://login.example.com/*'], not: { ids: ['*#k1'] } }, published())).toBe(false);
    expect(matchesPublished({ issuers: ['https://login.example.com/*'], not: { ids: ['*#k2'] } }, published())).toBe(true);
  });

  it('a classifier honours not: and makes the tags read by an exclusion part of the classification', () => {
    const c = createClassifier(
      policy({
        environments: { production: { kind: 'production', match: [{ accounts: [ACCOUNT], not: { tags: { env: 'debug' } } }] } },
      }),
    );
    expect(c.key(key()).environment).toBe('production');
    expect(c.key(key({ id: 'k-debug', tags: { env: 'debug' } })).environment).toBeUndefined();
    expect(c.keyFieldsRead).toEqual(['tags']);
  });
});

describe('key classification memo (keys agreeing on what the matchers read are classified once)', () => {
  const memoPolicy = policy({
    environments: {
      production: { kind: 'production', match: [{ tags: { env: 'prod' }, not: { tags: { stage: 'canary' } } }] },
      debug: { kind: 'debug', match: [{ regions: ['eu-*'] }] },
    },
    trustDomains: {
      consumer: { match: [{ containers: ['kv-consumer'] }, { accounts: [ACCOUNT], providers: ['aws-kms'] }] },
    },
    keyClasses: { signing: { match: [{ tags: { class: 'signing' } }], maxAgeDays: 30 } },
  });

  it('gives a different answer whenever a field a matcher reads differs, and the same object when only unread fields do', () => {
    const c = createClassifier(memoPolicy);
    const base = c.classifyKey(key({ id: 'a', tags: { env: 'prod', class: 'signing' } }));
    expect(base).toMatchObject({ environment: 'production', trustDomain: 'consumer', keyClass: { name: 'signing' } });
    // Unread fields (id, name, other tags, usage) change nothing: one shared scope.
    expect(c.classifyKey(key({ id: 'b', name: 'other', tags: { env: 'prod', class: 'signing', owner: 'x' }, usage: ['encrypt'] }))).toBe(base);
    // Every field read, one at a time.
    expect(c.classifyKey(key({ id: 'c', tags: { env: 'prod', class: 'signing', stage: 'canary' } })).environment).toBeUndefined();
    expect(c.classifyKey(key({ id: 'd', tags: { env: 'dev', class: 'signing' } })).environment).toBeUndefined();
    expect(c.classifyKey(key({ id: 'e', tags: { env: 'prod' } })).keyClass).toBeUndefined();
    expect(c.classifyKey(key({ id: 'f', region: 'eu-west-1', tags: { env: 'prod', class: 'signing' } })).environments).toEqual(['production', 'debug']);
    expect(c.classifyKey(key({ id: 'g', account: '999999999999', tags: { env: 'prod', class: 'signing' } })).trustDomain).toBeUndefined();
    expect(c.classifyKey(key({ id: 'h', account: '999999999999', container: 'kv-consumer', tags: { env: 'prod' } })).trustDomain).toBe('consumer');
    expect(c.classifyKey(key({ id: 'i', provider: 'gcp-kms', tags: { env: 'prod', class: 'signing' } })).trustDomain).toBeUndefined();
    // And back: the first answer again.
    expect(c.classifyKey(key({ id: 'j', tags: { env: 'prod', class: 'signing' } }))).toBe(base);
  });

  it('classifies by name when a matcher reads ids (unique per key: no memo)', () => {
    const c = createClassifier(policy({ environments: { production: { kind: 'production', match: [{ ids: ['alias/prod-*'] }] } } }));
    expect(c.classifyKey(key({ id: 'k1', name: 'alias/prod-a' })).environment).toBe('production');
    expect(c.classifyKey(key({ id: 'k2', name: 'alias/dev-a' })).environment).toBeUndefined();
    expect(c.classifyKey(key({ id: 'k3', name: 'alias/dev-b', aliases: ['alias/prod-b'] })).environment).toBe('production');
  });

  it('stays right past the bound of the memo (it starts again)', () => {
    const c = createClassifier(memoPolicy);
    const scopes = [];
    for (let a = 0; a < 65_600; a++) scopes.push(c.classifyKey(key({ id: `k${a}`, account: String(a), tags: { env: a % 2 ? 'prod' : 'dev' } })));
    expect(scopes.filter((s) => s.environment === 'production')).toHaveLength(32_800);
    expect(c.classifyKey(key({ id: 'again', account: '1', tags: { env: 'dev' } })).environment).toBeUndefined();
    expect(c.classifyKey(key({ id: 'again2', account: '0', tags: { env: 'prod' } })).environment).toBe('production');
  });
});

describe('unclassified placement', () => {
  it('places subjects that match nothing where the policy says, and marks the key as placed', () => {
    const p = {
      ...policy({
        environments: {
          production: { kind: 'production' as const, match: [{ tags: { env: 'prod' } }] },
          debug: { kind: 'debug' as const, match: [{ tags: { env: 'debug' } }] },
        },
      }),
      unclassified: { environment: 'debug' },
    };
    const c = createClassifier(p);
    expect(c.key(key({ id: 'k-untagged', tags: {} }))).toMatchObject({ environment: 'debug', environmentKind: 'debug', placed: { environment: true } });
    expect(c.key(key()).placed).toBeUndefined();
    expect(c.principal(principal({ id: 'arn:aws:iam::999999999999:role/x' })).environmentKinds).toEqual(['debug']);
  });
});
