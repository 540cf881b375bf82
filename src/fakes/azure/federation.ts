// Federated identity credentials, as documented: Microsoft Graph v1.0
// `GET /applications(appId='{appId}')/federatedIdentityCredentials` (a collection of
// microsoft.graph.federatedIdentityCredential: id, name, issuer, subject, audiences, description) and
// ARM `GET .../Microsoft.ManagedIdentity/userAssignedIdentities/{name}/federatedIdentityCredentials`
// (api-version 2023-01-31: value[] of { id, name, type, properties: { issuer, subject, audiences } }).
import type http from 'node:http';
import { routeTable } from '../routes.ts';
import { type FakeContext, send } from './context.ts';
import type { FakePrincipal, RecordedAzureRequest } from './types.ts';

const ROUTES = routeTable([
  { name: 'graph:ListFederatedIdentityCredentials', method: 'GET', template: '/v1.0/{applicationsByAppId}/federatedIdentityCredentials' },
  {
    name: 'arm:ListFederatedIdentityCredentials',
    method: 'GET',
    template:
      '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}/federatedIdentityCredentials',
  },
]);

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function find(ctx: FakeContext, op: string, path: string): FakePrincipal | undefined {
  const all = Object.values(ctx.world.principals ?? {});
  if (op.startsWith('graph:')) {
    const appId = /appId=(?:'|%27)([^'%]+)(?:'|%27)/i.exec(path)?.[1];
    return all.find((p) => p.appId === appId);
  }
  const id = path.replace(/\/federatedIdentityCredentials\/?$/i, '').toLowerCase();
  return all.find((p) => p.alternativeNames?.some((n) => n.toLowerCase() === id));
}

function body(op: string, p: FakePrincipal, path: string): unknown {
  const creds = p.federatedIdentityCredentials ?? [];
  if (op.startsWith('graph:'))
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications/federatedIdentityCredentials',
      value: creds.map((c, i) => ({
        id: uuid(i + 1),
        name: c.name,
        issuer: c.issuer,
        subject: c.subject,
        description: c.description ?? null,
        audiences: c.audiences ?? ['api://AzureADTokenExchange'],
      })),
    };
  return {
    value: creds.map((c) => ({
      id: `${path}/${c.name}`,
      name: c.name,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      properties: { issuer: c.issuer, subject: c.subject, audiences: c.audiences ?? ['api://AzureADTokenExchange'] },
    })),
  };
}

/** Serve a federated-credential list; false when the path is neither. */
export function serveFederation(ctx: FakeContext, req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
  const op = ROUTES(req.method ?? 'GET', path);
  // Graph's alternate key: applications(appId='{appId}') is one segment.
  if (!op || (op.startsWith('graph:') && !/^\/v1\.0\/applications\(appId=/i.test(path))) return false;
  const rec: RecordedAzureRequest = { plane: op.startsWith('graph:') ? 'graph' : 'arm', method: req.method ?? 'GET', path, operation: op, status: 200 };
  ctx.requests.push(rec);
  const answer = (status: number, b: unknown) => {
    rec.status = status;
    send(res, status, b);
  };
  const p = find(ctx, op, path);
  if (!ctx.tokenValid(req.headers.authorization)) answer(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or expired.' } });
  else if (ctx.options.federationForbidden)
    answer(
      403,
      op.startsWith('graph:')
        ? { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } }
        : { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action.' } },
    );
  else if (!p)
    answer(404, { error: { code: op.startsWith('graph:') ? 'Request_ResourceNotFound' : 'ResourceNotFound', message: 'The resource was not found.' } });
  else answer(200, body(op, p, path));
  return true;
}
