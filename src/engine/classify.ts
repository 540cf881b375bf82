import type { Principal } from '../model/access-entry.ts';
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import type { EnvironmentKind, Matcher } from '../policy/schema.ts';
import type { Ambiguity, PrincipalScope, ResolvedKeyClass, ResolvedScope, ResolvedTokenIssuer } from '../rules/types.ts';
import { globToRegExp } from '../util/glob.ts';
import { ciVerdict } from './classify-ci.ts';

const KEY_FIELDS = new Set(['providers', 'accounts', 'regions', 'containers', 'ids', 'tags', 'not']);
const PRINCIPAL_FIELDS = new Set(['accounts', 'principals', 'tags', 'paths', 'not']);
const PUBLISHED_FIELDS = new Set(['providers', 'ids', 'issuers', 'not']);

type Test<T> = (x: T) => boolean;
const stripSlash = (s: string) => s.replace(/\/+$/, '');
const NEVER = () => false;

type GlobTest = (a: string | undefined, b?: string, more?: readonly string[]) => boolean;

/** Exact values in a Set, wildcard patterns as regular expressions: true when any value given matches. */
function anyOf(globs: readonly string[]): GlobTest {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  let any = false;
  for (const g of globs) {
    if (g === '*') any = true;
    else if (g.includes('*') || g.includes('?')) patterns.push(globToRegExp(g));
    else exact.add(g);
  }
  // Loops, not closures: this runs for every matcher field of every key and principal classified.
  const one = (v: string | undefined): boolean => {
    if (v === undefined) return false;
    if (any || exact.has(v)) return true;
    for (let i = 0; i < patterns.length; i++) if ((patterns[i] as RegExp).test(v)) return true;
    return false;
  };
  return (a, b, more) => one(a) || one(b) || more?.some(one) === true;
}

/**
 * A compiled glob list. Patterns starting with `!` exclude: the subject matches when one of its values
 * (id, name, aliases) matches an including pattern (any value at all when only exclusions are given)
 * and none of them matches an excluding one. An absent value never matches.
 */
function globSet(globs: readonly string[]): GlobTest {
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const inc = include.length ? anyOf(include) : anyOf(['*']);
  if (!exclude.length) return inc;
  const exc = anyOf(exclude);
  return (a, b, more) => inc(a, b, more) && !exc(a, b, more);
}

const allOf =
  <T>(tests: Test<T>[]): Test<T> =>
  (x) => {
    for (const t of tests) if (!t(x)) return false;
    return true;
  };

const notMatchers = (m: Matcher): readonly Matcher[] => (m.not === undefined ? [] : Array.isArray(m.not) ? m.not : [m.not]);

/** Every field of the matcher and of its `not:` matchers applies to the subject kind. */
const appliesTo = (m: Matcher, fields: ReadonlySet<string>): boolean =>
  Object.keys(m).every((f) => fields.has(f)) && notMatchers(m).every((n) => Object.keys(n).every((f) => fields.has(f)));

/** The fields' tests, then `not:`: a subject any excluded matcher matches does not match. */
function withExclusions<T>(m: Matcher, tests: Test<T>[], compile: (m: Matcher) => Test<T>): Test<T> {
  const excluded = notMatchers(m).map(compile);
  const fields = allOf(tests);
  if (!excluded.length) return fields;
  return (x) => fields(x) && !excluded.some((t) => t(x));
}

// Matchers are compiled once into closures (every classification runs them over every key).
const keyTests = new WeakMap<Matcher, Test<KeyRecord>>();
const principalTests = new WeakMap<Matcher, Test<Principal>>();
const publishedTests = new WeakMap<Matcher, Test<PublishedKey>>();

function compileKey(m: Matcher): Test<KeyRecord> {
  if (!appliesTo(m, KEY_FIELDS)) return NEVER;
  const tests: Test<KeyRecord>[] = [];
  if (m.providers) {
    const g = globSet(m.providers);
    tests.push((k) => g(k.provider));
  }
  if (m.accounts) {
    const g = globSet(m.accounts);
    tests.push((k) => g(k.account));
  }
  if (m.regions) {
    const g = globSet(m.regions);
    tests.push((k) => g(k.region));
  }
  if (m.containers) {
    const g = globSet(m.containers);
    tests.push((k) => g(k.container));
  }
  if (m.ids) {
    const g = globSet(m.ids);
    tests.push((k) => g(k.id, k.name, k.aliases));
  }
  if (m.tags) {
    for (const [tag, want] of Object.entries(m.tags)) {
      const g = globSet(typeof want === 'string' ? [want] : want);
      tests.push((k) => g(k.tags?.[tag]));
    }
  }
  return withExclusions(m, tests, compileKey);
}

function compilePrincipal(m: Matcher): Test<Principal> {
  if (!appliesTo(m, PRINCIPAL_FIELDS)) return NEVER;
  const tests: Test<Principal>[] = [];
  if (m.accounts) {
    const g = globSet(m.accounts);
    tests.push((p) => g(p.account, p.tenant));
  }
  if (m.principals) {
    const g = globSet(m.principals);
    tests.push((p) => g(p.id, p.name));
  }
  if (m.paths) {
    const g = globSet(m.paths);
    tests.push((p) => g(p.path));
  }
  // Principals read from IAM (effective access) and declared in an IaC plan carry tags.
  if (m.tags) {
    for (const [tag, want] of Object.entries(m.tags)) {
      const g = globSet(typeof want === 'string' ? [want] : want);
      tests.push((p) => g(p.tags?.[tag]));
    }
  }
  return withExclusions(m, tests, compilePrincipal);
}

function compilePublished(m: Matcher): Test<PublishedKey> {
  if (!appliesTo(m, PUBLISHED_FIELDS)) return NEVER;
  const tests: Test<PublishedKey>[] = [];
  if (m.providers) {
    const g = globSet(m.providers);
    tests.push((k) => g(k.provider));
  }
  if (m.ids) {
    const g = globSet(m.ids);
    tests.push((k) => g(k.id, k.url));
  }
  if (m.issuers) {
    const g = globSet(m.issuers);
    tests.push((k) => g(k.issuer));
  }
  return withExclusions(m, tests, compilePublished);
}

function compiled<T>(cache: WeakMap<Matcher, Test<T>>, compile: (m: Matcher) => Test<T>, m: Matcher): Test<T> {
  let t = cache.get(m);
  if (!t) {
    t = compile(m);
    cache.set(m, t);
  }
  return t;
}

/** Every field the matcher gives must match the key; fields that do not apply to keys never match. */
export const matchesKey = (m: Matcher, k: KeyRecord): boolean => compiled(keyTests, compileKey, m)(k);
export const matchesPrincipal = (m: Matcher, p: Principal): boolean => compiled(principalTests, compilePrincipal, m)(p);
export const matchesPublished = (m: Matcher, k: PublishedKey): boolean => compiled(publishedTests, compilePublished, m)(k);

/** Classification of every key and principal, computed once before any rule runs. */
export interface Classifier {
  key(k: KeyRecord): ResolvedScope;
  /** The same scope as `key`, not remembered by id: evaluation classifies each of its keys once, itself. */
  classifyKey(k: KeyRecord): ResolvedScope;
  principal(p: Principal): PrincipalScope;
  published(k: PublishedKey): ResolvedScope;
  artifact(a: ArtifactFinding): ResolvedScope;
  environmentKind(name: string): EnvironmentKind | undefined;
  /** Key fields beyond identity that the policy's matchers read (tags, aliases): a gap hiding one leaves the scope unknown. */
  readonly keyFieldsRead: readonly string[];
}

/** Which non-identity key fields a set of matchers reads. */
function keyFieldsRead(matchers: readonly Matcher[]): string[] {
  const out = new Set<string>();
  for (const m of [...matchers, ...matchers.flatMap(notMatchers)]) {
    if (m.tags && Object.keys(m.tags).length) out.add('tags');
    if (m.ids) out.add('aliases');
  }
  return [...out].sort();
}

/**
 * One name out of several matches: the first in the policy's precedence list that matched. Several
 * matches and no precedence to decide between them is ambiguous: never a silent choice.
 */
export function decide(matched: readonly string[], precedence: readonly string[] | undefined): { chosen?: string; ambiguous: boolean } {
  if (matched.length <= 1) return { chosen: matched[0], ambiguous: false };
  const winner = precedence?.find((n) => matched.includes(n));
  return winner ? { chosen: winner, ambiguous: false } : { ambiguous: true };
}

function ambiguity(environments: readonly string[] | undefined, trustDomains: readonly string[] | undefined): Ambiguity | undefined {
  if (!environments && !trustDomains) return undefined;
  return { ...(environments ? { environments } : {}), ...(trustDomains ? { trustDomains } : {}) };
}

/** A sentence for an unknown verdict: what matched, and the two ways out. */
export function describeAmbiguity(subject: string, a: Ambiguity): string {
  const parts = [
    a.environments ? `environments ${a.environments.join(' and ')}` : undefined,
    a.trustDomains ? `trust domains ${a.trustDomains.join(' and ')}` : undefined,
  ].filter(Boolean);
  return `the classification of ${subject} is ambiguous: it matches ${parts.join(', and ')}; declare which wins under \`precedence:\` in the policy, or narrow the matchers (\`keyhygiene policy explain ${subject}\` shows which matched)`;
}

/** Where the policy's `unclassified:` places a subject that matches no environment (or trust domain). */
export function placement(policy: Pick<ResolvedPolicy, 'unclassified'>): { environment?: string; trustDomain?: string } {
  return typeof policy.unclassified === 'object' ? policy.unclassified : {};
}

/** What matched, or the policy's placement for a subject that matched nothing; `placed` says which. */
function placed(matched: string[], fallback: string | undefined): { names: string[]; placed: boolean } {
  return matched.length === 0 && fallback !== undefined ? { names: [fallback], placed: true } : { names: matched, placed: false };
}

/** A federated CI identity: CI unless every subject it admits is declared production; undeclared is ambiguous. */
function ciScope(federation: NonNullable<Principal['federation']>, policy: ResolvedPolicy): PrincipalScope {
  const { verdict } = ciVerdict(federation, policy.ci);
  const ciEnv = policy.ci?.environment ?? 'ci';
  if (verdict === 'production') {
    const prods = Object.entries(policy.environments).filter(([, e]) => e.kind === 'production');
    const name = policy.ci?.productionEnvironment ?? (prods.length === 1 ? prods[0]?.[0] : undefined);
    const kind = name ? policy.environments[name]?.kind : undefined;
    return name && kind ? { environments: [name], environmentKinds: [kind], trustDomains: [] } : { environments: [], environmentKinds: [], trustDomains: [] };
  }
  const kind = policy.environments[ciEnv]?.kind ?? 'ci';
  if (verdict === 'ci') return { environments: [ciEnv], environmentKinds: [kind], trustDomains: [] };
  return {
    environments: [ciEnv],
    environmentKinds: [kind],
    trustDomains: [],
    ambiguous: { environments: [ciEnv, 'production (declare it under ci.production)'] },
  };
}

/** The environments and trust domains a principal matches, narrowed by precedence; ambiguity kept. */
function scopePrincipal(p: Principal, policy: ResolvedPolicy): PrincipalScope {
  const order = policy.precedence ?? {};
  const named = (groups: Record<string, { match: readonly Matcher[] }>) =>
    Object.entries(groups)
      .filter(([, g]) => g.match.some((m) => matchesPrincipal(m, p)))
      .map(([n]) => n);
  const fallback = placement(policy);
  const byMatchers = named(policy.environments);
  // A federated CI identity no matcher names is classified by what its trust admits (the `ci:` block).
  if (p.federation && byMatchers.length === 0) return ciScope(p.federation, policy);
  const matchedEnvs = placed(byMatchers, fallback.environment).names;
  const matchedDomains = placed(named(policy.trustDomains), fallback.trustDomain).names;
  const env = decide(matchedEnvs, order.environments);
  const domain = decide(matchedDomains, order.trustDomains);
  const environments = env.chosen ? [env.chosen] : matchedEnvs;
  const ambiguous = ambiguity(env.ambiguous ? matchedEnvs : undefined, domain.ambiguous ? matchedDomains : undefined);
  return {
    environments,
    environmentKinds: environments.map((n) => policy.environments[n]?.kind).filter((x): x is EnvironmentKind => !!x),
    trustDomains: domain.chosen ? [domain.chosen] : matchedDomains,
    ...(ambiguous ? { ambiguous } : {}),
  };
}

type Finish = (matchedEnvs: string[], matchedDomains: string[], keyClass?: ResolvedKeyClass, tokenIssuers?: ResolvedTokenIssuer[]) => ResolvedScope;

/** Builds a scope from what matched: the policy's placement for what matched nothing, precedence, ambiguity. */
function scopeBuilder(policy: ResolvedPolicy): Finish {
  const kindOf = (name: string) => policy.environments[name]?.kind;
  const order = policy.precedence ?? {};
  const fallback = placement(policy);
  return (matchedEnvs, matchedDomains, keyClass, tokenIssuers) => {
    const e = placed(matchedEnvs, fallback.environment);
    const d = placed(matchedDomains, fallback.trustDomain);
    const [environments, trustDomains] = [e.names, d.names];
    const env = decide(environments, order.environments);
    const domain = decide(trustDomains, order.trustDomains);
    const ambiguous = ambiguity(env.ambiguous ? environments : undefined, domain.ambiguous ? trustDomains : undefined);
    return {
      ...(tokenIssuers?.length ? { tokenIssuers } : {}),
      environments,
      trustDomains,
      environment: env.chosen,
      environmentKind: env.chosen ? kindOf(env.chosen) : undefined,
      trustDomain: domain.chosen,
      keyClass,
      ...(ambiguous ? { ambiguous } : {}),
      ...(e.placed || d.placed ? { placed: { ...(e.placed ? { environment: true } : {}), ...(d.placed ? { trustDomain: true } : {}) } } : {}),
    };
  };
}

const anyKeyMatch = (ms: readonly Matcher[] | undefined): Test<KeyRecord> => {
  const tests = (ms ?? []).map((m) => compiled(keyTests, compileKey, m));
  return (k) => {
    for (const t of tests) if (t(k)) return true;
    return false;
  };
};

const keyClassesOf = (policy: ResolvedPolicy): ResolvedKeyClass[] =>
  Object.entries(policy.keyClasses)
    .filter(([, c]) => c.match && c.match.length > 0)
    .map(([name, c]) => ({ name, ...c }));

/** Every key matcher of the policy: environments, trust domains, key classes and token issuers' keys. */
const keyMatchers = (policy: ResolvedPolicy): Matcher[] => [
  ...Object.values(policy.environments).flatMap((e) => e.match),
  ...Object.values(policy.trustDomains).flatMap((d) => d.match),
  ...keyClassesOf(policy).flatMap((c) => c.match ?? []),
  ...Object.values(policy.tokenIssuers ?? {}).flatMap((t) => t.keys ?? []),
];

type KeyRead = (k: KeyRecord) => unknown;

/**
 * What the key matchers read of a key, as one reader per value (provider, account, region, container,
 * each tag they name), or undefined when they read something unique to each key (`ids`: id, name,
 * aliases), where a memo would never hit.
 */
function keyReads(matchers: readonly Matcher[]): KeyRead[] | undefined {
  const fields = new Set<string>();
  const tags = new Set<string>();
  const visit = (m: Matcher): void => {
    for (const f of Object.keys(m)) fields.add(f);
    for (const t of Object.keys(m.tags ?? {})) tags.add(t);
    for (const n of notMatchers(m)) visit(n);
  };
  for (const m of matchers) visit(m);
  if (fields.has('ids')) return undefined;
  const reads: KeyRead[] = [];
  if (fields.has('providers')) reads.push((k) => k.provider);
  if (fields.has('accounts')) reads.push((k) => k.account);
  if (fields.has('regions')) reads.push((k) => k.region);
  if (fields.has('containers')) reads.push((k) => k.container);
  for (const t of [...tags].sort()) reads.push((k) => k.tags?.[t]);
  return reads;
}

/** Bound on the memo's entries: past it the memo starts again (estates whose keys share nothing classify as before). */
const KEY_MEMO_LIMIT = 65_536;

/**
 * The key classifier remembering its answer per distinct combination of what the matchers read (many
 * keys share account, region and tags): nested maps, one level a value read, no string built.
 */
function memoisedByReads(classify: (k: KeyRecord) => ResolvedScope, reads: readonly KeyRead[]): (k: KeyRecord) => ResolvedScope {
  let root = new Map<unknown, unknown>();
  let size = 0;
  const last = reads.length - 1;
  return (k) => {
    let node = root;
    for (let i = 0; i < last; i++) {
      const v = (reads[i] as KeyRead)(k);
      let next = node.get(v) as Map<unknown, unknown> | undefined;
      if (!next) {
        next = new Map();
        node.set(v, next);
      }
      node = next;
    }
    const v = (reads[last] as KeyRead)(k);
    let scope = node.get(v) as ResolvedScope | undefined;
    if (scope) return scope;
    scope = classify(k);
    if (++size > KEY_MEMO_LIMIT) {
      root = new Map();
      size = 0;
    } else node.set(v, scope);
    return scope;
  };
}

/**
 * Classifies a key by the policy's compiled matchers; keys with the same classification share one
 * scope object, and keys that agree on everything the matchers read are classified once.
 */
function keyClassifier(policy: ResolvedPolicy, finish: Finish): (k: KeyRecord) => ResolvedScope {
  const classify = matchKey(policy, finish);
  const reads = keyReads(keyMatchers(policy));
  return reads?.length ? memoisedByReads(classify, reads) : classify;
}

/** Classifies a key by running the policy's compiled matchers. */
function matchKey(policy: ResolvedPolicy, finish: Finish): (k: KeyRecord) => ResolvedScope {
  const envTests = Object.entries(policy.environments).map(([name, e]) => ({ name, test: anyKeyMatch(e.match) }));
  const domainTests = Object.entries(policy.trustDomains).map(([name, d]) => ({ name, test: anyKeyMatch(d.match) }));
  const classTests = keyClassesOf(policy).map((c) => ({ c, test: anyKeyMatch(c.match) }));
  const issuerTests = Object.entries(policy.tokenIssuers ?? {})
    .filter(([, t]) => t.keys?.length)
    .map(([name, t]) => ({ issuer: { name, issuer: t.issuer, tenants: t.tenants } as ResolvedTokenIssuer, test: anyKeyMatch(t.keys) }));
  // Keys with the same classification share one scope object, found by a number built from what
  // matched (one bit per environment, trust domain and issuer, plus the class): no string per key.
  const shared = new Map<number, ResolvedScope>();
  const bits = envTests.length + domainTests.length + issuerTests.length;
  const exact = bits <= 40;
  return (k) => {
    let code = 0;
    let bit = 1;
    for (const t of envTests) {
      if (t.test(k)) code += bit;
      bit *= 2;
    }
    for (const t of domainTests) {
      if (t.test(k)) code += bit;
      bit *= 2;
    }
    for (const t of issuerTests) {
      if (t.test(k)) code += bit;
      bit *= 2;
    }
    const classIndex = strictestClass(classTests, k);
    code += bit * (classIndex + 1);
    const cached = exact ? shared.get(code) : undefined;
    if (cached) return cached;
    const scope = finish(
      envTests.filter((e) => e.test(k)).map((e) => e.name),
      domainTests.filter((d) => d.test(k)).map((d) => d.name),
      classTests[classIndex]?.c,
      issuerTests.filter((t) => t.test(k)).map((t) => t.issuer),
    );
    if (exact) shared.set(code, scope);
    return scope;
  };
}

/** Several classes may match: the strictest cryptoperiod wins, so a key is never held to a looser limit. -1 when none matches. */
function strictestClass(classTests: readonly { c: ResolvedKeyClass; test: Test<KeyRecord> }[], k: KeyRecord): number {
  let best = -1;
  let bestAge = Number.POSITIVE_INFINITY;
  for (let i = 0; i < classTests.length; i++) {
    const { c, test } = classTests[i] as { c: ResolvedKeyClass; test: Test<KeyRecord> };
    if (!test(k)) continue;
    const age = c.maxAgeDays ?? Number.POSITIVE_INFINITY;
    if (best === -1 || age < bestAge) {
      best = i;
      bestAge = age;
    }
  }
  return best;
}

type PrincipalMemo = {
  name?: string;
  account?: string;
  tenant?: string;
  tags?: Principal['tags'];
  path?: string;
  federation?: Principal['federation'];
  scope: PrincipalScope;
};

const sameFields = (e: PrincipalMemo, p: Principal): boolean =>
  e.name === p.name && e.account === p.account && e.tenant === p.tenant && e.tags === p.tags && e.path === p.path && e.federation === p.federation;

/**
 * Principal classification cached by id, then by the other fields that matchers read: no string
 * building and no allocation per call (ids repeat across thousands of keys' access entries).
 */
function principalClassifier(policy: ResolvedPolicy): (p: Principal) => PrincipalScope {
  const cache = new Map<string, PrincipalMemo[]>();
  // Several rules ask for the same entry's principal in a row: the last one is checked first.
  let last: Principal | undefined;
  let lastScope: PrincipalScope | undefined;
  return (p) => {
    if (p === last) return lastScope as PrincipalScope;
    lastScope = classifyPrincipal(cache, policy, p);
    last = p;
    return lastScope;
  };
}

/** A principal's scope, once per id and distinct fields the matchers read. */
function classifyPrincipal(cache: Map<string, PrincipalMemo[]>, policy: ResolvedPolicy, p: Principal): PrincipalScope {
  let bucket = cache.get(p.id);
  if (!bucket) {
    bucket = [];
    cache.set(p.id, bucket);
  }
  for (const e of bucket) if (sameFields(e, p)) return e.scope;
  const scope = scopePrincipal(p, policy);
  bucket.push({ name: p.name, account: p.account, tenant: p.tenant, tags: p.tags, path: p.path, federation: p.federation, scope });
  return scope;
}

/** A published key: by its labels, else by the issuer matchers; linked to the declared issuers that name its issuer URL. */
function publishedClassifier(policy: ResolvedPolicy, finish: Finish): (k: PublishedKey) => ResolvedScope {
  const envs = Object.entries(policy.environments);
  const domains = Object.entries(policy.trustDomains);
  const issuerByUrl = new Map<string, ResolvedTokenIssuer[]>();
  for (const [name, t] of Object.entries(policy.tokenIssuers ?? {})) {
    const url = stripSlash(t.issuer);
    issuerByUrl.set(url, [...(issuerByUrl.get(url) ?? []), { name, issuer: t.issuer, tenants: t.tenants }]);
  }
  return (k) => {
    const environments = k.labels?.environment ? [k.labels.environment] : envs.filter(([, e]) => e.match.some((m) => matchesPublished(m, k))).map(([n]) => n);
    const trustDomains = k.labels?.trustDomain
      ? [k.labels.trustDomain]
      : domains.filter(([, d]) => d.match.some((m) => matchesPublished(m, k))).map(([n]) => n);
    const issuers = issuerByUrl.get(stripSlash(k.issuer ?? ''));
    return finish(environments, trustDomains, undefined, issuers);
  };
}

export function createClassifier(policy: ResolvedPolicy, keys: readonly KeyRecord[] = []): Classifier {
  const finish = scopeBuilder(policy);
  const classifyKey = keyClassifier(policy, finish);
  const keyCache = new Map<string, ResolvedScope>();
  for (const k of keys) keyCache.set(k.id, classifyKey(k));
  const matchers = [
    ...Object.values(policy.environments).flatMap((e) => e.match),
    ...Object.values(policy.trustDomains).flatMap((d) => d.match),
    ...keyClassesOf(policy).flatMap((c) => c.match ?? []),
  ];
  return {
    key(k) {
      let s = keyCache.get(k.id);
      if (!s) {
        s = classifyKey(k);
        keyCache.set(k.id, s);
      }
      return s;
    },
    classifyKey,
    principal: principalClassifier(policy),
    published: publishedClassifier(policy, finish),
    artifact: (a) => finish(a.store?.environment ? [a.store.environment] : [], []),
    environmentKind: (name) => policy.environments[name]?.kind,
    keyFieldsRead: keyFieldsRead(matchers),
  };
}
