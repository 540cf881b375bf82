// Federated identity credentials: an app registration (Graph, graph:ListFederatedIdentityCredentials)
// or a user-assigned managed identity (ARM, arm:ListFederatedIdentityCredentials) that holds key use
// can also be used by every external workload its credentials admit (a GitHub Actions run, a GitLab
// pipeline, a Terraform Cloud run). Each credential becomes an access entry of its own, classified by
// the policy's `ci:` block like an AWS OIDC trust. A list that cannot be read is a gap on access.
import { type AccessCondition, type AccessEntry, federationIssuer, type Principal } from '../../../model/access-entry.ts';
import type { KeyRecord } from '../../../model/key-record.ts';
import type { DirectoryObject, RawFederatedCredential } from '../client.ts';
import { type AzureRun, call, fail, note } from '../context.ts';
import type { Named } from './graph-names.ts';

const USER_ASSIGNED = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

type Source = { op: 'graph:ListFederatedIdentityCredentials'; appId: string } | { op: 'arm:ListFederatedIdentityCredentials'; identityId: string };

/** Where a principal's federated credentials live: its app registration or its user-assigned identity; none for users, groups, system-assigned identities. */
export function credentialSource(o: DirectoryObject): Source | undefined {
  const type = o.servicePrincipalType?.toLowerCase();
  if (type === 'application' && o.appId) return { op: 'graph:ListFederatedIdentityCredentials', appId: o.appId };
  const identityId = type === 'managedidentity' ? o.alternativeNames?.find((n) => USER_ASSIGNED.test(n)) : undefined;
  return identityId ? { op: 'arm:ListFederatedIdentityCredentials', identityId } : undefined;
}

/** The external principal one credential admits. A flexible credential (no single subject) admits any subject we can judge. */
export function federatedPrincipal(c: RawFederatedCredential, holder: Principal): Principal {
  const host = c.issuer.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const federation = { provider: c.issuer, issuer: federationIssuer(c.issuer), subjects: c.subject ? [c.subject] : [] };
  const base = { ...(holder.account ? { account: holder.account } : {}), ...(holder.tenant ? { tenant: holder.tenant } : {}), federation };
  if (!c.subject) return { kind: 'any-authenticated', id: `${c.issuer}#*`, name: `any subject of ${host} (credential ${c.name})`, ...base };
  return { kind: 'user', id: `${c.issuer}#${c.subject}`, name: `${host} ${c.subject}`, ...base };
}

type Read = { list: RawFederatedCredential[] } | { err: unknown; src: Source };

/** Read each federated principal's credentials once. */
async function readCredentials(run: AzureRun, sources: Map<string, Source>): Promise<Map<string, Read>> {
  const out = new Map<string, Read>();
  await run.kit.pool([...sources], 8, async ([id, src]) => {
    try {
      const list =
        src.op === 'graph:ListFederatedIdentityCredentials'
          ? await call(run, src.op, 'graph', (s) => run.clients.listAppFederatedCredentials(src.appId, s))
          : await call(run, src.op, `arm:${src.identityId.split('/')[2]?.toLowerCase()}`, (s) =>
              run.clients.listIdentityFederatedCredentials(src.identityId, s),
            );
      out.set(id, { list });
    } catch (err) {
      out.set(id, { err, src });
    }
  });
  return out;
}

/**
 * The audiences Microsoft documents for federated identity credentials (Entra ID global, US Government,
 * China): an external token is exchanged only when its `aud` is one of the credential's audiences.
 */
export const EXCHANGE_AUDIENCES: ReadonlySet<string> = new Set([
  'api://AzureADTokenExchange',
  'api://AzureADTokenExchangeUSGov',
  'api://AzureADTokenExchangeChina',
]);

/** Warn once per credential that accepts an audience other than the documented token-exchange ones. */
function warnAudiences(run: AzureRun, list: readonly RawFederatedCredential[], holder: string): void {
  for (const c of list) {
    const odd = c.audiences.filter((a) => !EXCHANGE_AUDIENCES.has(a));
    if (!odd.length) continue;
    run.ctx.warn?.(
      `azure: federated credential ${c.name} of ${holder} accepts tokens for audience ${odd.join(', ')}, not the documented api://AzureADTokenExchange: tokens the issuer mints for that audience (for another service) can be exchanged for ${holder}; use the documented audience`,
    );
  }
}

/** The credential's audiences, as a condition the token must meet (shown by explain-access). */
const audienceCondition = (c: RawFederatedCredential): AccessCondition[] =>
  c.audiences.length ? [{ key: 'aud', operator: 'StringEquals', values: [...c.audiences] }] : [];

/** A gap on the key's access for each principal that may carry federated credentials but that Graph did not name. */
function unreadGaps(run: AzureRun, key: KeyRecord, unread: ReadonlySet<string>): void {
  for (const a of key.access ?? []) {
    if (!unread.has(a.principal.id) || (a.principal.kind !== 'service-principal' && a.principal.kind !== 'managed-identity')) continue;
    note(
      run,
      'graph:GetDirectoryObject',
      { ...(key.account ? { account: key.account } : {}), ...(key.container ? { container: key.container } : {}), subjectId: key.id },
      `principal ${a.principal.id}, which can use ${key.name ?? key.id}, was not read from Microsoft Graph, so whether external workloads can act as it (federated identity credentials of an app registration or user-assigned identity) is unknown; grant the audit identity Directory.Read.All and Application.Read.All`,
      ['access'],
    );
  }
}

/** Add, to every key a federated principal can use, one entry per external subject its credentials admit; a gap on the key's access where the list, or the principal itself, could not be read. */
export async function readFederation(run: AzureRun, keys: KeyRecord[], named: Named): Promise<void> {
  const objects = named.found;
  for (const key of keys) unreadGaps(run, key, named.unread);
  const sources = new Map<string, Source>();
  for (const id of [...objects.keys()].sort()) {
    const src = credentialSource(objects.get(id) as DirectoryObject);
    if (src) sources.set(id, src);
  }
  if (!sources.size) return;
  const creds = await readCredentials(run, sources);
  for (const [id, read] of creds) if ('list' in read) warnAudiences(run, read.list, objects.get(id)?.displayName ?? id);
  for (const key of keys) {
    const added: AccessEntry[] = [];
    for (const a of key.access ?? []) {
      const read = creds.get(a.principal.id);
      if (!read) continue;
      if ('err' in read) {
        const where = 'appId' in read.src ? `app registration ${read.src.appId}` : read.src.identityId;
        fail(run, read.src.op, read.err, {
          what: `the federated identity credentials of ${a.principal.name ?? a.principal.id} (${where}), which can use ${key.name}`,
          scope: { ...(key.account ? { account: key.account } : {}), ...(key.container ? { container: key.container } : {}), subjectId: key.id },
          affects: ['access'],
        });
        continue;
      }
      for (const c of read.list) {
        const conditions = [...(a.conditions ?? []), ...audienceCondition(c)];
        added.push({
          ...a,
          principal: federatedPrincipal(c, a.principal),
          via: [c.issuer, a.principal.name ?? a.principal.id, ...(a.via ?? [])],
          ...(conditions.length ? { conditions } : {}),
        });
      }
    }
    if (added.length) key.access = [...(key.access ?? []), ...added];
  }
}
