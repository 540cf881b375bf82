// The simulator's IAM (awsQuery/XML, GetAccountAuthorizationDetails with Marker/MaxItems pages and
// URL-encoded policy documents, as IAM returns them) and AWS Organizations policy reads (awsJson1_1:
// DescribeOrganization, ListPolicies, DescribePolicy, ListTargetsForPolicy, ListParents).

export interface FakeIamPolicy {
  name: string;
  document: unknown;
}

export interface FakeIamEntity {
  name: string;
  path?: string;
  tags?: Record<string, string>;
  inline?: FakeIamPolicy[];
  /** ARNs of attached managed policies (customer managed: arn:aws:iam::<account>:policy/<name>). */
  managed?: string[];
  /** ARN of the managed policy used as permission boundary. */
  boundary?: string;
}

export interface FakeIam {
  users?: (FakeIamEntity & { groups?: string[] })[];
  groups?: { name: string; inline?: FakeIamPolicy[]; managed?: string[] }[];
  roles?: (FakeIamEntity & { trust: unknown })[];
  /** Managed policies: customer managed (arn defaults to the account's) or AWS managed (give the arn). */
  policies?: { name: string; arn?: string; document: unknown }[];
}

export interface FakeOrganization {
  id: string;
  root: string;
  /** account or OU id → its parent (an OU id or the root id) */
  parents: Record<string, string>;
  policies: { id: string; name: string; type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'; content: unknown; targets: string[] }[];
}

type Handler = (input: Record<string, unknown>, account: string, region: string) => unknown;
type Raise = (type: string, message: string) => never;

const x = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const doc = (d: unknown): string => x(encodeURIComponent(typeof d === 'string' ? d : JSON.stringify(d)));
const members = (items: readonly string[]): string => items.map((i) => `<member>${i}</member>`).join('');
const tagsXml = (t: Record<string, string> | undefined): string =>
  `<Tags>${members(Object.entries(t ?? {}).map(([k, v]) => `<Key>${x(k)}</Key><Value>${x(v)}</Value>`))}</Tags>`;
const inlineXml = (list: string, ps: FakeIamPolicy[] | undefined): string =>
  `<${list}>${members((ps ?? []).map((p) => `<PolicyName>${x(p.name)}</PolicyName><PolicyDocument>${doc(p.document)}</PolicyDocument>`))}</${list}>`;
const attachedXml = (arns: string[] | undefined): string =>
  `<AttachedManagedPolicies>${members((arns ?? []).map((a) => `<PolicyName>${x(a.split('/').at(-1) ?? a)}</PolicyName><PolicyArn>${x(a)}</PolicyArn>`))}</AttachedManagedPolicies>`;
const boundaryXml = (arn: string | undefined): string =>
  arn
    ? `<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>${x(arn)}</PermissionsBoundaryArn></PermissionsBoundary>`
    : '';
const CREATED = '<CreateDate>2024-01-01T00:00:00Z</CreateDate>';

type Item = { kind: 'user' | 'group' | 'role' | 'policy'; xml: string };

function itemsOf(account: string, iam: FakeIam): Item[] {
  const path = (p: string | undefined) => `<Path>${x(p ?? '/')}</Path>`;
  const users = (iam.users ?? []).map((u) => ({
    kind: 'user' as const,
    xml: `${path(u.path)}<UserName>${x(u.name)}</UserName><UserId>AIDA${x(u.name.toUpperCase())}</UserId><Arn>arn:aws:iam::${account}:user${x(u.path ?? '/')}${x(u.name)}</Arn>${CREATED}${inlineXml('UserPolicyList', u.inline)}<GroupList>${members((u.groups ?? []).map(x))}</GroupList>${attachedXml(u.managed)}${boundaryXml(u.boundary)}${tagsXml(u.tags)}`,
  }));
  const groups = (iam.groups ?? []).map((g) => ({
    kind: 'group' as const,
    xml: `<Path>/</Path><GroupName>${x(g.name)}</GroupName><GroupId>AGPA${x(g.name.toUpperCase())}</GroupId><Arn>arn:aws:iam::${account}:group/${x(g.name)}</Arn>${CREATED}${inlineXml('GroupPolicyList', g.inline)}${attachedXml(g.managed)}`,
  }));
  const roles = (iam.roles ?? []).map((r) => ({
    kind: 'role' as const,
    xml: `${path(r.path)}<RoleName>${x(r.name)}</RoleName><RoleId>AROA${x(r.name.toUpperCase())}</RoleId><Arn>arn:aws:iam::${account}:role${x(r.path ?? '/')}${x(r.name)}</Arn>${CREATED}<AssumeRolePolicyDocument>${doc(r.trust)}</AssumeRolePolicyDocument><InstanceProfileList/>${inlineXml('RolePolicyList', r.inline)}${attachedXml(r.managed)}${boundaryXml(r.boundary)}${tagsXml(r.tags)}`,
  }));
  const policies = (iam.policies ?? []).map((p) => ({
    kind: 'policy' as const,
    xml: `<PolicyName>${x(p.name)}</PolicyName><PolicyId>ANPA${x(p.name.toUpperCase())}</PolicyId><Arn>${x(p.arn ?? `arn:aws:iam::${account}:policy/${p.name}`)}</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable>${CREATED}<PolicyVersionList><member><Document>${doc(p.document)}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion>${CREATED}</member></PolicyVersionList>`,
  }));
  return [...users, ...groups, ...roles, ...policies];
}

const LISTS: Record<Item['kind'], string> = { user: 'UserDetailList', group: 'GroupDetailList', role: 'RoleDetailList', policy: 'Policies' };

/** Handlers keyed service:Operation, over each account's `iam` and the world's `organization`. */
export function iamHandlers(
  iamOf: (account: string) => FakeIam | undefined,
  organization: FakeOrganization | undefined,
  management: string,
  raise: Raise,
): Record<string, Handler> {
  const orgOnly = (account: string): FakeOrganization => {
    if (account !== management || !organization) return raise('AccessDeniedException', 'You don\u2019t have permissions to access this resource.');
    return organization;
  };
  const policyById = (o: FakeOrganization, id: unknown) =>
    o.policies.find((p) => p.id === id) ?? raise('PolicyNotFoundException', `policy ${String(id)} not found`);
  return {
    'iam:GetAccountAuthorizationDetails': (input, account) => {
      const items = itemsOf(account, iamOf(account) ?? {});
      const start = Number(input.Marker ?? 0) || 0;
      const limit = Number(input.MaxItems ?? 100) || 100;
      const slice = items.slice(start, start + limit);
      const more = start + limit < items.length;
      const lists = (Object.keys(LISTS) as Item['kind'][])
        .map((k) => `<${LISTS[k]}>${members(slice.filter((i) => i.kind === k).map((i) => i.xml))}</${LISTS[k]}>`)
        .join('');
      return `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>${more}</IsTruncated>${more ? `<Marker>${start + limit}</Marker>` : ''}${lists}</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`;
    },
    'organizations:DescribeOrganization': (_input, account) => {
      const o = orgOnly(account);
      return { Organization: { Id: o.id, Arn: `arn:aws:organizations::${management}:organization/${o.id}`, MasterAccountId: management, FeatureSet: 'ALL' } };
    },
    'organizations:ListPolicies': (input, account) => ({
      Policies: orgOnly(account)
        .policies.filter((p) => p.type === input.Filter)
        .map((p) => ({ Id: p.id, Name: p.name, Type: p.type, AwsManaged: false })),
    }),
    'organizations:DescribePolicy': (input, account) => {
      const p = policyById(orgOnly(account), input.PolicyId);
      return {
        Policy: { PolicySummary: { Id: p.id, Name: p.name, Type: p.type }, Content: typeof p.content === 'string' ? p.content : JSON.stringify(p.content) },
      };
    },
    'organizations:ListTargetsForPolicy': (input, account) => ({
      Targets: policyById(orgOnly(account), input.PolicyId).targets.map((t) => ({
        TargetId: t,
        Type: t.startsWith('r-') ? 'ROOT' : t.startsWith('ou-') ? 'ORGANIZATIONAL_UNIT' : 'ACCOUNT',
      })),
    }),
    'organizations:ListParents': (input, account) => {
      const o = orgOnly(account);
      const parent = o.parents[String(input.ChildId)] ?? o.root;
      return { Parents: [{ Id: parent, Type: parent === o.root ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] };
    },
  };
}
