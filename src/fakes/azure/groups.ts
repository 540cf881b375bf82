// Microsoft Graph v1.0 `GET /groups/{id}/transitiveMembers`, as documented ("List group transitive
// members"): a collection of directoryObject (users, service principals, nested groups, devices, org
// contacts), each with its `@odata.type`, every member of every nested group once, paged by
// `@odata.nextLink`. A group that does not exist is 404 Request_ResourceNotFound.
import type http from 'node:http';
import { routeTable } from '../routes.ts';
import { type FakeContext, send } from './context.ts';
import { directoryObjectBody } from './graph.ts';
import type { FakeAzureWorld, RecordedAzureRequest } from './types.ts';

const ROUTES = routeTable([{ name: 'graph:ListGroupTransitiveMembers', method: 'GET', template: '/v1.0/groups/{id}/transitiveMembers' }]);

/** Every member of `groupId` and of the groups nested in it, each once, in the order met (breadth first). */
export function transitiveMembers(world: FakeAzureWorld, groupId: string): string[] {
  const out: string[] = [];
  const seen = new Set([groupId]);
  const queue = [groupId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const m of world.principals?.[id]?.members ?? []) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push(m);
      queue.push(m);
    }
  }
  return out;
}

function member(world: FakeAzureWorld, id: string): Record<string, unknown> {
  const p = world.principals?.[id];
  return p ? directoryObjectBody(id, p) : { '@odata.type': '#microsoft.graph.user', id, displayName: null };
}

/** Serve a transitive-members list; false when the path is not one. */
export function serveGroups(ctx: FakeContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
  const op = ROUTES(req.method ?? 'GET', url.pathname);
  if (!op) return false;
  const rec: RecordedAzureRequest = { plane: 'graph', method: req.method ?? 'GET', path: url.pathname, operation: op, status: 200 };
  ctx.requests.push(rec);
  const answer = (status: number, body: unknown) => {
    rec.status = status;
    send(res, status, body);
  };
  const id = decodeURIComponent(url.pathname.split('/').filter(Boolean)[2] ?? '');
  const group = ctx.world.principals?.[id];
  if (!ctx.tokenValid(req.headers.authorization)) answer(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or expired.' } });
  else if (ctx.options.graphForbidden || ctx.options.groupMembersForbidden)
    answer(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
  else if (group?.type !== 'group') answer(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist.` } });
  else {
    const all = transitiveMembers(ctx.world, id);
    const size = ctx.options.graphPageSize ?? 100;
    const from = Number(url.searchParams.get('$skiptoken') ?? 0);
    const next = from + size < all.length ? `${ctx.base.url}${url.pathname}?$skiptoken=${from + size}` : undefined;
    answer(200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
      value: all.slice(from, from + size).map((m) => member(ctx.world, m)),
      ...(next ? { '@odata.nextLink': next } : {}),
    });
  }
  return true;
}
