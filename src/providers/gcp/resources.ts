// Which projects to audit: the configured ones, every ACTIVE project under an organization or
// folders (Resource Manager v3 list), or every project the credentials can find (projects.search).

import type { RawProject } from './client.ts';
import { type GcpReadContext, listAll, readOne } from './read.ts';
import type { GcpConfig } from './schema.ts';

const active = (p: RawProject): boolean => !p.state || p.state === 'ACTIVE';

/** Folders under `parent` at any depth (breadth first); undefined entries failed and left gaps. */
async function foldersUnder(c: GcpReadContext, parent: string): Promise<string[]> {
  const out: string[] = [];
  let level = [parent];
  while (level.length) {
    const next: string[] = [];
    await c.kit.pool(level, 8, async (p) => {
      const fs = await listAll(c, 'cloudresourcemanager:ListFolders', { what: `the folders under ${p}` }, (t, s) => c.api.listFolders(p, t, s));
      for (const f of fs ?? []) if (!f.state || f.state === 'ACTIVE') next.push(f.name);
    });
    out.push(...next);
    level = next;
  }
  return out;
}

async function projectsUnder(c: GcpReadContext, parents: readonly string[]): Promise<RawProject[]> {
  const out: RawProject[] = [];
  await c.kit.pool(parents, 8, async (parent) => {
    const ps = await listAll(c, 'cloudresourcemanager:ListProjects', { what: `the projects under ${parent}` }, (t, s) => c.api.listProjects(parent, t, s));
    for (const p of ps ?? []) if (active(p)) out.push(p);
  });
  return out;
}

/** A project's metadata (GetProject); a gap when it cannot be read, on `affects` when given (else on everything of the project). */
export const readProject = (c: GcpReadContext, id: string, affects?: string[]): Promise<RawProject | undefined> =>
  readOne(c, 'cloudresourcemanager:GetProject', { what: `project ${id}`, scope: { account: id }, ...(affects ? { affects } : {}) }, (s) =>
    c.api.getProject(id, s),
  );

/** The projects to audit, sorted by id. A failed listing is a gap; the projects that could be listed stand. */
export async function discoverProjects(c: GcpReadContext, config: GcpConfig): Promise<RawProject[]> {
  let projects: RawProject[];
  if (config.projects) {
    projects = [];
    await c.kit.pool(config.projects, 8, async (id) => {
      const p = await readProject(c, id);
      // A project whose metadata cannot be read is still audited: its parent (and so inherited policies) stays unknown.
      projects.push(p ?? { projectId: id, name: `projects/${id}`, parentUnknown: true });
    });
  } else if (config.organization || config.folders) {
    const roots = config.organization ? [`organizations/${config.organization}`] : (config.folders ?? []).map((f) => `folders/${f}`);
    const folders = (await Promise.all(roots.map((r) => foldersUnder(c, r)))).flat();
    projects = await projectsUnder(c, [...roots, ...folders]);
  } else {
    const found = await listAll(c, 'cloudresourcemanager:SearchProjects', { what: 'the projects the credentials can see' }, (t, s) =>
      c.api.searchProjects(t, s),
    );
    projects = (found ?? []).filter(active);
  }
  const seen = new Set<string>();
  return projects.filter((p) => p.projectId && !seen.has(p.projectId) && seen.add(p.projectId)).sort((a, b) => (a.projectId < b.projectId ? -1 : 1));
}
