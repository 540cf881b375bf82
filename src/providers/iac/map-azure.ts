// Planned Azure resources (azurerm_* and their ARM twins) → KeyRecords and AuditTrails, through the
// Azure provider's own normalize functions. Pure.
import type { AccessEntry } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import {
  accessForKey,
  normalizeKey,
  PROVIDER,
  type RawAccessPolicy,
  type RawDiagnosticSetting,
  type RawReleasePolicy,
  type RawRoleAssignment,
  type RawRoleDefinition,
  type RawRotationPolicy,
  type RawVault,
  roleDefinitionKey,
  trailFromDiagnosticSetting,
} from '../azure/normalize.ts';
import { builtInRole } from './azure-roles.ts';
import { plannedHsmAccess } from './map-azure-hsm.ts';
import { type PlanContext, REF_PREFIX } from './plan-context.ts';
import { armNameOf, containsUnknown, type PlannedResource, Reader, Ref } from './values.ts';

export const VAULT_TYPES = [
  'azurerm_key_vault',
  'Microsoft.KeyVault/vaults',
  'azurerm_key_vault_managed_hardware_security_module',
  'Microsoft.KeyVault/managedHSMs',
];
export const AZURE_KEY_TYPES = [
  'azurerm_key_vault_key',
  'Microsoft.KeyVault/vaults/keys',
  'azurerm_key_vault_managed_hardware_security_module_key',
  'Microsoft.KeyVault/managedHSMs/keys',
];
export const DIAGNOSTIC_TYPES = [
  'azurerm_monitor_diagnostic_setting',
  'Microsoft.Insights/diagnosticSettings',
  'Microsoft.KeyVault/vaults/providers/diagnosticSettings',
];
const ASSIGNMENT_TYPES = ['azurerm_role_assignment', 'Microsoft.Authorization/roleAssignments', 'Microsoft.KeyVault/vaults/providers/roleAssignments'];
const WORKSPACE_TYPES = ['azurerm_log_analytics_workspace', 'Microsoft.OperationalInsights/workspaces'];

const props = (r: PlannedResource): Record<string, unknown> =>
  r.format === 'arm' && r.values.properties && typeof r.values.properties === 'object' ? (r.values.properties as Record<string, unknown>) : r.values;

const onOff = (b: boolean | undefined): string | undefined => (b === undefined ? undefined : b ? 'Enabled' : 'Disabled');

/** A planned vault's or managed HSM's name, kind and ARM id: what lookups need (rawVault reads everything else). */
function vaultIdentity(r: PlannedResource): { name: string; hsm: boolean; id: string } {
  const hsm = /managed_hardware_security_module$|managedHSMs$/i.test(r.type);
  const name = r.format === 'arm' ? (armNameOf(r).split('/').at(-1) as string) : (new Reader(props(r), r.configured).str('name') ?? r.address);
  return { name, hsm, id: `/providers/Microsoft.KeyVault/${hsm ? 'managedHSMs' : 'vaults'}/${name}` };
}

/** A planned vault or managed HSM as the Azure normalizer's RawVault, with the model fields left unknown. */
function rawVault(ctx: PlanContext, r: PlannedResource): { vault: RawVault; unknown: { attribute: string; why: string }[] } {
  const { name, hsm, id } = vaultIdentity(r);
  const arm = r.format === 'arm';
  const read = new Reader(props(r), r.configured);
  const rbacValue = arm
    ? (read.bool('enableRbacAuthorization') ?? (read.isUnknown('enableRbacAuthorization') ? undefined : false))
    : (read.bool('rbac_authorization_enabled') ?? read.bool('enable_rbac_authorization'));
  const purge =
    read.bool(arm ? 'enablePurgeProtection' : 'purge_protection_enabled') ??
    (read.isUnknown(arm ? 'enablePurgeProtection' : 'purge_protection_enabled') ? undefined : false);
  const publicAccess = arm
    ? (read.str('publicNetworkAccess') ?? (read.isUnknown('publicNetworkAccess') ? undefined : 'Enabled'))
    : onOff(read.bool('public_network_access_enabled'));
  const acl = read.list(arm ? 'networkAcls' : 'network_acls')?.[0];
  const standalone = hsm ? { policies: [], unknown: [] } : separateAccessPolicies(ctx, r, name);
  const policies: RawAccessPolicy[] = [...(read.list(arm ? 'accessPolicies' : 'access_policy') ?? []).map((p) => accessPolicy(p, arm)), ...standalone.policies];
  const location = new Reader(r.values, r.configured).str('location');
  const tags = new Reader(r.values, r.configured).tags('tags');
  const tenant = read.str(arm ? 'tenantId' : 'tenant_id') ?? ctx.opts.tenant;
  const vault: RawVault = {
    id,
    name,
    kind: hsm ? 'managed-hsm' : 'vault',
    uri: `https://${name}.${hsm ? 'managedhsm.azure.net' : 'vault.azure.net'}/`,
    ...(ctx.opts.subscription ? { subscriptionId: ctx.opts.subscription } : {}),
    ...(location ? { location } : {}),
    ...(tenant ? { tenantId: tenant } : {}),
    ...(rbacValue !== undefined && !hsm ? { rbac: rbacValue } : {}),
    accessPolicies: policies,
    // Soft delete is always on for new vaults (it can no longer be turned off).
    softDelete: read.bool('enableSoftDelete') ?? true,
    ...(purge !== undefined ? { purgeProtection: purge } : {}),
    ...(publicAccess ? { publicNetworkAccess: publicAccess } : {}),
    ...(acl && typeof (acl.defaultAction ?? acl.default_action) === 'string' ? { networkDefaultAction: String(acl.defaultAction ?? acl.default_action) } : {}),
    ...(tags ? { tags } : {}),
  };
  const unknown = [...read.unknown, ...standalone.unknown];
  if (!hsm && rbacValue === undefined)
    unknown.push({ attribute: arm ? 'enableRbacAuthorization' : 'rbac_authorization_enabled', why: 'is not set or known only after apply' });
  if (policies.some((p) => p.objectId === 'undefined')) unknown.push({ attribute: 'access_policy', why: 'names a principal known only after apply' });
  return { vault, unknown };
}

/** One access policy entry (a vault's inline `access_policy` / `accessPolicies`, or a separate resource's). */
function accessPolicy(p: Record<string, unknown>, arm: boolean): RawAccessPolicy {
  const objectId = p.objectId ?? p.object_id;
  const perms = arm ? ((p.permissions as Record<string, unknown> | undefined)?.keys ?? []) : (p.key_permissions ?? []);
  return {
    objectId: objectId instanceof Ref ? `${REF_PREFIX}${objectId.address}` : String(objectId),
    keys: (Array.isArray(perms) ? perms : []).map(String),
    ...(typeof (p.tenantId ?? p.tenant_id) === 'string' ? { tenantId: String(p.tenantId ?? p.tenant_id) } : {}),
    ...(typeof (p.applicationId ?? p.application_id) === 'string' && (p.applicationId ?? p.application_id)
      ? { applicationId: String(p.applicationId ?? p.application_id) }
      : {}),
  };
}

export const ACCESS_POLICY_TYPES = ['azurerm_key_vault_access_policy', 'Microsoft.KeyVault/vaults/accessPolicies'];

/**
 * Access policies set on a vault by separate resources: Terraform's `azurerm_key_vault_access_policy`
 * (by `key_vault_id`) and ARM's `Microsoft.KeyVault/vaults/accessPolicies` child (`add` or `replace`).
 * One whose vault is known only after apply may be this vault's: its access is then unknown.
 */
function separateAccessPolicies(
  ctx: PlanContext,
  vault: PlannedResource,
  name: string,
): { policies: RawAccessPolicy[]; unknown: { attribute: string; why: string }[] } {
  const policies: RawAccessPolicy[] = [];
  const unknown: { attribute: string; why: string }[] = [];
  for (const p of ctx.ofType(...ACCESS_POLICY_TYPES)) {
    if (p.format === 'arm') {
      const [target, op] = armNameOf(p).split('/');
      if (target?.toLowerCase() !== name.toLowerCase() || op?.toLowerCase() === 'remove') continue;
      const list = new Reader(props(p)).list('accessPolicies');
      if (list) policies.push(...list.map((x) => accessPolicy(x, true)));
      else unknown.push({ attribute: 'accessPolicies', why: `are set by ${p.address} with values known only at deployment` });
      continue;
    }
    const v = p.values.key_vault_id;
    const mine =
      v instanceof Ref
        ? ctx.resolve(v, VAULT_TYPES)?.address === vault.address
        : typeof v === 'string' && v.toLowerCase().endsWith(`/vaults/${name.toLowerCase()}`);
    const open = ['object_id', 'key_permissions', 'tenant_id'].filter((a) => !(p.values[a] instanceof Ref) && containsUnknown(p.values[a]));
    if (mine && open.length) unknown.push({ attribute: 'access_policy', why: `is set by ${p.address}, whose ${open.join(', ')} is known only after apply` });
    else if (mine) policies.push(accessPolicy(p.values, false));
    else if (!(v instanceof Ref) && typeof v !== 'string')
      unknown.push({ attribute: 'access_policy', why: `may be set by ${p.address}, whose key_vault_id is known only after apply` });
  }
  return { policies, unknown };
}

const VAULT_FIELDS: Record<string, string> = {
  enableRbacAuthorization: 'accessModel',
  rbac_authorization_enabled: 'accessModel',
  enable_rbac_authorization: 'accessModel',
  enablePurgeProtection: 'deletion',
  purge_protection_enabled: 'deletion',
  publicNetworkAccess: 'network',
  public_network_access_enabled: 'network',
  network_acls: 'network',
  networkAcls: 'network',
  access_policy: 'access',
  accessPolicies: 'access',
};

const KEY_FIELDS: Record<string, string> = {
  key_type: 'keyType',
  kty: 'keyType',
  key_opts: 'usage',
  keyOps: 'usage',
  expiration_date: 'expiresAt',
  attributes: 'expiresAt',
  release_policy: 'releasePolicy',
  rotation_policy: 'rotation',
  rotationPolicy: 'rotation',
  tags: 'tags',
};

/** The vault a key, assignment or setting points at, by reference or by id. */
function vaultFor(ctx: PlanContext, value: unknown): PlannedResource | undefined {
  const direct = ctx.resolve(value, VAULT_TYPES);
  if (direct) return direct;
  if (typeof value !== 'string') return undefined;
  const m = /Microsoft\.KeyVault\/(vaults|managedHSMs)\/([^/]+)/i.exec(value);
  return m ? ctx.ofType(...VAULT_TYPES).find((v) => vaultIdentity(v).name.toLowerCase() === (m[2] as string).toLowerCase()) : undefined;
}

function rotationPolicyOf(read: Reader, arm: boolean): RawRotationPolicy | null | undefined {
  if (arm) {
    const p = read.raw('rotationPolicy') as Record<string, unknown> | undefined;
    if (p === undefined) return read.isUnknown('rotationPolicy') ? undefined : null;
    const actions = (Array.isArray(p.lifetimeActions) ? p.lifetimeActions : []) as Record<string, Record<string, string>>[];
    return {
      lifetimeActions: actions.map((a) => ({
        action: String(a.action?.type ?? ''),
        timeAfterCreate: a.trigger?.timeAfterCreate,
        timeBeforeExpiry: a.trigger?.timeBeforeExpiry,
      })),
      ...(typeof (p.attributes as Record<string, unknown> | undefined)?.expiryTime === 'string'
        ? { expiresIn: (p.attributes as Record<string, string>).expiryTime }
        : {}),
    };
  }
  const block = read.list('rotation_policy');
  if (block === undefined) return read.isUnknown('rotation_policy') ? undefined : null;
  const p = block[0];
  if (!p) return null;
  const auto = (Array.isArray(p.automatic) ? p.automatic[0] : undefined) as Record<string, string> | undefined;
  return {
    lifetimeActions: [
      ...(auto ? [{ action: 'Rotate', timeAfterCreate: auto.time_after_creation, timeBeforeExpiry: auto.time_before_expiry }] : []),
      ...(typeof p.notify_before_expiry === 'string' ? [{ action: 'Notify', timeBeforeExpiry: p.notify_before_expiry }] : []),
    ],
    ...(typeof p.expire_after === 'string' ? { expiresIn: p.expire_after } : {}),
  };
}

function roleOf(ctx: PlanContext, a: PlannedResource, read: Reader): RawRoleDefinition | undefined {
  const value = a.format === 'arm' ? props(a).roleDefinitionId : (a.values.role_definition_name ?? a.values.role_definition_id);
  const planned = ctx.resolve(value, ['azurerm_role_definition', 'Microsoft.Authorization/roleDefinitions']);
  if (planned) {
    const perms = new Reader(props(planned)).list(planned.format === 'arm' ? 'permissions' : 'permissions') ?? [];
    const list = (p: Record<string, unknown>, ...names: string[]) => names.flatMap((n) => (Array.isArray(p[n]) ? (p[n] as unknown[]).map(String) : []));
    return {
      id: planned.address,
      permissions: perms.map((p) => ({
        actions: list(p, 'actions'),
        notActions: list(p, 'notActions', 'not_actions'),
        dataActions: list(p, 'dataActions', 'data_actions'),
        notDataActions: list(p, 'notDataActions', 'not_data_actions'),
      })),
    };
  }
  void read;
  return typeof value === 'string' ? builtInRole(value) : undefined;
}

/** Assignment scope as the normalizer compares it: the planned vault or key, or '' for a wider scope. */
function scopeOf(ctx: PlanContext, a: PlannedResource): string | undefined {
  if (/\/providers\/roleAssignments$/i.test(a.type)) return vaultScope(ctx, armNameOf(a).split('/')[0]);
  const value = a.format === 'arm' ? a.values.scope : a.values.scope;
  if (value === undefined && a.format === 'arm') return '';
  if (containsUnknown(value)) return undefined;
  const key = ctx.resolve(value, AZURE_KEY_TYPES);
  if (key) {
    const v = vaultOfKey(ctx, key);
    return v ? `${vaultIdentity(v).id}/keys/${keyName(key)}` : undefined;
  }
  const vault = vaultFor(ctx, value);
  if (vault) return vaultIdentity(vault).id;
  // A subscription, resource group or management group (or a resource outside the plan): assume it covers every vault.
  return '';
}

const vaultScope = (ctx: PlanContext, name: string | undefined) => {
  const v = ctx.ofType(...VAULT_TYPES).find((x) => vaultIdentity(x).name === name);
  return v ? vaultIdentity(v).id : '';
};

/** Role assignments of the plan; undefined when one of them cannot be read before apply. */
function assignmentsOf(ctx: PlanContext): { assignments: RawRoleAssignment[]; roles: Map<string, RawRoleDefinition>; unknown?: string } {
  const assignments: RawRoleAssignment[] = [];
  const roles = new Map<string, RawRoleDefinition>();
  for (const a of ctx.ofType(...ASSIGNMENT_TYPES)) {
    const read = new Reader(props(a), a.configured);
    const scope = scopeOf(ctx, a);
    const role = roleOf(ctx, a, read);
    const principal = a.format === 'arm' ? props(a).principalId : a.values.principal_id;
    if (scope === undefined) return { assignments, roles, unknown: `${a.address}: its scope is known only after apply` };
    if (!role) return { assignments, roles, unknown: `${a.address}: its role is not a built-in role keyhygiene knows, nor defined in the plan` };
    if (containsUnknown(principal) || principal === undefined) return { assignments, roles, unknown: `${a.address}: its principal is known only after apply` };
    roles.set(roleDefinitionKey(role.id), role);
    const type = read.str(a.format === 'arm' ? 'principalType' : 'principal_type');
    const condition = read.str('condition');
    assignments.push({
      id: `${ctx.idOf(a)}`,
      scope,
      roleDefinitionId: role.id,
      principalId: principal instanceof Ref ? `${REF_PREFIX}${principal.address}` : String(principal),
      ...(type ? { principalType: type } : {}),
      ...(condition ? { condition } : {}),
    });
  }
  return { assignments, roles };
}

const keyName = (k: PlannedResource): string =>
  k.format === 'arm' ? (armNameOf(k).split('/').at(-1) as string) : (new Reader(k.values).str('name') ?? k.address);

function vaultOfKey(ctx: PlanContext, k: PlannedResource): PlannedResource | undefined {
  if (k.format === 'arm') return vaultFor(ctx, `Microsoft.KeyVault/${/managedHSMs/i.test(k.type) ? 'managedHSMs' : 'vaults'}/${armNameOf(k).split('/')[0]}`);
  return vaultFor(ctx, k.values.key_vault_id ?? k.values.managed_hsm_id);
}

function keyShape(k: PlannedResource): {
  read: Reader;
  kty?: string;
  ops?: string[];
  size?: number;
  curve?: string;
  expires?: Date;
  notBefore?: Date;
  enabled: boolean;
} {
  const arm = k.format === 'arm';
  const read = new Reader(props(k), k.configured);
  const attrs = arm ? (read.raw('attributes') as Record<string, unknown> | undefined) : undefined;
  const epoch = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000) : undefined);
  const date = (v: string | undefined) => (v ? new Date(v) : undefined);
  return {
    read,
    kty: read.str(arm ? 'kty' : 'key_type'),
    ops: read.strings(arm ? 'keyOps' : 'key_opts'),
    size: read.num(arm ? 'keySize' : 'key_size'),
    curve: read.str(arm ? 'curveName' : 'curve'),
    expires: arm ? epoch(attrs?.exp) : date(read.str('expiration_date')),
    notBefore: arm ? epoch(attrs?.nbf) : date(read.str('not_before_date')),
    // ARM: attributes.enabled (default true); azurerm_key_vault_key has no such argument.
    enabled: !(arm && (attrs?.enabled === false || attrs?.enabled === 'false')),
  };
}

/**
 * An ARM key's `release_policy` ({contentType, data: base64url of the policy JSON}) as the service
 * returns it; absent = no release policy. Terraform's azurerm keys have none to declare: undefined.
 */
function releasePolicyOf(k: PlannedResource, read: Reader): RawReleasePolicy | null | undefined {
  if (k.format !== 'arm') return undefined;
  const p = read.raw('release_policy') as Record<string, unknown> | undefined;
  if (p === undefined) return read.isUnknown('release_policy') ? undefined : null;
  return {
    ...(typeof p.contentType === 'string' ? { contentType: p.contentType } : {}),
    ...(typeof p.data === 'string' ? { encoded: Buffer.from(p.data, 'base64url') } : {}),
  };
}

/** One planned Key Vault or Managed HSM key as a KeyRecord, with gaps for what the plan leaves unknown. */
export function plannedAzureKey(ctx: PlanContext, k: PlannedResource, access: ReturnType<typeof assignmentsOf>): KeyRecord {
  const id = ctx.idOf(k);
  const name = keyName(k);
  const vaultRes = vaultOfKey(ctx, k);
  const shape = keyShape(k);
  const rotation = rotationPolicyOf(shape.read, k.format === 'arm');
  const planned = vaultRes ? rawVault(ctx, vaultRes) : undefined;
  const vault: RawVault = planned?.vault ?? {
    name: containerName(k),
    kind: /hsm/i.test(k.type) ? 'managed-hsm' : 'vault',
    uri: `https://${containerName(k)}.vault.azure.net/`,
  };
  let entries: AccessEntry[] | undefined;
  // A Managed HSM's keys are governed by its local RBAC (data-plane role assignments, the initial
  // administrators who may grant any role), not ARM role assignments: read by map-azure-hsm.ts.
  const localRbac = vault.kind === 'managed-hsm';
  // ARM templates cannot declare local RBAC (a data-plane API): only Terraform's azurerm resources do.
  const hsm = planned && localRbac && k.format !== 'arm' ? plannedHsmAccess(ctx, vaultRes as PlannedResource, vault, name) : undefined;
  if (hsm && !access.unknown) entries = hsm.entries;
  if (
    planned &&
    !localRbac &&
    !access.unknown &&
    !planned.unknown.some((u) => VAULT_FIELDS[u.attribute] === 'access' || VAULT_FIELDS[u.attribute] === 'accessModel')
  ) {
    entries = accessForKey({ vault, keyName: name, assignments: access.assignments, roleDefinitions: access.roles }).map((e) => ({
      ...e,
      principal: ctx.enrichPrincipal(e.principal),
    }));
  }
  const release = releasePolicyOf(k, shape.read);
  const rec = normalizeKey({
    vault,
    key: {
      kid: `${vault.uri}keys/${encodeURIComponent(name)}/planned`,
      name,
      ...(shape.kty ? { jwk: { kty: shape.kty, ...(shape.ops ? { keyOps: shape.ops } : {}), ...(shape.curve ? { crv: shape.curve } : {}) } } : {}),
      enabled: shape.enabled,
      ...(shape.expires && !Number.isNaN(shape.expires.getTime()) ? { expiresOn: shape.expires } : {}),
      ...(shape.notBefore && !Number.isNaN(shape.notBefore.getTime()) ? { notBefore: shape.notBefore } : {}),
      exportable: (shape.read.raw('attributes') as Record<string, unknown> | undefined)?.exportable === true,
      ...(release !== undefined ? { releasePolicy: release } : {}),
      tags: new Reader(k.values, k.configured).tags('tags') ?? {},
    },
    ...(rotation !== undefined ? { rotation } : {}),
    ...(entries ? { access: entries } : {}),
  });
  rec.id = id;
  if (shape.size && rec.keyType === 'RSA') rec.keySize = shape.size;
  if (shape.curve && rec.keyType === 'EC') rec.curve = shape.curve;
  if (shape.read.isUnknown(k.format === 'arm' ? 'attributes' : 'expiration_date')) delete rec.expiresAt;
  rec.provenance = 'planned';
  rec.source = ctx.source(k);
  ctx.unknownGaps(id, PROVIDER, k, shape.read.unknown, (a) => KEY_FIELDS[a]);
  if (!planned) {
    for (const f of ['accessModel', 'deletion', 'network', 'access', 'trails'])
      ctx.gap(
        id,
        PROVIDER,
        f,
        `${k.format}:vault`,
        `${k.address}: its vault is not part of this plan, so its settings are not known here (audit the live vault)`,
      );
  } else {
    ctx.unknownGaps(id, PROVIDER, vaultRes as PlannedResource, planned.unknown, (a) => VAULT_FIELDS[a]);
    const gap = accessGapReason(k, { access, vault, localRbac, ...(hsm ? { hsm } : {}) });
    if (gap) ctx.gap(id, PROVIDER, 'access', `${k.format}:${gap[0]}`, gap[1]);
  }
  return rec;
}

/**
 * Why the access of a key in a planned vault is not all known (the first reason that holds), or
 * undefined. An RBAC vault's keys are also usable by whoever holds a Key Vault data role on the vault's resource
 * group, subscription or management groups: role assignments made there outside this plan are not
 * visible before deployment (the live provider lists them, inherited ones included), so the access a
 * plan shows is never all of it. A failure found in what the plan grants still stands.
 */
function accessGapReason(
  k: PlannedResource,
  p: { access: ReturnType<typeof assignmentsOf>; vault: RawVault; localRbac: boolean; hsm?: { gap?: string } },
): [operation: string, reason: string] | undefined {
  if (p.access.unknown) return ['role-assignment', p.access.unknown];
  if (p.vault.rbac === true)
    return [
      'inherited-rbac',
      `${k.address}: vault ${p.vault.name} authorizes with Azure RBAC, so role assignments on its resource group, subscription and management groups (inherited, made outside this plan) also decide who can use the key (audit them live with the azure provider)`,
    ];
  if (p.hsm?.gap) return ['local-rbac', `${k.address}: who can use a Managed HSM key is decided by its local RBAC; ${p.hsm.gap}`];
  if (p.localRbac && !p.hsm)
    return [
      'local-rbac',
      `${k.address}: who can use a Managed HSM key is decided by the HSM's local RBAC (its role assignments and initial administrators), which an ARM template cannot declare (audit the live HSM with the azure provider)`,
    ];
  return undefined;
}

const containerName = (k: PlannedResource): string => {
  const v = k.values.key_vault_id ?? k.values.managed_hsm_id;
  const m = typeof v === 'string' ? /\/(vaults|managedHSMs)\/([^/]+)/i.exec(v) : undefined;
  return m?.[2] ?? (k.format === 'arm' ? (armNameOf(k).split('/')[0] as string) : 'unknown-vault');
};

function diagnosticSetting(ctx: PlanContext, s: PlannedResource): { setting: RawDiagnosticSetting; retention?: number; unknown: Reader['unknown'] } {
  const arm = s.format === 'arm';
  const read = new Reader(props(s), s.configured);
  const logs = arm
    ? (read.list('logs') ?? []).map((l) => ({
        ...(typeof l.category === 'string' ? { category: l.category } : {}),
        ...(typeof l.categoryGroup === 'string' ? { categoryGroup: l.categoryGroup } : {}),
        enabled: l.enabled === true,
        ...(l.retentionPolicy && typeof l.retentionPolicy === 'object' ? { retention: l.retentionPolicy as { enabled: boolean; days?: number } } : {}),
      }))
    : [
        ...(read.block('enabled_log') ?? []).map((l) => ({
          ...(l.category ? { category: String(l.category) } : {}),
          ...(l.category_group ? { categoryGroup: String(l.category_group) } : {}),
          enabled: true,
        })),
        ...(read.list('log') ?? []).map((l) => ({
          ...(l.category ? { category: String(l.category) } : {}),
          ...(l.category_group ? { categoryGroup: String(l.category_group) } : {}),
          enabled: l.enabled !== false,
          ...(Array.isArray(l.retention_policy) && l.retention_policy[0] ? { retention: l.retention_policy[0] as { enabled: boolean; days?: number } } : {}),
        })),
      ];
  const workspaceValue = arm ? props(s).workspaceId : s.values.log_analytics_workspace_id;
  const workspace = ctx.resolve(workspaceValue, WORKSPACE_TYPES);
  const wsRead = workspace ? new Reader(props(workspace), workspace.configured) : undefined;
  const retention = wsRead ? (wsRead.num(workspace?.format === 'arm' ? 'retentionInDays' : 'retention_in_days') ?? 30) : undefined;
  const storage = arm ? props(s).storageAccountId : s.values.storage_account_id;
  const hub = arm ? props(s).eventHubAuthorizationRuleId : s.values.eventhub_authorization_rule_id;
  const idOf = (v: unknown) => (v instanceof Ref ? v.address : typeof v === 'string' && v ? v : undefined);
  return {
    setting: {
      id: ctx.idOf(s),
      name: arm ? (armNameOf(s).split('/').at(-1) as string) : (read.str('name') ?? s.address),
      logs,
      ...(idOf(workspaceValue) ? { workspaceId: idOf(workspaceValue) } : {}),
      ...(idOf(storage) ? { storageAccountId: idOf(storage) } : {}),
      ...(idOf(hub) ? { eventHubAuthorizationRuleId: idOf(hub) } : {}),
    },
    ...(retention !== undefined ? { retention } : {}),
    unknown: read.unknown,
  };
}

/** Diagnostic setting attributes whose value decides what the setting records. */
const SETTING_FIELDS: Record<string, string> = { enabled_log: 'capturesDataPlane', log: 'capturesDataPlane', logs: 'capturesDataPlane' };

/** One planned diagnostic setting of a planned vault as an AuditTrail; undefined when it targets something else. */
export function plannedAzureTrail(ctx: PlanContext, s: PlannedResource): AuditTrail | undefined {
  const target = /\/providers\/diagnosticSettings$/i.test(s.type)
    ? vaultFor(ctx, `Microsoft.KeyVault/vaults/${armNameOf(s).split('/')[0]}`)
    : vaultFor(ctx, s.format === 'arm' ? s.values.scope : s.values.target_resource_id);
  if (!target) return undefined;
  const { vault } = rawVault(ctx, target);
  const { setting, retention, unknown } = diagnosticSetting(ctx, s);
  const trail = trailFromDiagnosticSetting(vault, setting, retention);
  // Log categories known only after apply (a dynamic block over categories read at apply, a template
  // parameter): what the setting records is unknown, not "nothing".
  if (unknown.some((u) => SETTING_FIELDS[u.attribute])) {
    for (const f of ['enabled', 'capturesAdminEvents', 'capturesDataPlane', 'retentionDays'] as const) delete trail[f];
    ctx.unknownGaps(ctx.idOf(s), PROVIDER, s, unknown, (a) => SETTING_FIELDS[a]);
  }
  trail.scope = { provider: PROVIDER, accounts: ctx.opts.subscription ? [ctx.opts.subscription] : '*', containers: [vault.name] };
  trail.provenance = 'planned';
  trail.source = ctx.source(s);
  ctx.conditionalTrail(trail, s);
  return trail;
}

export { assignmentsOf };
