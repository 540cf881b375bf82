// Golden files: each registered reporter renders one small, hand-built result, and the output must
// match test/report/golden/<id>.<ext> byte for byte. The result is built here (not from the example
// estate) so a golden changes only when its reporter does. Review a diff, then regenerate with
// UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditResult } from '../../src/engine/result.ts';
import { REPORTERS } from '../../src/report/index.ts';
import { reportMeta } from '../../src/report/meta.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const counts = (o: Partial<Record<'fail' | 'error' | 'unknown' | 'waived' | 'pass' | 'not-applicable', number>>) => ({
  fail: 0,
  error: 0,
  unknown: 0,
  waived: 0,
  pass: 0,
  'not-applicable': 0,
  ...o,
});
const KEY = 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000001';
const VAULT_KEY = 'https://kv-debug.vault.azure.net/keys/signer';
const KEY2 = 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000002';
const TRAIL = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail';
/** One trail failing two keys: one root cause, two failures. */
const TRAIL_CAUSE = { id: 'c0ffee00c0ffee00c0ffee00c0ffee00', resource: { kind: 'trail', id: TRAIL, name: 'org-trail' } };
const trailFailure = (id: string, name: string, fingerprint: string) => ({
  ruleId: 'key-use-logged',
  category: 'logging',
  severity: 'high',
  outcome: 'fail',
  subject: { kind: 'key', id, provider: 'aws-kms', name },
  message: 'No covering trail records use of this key: org-trail excludes kms.amazonaws.com events.',
  fingerprint,
  rootCause: TRAIL_CAUSE,
});

/** Four keys: a failing key, an unknown (a gap), a waived one, and a trail failing two of them (one root cause); three rules; one unused waiver. */
const GOLDEN_RESULT: AuditResult = AuditResult.parse({
  version: '1.0',
  tool: { name: 'keyhygiene', version: '0.0.0-golden' },
  generatedAt: '2026-11-01T06:00:00.000Z',
  policy: { file: 'keyhygiene.yaml', extends: ['keyhygiene:recommended'], rulesEnabled: 3 },
  inventory: { generatedAt: '2026-11-01T05:00:00.000Z', providers: ['aws-kms', 'azure-keyvault'], keys: 4, trails: 1, publishedKeys: 0, artifacts: 0 },
  summary: {
    outcomes: counts({ fail: 3, unknown: 1, waived: 1, pass: 4 }),
    failuresBySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 },
    rootCauses: { total: 2, bySeverity: { critical: 1, high: 1, medium: 0, low: 0, info: 0 } },
    subjects: { total: 4, byStatus: counts({ fail: 2, unknown: 1, waived: 1 }) },
    gaps: 1,
    incomplete: true,
  },
  rules: [
    { id: 'key-material-max-age', category: 'rotation', severity: 'critical', counts: counts({ fail: 1, waived: 1, pass: 1 }) },
    { id: 'nonprod-principal-access', category: 'exposure', severity: 'high', counts: counts({ unknown: 1, pass: 2 }) },
    { id: 'key-use-logged', category: 'logging', severity: 'high', counts: counts({ fail: 2, pass: 1 }) },
  ],
  subjects: [
    {
      kind: 'key',
      id: KEY,
      provider: 'aws-kms',
      name: 'alias/consumer-signing',
      scope: { environment: 'production', trustDomain: 'consumer', keyClass: 'token-signing-shared' },
      status: 'fail',
      counts: counts({ fail: 1, pass: 1 }),
    },
    {
      kind: 'key',
      id: VAULT_KEY,
      provider: 'azure-keyvault',
      name: 'signer',
      scope: { environment: 'debug' },
      status: 'unknown',
      counts: counts({ unknown: 1, pass: 1 }),
    },
    { kind: 'key', id: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', provider: 'gcp-kms', status: 'waived', counts: counts({ waived: 1, pass: 1 }) },
    {
      kind: 'key',
      id: KEY2,
      provider: 'aws-kms',
      name: 'alias/orders-data',
      scope: { environment: 'production', keyClass: 'data-encryption' },
      status: 'fail',
      counts: counts({ fail: 1, pass: 1 }),
    },
  ],
  rootCauses: [
    {
      id: '0123456789abcdef0123456789abcdef',
      ruleId: 'key-material-max-age',
      severity: 'critical',
      resource: { kind: 'key', id: KEY, name: 'alias/consumer-signing' },
      message:
        'key material is 1,927 days old; the class token-signing-shared allows 365 days (policy keyClasses.token-signing-shared.maxAgeDays). Rotate it: <script>alert(1)</script> & "quotes"',
      subjects: [KEY],
    },
    {
      id: TRAIL_CAUSE.id,
      ruleId: 'key-use-logged',
      severity: 'high',
      resource: TRAIL_CAUSE.resource,
      message: 'No covering trail records use of this key: org-trail excludes kms.amazonaws.com events.',
      subjects: [KEY, KEY2],
    },
  ],
  results: [
    {
      ruleId: 'key-material-max-age',
      category: 'rotation',
      severity: 'critical',
      outcome: 'fail',
      subject: { kind: 'key', id: KEY, provider: 'aws-kms', name: 'alias/consumer-signing' },
      message:
        'key material is 1,927 days old; the class token-signing-shared allows 365 days (policy keyClasses.token-signing-shared.maxAgeDays). Rotate it: <script>alert(1)</script> & "quotes"',
      fingerprint: '0123456789abcdef0123456789abcdef',
      scope: { environment: 'production', trustDomain: 'consumer', keyClass: 'token-signing-shared' },
    },
    {
      ruleId: 'nonprod-principal-access',
      category: 'exposure',
      severity: 'high',
      outcome: 'unknown',
      subject: { kind: 'key', id: VAULT_KEY, provider: 'azure-keyvault', name: 'signer' },
      message: 'who can use the key is not known: the role assignments of vault kv-debug could not be read',
      fingerprint: 'fedcba9876543210fedcba9876543210',
      scope: { environment: 'debug' },
      missing: ['access'],
    },
    {
      ruleId: 'key-material-max-age',
      category: 'rotation',
      severity: 'critical',
      outcome: 'waived',
      subject: { kind: 'key', id: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', provider: 'gcp-kms' },
      message: 'key material is 400 days old; the class allows 365 days',
      fingerprint: '00000000000000000000000000000001',
      waiver: { reason: 'migration in progress', approver: 'sec@example.com', expires: '2027-01-31', ticket: 'SEC-1', status: 'active' },
    },
    trailFailure(KEY, 'alias/consumer-signing', '1111111111111111111111111111111a'),
    trailFailure(KEY2, 'alias/orders-data', '1111111111111111111111111111111b'),
  ],
  waivers: [
    {
      rule: 'key-material-max-age',
      subject: 'projects/p/locations/global/keyRings/r/cryptoKeys/k',
      reason: 'migration in progress',
      approver: 'sec@example.com',
      expires: '2027-01-31',
      ticket: 'SEC-1',
      status: 'active',
      matched: 1,
    },
    {
      rule: 'hsm-custody',
      subject: 'arn:aws:kms:us-west-2:111111111111:key/gone',
      reason: 'deleted since',
      approver: 'sec@example.com',
      expires: '2026-12-31',
      status: 'unused',
      matched: 0,
    },
  ],
  gaps: [
    {
      id: 'azure-keyvault:sub-1:kv-debug:authorization:ListRoleAssignments:access',
      provider: 'azure-keyvault',
      scope: { account: 'sub-1', container: 'kv-debug' },
      operation: 'authorization:ListRoleAssignments',
      reason:
        'the role assignments of vault kv-debug could not be read: access denied (HTTP 403, AuthorizationFailed); grant Microsoft.Authorization/roleAssignments/read',
      affects: ['access'],
      kind: 'denied',
    },
  ],
});

const meta = reportMeta({ color: false, width: 120 });

describe('golden reports', () => {
  for (const reporter of REPORTERS) {
    it(`${reporter.id} renders the golden result exactly as test/report/golden/${reporter.id}.${reporter.extension}`, () => {
      const file = join(GOLDEN, `${reporter.id}.${reporter.extension}`);
      const out = reporter.render(GOLDEN_RESULT, meta);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, out);
      expect(existsSync(file), `${file} is missing: review the output, then UPDATE_GOLDEN=1`).toBe(true);
      expect(out).toBe(readFileSync(file, 'utf8'));
      // Rendering is pure: a second render is identical.
      expect(reporter.render(GOLDEN_RESULT, meta)).toBe(out);
    });
  }
});
