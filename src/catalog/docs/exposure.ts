import type { RuleDocs } from '../types.ts';

const AZ = { id: 'https://kv-prod.vault.azure.net/keys/token-signing', provider: 'azure-keyvault', container: 'kv-prod' } as const;

/** A Secure Key Release policy (grammar 1.0.0) for SEV-SNP with Azure Attestation; `debuggable` undefined omits the claim. */
const releasePolicy = (debuggable: boolean | undefined) => ({
  version: '1.0.0',
  anyOf: [
    {
      authority: 'https://sharedeus2.eus2.attest.azure.net',
      allOf: [
        { claim: 'x-ms-attestation-type', equals: 'sevsnpvm' },
        ...(debuggable === undefined ? [] : [{ claim: 'x-ms-sevsnpvm-is-debuggable', equals: debuggable }]),
      ],
    },
  ],
});

/** An enclave role allowed to decrypt under an image-digest condition (kms:RecipientAttestation:ImageSha384). */
const ENCLAVE = (values: string[]) => ({
  principal: { kind: 'role' as const, id: 'arn:aws:iam::111111111111:role/data-processing', name: 'data-processing', account: '111111111111' },
  capabilities: ['use-decrypt' as const],
  source: 'key-policy' as const,
  sourceId: 'Enable enclave data processing',
  conditions: [{ key: 'kms:RecipientAttestation:ImageSha384', operator: 'StringEqualsIgnoreCase', values }],
});

export const EXPOSURE_DOCS: Record<string, RuleDocs> = {
  'deletion-protected': {
    remediation: {
      cli: '`az keyvault update --name VAULT --enable-purge-protection true`',
      terraform: '`azurerm_key_vault { purge_protection_enabled = true, soft_delete_retention_days = 90 }`',
      console: 'Azure Key Vault → Properties → Purge protection: Enable.',
    },
    examples: [
      { title: 'purge protection on', outcome: 'pass', key: { ...AZ } },
      { title: 'purge protection off', outcome: 'fail', key: { ...AZ, deletion: { protected: false } } },
    ],
  },
  'enclave-debug-attestation': {
    remediation: {
      cli: '`nitro-cli describe-eif --eif-path enclave.eif` gives PCR0 (= ImageSha384); put it in the key policy (`aws kms put-key-policy`) under `StringEqualsIgnoreCase` `kms:RecipientAttestation:ImageSha384`, and remove every statement, IAM policy and grant that lets the enclave role decrypt without it',
      terraform:
        '`aws_kms_key_policy`: the enclave statement carries `condition { test = "StringEqualsIgnoreCase", variable = "kms:RecipientAttestation:ImageSha384", values = [var.enclave_pcr0] }`',
      console: 'Never run production enclaves with --debug-mode; a debug enclave has PCRs of zeros and must not match any key policy.',
    },
    examples: [
      {
        title: 'decrypt only with the production image (AWS documented statement)',
        outcome: 'pass',
        key: { access: [ENCLAVE(['9fedcba8abcdef7abcdef6abcdef5abcdef4abcdef3abcdef2abcdef1abcdef1abcdef1abcdef1abcdef1abcdef1abcdef'])] },
      },
      { title: 'the policy admits a debug-mode enclave (PCR0 of zeros)', outcome: 'fail', key: { access: [ENCLAVE(['0'.repeat(96)])] } },
    ],
  },
  'hsm-custody': {
    remediation: {
      cli: '`aws kms create-key --origin AWS_KMS --key-spec RSA_3072 --key-usage SIGN_VERIFY` · `az keyvault key create --kty RSA-HSM --size 3072 --exportable false` · `gcloud kms keys create KEY --protection-level hsm …`',
      terraform: '`azurerm_key_vault_key { key_type = "RSA-HSM" }` · `google_kms_crypto_key { version_template { protection_level = "HSM" } }`',
      console: 'Create the replacement key in an HSM-backed tier (Key Vault Premium or Managed HSM), move consumers, retire the old key.',
    },
    examples: [
      { title: 'HSM-generated, non-exportable', outcome: 'pass' },
      { title: 'software-protected and exportable', outcome: 'fail', key: { protection: 'software', exportable: true } },
    ],
  },
  'key-algorithm-allowed': {
    remediation: {
      cli: '`aws kms create-key --key-spec RSA_3072 …` · `az keyvault key create --kty RSA-HSM --size 3072` · `--curve P-256`',
      terraform: '`aws_kms_key { customer_master_key_spec = "RSA_3072" }` · `azurerm_key_vault_key { key_size = 3072 }`',
      console: 'Create a replacement key of an allowed type and size, move consumers to it, retire this one.',
    },
    examples: [
      { title: 'RSA-3072', outcome: 'pass' },
      { title: 'RSA-2048 with no expiry (outlives 2030)', outcome: 'fail', key: { keySize: 2048, expiresAt: null } },
    ],
  },
  'no-public-network-access': {
    remediation: {
      cli: '`az keyvault update --name VAULT --public-network-access Disabled` · `az network private-endpoint create --group-id vault …`',
      terraform: '`azurerm_key_vault { public_network_access_enabled = false, network_acls { default_action = "Deny", bypass = "AzureServices" } }`',
      console: 'Azure Key Vault → Networking → Public access: Disable; Private endpoint connections → Create.',
    },
    examples: [
      { title: 'public access disabled, private endpoint', outcome: 'pass', key: { ...AZ } },
      { title: 'vault open to the internet', outcome: 'fail', key: { ...AZ, network: { publicAccess: true, privateEndpoint: false } } },
    ],
  },
  'no-public-principal': {
    remediation: {
      cli: '`aws kms put-key-policy --key-id KEY --policy file://policy.json` without `"Principal": "*"` (or with `aws:PrincipalOrgID`) · `gcloud kms keys remove-iam-policy-binding KEY --member allUsers …`',
      terraform: 'No `"*"` principal in `aws_kms_key_policy` without a confining `Condition`; no `allUsers` in `google_kms_crypto_key_iam_member`',
      console: 'AWS KMS → key → Key policy → remove the wildcard statement.',
    },
    examples: [
      { title: 'named principals only', outcome: 'pass' },
      {
        title: 'anyone can sign',
        outcome: 'fail',
        key: { access: [{ principal: { kind: 'public', id: '*' }, capabilities: ['use-sign'], source: 'key-policy', sourceId: 'AllowAll' }] },
      },
      {
        title: 'a wildcard confined to the organization',
        outcome: 'pass',
        key: {
          access: [
            {
              principal: { kind: 'public', id: '*' },
              capabilities: ['use-sign'],
              source: 'key-policy',
              conditions: [{ key: 'aws:PrincipalOrgID', operator: 'StringEquals', values: ['o-abc123'] }],
              confined: true,
            },
          ],
        },
      },
    ],
  },
  'nonprod-principal-access': {
    remediation: {
      cli: 'Remove the debug/CI principal from the key policy (`aws kms put-key-policy`), grants (`aws kms revoke-grant`) or role assignments (`az role assignment delete`)',
      terraform: 'Keep non-production principals out of production `aws_kms_key_policy` / `azurerm_role_assignment`',
      console: 'Give debug and CI workloads their own keys in their own accounts.',
    },
    examples: [
      { title: 'only production roles', outcome: 'pass' },
      {
        title: 'a debug-environment analyst can sign with the production key',
        outcome: 'fail',
        key: {
          access: [
            {
              principal: { kind: 'role', id: 'arn:aws:iam::333333333333:role/crashdump-analyst', name: 'crashdump-analyst', account: '333333333333' },
              capabilities: ['use-sign'],
              source: 'key-policy',
            },
          ],
        },
      },
    ],
  },
  'release-policy-debug-disabled': {
    remediation: {
      cli: '`az keyvault key create --vault-name VAULT --name KEY --exportable --policy release-policy.json` with every authority group requiring `x-ms-sevsnpvm-is-debuggable` (or `x-ms-sgx-is-debuggable`) equals false',
      terraform: 'Not settable on `azurerm_key_vault_key`; create the key with the CLI or the REST API and an explicit release policy.',
      console: 'Azure Key Vault → Keys → Generate with "Exportable" and a release policy that forbids debuggable environments.',
    },
    examples: [
      {
        // The documented confidential-containers policy: SEV-SNP, not debuggable, Azure Attestation.
        title: 'exportable key released only to a non-debuggable SEV-SNP container',
        outcome: 'pass',
        key: { ...AZ, exportable: true, releasePolicy: { immutable: false, contentType: 'application/json; charset=utf-8', document: releasePolicy(false) } },
      },
      {
        title: 'a release policy that says nothing about debugging',
        outcome: 'fail',
        key: {
          ...AZ,
          exportable: true,
          releasePolicy: { immutable: false, contentType: 'application/json; charset=utf-8', document: releasePolicy(undefined) },
        },
      },
    ],
  },
};
