/** The commented starter policy written by `keyhygiene policy init` (a test keeps it valid). */
export const STARTER_POLICY = `# keyhygiene policy — see \`keyhygiene rules list\` and \`keyhygiene policy schema\`.
# yaml-language-server: $schema=https://keyhygiene.dev/schemas/policy.schema.json
version: 1

# Built-in packs to start from (recommended is the default). Later entries and this file override.
extends: [recommended]

# Where keys and principals live. kind: production | staging | development | test | ci | debug | corporate.
# Exposure rules treat debug, development, ci and test principals as untrusted for production keys.
# A matcher's fields are ANDed; a list of matchers is ORed. * and ? are wildcards.
environments:
  production:
    kind: production
    match:
      - tags: { env: prod }
      - accounts: ["111111111111"]          # AWS accounts, Azure subscriptions, GCP projects
  debug:
    kind: debug
    match:
      - tags: { env: debug }
      - principals: ["arn:aws:iam::*:role/debug-*"]

# Who a key may serve. A signing key should belong to exactly one.
trustDomains:
  consumer:
    match:
      - tags: { trust-domain: consumer }
  enterprise:
    match:
      - tags: { trust-domain: enterprise }

# Key classes and their limits. The recommended pack defines token-signing-shared (30 days),
# token-signing-tenant (90), signature-generic (1095) and data-encryption (365), matched by the
# tag key-class=<name>. Override a limit or a matcher here:
keyClasses:
  token-signing-shared:
    maxAgeDays: 30

# Where to read keys from (see \`keyhygiene permissions aws|azure\` for the read-only permissions).
# Until a cloud provider is configured, audit a snapshot written by \`keyhygiene inventory\`.
providers:
  snapshot:
    paths: [inventory.json]
#  aws:
#    regions: [us-east-1, eu-west-1]
#    accounts: organization            # or a list of account ids; default: the caller's account
#    assumeRole: KeyhygieneAudit
#  azure:
#    subscriptions: ["00000000-0000-0000-0000-000000000000"]
#  jwks:
#    issuers:
#      - { issuer: "https://login.example.com", trustDomain: consumer, environment: production }
#  artifacts:
#    paths: ["/mnt/crash-dumps/**"]

# ESLint style: off | critical | high | medium | low | info | [<severity>, {options}]
rules:
  key-log-retention: [medium, { minDays: 365 }]

# Accepted risks: exact subject (or subjectGlob), a reason of 10+ characters, an approver and an expiry.
waivers: []
#  - rule: key-material-max-age
#    subject: arn:aws:kms:us-east-1:111111111111:key/…
#    reason: successor key is being rolled out behind feature flag
#    approver: security@example.com
#    expires: 2026-12-31
#    ticket: SEC-1234
`;
