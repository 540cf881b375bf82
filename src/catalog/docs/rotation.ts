import type { RuleDocs } from '../types.ts';

const AZ = { id: 'https://kv-prod.vault.azure.net/keys/token-signing', provider: 'azure-keyvault', container: 'kv-prod' } as const;

export const ROTATION_DOCS: Record<string, RuleDocs> = {
  'automatic-rotation': {
    remediation: {
      cli: '`aws kms enable-key-rotation --key-id KEY --rotation-period-in-days 365` · `az keyvault key rotation-policy update --vault-name VAULT --name KEY --value policy.json` · `gcloud kms keys update KEY --keyring RING --location LOC --rotation-period 90d --next-rotation-time TIME`',
      terraform:
        '`aws_kms_key { enable_key_rotation = true, rotation_period_in_days = 365 }` · `azurerm_key_vault_key { rotation_policy { automatic { time_before_expiry = "P30D" } expire_after = "P1Y" } }` · `google_kms_crypto_key { rotation_period = "7776000s" }`',
      console:
        'AWS KMS → key → Key rotation → Automatically rotate. Azure Key Vault → Keys → key → Rotation policy. GCP Security → Key Management → key → Edit rotation period.',
    },
    examples: [
      {
        title: 'data-encryption key rotating every 90 days',
        outcome: 'pass',
        key: {
          usage: ['encrypt', 'decrypt'],
          keyType: 'AES',
          keySize: 256,
          tags: { env: 'prod', 'key-class': 'data-encryption' },
          rotation: { supported: true, automatic: true, periodDays: 90 },
        },
      },
      {
        title: 'rotation supported but off',
        outcome: 'fail',
        key: {
          usage: ['encrypt', 'decrypt'],
          keyType: 'AES',
          keySize: 256,
          tags: { env: 'prod', 'key-class': 'data-encryption' },
          rotation: { supported: true, automatic: false },
        },
      },
    ],
  },
  'expired-key-in-use': {
    remediation: {
      cli: '`aws kms disable-key --key-id KEY` · `az keyvault key set-attributes --vault-name VAULT --name KEY --enabled false` · `gcloud kms keys versions disable VERSION --key KEY --keyring RING --location LOC`',
      terraform: '`aws_kms_key { is_enabled = false }` · `azurerm_key_vault_key` replaced by a successor with a new `expiration_date`',
      console: 'Disable the key after its successor is published and every relying party trusts the successor.',
    },
    examples: [
      { title: 'retire-by date ahead', outcome: 'pass', key: { tags: { env: 'prod', 'retire-by': '2027-01-31' } } },
      {
        title: 'retire-by date passed, key still enabled (the 2016 Storm-0558 key)',
        outcome: 'fail',
        key: { tags: { env: 'prod', 'retire-by': '2021-03-31' } },
      },
    ],
  },
  'expiry-approaching': {
    remediation: {
      cli: '`az keyvault key rotate --vault-name VAULT --name KEY` · AWS/GCP: create the successor, move the alias, update the `retire-by` tag',
      terraform: '`azurerm_key_vault_key { rotation_policy { automatic { time_before_expiry = "P30D" } } }`',
      console: 'Azure Key Vault → key → Rotation policy → enable automatic rotation before expiry.',
    },
    examples: [
      { title: 'expires in 200 days', outcome: 'pass', key: { expiresAt: '2026-12-18T00:00:00Z' } },
      { title: 'expires in 10 days and nothing rotates it', outcome: 'fail', key: { expiresAt: '2026-06-11T00:00:00Z' } },
    ],
  },
  'expiry-date-set': {
    remediation: {
      cli: '`az keyvault key set-attributes --vault-name VAULT --name KEY --expires 2027-01-31T00:00:00Z` · `aws kms tag-resource --key-id KEY --tags TagKey=retire-by,TagValue=2027-01-31` · `gcloud kms keys update KEY --update-labels retire-by=2027-01-31`',
      terraform: '`azurerm_key_vault_key { expiration_date = "2027-01-31T00:00:00Z" }` · `aws_kms_key { tags = { "retire-by" = "2027-01-31" } }`',
      console: 'Azure Key Vault → key → current version → Set expiration date.',
    },
    examples: [
      { title: 'Azure key with an expiry', outcome: 'pass', key: { ...AZ, expiresAt: '2027-01-31T00:00:00Z' } },
      { title: 'Azure key without an expiry', outcome: 'fail', key: { ...AZ, expiresAt: null } },
      { title: 'strict: an AWS key needs a retire-by tag', outcome: 'fail', options: { providers: ['*'] }, key: { expiresAt: null } },
    ],
  },
  'key-age-alerting': {
    remediation: {
      cli: '`az keyvault key rotation-policy update --vault-name VAULT --name KEY --value policy.json` with a `Notify` lifetime action (`timeBeforeExpiry: P14D`) · AWS: an EventBridge schedule that checks key age, declared with `aws kms tag-resource --tags TagKey=keyhygiene:age-alert,TagValue=RULE`',
      terraform:
        '`azurerm_key_vault_key { rotation_policy { notify_before_expiry = "P14D" } }` · `azurerm_eventgrid_system_topic_event_subscription` on `Microsoft.KeyVault.KeyNearExpiry`',
      console: 'Azure Key Vault → key → Rotation policy → Notify before expiry; or Events → KeyNearExpiry subscription.',
    },
    examples: [
      { title: 'an alert 14 days before expiry', outcome: 'pass' },
      { title: 'no alert on the age of a signing key (CSRB F3)', outcome: 'fail', key: { alerts: { nearExpiry: false } } },
    ],
  },
  'key-material-max-age': {
    remediation: {
      cli: '`aws kms rotate-key-on-demand --key-id KEY` (symmetric) · signing keys: `aws kms create-key --key-usage SIGN_VERIFY …`, publish, `aws kms update-alias`, then disable the old key · `az keyvault key rotate` · `gcloud kms keys versions create`',
      terraform: 'A new `aws_kms_key` (or `azurerm_key_vault_key` version) per cryptoperiod, referenced by an alias that moves',
      console: 'Create the successor, publish it in the JWKS, move the alias or kid, disable the old key after the longest token lifetime.',
    },
    examples: [
      { title: 'token-signing key 20 days old (class limit 30)', outcome: 'pass' },
      { title: 'token-signing key 45 days old', outcome: 'fail', key: { createdAt: '2026-04-17T00:00:00Z', currentVersionCreatedAt: '2026-04-17T00:00:00Z' } },
    ],
  },
  'key-pending-deletion': {
    remediation: {
      cli: '`aws kms cancel-key-deletion --key-id KEY` · `az keyvault key recover --vault-name VAULT --name KEY` · `gcloud kms keys versions restore VERSION …` — or, if intended, `aws kms tag-resource --tags TagKey=keyhygiene:deletion-approved,TagValue=TICKET`',
      terraform: '`aws_kms_key { deletion_window_in_days = 30 }` and a `keyhygiene:deletion-approved` tag on keys you retire on purpose',
      console: 'AWS KMS → key → Key actions → Cancel key deletion.',
    },
    examples: [
      {
        title: 'an acknowledged deletion',
        outcome: 'pass',
        key: { state: 'pending-deletion', tags: { env: 'prod', 'keyhygiene:deletion-approved': 'CHG-2041' } },
      },
      { title: 'an unexplained scheduled deletion', outcome: 'fail', key: { state: 'pending-deletion', deletion: { scheduledAt: '2026-06-08T00:00:00Z' } } },
    ],
  },
  'rotation-automation-required': {
    remediation: {
      cli: 'Automate the successor process (CI job that creates, publishes and promotes the next key), then `aws kms tag-resource --key-id KEY --tags TagKey=keyhygiene:rotation,TagValue=automated`',
      terraform: '`tags = { "keyhygiene:rotation" = "automated" }` on keys the automation manages',
      console: 'Enable automatic rotation where the platform supports it; otherwise record the automation with the tag.',
    },
    examples: [
      { title: 'signing key with automated successor evidence', outcome: 'pass' },
      { title: 'signing key rotated by hand', outcome: 'fail', key: { tags: { env: 'prod', 'key-class': 'token-signing-shared' } } },
    ],
  },
  'rotation-drill-recent': {
    remediation: {
      cli: 'Run the rotation drill in CI, then `aws kms tag-resource --key-id KEY --tags TagKey=keyhygiene:rotation-drill,TagValue=$(date -u +%F)`',
      terraform: 'Not a resource setting: the drill job records the tag after each successful run.',
      console: 'Publish a successor key, keep the old one valid, verify every relying party, record the date.',
    },
    examples: [
      { title: 'drill 12 days ago', outcome: 'pass' },
      { title: 'no drill recorded', outcome: 'fail', key: { tags: { env: 'prod', 'key-class': 'token-signing-shared', 'keyhygiene:rotation': 'automated' } } },
    ],
  },
  'superseded-key-retired': {
    remediation: {
      cli: '`aws kms disable-key --key-id KEY` · `az keyvault key set-attributes --enabled false …` · `gcloud kms keys versions disable …`',
      terraform: '`aws_kms_key { is_enabled = false }` on the superseded key',
      console: 'Disable the superseded key once the longest token lifetime has passed.',
    },
    examples: [
      { title: 'superseded five days ago', outcome: 'pass', key: { tags: { env: 'prod', 'superseded-at': '2026-05-27' } } },
      { title: 'superseded a year ago and still enabled', outcome: 'fail', key: { tags: { env: 'prod', 'superseded-at': '2025-05-01' } } },
    ],
  },
  'unused-key': {
    remediation: {
      cli: '`aws kms schedule-key-deletion --key-id KEY --pending-window-in-days 30` · `az keyvault key delete --vault-name VAULT --name KEY` · `gcloud kms keys versions destroy VERSION …`',
      terraform: 'Remove the key resource (AWS keeps the deletion window).',
      console: 'Confirm with the owner, then schedule deletion.',
    },
    examples: [
      { title: 'used yesterday', outcome: 'pass' },
      { title: 'idle for 200 days', outcome: 'fail', key: { lastUsedAt: '2025-11-13T00:00:00Z' } },
    ],
  },
};
