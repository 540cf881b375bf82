// The Azure provider: Key Vault and Managed HSM keys, vault settings, role assignments and diagnostic
// settings, through the Azure SDKs, read-only, over the provider kit. The steps live in reads/.
import { UserError } from '../../errors.ts';
import type { KitStats } from '../kit/index.ts';
import { type CollectContext, defineProvider, type PermissionsDocument, type ProviderOutput } from '../types.ts';
import type { ClientOverrides } from './client.ts';
import { type AzureClients, type AzureCollected, collectWith, createAzureRun } from './collect.ts';
import { OPERATION_NAMES, OPERATION_PERMISSIONS } from './operations.ts';
import { readIdentity } from './reads/identity.ts';
import { readSubscriptions } from './reads/subscriptions.ts';
import { listVaults, selectVaults } from './reads/vaults.ts';
import { AZURE_CLOUDS, AzureConfig, type AzureConfigInput } from './schema.ts';
import { azureUnit, wholeSubscription } from './shard.ts';

export const FILLS = [
  'id',
  'account',
  'region',
  'container',
  'name',
  'managedBy',
  'usage',
  'keyType',
  'keySize',
  'curve',
  'protection',
  'exportable',
  'releasePolicy',
  'attestation',
  'origin',
  'state',
  'createdAt',
  'currentVersionCreatedAt',
  'versionCount',
  'rotation.supported',
  'rotation.automatic',
  'rotation.periodDays',
  'rotation.lastRotatedAt',
  'rotation.nextRotationAt',
  'alerts.nearExpiry',
  'alerts.notifyBeforeDays',
  'accessModel',
  'expiresAt',
  'notBefore',
  'deletion.protected',
  'tags',
  'access',
  'network.publicAccess',
  'network.privateEndpoint',
  'fingerprints',
  'publicKey',
  'trails',
] as const;

/** The least-privilege custom role: exactly the Actions and DataActions behind the declared operations. */
export function azurePermissions(): PermissionsDocument {
  const actions = [...new Set(OPERATION_NAMES.map((o) => OPERATION_PERMISSIONS[o]?.action).filter((a): a is string => !!a))].sort();
  const dataActions = [...new Set(OPERATION_NAMES.map((o) => OPERATION_PERMISSIONS[o]?.dataAction).filter((a): a is string => !!a))].sort();
  const hsmDataActions = [...new Set(OPERATION_NAMES.map((o) => OPERATION_PERMISSIONS[o]?.hsmDataAction).filter((a): a is string => !!a))].sort();
  return {
    kind: 'Azure custom role definition',
    document: {
      Name: 'keyhygiene Key Vault auditor',
      IsCustom: true,
      Description:
        'Read-only audit of Key Vault and Managed HSM keys, vault settings, role assignments and diagnostic settings. Cannot read secrets or use keys.',
      Actions: actions,
      NotActions: [],
      DataActions: dataActions,
      NotDataActions: [],
      AssignableScopes: ['/subscriptions/00000000-0000-0000-0000-000000000000'],
    },
    notes: [
      'Replace AssignableScopes with your subscriptions (or a management group), then: az role definition create --role-definition @role.json',
      'Vaults that use access policies instead of Azure RBAC also need an access policy granting key permissions get, list and getrotationpolicy.',
      'Managed HSM pools use local RBAC, which Azure roles do not reach: assign the built-in "Managed HSM Crypto Auditor" role on / (az keyvault role assignment create --hsm-name HSM --role "Managed HSM Crypto Auditor" --scope / --assignee ID).',
      `A custom Managed HSM role instead needs exactly these data actions: ${hsmDataActions.join(', ')} (az keyvault role definition create --hsm-name HSM --role-definition @hsm-role.json).`,
      'Principal names come from Microsoft Graph (graph:GetDirectoryObject): grant the audit identity the Graph permission Directory.Read.All, or set resolvePrincipalNames: false.',
      'Members of groups that hold key use come from Microsoft Graph (graph:ListGroupTransitiveMembers, nested groups included): Directory.Read.All covers it (GroupMember.Read.All alone also does). Without it, access of the keys those groups hold is unknown.',
      'Federated identity credentials of app registrations that hold key use come from Microsoft Graph (graph:ListFederatedIdentityCredentials): grant Application.Read.All; those of user-assigned managed identities need the Action above (arm:ListFederatedIdentityCredentials). Without them, access of the keys those principals hold is unknown.',
      `Declared operations: ${OPERATION_NAMES.join(', ')}.`,
    ],
  };
}

/**
 * Collect Key Vault and Managed HSM keys, vault settings, access and diagnostic settings. `overrides`
 * injects a credential (tests, the demo) and observes the operations sent.
 */
export async function collectAzure(
  config: AzureConfig,
  ctx: CollectContext,
  overrides: ClientOverrides = {},
): Promise<ProviderOutput & { clients: AzureClients; stats: KitStats }> {
  const startedAt = ctx.now().toISOString();
  const run = createAzureRun(config, ctx, overrides);
  let out: AzureCollected;
  try {
    out = await collectWith(run);
  } finally {
    run.kit.finish();
  }
  const { identity, ...read } = out;
  return {
    run: { id: 'azure', ...(identity ? { identity } : {}), fills: [...FILLS], startedAt, finishedAt: ctx.now().toISOString() },
    ...read,
    clients: run.clients,
    stats: run.kit.stats,
  };
}

/** Every vault the configuration covers, listed once (`inventory --plan-shards`). */
export async function planAzure(raw: AzureConfigInput, ctx: CollectContext, overrides: ClientOverrides = {}): Promise<string[]> {
  const run = createAzureRun(AzureConfig.parse(raw), ctx, overrides);
  try {
    const { failed } = await readIdentity(run);
    const subscriptions = failed ? [] : await readSubscriptions(run);
    // Without the subscriptions a plan would leave vaults out of every shard, silently: refuse it.
    const blocking = run.kit.gaps.list();
    if (blocking.length)
      throw new UserError({
        message: `azure: the collection units could not all be listed (${blocking.map((g) => `${g.operation}: ${g.reason}`).join('; ')}); a plan would leave them out of every shard.`,
        hint: 'fix the credential or its access (Microsoft.Resources/subscriptions/read) and plan again, or shard by hash with --shard K/N alone',
      });
    const listed = await listVaults(run, subscriptions);
    const units = selectVaults(run, listed.work).map((w) => azureUnit(w.vault));
    const unlisted = run.kit.gaps
      .list()
      .filter((g) => g.operation === 'arm:ListVaults' && g.scope.account)
      .map((g) => wholeSubscription(g.scope.account as string));
    return [...new Set([...units, ...unlisted])].sort();
  } finally {
    run.kit.finish();
  }
}

export const azureProvider = defineProvider({
  id: 'azure',
  description: 'Azure Key Vault and Managed HSM keys, vault settings, role assignments and diagnostic settings (Azure SDKs, DefaultAzureCredential)',
  configSchema: AzureConfig,
  operations: OPERATION_NAMES,
  fills: FILLS,
  shardable: true,
  units: (config, ctx) => planAzure(config, ctx),
  async collect(config, ctx) {
    // Parsing again is idempotent for a validated policy block and fills the defaults of a block
    // built in code (the demo's).
    const { clients: _clients, stats: _stats, ...out } = await collectAzure(AzureConfig.parse(config), ctx);
    return out;
  },
  permissions: azurePermissions,
});

export { AZURE_CLOUDS };
export default azureProvider;
