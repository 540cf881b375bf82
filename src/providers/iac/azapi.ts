// Terraform's azapi provider: `azapi_resource` declares any ARM resource by `type = "<type>@<api-version>"`,
// `name`, `parent_id` and `body` (an object in azapi 2.x, a JSON string built with jsonencode in 1.x).
// Read into the shape an ARM template's resource has (type without the API version, the body's
// `properties`, the ARM name `vault/key` of a child), so the Azure mappers read a key, vault, role
// assignment or diagnostic setting made through azapi as they read ARM. The address and refKey stay
// Terraform's (subject ids, references, .tf lines). Pure.
import { isObj, type Obj, type PlannedResource, Ref, Unknown } from './values.ts';

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

export const AZAPI_UPDATE_TYPE = 'azapi_update_resource';

/** The azurerm resource type of each ARM type whose properties an update can change that the mappers read. */
const AZURERM_TYPE: Record<string, string> = {
  'microsoft.keyvault/vaults': 'azurerm_key_vault',
  'microsoft.keyvault/managedhsms': 'azurerm_key_vault_managed_hardware_security_module',
  'microsoft.keyvault/vaults/keys': 'azurerm_key_vault_key',
  'microsoft.keyvault/managedhsms/keys': 'azurerm_key_vault_managed_hardware_security_module_key',
  'microsoft.insights/diagnosticsettings': 'azurerm_monitor_diagnostic_setting',
  'microsoft.operationalinsights/workspaces': 'azurerm_log_analytics_workspace',
};

const boolOf = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() === 'enabled' || v.toLowerCase() === 'true' : v);

/**
 * An ARM property an update sets, as the azurerm attributes the mappers read: the value translated
 * where the two spell it alike; otherwise the attributes become unknown (never the older value).
 */
const AZURERM_ATTRS: Partial<Record<string, (v: unknown, old: Obj) => Obj>> = {
  enablePurgeProtection: (v) => ({ purge_protection_enabled: v }),
  publicNetworkAccess: (v) => ({ public_network_access_enabled: boolOf(v) }),
  enableRbacAuthorization: (v) => ({ enable_rbac_authorization: v, rbac_authorization_enabled: v }),
  networkAcls: (v, old) => {
    const before = Array.isArray(old.network_acls) && isObj(old.network_acls[0]) ? old.network_acls[0] : {};
    const action = isObj(v) ? v.defaultAction : undefined;
    return { network_acls: [{ ...before, ...(typeof action === 'string' ? { default_action: action } : {}) }] };
  },
  kty: (v) => ({ key_type: v }),
  keySize: (v) => ({ key_size: v }),
  curveName: (v) => ({ curve: v }),
  keyOps: (v) => ({ key_opts: v }),
  retentionInDays: (v) => ({ retention_in_days: v }),
};

/** Properties whose azurerm form is not translated: the attributes they change become unknown. */
const UNTRANSLATED: Record<string, string[]> = {
  accessPolicies: ['access_policy'],
  tenantId: ['tenant_id'],
  attributes: ['expiration_date', 'not_before_date'],
  rotationPolicy: ['rotation_policy'],
  logs: ['enabled_log', 'log'],
  workspaceId: ['log_analytics_workspace_id'],
  storageAccountId: ['storage_account_id'],
  eventHubAuthorizationRuleId: ['eventhub_authorization_rule_id'],
};

/** Objects merged key by key (the update's body over the resource's), anything else replaced. */
function merged(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merged(base[k], v);
  return out;
}

type Match = 'yes' | 'no' | 'maybe';
type Targets = { certain: PlannedResource[]; maybe: PlannedResource[] };

/** The planned resources an update names, certain or maybe; undefined = maybe any of them. */
function updateTargets(u: PlannedResource, ofType: readonly PlannedResource[], byAddress: ReadonlyMap<string, PlannedResource>): Targets | undefined {
  const id = u.values.resource_id;
  // A reference to a resource of another type (`"${azurerm_resource_group.rg.id}/providers/…"`) names no one of them.
  const referenced = id instanceof Ref ? ofType.filter((r) => r.address === id.address) : [];
  if (id instanceof Ref) return referenced.length ? { certain: referenced, maybe: [] } : undefined;
  const wanted = typeof id === 'string' ? idParts(id) : typeof u.values.name === 'string' ? { name: u.values.name, parent: u.values.parent_id } : undefined;
  if (wanted === undefined) return id instanceof Unknown || u.values.name instanceof Unknown ? undefined : { certain: [], maybe: [] };
  const want = { name: wanted.name.toLowerCase(), parent: identity(wanted.parent, byAddress) };
  const match = (r: PlannedResource): Match => {
    const name = r.values.name;
    const byName: Match = typeof name === 'string' ? (name.toLowerCase() === want.name ? 'yes' : 'no') : 'maybe';
    return byName === 'no' ? 'no' : worse(byName, sameParent(want.parent, identity(parentOf(r), byAddress)));
  };
  return { certain: ofType.filter((r) => match(r) === 'yes'), maybe: ofType.filter((r) => match(r) === 'maybe') };
}

const worse = (a: Match, b: Match): Match => (a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes');

/**
 * An ARM id's own name and its parent: the id without its last `type/name`, and without the
 * `/providers/<namespace>` an extension resource (a diagnostic setting) adds after the resource it applies to.
 */
function idParts(id: string): { name: string; parent: string } {
  const segments = id.replace(/\/+$/, '').split('/');
  const parent = segments.slice(0, -2);
  if (parent.at(-2)?.toLowerCase() === 'providers') parent.splice(-2);
  return { name: segments.at(-1) ?? '', parent: parent.join('/') };
}

/** The attribute naming the parent of a resource an update may change (the vault of a key, the resource of a diagnostic setting). */
function parentOf(r: PlannedResource): unknown {
  if (r.format === 'arm') return r.values.scope;
  return r.values.key_vault_id ?? r.values.managed_hsm_id ?? r.values.target_resource_id ?? r.values.resource_group_name;
}

/** A parent as far as the plan tells: its ARM id when literal, its name, and its type's last segment (`vaults`). */
type Parent = { id?: string; name: string; type: string };

/** The ARM type of a planned resource a parent_id or key_vault_id refers to; undefined when it is not one we know. */
function armTypeOf(r: PlannedResource): string | undefined {
  if (r.format === 'arm') return r.type.toLowerCase();
  if (r.type === 'azurerm_resource_group') return 'microsoft.resources/resourcegroups';
  return Object.entries(AZURERM_TYPE).find(([, tf]) => tf === r.type)?.[0];
}

/**
 * What a parent value names: a literal id, a planned resource referred to (a reference to one of
 * another type, as in `"${azurerm_resource_group.rg.id}/providers/…"`, is not the parent itself), a
 * resource group's name (azurerm `resource_group_name`); undefined when known only after apply.
 */
function identity(v: unknown, byAddress: ReadonlyMap<string, PlannedResource>): Parent | undefined {
  if (v instanceof Ref) {
    const r = byAddress.get(v.address);
    const type = r && armTypeOf(r);
    return r && type && typeof r.values.name === 'string' ? { name: r.values.name.toLowerCase(), type: lastSegment(type) ?? '' } : undefined;
  }
  if (typeof v !== 'string' || v === '') return undefined;
  const id = v.replace(/\/+$/, '').toLowerCase();
  const segments = id.split('/');
  return segments.length > 2 ? { id, name: segments.at(-1) ?? '', type: segments.at(-2) ?? '' } : { name: id, type: 'resourcegroups' };
}

function sameParent(a: Parent | undefined, b: Parent | undefined): Match {
  if (!a || !b) return 'maybe';
  if (a.id !== undefined && b.id !== undefined) return a.id === b.id ? 'yes' : 'no';
  if (a.type !== b.type) return 'maybe';
  return a.name === b.name ? 'yes' : 'no';
}

/** The properties an update sets, each Unknown when its body or its target is known only after apply. */
function updatedProperties(body: Obj | Unknown, why: string, certain: boolean, all: readonly string[]): Obj {
  if (body instanceof Unknown) return Object.fromEntries(all.map((p) => [p, new Unknown(why)]));
  const props = isObj(body.properties) ? body.properties : {};
  return certain ? props : Object.fromEntries(Object.keys(props).map((p) => [p, new Unknown(why)]));
}

/** An update applied to an azurerm resource: the translated attributes, or unknown ones. */
function azurermChanges(target: PlannedResource, props: Obj, why: string): Obj {
  const changed: Obj = {};
  for (const [p, v] of Object.entries(props)) {
    const translate = AZURERM_ATTRS[p];
    const attrs = translate && !(v instanceof Unknown) ? translate(v, target.values) : undefined;
    const names = attrs ? Object.keys(attrs) : (UNTRANSLATED[p] ?? (translate ? Object.keys(translate(undefined, {})) : []));
    for (const n of names) changed[n] = attrs ? attrs[n] : new Unknown(why);
  }
  return changed;
}

/** The update's body applied to one target: an ARM-shaped one merges it, an azurerm one takes the translated attributes. */
function applyUpdate(target: PlannedResource, body: Obj | Unknown, by: string, doubt?: string): void {
  const certain = doubt === undefined;
  const why = certain ? `is changed by ${by}, known only after apply` : `may be changed by ${by}, ${doubt}`;
  if (target.format === 'arm') {
    const props = updatedProperties(body, why, certain, READ_PROPERTIES);
    const rest = isObj(body) && certain ? body : {};
    target.values = merged(target.values, { ...rest, properties: merged(target.values.properties ?? {}, props) }) as Obj;
    return;
  }
  const changed = azurermChanges(target, updatedProperties(body, why, certain, [...Object.keys(AZURERM_ATTRS), ...Object.keys(UNTRANSLATED)]), why);
  target.values = { ...target.values, ...changed };
  // An attribute the update sets is no longer the provider's default when the configuration leaves it out.
  if (target.configured) target.configured = new Set([...target.configured, ...Object.keys(changed)]);
}

/**
 * `azapi_update_resource` changes properties of a resource after it is made (the body merged into
 * it): the planned vault, key, diagnostic setting or workspace it names is read with those
 * properties: by its name and its parent's (the vault of a key, the resource a diagnostic setting applies
 * to). One that names its resource only after apply may change any planned resource of its type, and
 * one whose name or parent is known only after apply may be the one named: the properties it sets are
 * unknown on each.
 */
export function applyAzapiUpdates(resources: PlannedResource[]): void {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  for (const u of resources) {
    const m = u.type === AZAPI_UPDATE_TYPE && u.action !== 'delete' && typeof u.values.type === 'string' ? /^([^@]+)@/.exec(u.values.type) : null;
    if (!m) continue;
    const armType = (m[1] as string).toLowerCase();
    const ofType = resources.filter((r) => r.action !== 'delete' && (r.format === 'arm' ? r.type.toLowerCase() === armType : r.type === AZURERM_TYPE[armType]));
    const targets = updateTargets(u, ofType, byAddress);
    const body = bodyOf(u.values.body, u.address);
    for (const t of targets?.certain ?? []) applyUpdate(t, body, u.address);
    for (const t of targets?.maybe ?? []) applyUpdate(t, body, u.address, 'whose target is known only after apply (its name or parent here)');
    for (const t of targets ? [] : ofType) applyUpdate(t, body, u.address, 'whose resource_id is known only after apply');
  }
}
