// Terraform's azapi provider: `azapi_resource` declares any ARM resource by `type = "<type>@<api-version>"`,
// `name`, `parent_id` and `body` (an object in azapi 2.x, a JSON string built with jsonencode in 1.x).
// Read into the shape an ARM template's resource has (type without the API version, the body's
// `properties`, the ARM name `vault/key` of a child), so the Azure mappers read a key, vault, role
// assignment or diagnostic setting made through azapi as they read ARM. The address and refKey stay
// Terraform's (subject ids, references, .tf lines). Pure.
import { type PlannedResource, Ref, Unknown } from './values.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof Ref);

export const AZAPI_TYPE = 'azapi_resource';

/**
 * The body properties the Azure mappers read (vaults, HSMs, keys, role assignments and definitions,
 * diagnostic settings, workspaces): a body known only after apply leaves each of them unknown, never
 * absent (absent would read as the service's default).
 */
const READ_PROPERTIES = [
  'kty',
  'keySize',
  'keyOps',
  'curveName',
  'attributes',
  'rotationPolicy',
  'release_policy',
  'tenantId',
  'enableRbacAuthorization',
  'enablePurgeProtection',
  'enableSoftDelete',
  'publicNetworkAccess',
  'networkAcls',
  'accessPolicies',
  'initialAdminObjectIds',
  'roleDefinitionId',
  'principalId',
  'principalType',
  'condition',
  'permissions',
  'logs',
  'workspaceId',
  'storageAccountId',
  'eventHubAuthorizationRuleId',
  'retentionInDays',
];

/** The body as an object: azapi 2.x plans hold it as one, 1.x as the JSON string jsonencode wrote. */
function bodyOf(v: unknown, address: string): Obj | Unknown {
  if (v instanceof Unknown) return new Unknown(`(body) ${v.why}`);
  if (isObj(v)) return v;
  if (v === undefined || v === null || v === '') return {};
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      if (isObj(parsed)) return parsed;
    } catch {
      // not JSON: below
    }
  }
  return new Unknown(`(body of ${address}) is not a JSON object`);
}

/** The last name in an ARM resource id (`…/vaults/kv-prod` → `kv-prod`). */
const lastSegment = (id: string): string | undefined => id.replace(/\/+$/, '').split('/').at(-1) || undefined;

/** The ARM name of the parent a child resource (vaults/keys) is made in: the planned parent's name, or the id's last segment. */
function parentName(parent: unknown, byAddress: ReadonlyMap<string, PlannedResource>): string | undefined {
  if (parent instanceof Ref) {
    const name = byAddress.get(parent.address)?.values.name;
    return typeof name === 'string' ? name : undefined;
  }
  return typeof parent === 'string' ? lastSegment(parent) : undefined;
}

/** One azapi_resource in the ARM shape; undefined when its type is not a constant `<type>@<version>`. */
function armShaped(r: PlannedResource, byAddress: ReadonlyMap<string, PlannedResource>): PlannedResource | undefined {
  const m = typeof r.values.type === 'string' ? /^([^@]+)@(.+)$/.exec(r.values.type) : null;
  if (!m) return undefined;
  const type = m[1] as string;
  const name = typeof r.values.name === 'string' ? r.values.name : undefined;
  const parent = r.values.parent_id;
  // A child type (Microsoft.KeyVault/vaults/keys) is named `vault/key` in ARM; the parent is parent_id.
  const child = type.split('/').length > 2;
  const parentPart = child ? (parentName(parent, byAddress) ?? '(known after apply)') : undefined;
  const armName = `${parentPart ? `${parentPart}/` : ''}${name ?? '(known after apply)'}`;
  const body = bodyOf(r.values.body, r.address);
  const fromBody = body instanceof Unknown ? { properties: Object.fromEntries(READ_PROPERTIES.map((p) => [p, body])) } : body;
  const values: Obj = {
    ...fromBody,
    ...(r.values.name !== undefined ? { name: r.values.name } : {}),
    ...(r.values.location !== undefined ? { location: r.values.location } : {}),
    ...(r.values.tags !== undefined ? { tags: r.values.tags } : {}),
    // Extension resources (role assignments, diagnostic settings) apply to their parent: ARM's `scope`.
    ...(parent !== undefined ? { scope: parent } : {}),
  };
  const { configured: _configured, ...rest } = r;
  return { ...rest, format: 'arm', type, armName, values };
}

/** Every azapi_resource of a plan read into the ARM shape, in place; other resources unchanged. */
export function readAzapi(resources: PlannedResource[]): void {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  resources.forEach((r, i) => {
    if (r.type !== AZAPI_TYPE) return;
    const shaped = armShaped(r, byAddress);
    if (shaped) resources[i] = shaped;
  });
}
