import type { RuleDocs } from '../types.ts';

const AZ = { id: 'https://kv-prod.vault.azure.net/keys/token-signing', provider: 'azure-keyvault', container: 'kv-prod' } as const;
const role = (name: string, account = '111111111111') => ({ kind: 'role' as const, id: `arn:aws:iam::${account}:role/${name}`, name, account });

export const SCOPE_DOCS: Record<string, RuleDocs> = {
  'admin-use-separated': {
    remediation: {
      cli: 'Split the key policy statements: `aws kms put-key-policy --key-id KEY --policy file://policy.json` with administrators (kms:Create*, Put*, Schedule*) and users (kms:Sign) as different principals · `gcloud kms keys remove-iam-policy-binding …`',
      terraform:
        'Separate `aws_kms_key_policy` statements; `azurerm_role_assignment` of Key Vault Administrator and Key Vault Crypto User to different principals',
      console: 'AWS KMS → key → Key policy → Key administrators and Key users lists hold different principals.',
    },
    examples: [
      { title: 'administrator and user are different roles', outcome: 'pass' },
      {
        title: 'one role administers and signs',
        outcome: 'fail',
        key: { access: [{ principal: role('token-service'), capabilities: ['administer', 'use-sign'], source: 'key-policy' }] },
      },
    ],
  },
  'cross-scope-access': {
    remediation: {
      cli: 'Remove the foreign principal: `aws kms put-key-policy …`, `aws kms revoke-grant --key-id KEY --grant-id GRANT`, `az role assignment delete --assignee ID --scope KEY_ID`',
      terraform: 'Drop the principal from `aws_kms_key_policy` / `aws_kms_grant` / `azurerm_role_assignment`',
      console: 'Give the other trust domain its own key in its own account or vault.',
    },
    examples: [
      { title: 'only consumer production roles use the consumer key', outcome: 'pass' },
      {
        title: 'an enterprise mail role can sign with the consumer key (Storm-0558)',
        outcome: 'fail',
        key: { access: [{ principal: role('mail-token-validator', '222222222222'), capabilities: ['use-sign'], source: 'key-policy' }] },
      },
    ],
  },
  'grant-hygiene': {
    remediation: {
      cli: '`aws kms list-grants --key-id KEY` then `aws kms revoke-grant --key-id KEY --grant-id GRANT`; recreate with `aws kms create-grant` without `CreateGrant` in `--operations`',
      terraform: '`aws_kms_grant { operations = ["Sign"] }` — never `CreateGrant`, never a wildcard grantee',
      console: 'Grants are not shown in the AWS console: use the CLI.',
    },
    examples: [
      {
        title: 'a grant for a named service, sign only',
        outcome: 'pass',
        key: { access: [{ principal: role('token-service'), capabilities: ['use-sign'], source: 'grant', sourceId: 'g-1' }] },
      },
      {
        title: 'a grant that can create further grants',
        outcome: 'fail',
        key: { access: [{ principal: role('token-service'), capabilities: ['use-sign', 'create-grant'], source: 'grant', sourceId: 'g-1' }] },
      },
    ],
  },
  'key-region-allowed': {
    remediation: {
      cli: '`gcloud kms keyrings create RING --location europe-west1` and a new key there; move workloads; disable the old key',
      terraform: '`google_kms_key_ring { location = "europe-west1" }`',
      console: 'GCP Security → Key Management → Create key ring → Region.',
    },
    examples: [
      { title: 'a regional key', outcome: 'pass' },
      {
        title: 'a GCP key ring in the global location',
        outcome: 'fail',
        key: { id: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', provider: 'gcp-kms', region: 'global' },
      },
    ],
  },
  'signing-key-single-scope': {
    remediation: {
      cli: '`aws kms tag-resource --key-id KEY --tags TagKey=trust-domain,TagValue=consumer TagKey=env,TagValue=prod`',
      terraform: '`tags = { "trust-domain" = "consumer", env = "prod" }`',
      console: 'Tag the key with exactly one trust domain and one environment, or fix overlapping matchers in the policy.',
    },
    examples: [
      { title: 'one trust domain, one environment', outcome: 'pass' },
      { title: 'a signing key in no trust domain', outcome: 'fail', key: { tags: { env: 'prod', 'key-class': 'token-signing-shared' } } },
    ],
  },
  'single-purpose-signing-key': {
    remediation: {
      cli: 'Create separate keys: `aws kms create-key --key-usage SIGN_VERIFY` and `--key-usage ENCRYPT_DECRYPT` · `az keyvault key create --ops sign verify`',
      terraform: '`azurerm_key_vault_key { key_opts = ["sign", "verify"] }`',
      console: 'Azure Key Vault → key → Permitted operations: sign and verify only.',
    },
    examples: [
      { title: 'sign and verify only', outcome: 'pass' },
      { title: 'a signing key that can also decrypt', outcome: 'fail', key: { usage: ['sign', 'verify', 'decrypt'] } },
    ],
  },
  'single-region-key': {
    remediation: {
      cli: '`aws kms create-key` (without `--multi-region`) per region; or tag the key `keyhygiene:multi-region=approved` and audit every replica',
      terraform: '`aws_kms_key { multi_region = false }`',
      console: 'AWS KMS → Create key → Regionality: Single-Region key.',
    },
    examples: [
      { title: 'a single-Region signing key', outcome: 'pass' },
      { title: 'a multi-Region signing key', outcome: 'fail', key: { multiRegion: true } },
    ],
  },
  'vault-rbac-authorization': {
    remediation: {
      cli: '`az keyvault update --name VAULT --enable-rbac-authorization true` (after creating equivalent role assignments)',
      terraform: '`azurerm_key_vault { enable_rbac_authorization = true }`',
      console: 'Azure Key Vault → Access configuration → Permission model: Azure role-based access control.',
    },
    examples: [
      { title: 'an RBAC vault', outcome: 'pass', key: { ...AZ, accessModel: 'rbac' } },
      { title: 'a vault using access policies', outcome: 'fail', key: { ...AZ, accessModel: 'access-policy' } },
    ],
  },
};
