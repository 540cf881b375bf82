// IAM v1 routes of the GCP fake for workload identity federation: workloadIdentityPools.list,
// workloadIdentityPools.providers.list (both with showDeleted) and serviceAccounts.getIamPolicy, in the
// shapes the IAM REST reference documents.
import type { FakePolicy, FakeWifPool, FakeWifProvider, GcpWorld } from './world.ts';

type Json = Record<string, unknown>;
export interface FedAnswer {
  status: number;
  body: Json;
}
export interface FedRoute {
  op: string;
  method: 'GET' | 'POST' | 'ANY';
  re: RegExp;
  handle: (m: RegExpExecArray, q: URLSearchParams) => FedAnswer;
}
type Paged = (items: Json[], field: string, q: URLSearchParams) => FedAnswer;

const notFound = (what: string): FedAnswer => ({ status: 404, body: { error: { code: 404, message: `${what} not found.`, status: 'NOT_FOUND' } } });
const live = (x: { state?: string }, q: URLSearchParams) => x.state !== 'DELETED' || q.get('showDeleted') === 'true';
const poolName = (p: FakeWifPool) => `projects/${p.projectNumber}/locations/global/workloadIdentityPools/${p.id}`;

const providerJson = (pool: FakeWifPool, p: FakeWifProvider): Json => ({
  name: `${poolName(pool)}/providers/${p.id}`,
  displayName: p.displayName ?? p.id,
  state: p.state ?? 'ACTIVE',
  disabled: p.disabled ?? false,
  attributeMapping: p.attributeMapping,
  ...(p.attributeCondition ? { attributeCondition: p.attributeCondition } : {}),
  ...(p.oidc ? { oidc: { issuerUri: p.oidc.issuerUri, ...(p.oidc.allowedAudiences ? { allowedAudiences: p.oidc.allowedAudiences } : {}) } } : {}),
  ...(p.aws ? { aws: { accountId: p.aws.accountId } } : {}),
});

const policyOf = (p: FakePolicy | undefined): Json => ({
  version: 1,
  etag: 'BwYsa=',
  ...(p?.bindings?.length
    ? { bindings: p.bindings.map((b) => ({ role: b.role, members: b.members, ...(b.condition ? { condition: b.condition } : {}) })) }
    : {}),
});

export function federationRoutes(world: GcpWorld, paged: Paged): FedRoute[] {
  const pools = world.workloadIdentityPools ?? [];
  const numberOf = (p: string) => world.projects.find((x) => x.projectId === p)?.number ?? p;
  return [
    {
      op: 'iam:ListWorkloadIdentityPools',
      method: 'GET',
      re: /^\/v1\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools$/,
      handle: (m, q) => {
        const num = numberOf(m[1] as string);
        if (!world.projects.some((p) => p.number === num) && !pools.some((p) => p.projectNumber === num)) return notFound(`projects/${m[1]}`);
        const items = pools.filter((p) => p.projectNumber === num && live(p, q));
        return paged(
          items.map((p) => ({ name: poolName(p), displayName: p.id, state: p.state ?? 'ACTIVE', disabled: p.disabled ?? false })),
          'workloadIdentityPools',
          q,
        );
      },
    },
    {
      op: 'iam:ListWorkloadIdentityPoolProviders',
      method: 'GET',
      re: /^\/v1\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers$/,
      handle: (m, q) => {
        const pool = pools.find((p) => p.projectNumber === numberOf(m[1] as string) && p.id === m[2]);
        if (!pool) return notFound(`workloadIdentityPools/${m[2]}`);
        return paged(
          pool.providers.filter((p) => live(p, q)).map((p) => providerJson(pool, p)),
          'workloadIdentityPoolProviders',
          q,
        );
      },
    },
    {
      op: 'iam:GetServiceAccountIamPolicy',
      method: 'POST',
      re: /^\/v1\/projects\/[^/]+\/serviceAccounts\/([^/:]+):getIamPolicy$/,
      handle: (m) => {
        const email = decodeURIComponent(m[1] as string);
        const declared = (world.serviceAccounts ?? []).find((a) => a.email === email);
        const project = /@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
        if (!declared && !world.projects.some((p) => p.projectId === project)) return notFound(`serviceAccounts/${email}`);
        return { status: 200, body: policyOf(declared?.policy) };
      },
    },
  ];
}
