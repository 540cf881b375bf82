// The IAM policies that reach a project's keys from above: the project's own, then each folder up to
// the organization. Each policy carries both the inherited role bindings and the audit configs.
import type { RawProject } from './client.ts';
import type { RawPolicy } from './normalize.ts';
import { type GcpReadContext, readOne } from './read.ts';

export interface AncestorPolicy {
  resource: string;
  policy: RawPolicy;
}

export interface Ancestry {
  /** Project, folders, organization (nearest first); undefined when any of them could not be read. */
  policies?: AncestorPolicy[];
  /** What could not be read, for the derived per-project gap. */
  missing?: string;
}

const POLICY_OP: Record<string, string> = {
  projects: 'cloudresourcemanager:GetProjectIamPolicy',
  folders: 'cloudresourcemanager:GetFolderIamPolicy',
  organizations: 'cloudresourcemanager:GetOrganizationIamPolicy',
};

/** Reads each folder and each policy once, however many projects share them. */
export class AncestryReader {
  private readonly parents = new Map<string, Promise<string | undefined | null>>();
  private readonly policies = new Map<string, Promise<RawPolicy | undefined>>();
  private readonly c: GcpReadContext;

  constructor(c: GcpReadContext) {
    this.c = c;
  }

  /** Parent of a folder: `folders/…`, `organizations/…`, null at the top, undefined when unreadable. */
  private parentOf(folder: string): Promise<string | undefined | null> {
    let p = this.parents.get(folder);
    if (!p) {
      p = readOne(this.c, 'cloudresourcemanager:GetFolder', { what: `folder ${folder}`, scope: { subjectId: folder }, affects: ['access', 'trails'] }, (s) =>
        this.c.api.getFolder(folder, s),
      ).then((f) => (f ? (f.parent ?? null) : undefined));
      this.parents.set(folder, p);
    }
    return p;
  }

  policy(resource: string): Promise<RawPolicy | undefined> {
    let p = this.policies.get(resource);
    if (!p) {
      const op = POLICY_OP[resource.split('/')[0] as string] as string;
      const api = this.c.api;
      p = readOne(this.c, op, { what: `the IAM policy of ${resource}`, scope: { subjectId: resource }, affects: ['access', 'trails'] }, (s) =>
        api.getResourceIamPolicy(resource, s),
      );
      this.policies.set(resource, p);
    }
    return p;
  }

  /** The resource chain above a project: [projects/P, folders/…, organizations/…]; undefined when a link is unreadable. */
  private async chain(project: RawProject): Promise<string[] | undefined> {
    if (project.parentUnknown) return undefined;
    const out = [`projects/${project.projectId}`];
    let parent: string | null | undefined = project.parent ?? null;
    for (let depth = 0; parent && depth < 12; depth++) {
      out.push(parent);
      if (!parent.startsWith('folders/')) break;
      parent = await this.parentOf(parent);
      if (parent === undefined) return undefined;
    }
    return out;
  }

  async of(project: RawProject): Promise<Ancestry> {
    const chain = await this.chain(project);
    if (!chain) return { missing: `the folders above project ${project.projectId}` };
    const policies = await Promise.all(chain.map((r) => this.policy(r)));
    const missing = chain.filter((_, i) => policies[i] === undefined);
    if (missing.length) return { missing: `the IAM policy of ${missing.join(', ')}` };
    return { policies: chain.map((resource, i) => ({ resource, policy: policies[i] as RawPolicy })) };
  }
}
