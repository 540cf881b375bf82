import { join, resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import type { KeySetTrust, PublishedKey } from '../../model/published-key.ts';
import { PACKS_DIR } from '../../paths.ts';
import { sourceMap, zodDiagnostics } from '../../util/diagnose.ts';
import { readTextFile } from '../../util/read-text.ts';
import { classify, createKit, type Failure, type GapScope, type ProviderKit, ReadOnlyViolation } from '../kit/index.ts';
import { type CollectContext, defineProvider, inputReader, type ProviderOutput } from '../types.ts';
import { createAgents, FetchError, getJson, type HttpLimits } from './client.ts';
import { discoveryUrlFor, normalizeKeySet, PROVIDER_ID, parseDiscovery, parseKeySet } from './normalize.ts';
import { CompromisedKeyFeed, type CompromisedKeyIndicator, JwksConfig } from './schema.ts';

export const BUILTIN_FEED = join(PACKS_DIR, 'feeds', 'known-compromised.yaml');

const FILLS = [
  'publishedKeys.*',
  'publishedKeys.fingerprints',
  'publishedKeys.certificates',
  'publishedKeys.trustedBy',
  'publishedKeys.privateMembers',
  'publishedKeys.knownCompromised',
] as const;

type Indicator = CompromisedKeyIndicator & { source: string };

/** The reads this provider may make: GETs of discovery documents and key sets, and local key set files. */
const OPERATIONS = ['http:GET', 'fs:ReadFile'] as const;

/** Read a known-compromised feed (YAML or JSON); a malformed feed is a UserError with file and line. */
export function loadFeed(file: string, label: string, read: (file: string, what: string, hint: string) => string = readTextFile): Indicator[] {
  const text = read(file, 'known-compromised feed', 'check the path given in providers.jwks.knownCompromised');
  const src = sourceMap(file, text);
  if (src.doc.errors.length) {
    const e = src.doc.errors[0];
    throw new UserError({
      file,
      line: e?.linePos?.[0]?.line,
      column: e?.linePos?.[0]?.col,
      message: `the known-compromised feed is not valid YAML/JSON: ${e?.message.split('\n')[0]}`,
    });
  }
  const raw: unknown = src.doc.toJS();
  const parsed = CompromisedKeyFeed.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      zodDiagnostics(parsed.error.issues, CompromisedKeyFeed, src, file, raw).map((d) => ({
        ...d,
        hint: d.hint ?? 'see policies/feeds/known-compromised.yaml for the format (kind: keyhygiene-known-compromised, version: 1, keys: [...])',
      })),
    );
  }
  return parsed.data.keys.map((k) => ({ ...k, source: label }));
}

/** Gap ids stay `jwks:<subject>:<operation>`, as baselines and waivers already name them. */
const gapId = (subject: string, operation: string) => `${PROVIDER_ID}:${subject}:${operation}`;

/**
 * Our own client's refusals (FetchError, not retried: kind `error`), in our words, with their fix: the
 * message is ours (client.ts), not the server's answer, so it may be the why.
 */
const OWN_FIX: readonly [RegExp, string][] = [
  [/exceeds maxBytes/, 'raise providers.jwks.maxBytes if the document is meant to be this large'],
  [/^TLS verification failed/, 'serve it with a certificate the system trusts (or set NODE_EXTRA_CA_CERTS to the issuing CA)'],
  [/redirect/i, 'configure the final URL of the document'],
  [/content coding|could not be decoded/, 'serve the document uncompressed or with gzip, deflate or br (Content-Encoding)'],
  [/./, 'configure an https:// URL that the jwks provider may fetch (see docs/providers/jwks.md)'],
];

function ownWords(failure: Failure): { why: string; fix: string } | undefined {
  if (failure.code !== 'FetchError' || failure.kind !== 'error') return undefined;
  const fix = OWN_FIX.find(([re]) => re.test(failure.message))?.[1] ?? '';
  return { why: failure.message, fix };
}

const MALFORMED_FIX = 'check that the URL serves the document the configuration names (OpenID discovery metadata or an RFC 7517 JWK Set)';

interface JwksGap {
  what: string;
  operation: string;
  subject: string;
  scope: GapScope;
  affects?: string[];
}

/** A failed read as a gap: "<what> could not be read: <why>; <fix>", the raw answer kept in `detail` (--debug). */
function failureGap(run: Run, g: JwksGap, err: unknown): void {
  const classified = classify(err);
  // Our client's class name is no service code: the reason shows the HTTP status, or the socket's code.
  const { code, ...failure } = classified;
  const network = /^(E[A-Z_]+|UND_ERR_[A-Z_]+):/.exec(classified.message)?.[1];
  run.kit.gaps.fromFailure(code === 'FetchError' ? { ...failure, ...(network ? { code: network } : {}) } : classified, {
    id: gapId(g.subject, g.operation),
    what: g.what,
    operation: g.operation,
    scope: g.scope,
    ...(g.affects ? { affects: g.affects } : {}),
    ...ownWords(classified),
  });
}

/** A document that arrived but is not what was expected: the same shape, our parser's words as the why. */
function malformedGap(run: Run, g: JwksGap, problem: string, fix = MALFORMED_FIX): void {
  run.kit.gaps.fromFailure(
    { kind: 'invalid-response', message: problem },
    {
      id: gapId(g.subject, g.operation),
      what: g.what,
      operation: g.operation,
      scope: g.scope,
      why: problem,
      fix,
      ...(g.affects ? { affects: g.affects } : {}),
    },
  );
}

/** What one collection run shares: the config, the context, the kit (retries, deadlines, gaps) and the HTTP limits. */
interface Run {
  config: JwksConfig;
  ctx: CollectContext;
  kit: ProviderKit;
  limits: HttpLimits;
  indicators: Indicator[];
}

/**
 * Reads OIDC discovery documents and JWK Sets (over HTTPS, or local files) and maps every key to a
 * PublishedKey: fingerprints, certificates, the issuers that trust the set, known-compromised matches.
 */
export const jwksProvider = defineProvider({
  id: PROVIDER_ID,
  description: 'OIDC discovery documents and JWK Sets (key sets relying parties trust), over HTTPS or from files',
  configSchema: JwksConfig,
  operations: OPERATIONS,
  fills: FILLS,
  shardable: true,
  units: async (config) => jwksUnits(JwksConfig.parse(config)),
  async collect(config, ctx): Promise<ProviderOutput> {
    const startedAt = ctx.now().toISOString();
    const indicators = [
      ...loadFeed(BUILTIN_FEED, 'built-in', inputReader(ctx)),
      ...(config.knownCompromised ? loadFeed(resolve(ctx.baseDir, config.knownCompromised), config.knownCompromised, inputReader(ctx)) : []),
    ];
    const ca = config.caFile
      ? inputReader(ctx)(resolve(ctx.baseDir, config.caFile), 'CA file (providers.jwks.caFile)', 'give a PEM file of CA certificates')
      : undefined;
    const agents = createAgents(config.concurrency, ca);
    const kit = createKit({
      provider: PROVIDER_ID,
      operations: OPERATIONS,
      // No published quotas: concurrency is the only pacing; the client's own deadline speaks first,
      // the kit's is the safety net for a connection that never answers.
      quotas: { rates: {}, defaultRate: 1e6 },
      callTimeoutMs: config.timeoutMs + 1_000,
      retry: { maxAttempts: config.retries + 1, baseMs: config.retryDelayMs },
      // The total budget: a stalled issuer cannot hold the audit; what is not read by then becomes a gap.
      ...(config.budgetMs ? { budgetMs: config.budgetMs } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    try {
      const run: Run = { config, ctx, kit, limits: { ...config, ...(ca ? { ca } : {}), agents }, indicators };
      const published = await readKeySets(run, await trustBySet(run));
      published.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return {
        run: { id: PROVIDER_ID, fills: [...FILLS], startedAt, finishedAt: ctx.now().toISOString() },
        publishedKeys: published,
        gaps: kit.gaps.list(),
      };
    } finally {
      kit.finish();
      agents.destroy();
    }
  },
});

/** One GET through the kit: paced, deadline-bound, retried on 429/5xx/network failures (honouring Retry-After). */
const fetchBody = (run: Run, url: string) => run.kit.call('http:GET', { partition: new URL(url).host }, (signal) => getJson(url, run.limits, signal));

function recordGap(run: Run, subject: string, operation: string, err: unknown, affects?: string[]): void {
  failureGap(run, { what: `the key set ${subject}`, operation, subject, scope: { subjectId: subject }, ...(affects ? { affects } : {}) }, err);
}

/** The shard unit of an issuer: its discovery document and the key set it names. */
const issuerUnit = (iss: JwksConfig['issuers'][number]): string => `jwks:issuer:${iss.issuer}`;
/** The shard unit of a declared key set: its URL, or its path as the policy writes it. */
const keySetUnit = (ks: JwksConfig['keySets'][number]): string => `jwks:key-set:${ks.url ? new URL(ks.url).href : ks.path}`;

/**
 * The collection units (`inventory --plan-shards`, `--shard K/N`): each issuer, each declared key set.
 * A key set two issuers name is read by the shard of each; the merge joins what each saw of its trust.
 */
export const jwksUnits = (config: JwksConfig): string[] => [...config.issuers.map(issuerUnit), ...config.keySets.map(keySetUnit)];

type TrustMap = Map<string, { trust: KeySetTrust[]; path?: string }>;

/** What a declared source says about the domains it serves (copied onto every trust entry it creates). */
const servesOf = (x: { serves?: string[] }) => (x.serves?.length ? { serves: [...new Set(x.serves)].sort() } : {});

const labelsOf = (x: { trustDomain?: string; environment?: string }) =>
  x.trustDomain || x.environment
    ? { ...(x.trustDomain ? { trustDomain: x.trustDomain } : {}), ...(x.environment ? { environment: x.environment } : {}) }
    : undefined;

/** Which key sets relying parties are pointed at, and by whom: discovery documents, then declared sets. */
async function trustBySet(run: Run): Promise<TrustMap> {
  const bySet: TrustMap = new Map();
  const addTrust = (set: string, t: KeySetTrust, path?: string) => {
    const e = bySet.get(set) ?? { trust: [], ...(path ? { path } : {}) };
    e.trust.push(t);
    bySet.set(set, e);
  };
  let done = 0;
  // In a shard, only the issuers and declared sets this shard owns (each one unit; see jwksUnits).
  const owns = (unit: string) => run.ctx.shard?.owns(unit) ?? true;
  const issuers = run.config.issuers.filter((iss) => owns(issuerUnit(iss)));
  const total = issuers.length;
  await run.kit.pool(issuers, run.config.concurrency, async (iss) => {
    const discoveryUrl = iss.discoveryUrl ?? discoveryUrlFor(iss.issuer);
    const labels = labelsOf(iss);
    const found = await readDiscovery(run, discoveryUrl);
    if (found)
      addTrust(found.jwksUrl, {
        via: 'discovery',
        issuer: found.issuer ?? iss.issuer,
        discoveryUrl,
        jwksUri: found.jwksUri,
        ...(labels ? { labels } : {}),
        ...servesOf(iss),
      });
    run.ctx.progress?.({ provider: PROVIDER_ID, phase: 'discovery', done: ++done, total });
  });
  for (const ks of run.config.keySets) {
    if (!owns(keySetUnit(ks))) continue;
    const labels = labelsOf(ks);
    const set = ks.url ? new URL(ks.url).href : (ks.path as string);
    const issuers = ks.issuers?.length ? ks.issuers : [undefined];
    for (const issuer of issuers) addTrust(set, { via: 'key-set', ...(issuer ? { issuer } : {}), ...(labels ? { labels } : {}), ...servesOf(ks) }, ks.path);
  }
  return bySet;
}

/**
 * A discovery document that could not be read hides which key set its issuer trusts: any set this
 * run read (one also declared directly, or named by another issuer) may be it. So the gap covers
 * every published key's trust (trustedBy, issuer, labels), not the discovery URL alone; otherwise a
 * key set declared directly would look trusted by one issuer only and pass single-issuer checks.
 */
function discoveryGap(run: Run, discoveryUrl: string, problem: { err: unknown } | { malformed: string }): undefined {
  const g: JwksGap = {
    what: `the discovery document ${discoveryUrl}`,
    operation: 'oidc:GetDiscovery',
    subject: discoveryUrl,
    scope: {},
    affects: ['trustedBy', 'issuer', 'labels'],
  };
  if ('err' in problem) failureGap(run, g, problem.err);
  else malformedGap(run, g, problem.malformed);
  return undefined;
}

/** A discovery document's key set URL (resolved against where it was served), or undefined with a gap. */
async function readDiscovery(run: Run, discoveryUrl: string): Promise<{ jwksUrl: string; jwksUri: string; issuer?: string } | undefined> {
  try {
    const res = await fetchBody(run, discoveryUrl);
    const doc = parseDiscovery(res.body);
    if (!doc.ok) return discoveryGap(run, discoveryUrl, { malformed: doc.reason });
    try {
      const jwksUrl = new URL(doc.value.jwksUri, res.url).href;
      return { jwksUrl, jwksUri: doc.value.jwksUri, ...(doc.value.issuer ? { issuer: doc.value.issuer } : {}) };
    } catch {
      return discoveryGap(run, discoveryUrl, { malformed: `its jwks_uri "${doc.value.jwksUri}" is not a URL` });
    }
  } catch (err) {
    if (err instanceof ReadOnlyViolation) throw err;
    return discoveryGap(run, discoveryUrl, { err });
  }
}

/** The body of one key set: a local file (bounded like a download) or a GET through the kit. */
async function keySetBody(run: Run, set: string, path: string | undefined): Promise<string> {
  if (!path) return (await fetchBody(run, set)).body;
  const file = resolve(run.ctx.baseDir, path);
  const body = inputReader(run.ctx)(file, 'key set file', 'check providers.jwks.keySets[].path (relative to the policy file)');
  if (Buffer.byteLength(body) > run.config.maxBytes) throw new FetchError('too-large', `file exceeds maxBytes ${run.config.maxBytes}`);
  return body;
}

/** Every key set, each read once however many issuers point at it, mapped to published keys. */
async function readKeySets(run: Run, bySet: TrustMap): Promise<PublishedKey[]> {
  const published: PublishedKey[] = [];
  const sets = [...bySet.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let done = 0;
  await run.kit.pool(sets, run.config.concurrency, async ([set, { trust, path }]) => {
    let body: string;
    try {
      body = await keySetBody(run, set, path);
    } catch (err) {
      if (err instanceof UserError || err instanceof ReadOnlyViolation) throw err;
      return recordGap(run, set, 'jwks:GetKeySet', err);
    } finally {
      run.ctx.progress?.({ provider: PROVIDER_ID, phase: 'key sets', done: ++done, total: sets.length });
    }
    const keys = parseKeySet(body);
    if (!keys.ok) return malformedGap(run, { what: `the key set ${set}`, operation: 'jwks:GetKeySet', subject: set, scope: { subjectId: set } }, keys.reason);
    for (const n of normalizeKeySet(keys.value, { url: set, trustedBy: trust, indicators: run.indicators })) {
      published.push(n.key);
      if (n.problem) {
        const affects = ['fingerprints', 'publicKey', 'keySize', 'certificates'];
        const g = { what: `key ${n.key.id}`, operation: 'jwks:ParseKey', subject: n.key.id, scope: { subjectId: n.key.id }, affects };
        malformedGap(run, g, n.problem, 'publish the key with the members RFC 7518 requires for its kty (or remove it from the set)');
      }
    }
  });
  return published;
}

export default jwksProvider;
