/**
 * Where each row of the research catalog (incident-and-standards.md §4) and of the peer capability
 * matrix (peers.md §4) is covered: by rules, or by a stated reason. The generated catalog
 * (docs/catalog.md) prints both tables; a meta-test checks every rule named here exists.
 */
export interface CoverageRow {
  code: string;
  concern: string;
  rules: readonly string[];
  /** Why there is no rule (or why the rules cover it only in part). */
  reason?: string;
}

export const CATALOG_ROWS: readonly CoverageRow[] = [
  { code: 'ROT-01', concern: 'Active signing key age within its class cryptoperiod', rules: ['key-material-max-age'] },
  { code: 'ROT-02', concern: 'Automatic rotation on where supported, period within policy', rules: ['automatic-rotation'] },
  { code: 'ROT-03', concern: 'Keys that cannot auto-rotate carry automated-rotation evidence', rules: ['rotation-automation-required'] },
  { code: 'ROT-04', concern: 'No key past expiry or retirement still enabled or published', rules: ['expired-key-in-use', 'retired-key-still-published'] },
  { code: 'ROT-05', concern: 'Every key has an expiry or retire-by date', rules: ['expiry-date-set'] },
  { code: 'ROT-06', concern: 'Key-age and rotation alerting exists', rules: ['key-age-alerting'] },
  { code: 'ROT-07', concern: 'Superseded key disabled within the grace window (P2)', rules: ['superseded-key-retired'] },
  { code: 'ROT-08', concern: 'Rotation drill succeeded recently (P2)', rules: ['rotation-drill-recent'] },
  { code: 'SCP-01', concern: 'A signing key is published under one issuer only', rules: ['published-key-single-issuer', 'key-published-in-one-scope'] },
  { code: 'SCP-02', concern: 'Every signing key has exactly one trust domain and environment', rules: ['signing-key-single-scope'] },
  { code: 'SCP-03', concern: 'Issuer binding in shared key sets', rules: ['shared-key-set-issuer-binding'] },
  {
    code: 'SCP-07',
    concern: 'Relying parties accept only their own trust domain (issuer validated, keys bound)',
    rules: ['relying-party-foreign-key', 'shared-endpoint-issuer-validation'],
  },
  { code: 'SCP-04', concern: 'Single-purpose keys; not shared between prod and test', rules: ['single-purpose-signing-key', 'nonprod-principal-access'] },
  {
    code: 'SCP-05',
    concern: 'Sign limited to the issuing identity; no public grants; admin and use separated; Azure RBAC',
    rules: ['no-public-principal', 'cross-scope-access', 'admin-use-separated', 'grant-hygiene', 'vault-rbac-authorization'],
  },
  { code: 'SCP-06', concern: 'Token-signing keys in HSMs, non-exportable, no copy outside', rules: ['hsm-custody', 'key-material-in-artifact'] },
  {
    code: 'SCP-07',
    concern: 'Token binding / short-lived token posture for high-value relying parties (P2)',
    rules: [],
    reason:
      'Needs relying-party and IdP declarations (DPoP, mTLS binding, token TTL) that the model does not carry yet; a `RelyingParty` record is the natural addition once the JWKS provider reads RP configuration.',
  },
  { code: 'DBG-01', concern: 'No memory artefacts in untrusted stores', rules: ['memory-artifact-in-untrusted-store'] },
  { code: 'DBG-02', concern: 'No private key material in dumps and debug artefacts', rules: ['key-material-in-artifact'] },
  {
    code: 'DBG-03',
    concern: 'Signing hosts have crash dumps disabled or redacted',
    rules: [],
    reason:
      'Needs host configuration (WER LocalDumps, core_pattern, LimitCORE) from SSM/Intune/Ansible facts; the model has no host record. Planned as a declared-config provider.',
  },
  {
    code: 'DBG-04',
    concern: 'Artefacts leaving the boundary carry a credential-scan attestation',
    rules: [],
    reason:
      'Needs object metadata (scan:* tags) and transfer events per artefact; ArtifactFinding records key material found, not every artefact with its attestations. Partly covered: key-material-in-artifact scans the artefacts themselves.',
  },
  {
    code: 'DBG-05',
    concern: 'Debug artefact stores not public, reachable privately, access limited and logged',
    rules: ['nonprod-principal-access', 'memory-artifact-in-untrusted-store'],
    reason:
      'Store-level settings (Block Public Access, access logging, break-glass membership) are not in the model; the rules cover debug principals reaching production keys and artefacts in internet-reachable or untrusted stores.',
  },
  { code: 'LOG-01', concern: 'Data-plane key use and admin changes logged', rules: ['key-use-logged'] },
  { code: 'LOG-02', concern: 'Key-access log retention', rules: ['key-log-retention'] },
  {
    code: 'LOG-03',
    concern: 'High-value data-access audit events on (M365 MailItemsAccessed, S3 read data events)',
    rules: [],
    reason: 'Concerns the data the keys protect (mailboxes, buckets), not the keys; no provider reads M365 audit configuration or S3 data-event selectors.',
  },
  { code: 'LOG-04', concern: 'Key logs tamper-evident and separately protected', rules: ['trail-tamper-evident'] },
  {
    code: 'LOG-05',
    concern: 'Logs reach a SIEM; detections for key disable/delete, policy changes, foreign kids',
    rules: ['key-deletion-alarm'],
    reason: 'SIEM connector inventory and token-level detections are not in the model; the alarm on disable/deletion (and optionally policy change) is.',
  },
  {
    code: 'LOG-06',
    concern: 'IdP issuance ledger for reconciling accepted tokens (P2)',
    rules: [],
    reason: 'Needs an IdP configuration declaration (token ledger schema, retention); no model record yet.',
  },
  { code: 'JWK-01', concern: 'No private or symmetric members in a JWKS', rules: ['published-key-private-members'] },
  { code: 'JWK-02', concern: 'Published key strength', rules: ['published-key-strength'] },
  { code: 'JWK-03', concern: 'JWKS structural integrity', rules: ['key-set-structure'] },
  { code: 'IOC-01', concern: 'No trust store holds a known-compromised key', rules: ['known-compromised-key'] },
  { code: 'GOV-01', concern: 'Inventory completeness: every published key maps to an inventoried key', rules: ['published-key-inventoried', 'key-classified'] },
  { code: 'GOV-02', concern: 'Exceptions time-boxed; expired or open-ended ones fail', rules: ['waiver-hygiene'] },
];

export const PEER_ROWS: readonly CoverageRow[] = [
  { code: 'R1', concern: 'AWS symmetric CMK auto-rotation enabled', rules: ['automatic-rotation'] },
  { code: 'R2', concern: 'AWS RotationPeriodInDays ≤ N', rules: ['automatic-rotation'] },
  { code: 'R3', concern: 'Real rotation age (current key-version age)', rules: ['key-material-max-age'] },
  {
    code: 'R4',
    concern: 'Cryptoperiod for keys that cannot auto-rotate (signing, HMAC, imported, custom store)',
    rules: ['key-material-max-age', 'rotation-automation-required'],
  },
  { code: 'R5', concern: 'Azure key has a rotation policy', rules: ['automatic-rotation'] },
  { code: 'R6', concern: 'Azure rotation/validity/active age ≤ N days', rules: ['automatic-rotation', 'key-material-max-age'] },
  { code: 'R7', concern: 'GCP rotation period ≤ 90 days', rules: ['automatic-rotation'], reason: 'The cis-gcp pack sets the 90-day limit.' },
  { code: 'R8', concern: 'Azure key expiration set', rules: ['expiry-date-set'] },
  { code: 'R9', concern: 'Expiry-approaching threshold', rules: ['expiry-approaching'] },
  { code: 'S1', concern: 'Public or anonymous principal on a key', rules: ['no-public-principal'] },
  {
    code: 'S2',
    concern: 'Condition-aware policy evaluation',
    rules: ['no-public-principal'],
    reason: 'Providers normalize conditions; `confined` marks a wildcard confined by org, account or VPC endpoint.',
  },
  { code: 'S3', concern: 'Allowed accounts / org allowlist per key', rules: ['cross-scope-access'] },
  { code: 'S4', concern: 'Grants analysis (wildcard grantee, CreateGrant, duplicates)', rules: ['grant-hygiene'] },
  {
    code: 'S5',
    concern: 'IAM policies allowing kms:Decrypt on all keys',
    rules: ['cross-scope-access', 'nonprod-principal-access'],
    reason:
      'Judged per key: an IAM policy granting kms:* on "*" shows up as an access entry (source iam-policy) on every key it reaches, where the scope rules judge it. A policy-level "resource: *" finding needs the IAM policy documents, which no provider reads.',
  },
  { code: 'S6', concern: 'GCP KMS separation of duties', rules: ['admin-use-separated'] },
  { code: 'S7', concern: 'Azure Key Vault RBAC model', rules: ['vault-rbac-authorization'] },
  { code: 'S8', concern: 'Multi-Region / replicated key flagged', rules: ['single-region-key'] },
  { code: 'S9', concern: 'Key location pinning (GCP key ring not global)', rules: ['key-region-allowed'] },
  { code: 'S10', concern: 'Key bound to its trust domain, tenant and environment', rules: ['cross-scope-access', 'signing-key-single-scope'] },
  {
    code: 'S11',
    concern: 'Which issuers and key sets trust a signing key',
    rules: ['published-key-single-issuer', 'key-published-in-one-scope', 'shared-key-set-issuer-binding'],
  },
  { code: 'D1', concern: 'Azure Key Vault public network / firewall / private endpoint', rules: ['no-public-network-access'] },
  { code: 'D2', concern: 'Debug-mode Nitro Enclave attested against a key', rules: ['enclave-debug-attestation'] },
  { code: 'D3', concern: 'Attestation / PCR binding enforced in the key policy', rules: ['enclave-debug-attestation'] },
  { code: 'D4', concern: 'Imported or external key material flagged', rules: ['hsm-custody'] },
  { code: 'D5', concern: 'Exportable keys / key-release paths', rules: ['hsm-custody', 'release-policy-debug-disabled'] },
  { code: 'D6', concern: 'Key usable by debug, dev or CI principals', rules: ['nonprod-principal-access'] },
  {
    code: 'D7',
    concern: 'Crash-dump / snapshot exposure of hosts holding key material',
    rules: ['memory-artifact-in-untrusted-store', 'key-material-in-artifact'],
    reason: 'Host crash-dump settings (DBG-03) are not in the model; the artefacts themselves are scanned.',
  },
  {
    code: 'D8',
    concern: 'Operator-access justification (GCP Key Access Justifications)',
    rules: [],
    reason: 'GCP-only, needs the key access justification policy of external (EKM) keys, which the gcp provider does not read yet.',
  },
  { code: 'D9', concern: 'HSM-backed protection level', rules: ['hsm-custody'] },
  { code: 'L1', concern: 'CloudTrail multi-region management events on', rules: ['key-use-logged'] },
  { code: 'L2', concern: 'Trail does not exclude KMS events', rules: ['key-use-logged'] },
  { code: 'L3', concern: 'Azure Key Vault diagnostic AuditEvent on', rules: ['key-use-logged'] },
  { code: 'L4', concern: 'Key-log retention ≥ N days', rules: ['key-log-retention'] },
  { code: 'L5', concern: 'GCP Data Access logs for cloudkms.googleapis.com', rules: ['key-use-logged'] },
  { code: 'L6', concern: 'Alarm on CMK disable / scheduled deletion', rules: ['key-deletion-alarm', 'key-pending-deletion'] },
  { code: 'L7', concern: 'Key last-used telemetry', rules: ['unused-key'] },
  { code: 'L8', concern: 'One logging verdict per key', rules: ['key-use-logged'] },
  { code: 'O1', concern: 'Pending deletion / deletion window', rules: ['key-pending-deletion'] },
  { code: 'O2', concern: 'Soft delete + purge protection', rules: ['deletion-protected'] },
  { code: 'O3', concern: 'Key type / size / curve allowlist', rules: ['key-algorithm-allowed', 'published-key-strength'] },
  { code: 'O4', concern: 'Required owner / tags on keys', rules: ['key-classified'] },
  { code: 'O5', concern: 'Unused / disabled keys', rules: ['unused-key'] },
];
