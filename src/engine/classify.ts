import type { Principal } from '../model/access-entry.ts';
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import type { EnvironmentKind, Matcher } from '../policy/schema.ts';
import type { PrincipalScope, ResolvedKeyClass, ResolvedScope } from '../rules/types.ts';
import { anyGlobMatch } from '../util/glob.ts';

const KEY_FIELDS = new Set(['providers', 'accounts', 'regions', 'containers', 'ids', 'tags']);
const PRINCIPAL_FIELDS = new Set(['accounts', 'principals']);
const PUBLISHED_FIELDS = new Set(['providers', 'ids', 'issuers']);

const onlyFields = (m: Matcher, allowed: Set<string>): boolean => Object.keys(m).every((f) => allowed.has(f));

export function matchesKey(m: Matcher, k: KeyRecord): boolean {
  if (!onlyFields(m, KEY_FIELDS)) return false;
  if (m.providers && !anyGlobMatch(m.providers, k.provider)) return false;
  if (m.accounts && !anyGlobMatch(m.accounts, k.account)) return false;
  if (m.regions && !anyGlobMatch(m.regions, k.region)) return false;
  if (m.containers && !anyGlobMatch(m.containers, k.container)) return false;
  if (m.ids && !(anyGlobMatch(m.ids, k.id) || anyGlobMatch(m.ids, k.name) || (k.aliases ?? []).some((a) => anyGlobMatch(m.ids ?? [], a)))) return false;
  if (m.tags) {
    for (const [tag, want] of Object.entries(m.tags)) {
      if (!anyGlobMatch(typeof want === 'string' ? [want] : want, k.tags?.[tag])) return false;
    }
  }
  return true;
}

export function matchesPrincipal(m: Matcher, p: Principal): boolean {
  if (!onlyFields(m, PRINCIPAL_FIELDS)) return false;
  if (m.accounts && !(anyGlobMatch(m.accounts, p.account) || anyGlobMatch(m.accounts, p.tenant))) return false;
  if (m.principals && !(anyGlobMatch(m.principals, p.id) || anyGlobMatch(m.principals, p.name))) return false;
  return true;
}

export function matchesPublished(m: Matcher, k: PublishedKey): boolean {
  if (!onlyFields(m, PUBLISHED_FIELDS)) return false;
  if (m.providers && !anyGlobMatch(m.providers, k.provider)) return false;
  if (m.ids && !(anyGlobMatch(m.ids, k.id) || anyGlobMatch(m.ids, k.url))) return false;
  if (m.issuers && !anyGlobMatch(m.issuers, k.issuer)) return false;
  return true;
}

/** Classification of every key and principal, computed once before any rule runs. */
export interface Classifier {
  key(k: KeyRecord): ResolvedScope;
  principal(p: Principal): PrincipalScope;
  published(k: PublishedKey): ResolvedScope;
  artifact(a: ArtifactFinding): ResolvedScope;
  environmentKind(name: string): EnvironmentKind | undefined;
}

export function createClassifier(policy: ResolvedPolicy, keys: readonly KeyRecord[] = []): Classifier {
  const envs = Object.entries(policy.environments);
  const domains = Object.entries(policy.trustDomains);
  const classes: ResolvedKeyClass[] = Object.entries(policy.keyClasses)
    .filter(([, c]) => c.match && c.match.length > 0)
    .map(([name, c]) => ({ name, ...c }));
  const kindOf = (name: string) => policy.environments[name]?.kind;

  const finish = (environments: string[], trustDomains: string[], keyClass?: ResolvedKeyClass): ResolvedScope => {
    const environment = environments.length === 1 ? environments[0] : undefined;
    return {
      environments,
      trustDomains,
      environment,
      environmentKind: environment ? kindOf(environment) : undefined,
      trustDomain: trustDomains.length === 1 ? trustDomains[0] : undefined,
      keyClass,
    };
  };

  const classifyKey = (k: KeyRecord): ResolvedScope => {
    const environments = envs.filter(([, e]) => e.match.some((m) => matchesKey(m, k))).map(([n]) => n);
    const trustDomains = domains.filter(([, d]) => d.match.some((m) => matchesKey(m, k))).map(([n]) => n);
    // Several classes may match: the strictest cryptoperiod wins, so a key is never held to a looser limit.
    let keyClass: ResolvedKeyClass | undefined;
    for (const c of classes) {
      if (!c.match?.some((m) => matchesKey(m, k))) continue;
      if (!keyClass || (c.maxAgeDays ?? Number.POSITIVE_INFINITY) < (keyClass.maxAgeDays ?? Number.POSITIVE_INFINITY)) keyClass = c;
    }
    return finish(environments, trustDomains, keyClass);
  };

  const keyCache = new Map<string, ResolvedScope>();
  for (const k of keys) keyCache.set(k.id, classifyKey(k));

  const principalCache = new Map<string, PrincipalScope>();

  return {
    key(k) {
      let s = keyCache.get(k.id);
      if (!s) {
        s = classifyKey(k);
        keyCache.set(k.id, s);
      }
      return s;
    },
    principal(p) {
      const cacheKey = `${p.kind}\u0000${p.id}\u0000${p.account ?? ''}\u0000${p.tenant ?? ''}`;
      let s = principalCache.get(cacheKey);
      if (!s) {
        const environments = envs.filter(([, e]) => e.match.some((m) => matchesPrincipal(m, p))).map(([n]) => n);
        s = {
          environments,
          environmentKinds: environments.map((n) => kindOf(n)).filter((x): x is EnvironmentKind => !!x),
          trustDomains: domains.filter(([, d]) => d.match.some((m) => matchesPrincipal(m, p))).map(([n]) => n),
        };
        principalCache.set(cacheKey, s);
      }
      return s;
    },
    published(k) {
      const environments = k.labels?.environment ? [k.labels.environment] : envs.filter(([, e]) => e.match.some((m) => matchesPublished(m, k))).map(([n]) => n);
      const trustDomains = k.labels?.trustDomain
        ? [k.labels.trustDomain]
        : domains.filter(([, d]) => d.match.some((m) => matchesPublished(m, k))).map(([n]) => n);
      return finish(environments, trustDomains);
    },
    artifact(a) {
      return finish(a.store?.environment ? [a.store.environment] : [], []);
    },
    environmentKind: kindOf,
  };
}
