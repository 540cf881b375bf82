// IAM a Terraform plan sets above a Cloud KMS key: on its project (google_project_iam_*), and on the
// folders and organization above the project (google_folder_iam_*, google_organization_iam_*). A
// grant there reaches every key of the project, as the live provider reads it (ancestry.ts). Pure.
// Which folders and organization hold the project is known only when the plan creates the project
// (google_project folder_id / org_id, google_folder parent); otherwise a grant there may or may not
// reach the key, and is named for the access gap.
import type { PlanContext } from './plan-context.ts';
import { type PlannedResource, Ref } from './values.ts';

export const PROJECT_IAM_TYPES = ['google_project_iam_binding', 'google_project_iam_member', 'google_project_iam_policy'];
export const FOLDER_IAM_TYPES = ['google_folder_iam_binding', 'google_folder_iam_member', 'google_folder_iam_policy'];
export const ORG_IAM_TYPES = ['google_organization_iam_binding', 'google_organization_iam_member', 'google_organization_iam_policy'];

type Kind = 'project' | 'folder' | 'organization';

/** One node of the resource hierarchy above a key: `projects/p`, `folders/123`, `organizations/456`. */
interface Node {
  kind: Kind;
  /** Full resource name, when known. */
  name?: string;
  /** The google_project / google_folder the plan creates, when it does. */
  planned?: PlannedResource;
}

export interface Ancestry {
  nodes: Node[];
  /** Why the folders and organization above the project are not all known; undefined when they are. */
  open?: string;
}

/** IAM resources of one level: the types, the attribute naming the target, the planned resource type it names. */
export const LEVELS: readonly { kind: Kind; types: readonly string[]; attr: string; plannedType: string; prefix: string }[] = [
  { kind: 'project', types: PROJECT_IAM_TYPES, attr: 'project', plannedType: 'google_project', prefix: 'projects/' },
  { kind: 'folder', types: FOLDER_IAM_TYPES, attr: 'folder', plannedType: 'google_folder', prefix: 'folders/' },
  { kind: 'organization', types: ORG_IAM_TYPES, attr: 'org_id', plannedType: 'google_organization', prefix: 'organizations/' },
];

const named = (prefix: string, v: string): string => (v.startsWith(prefix) ? v : `${prefix}${v}`);

/** The parent of a planned project (folder_id / org_id) or folder (parent), as a node; a string when unknown. */
function parentOf(ctx: PlanContext, r: PlannedResource): Node | string | undefined {
  const refs = r.type === 'google_project' ? (['folder_id', 'org_id'] as const) : (['parent'] as const);
  for (const attr of refs) {
    const v = r.values[attr];
    if (v === null || v === undefined || v === '') continue;
    if (v instanceof Ref) {
      const folder = ctx.resolve(v, ['google_folder']);
      return folder ? { kind: 'folder', planned: folder } : `${r.address}: its ${attr} is known only after apply`;
    }
    if (typeof v !== 'string') return `${r.address}: its ${attr} is known only after apply`;
    if (attr === 'org_id' || v.startsWith('organizations/')) return { kind: 'organization', name: named('organizations/', v) };
    return { kind: 'folder', name: named('folders/', v) };
  }
  return r.type === 'google_project' ? `${r.address}: the plan sets neither folder_id nor org_id` : `${r.address}: its parent is not set`;
}

/** The key's project and, when the plan creates it, the folders and organization above it. */
export function ancestryOf(ctx: PlanContext, projectId: string | undefined): Ancestry {
  if (!projectId) return { nodes: [], open: "the key's project is known only after apply" };
  const planned = ctx.ofType('google_project').find((p) => p.values.project_id === projectId);
  const nodes: Node[] = [{ kind: 'project', name: `projects/${projectId}`, ...(planned ? { planned } : {}) }];
  if (!planned) return { nodes, open: `project ${projectId} is not created by this plan, so the folders and organization above it are not shown` };
  let at: PlannedResource | undefined = planned;
  for (let depth = 0; at && depth < 12; depth++) {
    const parent = parentOf(ctx, at);
    if (parent === undefined || typeof parent === 'string') return { nodes, open: parent ?? `${at.address}: its parent is not known` };
    nodes.push(parent);
    if (parent.kind === 'organization') return { nodes };
    at = parent.planned;
  }
  return { nodes, open: `the folders above ${nodes.at(-1)?.name ?? nodes.at(-1)?.planned?.address} are not created by this plan` };
}

/**
 * Does one project, folder or organization IAM resource reach the key? `yes` with the node it is set
 * on, `no`, or `maybe` with why (its target or the key's ancestry is known only after apply).
 */
export function reaches(
  ctx: PlanContext,
  r: PlannedResource,
  level: (typeof LEVELS)[number],
  ancestry: Ancestry,
): { verdict: 'yes'; node: Node } | { verdict: 'no' } | { verdict: 'maybe'; why: string } {
  const v = r.values[level.attr];
  const target = v instanceof Ref ? ctx.resolve(v, [level.plannedType]) : undefined;
  const name = typeof v === 'string' ? named(level.prefix, v) : undefined;
  if (!target && !name) return { verdict: 'maybe', why: `${r.address}: its ${level.attr} is known only after apply, so it may be this key's` };
  const node = ancestry.nodes.find(
    (n) => n.kind === level.kind && ((target && n.planned?.address === target.address) || (name !== undefined && n.name === name)),
  );
  if (node) return { verdict: 'yes', node };
  // With the key's project known, a project-level grant elsewhere is another project's.
  if (level.kind === 'project' && ancestry.nodes.length) return { verdict: 'no' };
  if (!ancestry.open) return { verdict: 'no' };
  return { verdict: 'maybe', why: `${r.address} grants on ${name ?? target?.address}, which may hold this key: ${ancestry.open}` };
}
