import { join, resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import type { KeySetTrust, PublishedKey } from '../../model/published-key.ts';
import { PACKS_DIR } from '../../paths.ts';
import { sourceMap, zodDiagnostics } from '../../util/diagnose.ts';
import { readTextFile } from '../../util/read-text.ts';
import { mapPool } from '../kit/index.ts';
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

const gapId = (subject: string, operation: string) => `${PROVIDER_ID}:${subject}:${operation}`;

const reasonOf = (err: unknown): string => (err instanceof FetchError ? err.message : `unexpected failure: ${(err as Error).message}`);

/**
 * Reads OIDC discovery documents and JWK Sets (over HTTPS, or local files) and maps every key to a
 * PublishedKey: fingerprints, certificates, the issuers that trust the set, known-compromised matches.
 */
export const jwksProvider = defineProvider({
  id: PROVIDER_ID,
  description: 'OIDC discovery documents and JWK Sets (key sets relying parties trust), over HTTPS or from files',
  configSchema: JwksConfig,
  operations: ['http:GET', 'fs:ReadFile'],
  fills: FILLS,
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
    const limits: HttpLimits = { ...config, ...(ca ? { ca } : {}), agents };
    try {
      return await collectWith(config, ctx, limits, indicators, startedAt);
    } finally {
      agents.destroy();
    }
  },
});

/**
 * A discovery document that could not be read hides which key set its issuer trusts: any set this
 * run read (one also declared directly, or named by another issuer) may be it. So the gap covers
 * every published key's trust (trustedBy, issuer, labels), not the discovery URL alone; otherwise a
 * key set declared directly would look trusted by one issuer only and pass single-issuer checks.
 */
function discoveryGap(discoveryUrl: string, reason: string): CollectionGap {
  return {
    id: gapId(discoveryUrl, 'oidc:GetDiscovery'),
    provider: PROVIDER_ID,
    scope: {},
    operation: 'oidc:GetDiscovery',
    reason: `${discoveryUrl}: ${reason}`,
    affects: ['trustedBy', 'issuer', 'labels'],
  };
}

async function collectWith(config: JwksConfig, ctx: CollectContext, limits: HttpLimits, indicators: Indicator[], startedAt: string): Promise<ProviderOutput> {
  const gaps: CollectionGap[] = [];
  const published: PublishedKey[] = [];

  // 1. Discovery documents: which key set each issuer points relying parties at.
  const bySet = new Map<string, { trust: KeySetTrust[]; path?: string }>();
  const addTrust = (set: string, t: KeySetTrust, path?: string) => {
    const e = bySet.get(set) ?? { trust: [], ...(path ? { path } : {}) };
    e.trust.push(t);
    bySet.set(set, e);
  };
  let done = 0;
  const total = config.issuers.length;
  await mapPool(config.issuers, config.concurrency, async (iss) => {
    const discoveryUrl = iss.discoveryUrl ?? discoveryUrlFor(iss.issuer);
    const labels =
      iss.trustDomain || iss.environment
        ? { ...(iss.trustDomain ? { trustDomain: iss.trustDomain } : {}), ...(iss.environment ? { environment: iss.environment } : {}) }
        : undefined;
    try {
      const res = await getJson(discoveryUrl, limits, ctx.signal);
      const doc = parseDiscovery(res.body);
      if (!doc.ok) {
        gaps.push(discoveryGap(discoveryUrl, doc.reason));
        return;
      }
      let jwksUrl: string;
      try {
        jwksUrl = new URL(doc.value.jwksUri, res.url).href;
      } catch {
        gaps.push(discoveryGap(discoveryUrl, `jwks_uri "${doc.value.jwksUri}" is not a URL`));
        return;
      }
      addTrust(jwksUrl, {
        via: 'discovery',
        issuer: doc.value.issuer ?? iss.issuer,
        discoveryUrl,
        jwksUri: doc.value.jwksUri,
        ...(labels ? { labels } : {}),
      });
    } catch (err) {
      gaps.push(discoveryGap(discoveryUrl, reasonOf(err)));
    } finally {
      ctx.progress?.({ provider: PROVIDER_ID, phase: 'discovery', done: ++done, total });
    }
  });
  for (const ks of config.keySets) {
    const labels =
      ks.trustDomain || ks.environment
        ? { ...(ks.trustDomain ? { trustDomain: ks.trustDomain } : {}), ...(ks.environment ? { environment: ks.environment } : {}) }
        : undefined;
    const set = ks.url ? new URL(ks.url).href : (ks.path as string);
    const issuers = ks.issuers?.length ? ks.issuers : [undefined];
    for (const issuer of issuers) addTrust(set, { via: 'key-set', ...(issuer ? { issuer } : {}), ...(labels ? { labels } : {}) }, ks.path);
  }

  // 2. Key sets, each read once however many issuers point at it.
  const sets = [...bySet.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  done = 0;
  await mapPool(sets, config.concurrency, async ([set, { trust, path }]) => {
    let body: string;
    try {
      if (path) {
        const file = resolve(ctx.baseDir, path);
        body = inputReader(ctx)(file, 'key set file', 'check providers.jwks.keySets[].path (relative to the policy file)');
        if (Buffer.byteLength(body) > config.maxBytes) throw new FetchError('too-large', `file exceeds maxBytes ${config.maxBytes}`);
      } else {
        body = (await getJson(set, limits, ctx.signal)).body;
      }
    } catch (err) {
      if (err instanceof UserError) throw err;
      gaps.push({ id: gapId(set, 'jwks:GetKeySet'), provider: PROVIDER_ID, scope: { subjectId: set }, operation: 'jwks:GetKeySet', reason: reasonOf(err) });
      return;
    } finally {
      ctx.progress?.({ provider: PROVIDER_ID, phase: 'key sets', done: ++done, total: sets.length });
    }
    const keys = parseKeySet(body);
    if (!keys.ok) {
      gaps.push({ id: gapId(set, 'jwks:GetKeySet'), provider: PROVIDER_ID, scope: { subjectId: set }, operation: 'jwks:GetKeySet', reason: keys.reason });
      return;
    }
    const order = (t: KeySetTrust) => `${t.via}\u0000${t.issuer ?? ''}\u0000${t.discoveryUrl ?? ''}`;
    const trustedBy = [...trust].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    for (const n of normalizeKeySet(keys.value, { url: set, trustedBy, indicators })) {
      published.push(n.key);
      if (n.problem) {
        gaps.push({
          id: gapId(n.key.id, 'jwks:ParseKey'),
          provider: PROVIDER_ID,
          scope: { subjectId: n.key.id },
          operation: 'jwks:ParseKey',
          reason: n.problem,
          affects: ['fingerprints', 'publicKey', 'keySize', 'certificates'],
        });
      }
    }
  });

  published.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  gaps.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    run: { id: PROVIDER_ID, fills: [...FILLS], startedAt, finishedAt: ctx.now().toISOString() },
    publishedKeys: published,
    gaps,
  };
}

export default jwksProvider;
