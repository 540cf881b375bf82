// The pages of iam:GetAccountAuthorizationDetails as one account's principals: each user and role with
// its tags, path, identity policies (inline, attached managed, and a user's groups'), permission boundary
// and, for roles, trust policy, all compiled once. Pure.
import type { Facts } from './conditions.ts';
import { compileDocument, type Stmt } from './document.ts';

type Tag = { Key?: string; Value?: string };
type Inline = { PolicyName?: string; PolicyDocument?: unknown };
type Attached = { PolicyName?: string; PolicyArn?: string };
type Boundary = { PermissionsBoundaryArn?: string };

export interface AuthorizationDetailsPage {
  UserDetailList?: {
    Arn?: string;
    UserName?: string;
    UserId?: string;
    Path?: string;
    Tags?: Tag[];
    UserPolicyList?: Inline[];
    AttachedManagedPolicies?: Attached[];
    GroupList?: string[];
    PermissionsBoundary?: Boundary;
  }[];
  GroupDetailList?: { GroupName?: string; Arn?: string; GroupPolicyList?: Inline[]; AttachedManagedPolicies?: Attached[] }[];
  RoleDetailList?: {
    Arn?: string;
    RoleName?: string;
    RoleId?: string;
    Path?: string;
    Tags?: Tag[];
    AssumeRolePolicyDocument?: unknown;
    RolePolicyList?: Inline[];
    AttachedManagedPolicies?: Attached[];
    PermissionsBoundary?: Boundary;
  }[];
  Policies?: {
    PolicyName?: string;
    Arn?: string;
    DefaultVersionId?: string;
    PolicyVersionList?: { Document?: unknown; VersionId?: string; IsDefaultVersion?: boolean }[];
  }[];
}

export interface IamPrincipal {
  arn: string;
  kind: 'user' | 'role';
  /** The unique id (AIDA…, AROA…): aws:userid is it for a user, `<id>:<session name>` for a role. */
  id?: string;
  name: string;
  path: string;
  account: string;
  tags: Record<string, string>;
  /** Identity policy statements (inline, attached managed, the user's groups'). */
  statements: Stmt[];
  /** The permission boundary's statements; absent = no boundary. */
  boundary?: Stmt[];
  /** Policies attached but not readable (absent from the read, or not JSON): the principal's access is undecided. */
  unreadable: string[];
  /** A role's trust policy. */
  trust?: Stmt[];
  /** Tag keys (lower-case globs, `*` = any) its trust lets callers set with sts:TagSession; absent = none. */
  sessionTagKeys?: string[];
}

const SET_TAG_KEYS = /^ForAllValues:(StringEquals|StringEqualsIgnoreCase|StringLike)$/;

/**
 * The tag keys a session of the role may carry (IAM User Guide, "Passing session tags in AWS STS": the
 * trust policy must allow sts:TagSession, and a session tag overrides the role's tag of the same key):
 * those an `aws:TagKeys` ForAllValues condition lists, any key otherwise; undefined when none may be set.
 */
export function sessionTagKeys(trust: readonly Stmt[] | undefined): string[] | undefined {
  const keys = new Set<string>();
  for (const s of trust ?? []) {
    if (s.effect !== 'Allow' || !s.matchesAction('sts:TagSession')) continue;
    const limit = s.conditions.find((c) => c.key.toLowerCase() === 'aws:tagkeys' && SET_TAG_KEYS.test(c.operator));
    for (const k of limit ? limit.values : ['*']) keys.add(k.toLowerCase());
  }
  return keys.size ? [...keys].sort() : undefined;
}

/** What the condition evaluator knows of a principal. */
export const principalFacts = (p: IamPrincipal): Facts['principal'] => ({
  arn: p.arn,
  ...(p.id ? { id: p.id } : {}),
  account: p.account,
  kind: p.kind,
  name: p.name,
  tags: p.tags,
  ...(p.sessionTagKeys ? { sessionTagKeys: p.sessionTagKeys } : {}),
});

export interface AccountIam {
  account: string;
  /** When it was read (ms since the epoch): requests are evaluated as made then (aws:CurrentTime, aws:EpochTime). */
  readAt?: number;
  principals: IamPrincipal[];
  byArn: ReadonlyMap<string, IamPrincipal>;
}

const tagsOf = (tags: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']));

interface Library {
  managed: Map<string, Stmt[] | undefined>;
}

/** A managed policy's default version, compiled (undefined when it is missing or not JSON). */
function managedLibrary(pages: readonly AuthorizationDetailsPage[]): Library {
  const managed = new Map<string, Stmt[] | undefined>();
  for (const page of pages)
    for (const p of page.Policies ?? []) {
      if (!p.Arn) continue;
      const v = (p.PolicyVersionList ?? []).find((x) => x.IsDefaultVersion || (p.DefaultVersionId && x.VersionId === p.DefaultVersionId));
      try {
        managed.set(p.Arn, v?.Document !== undefined ? compileDocument(v.Document, `managed policy ${p.PolicyName ?? p.Arn}`) : undefined);
      } catch {
        managed.set(p.Arn, undefined);
      }
    }
  return { managed };
}

/** Statements of inline and attached policies; names of those that could not be read go to `unreadable`. */
function policiesOf(owner: string, inline: Inline[] | undefined, attached: Attached[] | undefined, lib: Library, unreadable: string[]): Stmt[] {
  const out: Stmt[] = [];
  for (const p of inline ?? []) {
    try {
      out.push(...compileDocument(p.PolicyDocument, `${owner} inline policy ${p.PolicyName ?? ''}`));
    } catch {
      unreadable.push(`inline policy ${p.PolicyName ?? '?'} of ${owner}`);
    }
  }
  for (const a of attached ?? []) {
    const doc = a.PolicyArn ? lib.managed.get(a.PolicyArn) : undefined;
    if (doc) out.push(...doc.map((s) => ({ ...s, origin: `${owner} ${s.origin}` })));
    else unreadable.push(`managed policy ${a.PolicyArn ?? a.PolicyName ?? '?'}`);
  }
  return out;
}

function boundaryOf(b: Boundary | undefined, lib: Library, unreadable: string[]): Stmt[] | undefined {
  if (!b?.PermissionsBoundaryArn) return undefined;
  const doc = lib.managed.get(b.PermissionsBoundaryArn);
  if (!doc) {
    unreadable.push(`permission boundary ${b.PermissionsBoundaryArn}`);
    return [];
  }
  return doc.map((s) => ({ ...s, origin: `permission boundary: ${s.origin}` }));
}

/** One account's principals from every page of its authorization details. */
export function accountIamFrom(account: string, pages: readonly AuthorizationDetailsPage[], readAt?: number): AccountIam {
  const lib = managedLibrary(pages);
  const groups = new Map<string, { inline?: Inline[]; attached?: Attached[] }>();
  for (const page of pages)
    for (const g of page.GroupDetailList ?? []) if (g.GroupName) groups.set(g.GroupName, { inline: g.GroupPolicyList, attached: g.AttachedManagedPolicies });
  const principals: IamPrincipal[] = [];
  for (const page of pages) {
    for (const u of page.UserDetailList ?? []) {
      if (!u.Arn || !u.UserName) continue;
      const unreadable: string[] = [];
      const statements = policiesOf(`user/${u.UserName}`, u.UserPolicyList, u.AttachedManagedPolicies, lib, unreadable);
      for (const name of u.GroupList ?? []) {
        const g = groups.get(name);
        if (g) statements.push(...policiesOf(`group/${name}`, g.inline, g.attached, lib, unreadable));
        else unreadable.push(`group ${name}`);
      }
      const boundary = boundaryOf(u.PermissionsBoundary, lib, unreadable);
      principals.push({
        arn: u.Arn,
        kind: 'user',
        ...(u.UserId ? { id: u.UserId } : {}),
        name: u.UserName,
        path: u.Path ?? '/',
        account,
        tags: tagsOf(u.Tags),
        statements,
        unreadable,
        ...(boundary ? { boundary } : {}),
      });
    }
    for (const r of page.RoleDetailList ?? []) {
      if (!r.Arn || !r.RoleName) continue;
      const unreadable: string[] = [];
      const statements = policiesOf(`role/${r.RoleName}`, r.RolePolicyList, r.AttachedManagedPolicies, lib, unreadable);
      const boundary = boundaryOf(r.PermissionsBoundary, lib, unreadable);
      let trust: Stmt[] | undefined;
      try {
        trust = r.AssumeRolePolicyDocument !== undefined ? compileDocument(r.AssumeRolePolicyDocument, `trust policy of role/${r.RoleName}`) : undefined;
      } catch {
        unreadable.push(`trust policy of role/${r.RoleName}`);
      }
      const sessionTags = sessionTagKeys(trust);
      principals.push({
        arn: r.Arn,
        kind: 'role',
        ...(r.RoleId ? { id: r.RoleId } : {}),
        name: r.RoleName,
        path: r.Path ?? '/',
        account,
        tags: tagsOf(r.Tags),
        statements,
        unreadable,
        ...(boundary ? { boundary } : {}),
        ...(trust ? { trust } : {}),
        ...(sessionTags ? { sessionTagKeys: sessionTags } : {}),
      });
    }
  }
  principals.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  return { account, principals, byArn: new Map(principals.map((p) => [p.arn, p])), ...(readAt !== undefined ? { readAt } : {}) };
}
