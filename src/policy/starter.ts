/** What `policy init` found or was told to audit; each present entry becomes a `providers:` block. */
export interface StarterProviders {
  aws?: { regions?: string[] };
  azure?: { subscriptions?: string[] };
  gcp?: { projects?: string[] };
  /** JWKS URLs read directly. */
  jwks?: string[];
  /** Snapshot files written by `keyhygiene inventory`. */
  snapshot?: string[];
}

const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

/** The `providers:` block: what was chosen, then the others as commented examples. */
function providersBlock(p: StarterProviders): string {
  const on: string[] = [];
  const off: string[] = [];
  const add = (used: boolean, lines: string[], example: string[]) => (used ? on.push(...lines) : off.push(...example.map((l) => `#${l}`)));
  add(
    p.aws !== undefined,
    p.aws?.regions?.length ? ['  aws:', `    regions: ${list(p.aws.regions)}`] : ["  aws: {}  # every enabled region of the caller's account"],
    [
      '  aws:',
      '    regions: [us-east-1, eu-west-1]',
      "    accounts: organization            # or a list of account ids; default: the caller's account",
      '    assumeRole: KeyhygieneAudit',
    ],
  );
  add(
    p.azure !== undefined,
    p.azure?.subscriptions?.length
      ? ['  azure:', `    subscriptions: ${list(p.azure.subscriptions)}`]
      : ['  azure: {}  # every subscription the credential can read'],
    ['  azure:', '    subscriptions: ["00000000-0000-0000-0000-000000000000"]'],
  );
  add(
    p.gcp !== undefined,
    p.gcp?.projects?.length ? ['  gcp:', `    projects: ${list(p.gcp.projects)}`] : ['  gcp: {}  # every project the credentials can find'],
    ['  gcp:', '    projects: [my-project]'],
  );
  add(
    p.jwks !== undefined && p.jwks.length > 0,
    ['  jwks:', '    keySets:', ...(p.jwks ?? []).map((u) => `      - { url: ${JSON.stringify(u)}, environment: production }`)],
    ['  jwks:', '    issuers:', '      - { issuer: "https://login.example.com", trustDomain: consumer, environment: production }'],
  );
  add(
    p.snapshot !== undefined && p.snapshot.length > 0,
    ['  snapshot:', `    paths: ${list(p.snapshot ?? [])}`],
    ['  snapshot:', '    paths: [inventory.json]            # written by `keyhygiene inventory --output inventory.json`'],
  );
  off.push('#  artifacts:', '#    paths: ["/mnt/crash-dumps/**"]');
  const intro = on.length
    ? '# Where to read keys from (`keyhygiene permissions aws|azure|gcp` prints the read-only permissions).'
    : "# Where to read keys from: nothing was found or chosen yet. Uncomment one block (credentials come from\n# each SDK's standard chain: AWS_PROFILE, az login, gcloud auth application-default login…), or run\n# `keyhygiene policy init --force` with --aws, --azure, --gcp, --jwks URL or --snapshot FILE.";
  return `${intro}\n${on.length ? 'providers:' : 'providers: {}'}\n${[...on, ...off].join('\n')}\n\n`;
}

/** A commented starter policy auditing the given providers (a test keeps every variant valid). */
export function starterPolicy(providers: StarterProviders): string {
  return `${STARTER_HEAD}${providersBlock(providers)}${STARTER_TAIL}`;
}

const STARTER_HEAD = `# keyhygiene policy — see \`keyhygiene rules list\` and \`keyhygiene policy schema\`.
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
`;

const STARTER_TAIL = `# ESLint style: off | critical | high | medium | low | info | [<severity>, {options}]
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

/** The starter policy with no provider chosen (what `policy init` writes when it finds nothing). */
export const STARTER_POLICY = starterPolicy({});
