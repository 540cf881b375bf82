import type { RuleDocs } from '../types.ts';

const waiver = {
  rule: 'key-material-max-age',
  subject: 'arn:aws:kms:us-east-1:111111111111:key/0000-sign',
  reason: 'Successor key is being rolled out to relying parties.',
  approver: 'security-lead@example.com',
  ticket: 'SEC-1',
};

export const COVERAGE_DOCS: Record<string, RuleDocs> = {
  'collection-complete': {
    remediation: {
      cli: '`keyhygiene permissions aws` (or azure, gcp, jwks, …) prints the least-privilege policy; attach it to the audit role',
      terraform:
        '`aws_iam_role_policy` with the document `keyhygiene permissions` prints; for keys whose policy does not delegate to IAM, add the audit role to the key policy',
      console: 'Grant the read permission named in the gap to the audit identity, or narrow the policy scope.',
    },
    // Passing means there is no gap at all: the rule then has nothing to judge (not applicable).
    examples: [{ title: 'ListGrants denied on one region', outcome: 'fail' }],
  },
  'key-classified': {
    remediation: {
      cli: '`aws kms tag-resource --key-id KEY --tags TagKey=env,TagValue=prod TagKey=key-class,TagValue=data-encryption`',
      terraform: '`tags = { env = "prod", "key-class" = "data-encryption" }`',
      console: 'Tag the key, or add matchers for it under environments and keyClasses in keyhygiene.yaml.',
    },
    examples: [
      { title: 'environment and class resolved', outcome: 'pass' },
      { title: 'no key class', outcome: 'fail', key: { tags: { env: 'prod', 'trust-domain': 'consumer' } } },
    ],
  },
  'waiver-hygiene': {
    remediation: {
      cli: 'Edit `waivers:` in keyhygiene.yaml: a new `expires` within the horizon, an approver, a ticket; delete waivers that no longer apply',
      terraform: 'Not applicable: waivers live in the policy file, reviewed like code.',
      console: 'Not applicable.',
    },
    examples: [
      { title: 'a waiver expiring in two months', outcome: 'pass', waivers: [{ ...waiver, expires: '2026-07-31' }] },
      { title: 'rotation paused in 2021 and never resumed (CSRB F2)', outcome: 'fail', waivers: [{ ...waiver, expires: '2021-12-31' }] },
      { title: 'a waiver ten years ahead is open-ended', outcome: 'fail', waivers: [{ ...waiver, expires: '2036-01-01' }] },
    ],
  },
};
