// graph:GetDirectoryObject: display names and kinds of every principal with access. Names are what
// environment and trust-domain matchers usually use; without Graph access they stay absent (a warning
// says so) and matchers must use object ids.
import type { Principal } from '../../../model/access-entry.ts';
import type { KeyRecord } from '../../../model/key-record.ts';
import { classify, describeFailure } from '../../kit/index.ts';
import type { DirectoryObject } from '../client.ts';
import { type AzureRun, call } from '../context.ts';

const GRAPH_KINDS: Record<string, Principal['kind']> = { user: 'user', group: 'group', serviceprincipal: 'service-principal' };

export interface Named {
  /** The directory objects read, by object id. */
  found: Map<string, DirectoryObject>;
  /** Object ids Graph did not answer for (a failed read, or skipped after one): what they are is unknown. */
  unread: Set<string>;
}

/** Name the principals of `keys` in place; the directory objects read, and the ids left unread. */
export async function namePrincipals(run: AzureRun, keys: KeyRecord[]): Promise<Named> {
  const ids = [...new Set(keys.flatMap((k) => (k.access ?? []).map((a) => a.principal.id)))].sort();
  const found = new Map<string, DirectoryObject>();
  const answered = new Set<string>();
  let failure: string | undefined;
  await run.kit.pool(ids, 8, async (id) => {
    if (failure) return;
    try {
      const o = await call(run, 'graph:GetDirectoryObject', 'graph', (s) => run.clients.getDirectoryObject(id, s));
      answered.add(id);
      if (o) found.set(id, o);
    } catch (err) {
      const f = classify(err);
      failure ??= `${f.message}; ${describeFailure(f)}`;
    }
  });
  const unread = new Set(ids.filter((id) => !answered.has(id)));
  if (failure)
    run.ctx.warn?.(
      `azure: principal names were not read from Microsoft Graph (${failure}); match principals by object id, or grant the audit identity Directory.Read.All`,
    );
  for (const a of keys.flatMap((k) => k.access ?? [])) {
    const o = found.get(a.principal.id);
    if (!o) continue;
    if (o.displayName) a.principal.name = o.displayName;
    const kind = o.servicePrincipalType?.toLowerCase() === 'managedidentity' ? 'managed-identity' : GRAPH_KINDS[(o.type ?? '').toLowerCase()];
    if (kind) a.principal.kind = kind;
  }
  return { found, unread };
}
