// The Microsoft Graph v1.0 reads the simulator serves on the ARM origin: directory objects by id.
import type http from 'node:http';
import { type FakeContext, send } from './context.ts';
import { graphOperation } from './routes.ts';
import type { FakePrincipal, RecordedAzureRequest } from './types.ts';

/** A directory object as Graph v1.0 returns it (with the properties the audit selects). */
export function directoryObjectBody(id: string, p: FakePrincipal): Record<string, unknown> {
  return {
    '@odata.type': `#microsoft.graph.${p.type}`,
    id,
    displayName: p.displayName,
    ...(p.servicePrincipalType ? { servicePrincipalType: p.servicePrincipalType } : {}),
    ...(p.appId ? { appId: p.appId } : {}),
    ...(p.alternativeNames ? { alternativeNames: p.alternativeNames } : {}),
  };
}

/** Serve a Graph request; false when the path is no Graph operation. */
export function serveGraph(ctx: FakeContext, req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
  const op = graphOperation(req.method ?? 'GET', path);
  if (!op) return false;
  const rec: RecordedAzureRequest = { plane: 'graph', method: req.method ?? 'GET', path, operation: op, status: 200 };
  ctx.requests.push(rec);
  const answer = (status: number, body: unknown) => {
    rec.status = status;
    send(res, status, body);
  };
  const id = decodeURIComponent(path.split('/').filter(Boolean).pop() ?? '');
  const p = ctx.world.principals?.[id];
  if (!ctx.tokenValid(req.headers.authorization)) answer(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or expired.' } });
  else if (ctx.options.graphForbidden)
    answer(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
  else if (!p) answer(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist.` } });
  else answer(200, directoryObjectBody(id, p));
  return true;
}
