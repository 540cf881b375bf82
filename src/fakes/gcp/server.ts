// A loopback plain-HTTP fake of the three Google REST APIs the GCP provider reads: Cloud KMS v1,
// Cloud Resource Manager v3 and Cloud Logging v2, as google-gax's REST transport calls them. It pages
// (pageToken / nextPageToken), throttles (429 RESOURCE_EXHAUSTED with Retry-After), denies (403
// PERMISSION_DENIED) where told, records every request with the operation it is, and answers any
// request it does not know with 404 so an unexpected call shows up in `unknown`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { federationRoutes } from './federation.ts';
import { defaultLogging, type FakeCryptoKey, type FakeFolder, type FakeKeyRing, type FakePolicy, type FakeProject, type GcpWorld } from './world.ts';

export interface GcpFakeOptions {
  /** Largest page served whatever the client asks (forces paging). */
  maxPageSize?: number;
  /** Answer every Nth request with 429 (after serving it N-1 times). */
  throttleEvery?: number;
  /** Retry-After of those 429s, in seconds (default 0). */
  retryAfterSeconds?: number;
  /** `<operation> <resource prefix>` pairs answered with 403, e.g. "cloudkms:GetKeyRingIamPolicy projects/p/locations/global/keyRings/r". `*` matches any operation. */
  deny?: string[];
  /** The bearer token every request must carry (401 otherwise). */
  token?: string;
  /** Added latency per request, in ms. */
  latencyMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operation: string;
  status: number;
  authorization?: string;
  userProject?: string;
}

export interface GcpFake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Distinct operations served (any status), sorted. */
  operations(): string[];
  /** Requests no route knew. */
  unknown(): RecordedRequest[];
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: Json;
  headers?: Record<string, string>;
}

const ok = (body: Json): Answer => ({ status: 200, body });
const error = (status: number, grpc: string, message: string): Answer => ({ status, body: { error: { code: status, message, status: grpc } } });
const notFound = (what: string): Answer => error(404, 'NOT_FOUND', `${what} not found.`);

function paged(items: Json[], field: string, q: URLSearchParams, max: number | undefined): Answer {
  const start = Number(q.get('pageToken') ?? '0') || 0;
  const asked = Number(q.get('pageSize') ?? '0') || items.length || 1;
  const size = Math.max(1, Math.min(asked, max ?? asked));
  const slice = items.slice(start, start + size);
  const body: Json = { [field]: slice };
  if (start + size < items.length) body.nextPageToken = String(start + size);
  return ok(body);
}

const policyJson = (p: FakePolicy | undefined): Json => ({
  version: 3,
  etag: 'BwYfake=',
  bindings: (p?.bindings ?? []).map((b) => ({ role: b.role, members: b.members, ...(b.condition ? { condition: b.condition } : {}) })),
  ...(p?.auditConfigs ? { auditConfigs: p.auditConfigs.map((a) => ({ service: a.service, auditLogConfigs: a.auditLogConfigs })) } : {}),
});

function versionJson(keyName: string, k: FakeCryptoKey, v: FakeCryptoKey['versions'][number]): Json {
  return {
    name: `${keyName}/cryptoKeyVersions/${v.id}`,
    state: v.state,
    protectionLevel: v.protectionLevel ?? k.protectionLevel ?? 'SOFTWARE',
    algorithm: v.algorithm,
    createTime: v.createTime,
    ...(v.generateTime ? { generateTime: v.generateTime } : v.importJob ? {} : { generateTime: v.createTime }),
    ...(v.destroyTime ? { destroyTime: v.destroyTime } : {}),
    ...(v.importJob ? { importJob: v.importJob, importTime: v.importTime ?? v.createTime } : {}),
    ...(v.externalKeyUri || v.ekmConnectionKeyPath
      ? {
          externalProtectionLevelOptions: {
            ...(v.externalKeyUri ? { externalKeyUri: v.externalKeyUri } : {}),
            ...(v.ekmConnectionKeyPath ? { ekmConnectionKeyPath: v.ekmConnectionKeyPath } : {}),
          },
        }
      : {}),
  };
}

function keyJson(ringName: string, k: FakeCryptoKey): Json {
  const name = `${ringName}/cryptoKeys/${k.id}`;
  const primary = k.primary ? k.versions.find((v) => v.id === k.primary) : undefined;
  return {
    name,
    purpose: k.purpose,
    createTime: k.createTime,
    ...(primary ? { primary: versionJson(name, k, primary) } : {}),
    ...(k.rotationPeriod ? { rotationPeriod: k.rotationPeriod } : {}),
    ...(k.nextRotationTime ? { nextRotationTime: k.nextRotationTime } : {}),
    versionTemplate: { protectionLevel: k.protectionLevel ?? 'SOFTWARE', algorithm: k.algorithm },
    ...(k.labels ? { labels: k.labels } : {}),
    ...(k.importOnly !== undefined ? { importOnly: k.importOnly } : {}),
    destroyScheduledDuration: k.destroyScheduledDuration ?? '2592000s',
    ...(k.cryptoKeyBackend ? { cryptoKeyBackend: k.cryptoKeyBackend } : {}),
  };
}

interface Index {
  projects: Map<string, FakeProject>;
  rings: Map<string, FakeKeyRing>;
  keys: Map<string, FakeCryptoKey>;
  policies: Map<string, FakePolicy | undefined>;
  sinks: Map<string, Json[]>;
}

function indexWorld(world: GcpWorld): Index {
  const ix: Index = { projects: new Map(), rings: new Map(), keys: new Map(), policies: new Map(), sinks: new Map() };
  for (const o of world.organizations ?? []) {
    ix.policies.set(`organizations/${o.id}`, o.policy);
    ix.sinks.set(
      `organizations/${o.id}`,
      (o.sinks ?? []).map((s) => ({ ...s })),
    );
  }
  for (const f of world.folders ?? []) {
    ix.policies.set(`folders/${f.id}`, f.policy);
    ix.sinks.set(
      `folders/${f.id}`,
      (f.sinks ?? []).map((s) => ({ ...s })),
    );
  }
  for (const p of world.projects) {
    ix.projects.set(p.projectId, p);
    ix.policies.set(`projects/${p.projectId}`, p.policy);
    ix.sinks.set(
      `projects/${p.projectId}`,
      (p.sinks ?? defaultLogging(p.projectId).sinks).map((s) => ({ ...s })),
    );
    for (const r of p.keyRings) {
      const ringName = `projects/${p.projectId}/locations/${r.location}/keyRings/${r.id}`;
      ix.rings.set(ringName, r);
      for (const k of r.keys) ix.keys.set(`${ringName}/cryptoKeys/${k.id}`, k);
    }
  }
  return ix;
}

const projectJson = (p: FakeProject): Json => ({
  name: `projects/${p.number}`,
  projectId: p.projectId,
  state: p.state ?? 'ACTIVE',
  ...(p.parent ? { parent: p.parent } : {}),
});

const folderJson = (f: FakeFolder): Json => ({ name: `folders/${f.id}`, parent: f.parent, displayName: f.displayName ?? f.id, state: 'ACTIVE' });

type Route = { op: string; method: 'GET' | 'POST' | 'ANY'; re: RegExp; handle: (m: RegExpExecArray, q: URLSearchParams) => Answer };

function routes(world: GcpWorld, ix: Index, max: number | undefined): Route[] {
  const iam = (resource: string, known: boolean): Answer => (known ? ok(policyJson(ix.policies.get(resource))) : notFound(resource));
  return [
    {
      op: 'cloudresourcemanager:SearchProjects',
      method: 'GET',
      re: /^\/v3\/projects:search$/,
      handle: (_m, q) => paged(world.projects.map(projectJson), 'projects', q, max),
    },
    {
      op: 'cloudresourcemanager:ListProjects',
      method: 'GET',
      re: /^\/v3\/projects$/,
      handle: (_m, q) => paged(world.projects.filter((p) => p.parent === q.get('parent')).map(projectJson), 'projects', q, max),
    },
    {
      op: 'cloudresourcemanager:GetProjectIamPolicy',
      method: 'POST',
      re: /^\/v3\/(projects\/[^/:]+):getIamPolicy$/,
      handle: (m) => iam(m[1] as string, ix.policies.has(m[1] as string)),
    },
    {
      op: 'cloudresourcemanager:GetProject',
      method: 'GET',
      re: /^\/v3\/projects\/([^/:]+)$/,
      handle: (m) => {
        const p = ix.projects.get(m[1] as string) ?? world.projects.find((x) => x.number === m[1]);
        return p ? ok(projectJson(p)) : error(403, 'PERMISSION_DENIED', `Permission denied on resource project ${m[1]}.`);
      },
    },
    {
      op: 'cloudresourcemanager:ListFolders',
      method: 'GET',
      re: /^\/v3\/folders$/,
      handle: (_m, q) => paged((world.folders ?? []).filter((f) => f.parent === q.get('parent')).map(folderJson), 'folders', q, max),
    },
    {
      op: 'cloudresourcemanager:GetFolderIamPolicy',
      method: 'POST',
      re: /^\/v3\/(folders\/[^/:]+):getIamPolicy$/,
      handle: (m) => iam(m[1] as string, ix.policies.has(m[1] as string)),
    },
    {
      op: 'cloudresourcemanager:GetFolder',
      method: 'GET',
      re: /^\/v3\/folders\/([^/:]+)$/,
      handle: (m) => {
        const f = (world.folders ?? []).find((x) => x.id === m[1]);
        return f ? ok(folderJson(f)) : notFound(`folders/${m[1]}`);
      },
    },
    {
      op: 'cloudresourcemanager:GetOrganizationIamPolicy',
      method: 'POST',
      re: /^\/v3\/(organizations\/[^/:]+):getIamPolicy$/,
      handle: (m) => iam(m[1] as string, ix.policies.has(m[1] as string)),
    },
    {
      op: 'cloudresourcemanager:GetOrganization',
      method: 'GET',
      re: /^\/v3\/organizations\/([^/:]+)$/,
      handle: (m) => (ix.policies.has(`organizations/${m[1]}`) ? ok({ name: `organizations/${m[1]}`, state: 'ACTIVE' }) : notFound(`organizations/${m[1]}`)),
    },
    ...kmsRoutes(ix, max, iam),
    ...custodyRoutes(ix, max),
    ...iamRoutes(world),
    ...federationRoutes(world, (items, field, q) => paged(items, field, q, max)),
    ...loggingRoutes(ix, max),
  ];
}

// Resource-name patterns of Cloud KMS paths: project, location, key ring, crypto key.
const P = '(projects\\/[^/]+)';
const L = `${P}\\/locations\\/([^/]+)`;
const R = `(${L}\\/keyRings\\/[^/:]+)`;
const K = `(${R}\\/cryptoKeys\\/[^/:]+)`;

function kmsRoutes(ix: Index, max: number | undefined, iam: (r: string, known: boolean) => Answer): Route[] {
  return [...kmsRingRoutes(ix, max, iam), ...kmsKeyRoutes(ix, max, iam)];
}

/** Locations, key rings and key-ring IAM policies. */
function kmsRingRoutes(ix: Index, max: number | undefined, iam: (r: string, known: boolean) => Answer): Route[] {
  return [
    {
      op: 'cloudkms:ListLocations',
      method: 'GET',
      re: /^\/v1\/projects\/([^/]+)\/locations$/,
      handle: (m, q) => {
        const p = ix.projects.get(m[1] as string);
        if (!p) return notFound(`projects/${m[1]}`);
        const locs = p.locations ?? [...new Set(['global', ...p.keyRings.map((r) => r.location)])].sort();
        return paged(
          locs.map((l) => ({ name: `projects/${p.projectId}/locations/${l}`, locationId: l })),
          'locations',
          q,
          max,
        );
      },
    },
    {
      op: 'cloudkms:ListKeyRings',
      method: 'GET',
      re: new RegExp(`^\\/v1\\/${L}\\/keyRings$`),
      handle: (m, q) => {
        const p = ix.projects.get((m[1] as string).slice('projects/'.length));
        if (!p) return notFound(m[1] as string);
        const rings = p.keyRings.filter((r) => r.location === m[2]);
        return paged(
          rings.map((r) => ({ name: `${m[1]}/locations/${r.location}/keyRings/${r.id}`, createTime: r.createTime ?? '2020-01-01T00:00:00Z' })),
          'keyRings',
          q,
          max,
        );
      },
    },
    {
      op: 'cloudkms:GetKeyRingIamPolicy',
      method: 'ANY',
      re: new RegExp(`^\\/v1\\/${R}:getIamPolicy$`),
      handle: (m) => ringOrKeyPolicy(ix, m[1] as string, iam),
    },
  ];
}

/** Crypto keys, their IAM policies, versions and public keys. */
function kmsKeyRoutes(ix: Index, max: number | undefined, iam: (r: string, known: boolean) => Answer): Route[] {
  return [
    {
      op: 'cloudkms:ListCryptoKeys',
      method: 'GET',
      re: new RegExp(`^\\/v1\\/${R}\\/cryptoKeys$`),
      handle: (m, q) => {
        const r = ix.rings.get(m[1] as string);
        return r
          ? paged(
              r.keys.map((k) => keyJson(m[1] as string, k)),
              'cryptoKeys',
              q,
              max,
            )
          : notFound(m[1] as string);
      },
    },
    {
      op: 'cloudkms:GetCryptoKeyIamPolicy',
      method: 'ANY',
      re: new RegExp(`^\\/v1\\/${K}:getIamPolicy$`),
      handle: (m) => ringOrKeyPolicy(ix, m[1] as string, iam),
    },
    {
      op: 'cloudkms:ListCryptoKeyVersions',
      method: 'GET',
      re: new RegExp(`^\\/v1\\/${K}\\/cryptoKeyVersions$`),
      handle: (m, q) => {
        const k = ix.keys.get(m[1] as string);
        return k
          ? paged(
              k.versions.map((v) => versionJson(m[1] as string, k, v)),
              'cryptoKeyVersions',
              q,
              max,
            )
          : notFound(m[1] as string);
      },
    },
    {
      op: 'cloudkms:GetPublicKey',
      method: 'GET',
      re: new RegExp(`^\\/v1\\/${K}\\/cryptoKeyVersions\\/([^/]+)\\/publicKey$`),
      handle: (m) => {
        const k = ix.keys.get(m[1] as string);
        const v = k?.versions.find((x) => x.id === m[m.length - 1]);
        if (!k || !v?.publicKeyPem) return notFound(m[0] as string);
        if (!k.purpose.startsWith('ASYMMETRIC')) return error(400, 'FAILED_PRECONDITION', 'The request cannot be fulfilled: the key is not asymmetric.');
        return ok({
          pem: v.publicKeyPem,
          algorithm: v.algorithm,
          name: `${m[1]}/cryptoKeyVersions/${v.id}`,
          protectionLevel: v.protectionLevel ?? k.protectionLevel ?? 'SOFTWARE',
        });
      },
    },
  ];
}

/** IAM roles.get (v1) for predefined, project and organization roles. */
function iamRoutes(world: GcpWorld): Route[] {
  return [
    {
      op: 'iam:GetRole',
      method: 'GET',
      re: /^\/v1\/((?:projects\/[^/]+\/|organizations\/[^/]+\/)?roles\/[^/:]+)$/,
      handle: (m) => {
        const r = (world.roles ?? []).find((x) => x.name === m[1]);
        if (!r) return notFound(m[1] as string);
        return ok({
          name: r.name,
          title: r.name,
          includedPermissions: r.includedPermissions,
          stage: r.stage ?? 'GA',
          etag: 'BwYrole=',
          ...(r.deleted ? { deleted: true } : {}),
        });
      },
    },
  ];
}

/** Import jobs of a key ring, and EKM connections of a project location (Cloud KMS v1). */
function custodyRoutes(ix: Index, max: number | undefined): Route[] {
  return [
    {
      op: 'cloudkms:ListImportJobs',
      method: 'GET',
      re: /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/:]+)\/importJobs$/,
      handle: (m, q) => {
        const r = ix.rings.get(m[1] as string);
        if (!r) return notFound(m[1] as string);
        const jobs = (r.importJobs ?? []).map((j) => ({
          name: `${m[1]}/importJobs/${j.id}`,
          importMethod: j.importMethod,
          protectionLevel: j.protectionLevel,
          state: j.state,
          createTime: j.createTime,
          ...(j.state !== 'PENDING_GENERATION' ? { generateTime: j.createTime } : {}),
          ...(j.expireTime ? { expireTime: j.expireTime } : {}),
        }));
        return paged(jobs, 'importJobs', q, max);
      },
    },
    {
      op: 'cloudkms:ListEkmConnections',
      method: 'GET',
      re: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/ekmConnections$/,
      handle: (m, q) => {
        const p = ix.projects.get(m[1] as string);
        if (!p) return notFound(`projects/${m[1]}`);
        const conns = (p.ekmConnections ?? [])
          .filter((c) => c.location === m[2])
          .map((c) => ({
            name: `projects/${p.projectId}/locations/${c.location}/ekmConnections/${c.id}`,
            createTime: c.createTime,
            serviceResolvers: c.hostnames.map((hostname) => ({
              serviceDirectoryService: `projects/${p.projectId}/locations/${c.location}/namespaces/ekm/services/${c.id}`,
              hostname,
            })),
            keyManagementMode: c.keyManagementMode ?? 'MANUAL',
            etag: 'BwYekm=',
          }));
        return paged(conns, 'ekmConnections', q, max);
      },
    },
  ];
}

/** Key ring and crypto key IAM: the policy when set (an empty one otherwise); 404 for unknown names. */
function ringOrKeyPolicy(ix: Index, name: string, iam: (r: string, known: boolean) => Answer): Answer {
  const known = ix.rings.has(name) || ix.keys.has(name);
  if (!known) return iam(name, false);
  const policy = ix.rings.get(name)?.policy ?? ix.keys.get(name)?.policy;
  return ok(policyJson(policy));
}

function loggingRoutes(ix: Index, max: number | undefined): Route[] {
  return [
    {
      op: 'logging:ListBuckets',
      method: 'GET',
      re: /^\/v2\/projects\/([^/]+)\/locations\/([^/]+)\/buckets$/,
      handle: (m, q) => {
        const p = ix.projects.get(m[1] as string);
        if (!p) return notFound(`projects/${m[1]}`);
        const buckets = (p.buckets ?? defaultLogging(p.projectId).buckets).filter((b) => m[2] === '-' || (b.location ?? 'global') === m[2]);
        return paged(
          buckets.map((b) => ({
            name: `projects/${p.projectId}/locations/${b.location ?? 'global'}/buckets/${b.id}`,
            ...(b.retentionDays ? { retentionDays: b.retentionDays } : {}),
            locked: b.locked ?? false,
            lifecycleState: b.lifecycleState ?? 'ACTIVE',
          })),
          'buckets',
          q,
          max,
        );
      },
    },
    {
      op: 'logging:ListSinks',
      method: 'GET',
      re: /^\/v2\/((?:projects|folders|organizations)\/[^/]+)\/sinks$/,
      handle: (m, q) => {
        const sinks = ix.sinks.get(m[1] as string);
        return sinks ? paged(sinks, 'sinks', q, max) : notFound(m[1] as string);
      },
    },
  ];
}

/** The resource a request targets (for deny rules): the path after the version, without the verb. */
const targetOf = (path: string): string => path.replace(/^\/v\d\//, '').replace(/:[A-Za-z]+$/, '');

function denied(deny: readonly string[], op: string, path: string): boolean {
  const target = targetOf(path);
  return deny.some((d) => {
    const [dop = '', prefix = ''] = d.split(' ');
    return (dop === '*' || dop === op) && target.startsWith(prefix);
  });
}

/** Start the fake on 127.0.0.1 (an ephemeral port). */
export async function startGcpFake(world: GcpWorld, opts: GcpFakeOptions = {}): Promise<GcpFake> {
  const ix = indexWorld(world);
  const table = routes(world, ix, opts.maxPageSize);
  const requests: RecordedRequest[] = [];
  let served = 0;
  const answer = (req: http.IncomingMessage, url: URL): { op: string; a: Answer } => {
    const route = table.find((r) => (r.method === 'ANY' || r.method === req.method) && r.re.test(url.pathname));
    if (!route) return { op: `unknown:${req.method} ${url.pathname}`, a: notFound(url.pathname) };
    const op = route.op;
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`)
      return { op, a: error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.') };
    served++;
    if (opts.throttleEvery && served % opts.throttleEvery === 0) {
      const a = error(
        429,
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'cloudkms.googleapis.com'.",
      );
      return { op, a: { ...a, headers: { 'retry-after': String(opts.retryAfterSeconds ?? 0) } } };
    }
    if (denied(opts.deny ?? [], op, url.pathname))
      return { op, a: error(403, 'PERMISSION_DENIED', `Permission denied on resource '${targetOf(url.pathname)}' (or it may not exist).`) };
    return { op, a: route.handle(route.re.exec(url.pathname) as RegExpExecArray, url.searchParams) };
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const { op, a } = answer(req, url);
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        operation: op,
        status: a.status,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(typeof req.headers['x-goog-user-project'] === 'string' ? { userProject: req.headers['x-goog-user-project'] } : {}),
      });
      const send = () => {
        res.writeHead(a.status, { 'content-type': 'application/json; charset=UTF-8', ...(a.headers ?? {}) });
        res.end(JSON.stringify(a.body));
      };
      if (opts.latencyMs) setTimeout(send, opts.latencyMs);
      else send();
    });
  });
  // Clients close a pooled connection a safety margin (1 s in undici and Node's agent) before the
  // server's Keep-Alive hint: a 1 s hint made every request open a new connection.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    operations: () => [...new Set(requests.map((r) => r.operation))].sort(),
    unknown: () => requests.filter((r) => r.operation.startsWith('unknown:')),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
