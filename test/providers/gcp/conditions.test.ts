// IAM Conditions decided for one Cloud KMS key, with the CEL examples of Google's IAM Conditions
// documentation (temporary access, date/time windows, resource name/type/service, tags, API
// attributes) and custom role definitions as IAM roles.get returns them.
import { describe, expect, it } from 'vitest';
import { conditionCanHold, decideCapabilities, parseCondition } from '../../../src/providers/gcp/conditions.ts';
import { capabilitiesOfRole, rolesToRead } from '../../../src/providers/gcp/roles.ts';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const KEY = 'projects/payments-prod/locations/global/keyRings/ring/cryptoKeys/k';
const keyRes = { name: KEY, type: 'cloudkms.googleapis.com/CryptoKey', service: 'cloudkms.googleapis.com' };

describe('conditionCanHold', () => {
  it.each([
    // Temporary access (expirable access), already expired / still open.
    ['request.time < timestamp("2020-07-01T00:00:00.000Z")', false],
    ['request.time < timestamp("2030-07-01T00:00:00Z")', true],
    ['request.time <= timestamp("2026-10-31T23:59:59Z")', false],
    // A window in the future still grants (from its start on); a window entirely past never again.
    ['request.time > timestamp("2027-01-01T00:00:00Z") && request.time < timestamp("2027-02-01T00:00:00Z")', true],
    ['request.time > timestamp("2025-01-01T00:00:00Z") && request.time < timestamp("2025-02-01T00:00:00Z")', false],
    ['request.time > timestamp("2027-02-01T00:00:00Z") && request.time < timestamp("2027-01-01T00:00:00Z")', false],
    // Resource attributes of the key.
    [`resource.name.startsWith("${KEY}")`, true],
    [`resource.name == "${KEY}"`, true],
    ['resource.name.startsWith("projects/_/buckets/exampleco-site-assets/")', false],
    ['resource.type == "storage.googleapis.com/Bucket"', false],
    ['resource.type != "storage.googleapis.com/Bucket"', true],
    ['resource.service == "cloudkms.googleapis.com"', true],
    ['resource.name.endsWith("/cryptoKeys/k")', true],
    ['!resource.name.startsWith("projects/payments-prod/")', false],
    [
      '(resource.type == "cloudkms.googleapis.com/CryptoKey" || resource.type == "cloudkms.googleapis.com/CryptoKeyVersion") && resource.name.startsWith("projects/payments-prod/locations/global/keyRings/ring/")',
      true,
    ],
    // Kleene logic: a decided side settles && and ||.
    ['resource.type == "storage.googleapis.com/Bucket" && request.time.getHours("UTC") > 5', false],
    ['resource.service == "cloudkms.googleapis.com" || request.time.getHours("UTC") > 5', true],
    // Undecidable from configuration: time of day, day of week, tags, API attributes, network, extract.
    ['request.time.getHours("America/Los_Angeles") >= 9 && request.time.getHours("America/Los_Angeles") <= 17', undefined],
    ['request.time.getDayOfWeek("America/Los_Angeles") >= 1 && request.time.getDayOfWeek("America/Los_Angeles") <= 5', undefined],
    ['resource.matchTag("123456789012/env", "prod")', undefined],
    ['resource.matchTagId("tagKeys/123456789012", "tagValues/567890123456")', undefined],
    ["api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/cloudkms.signer'])", undefined],
    ['destination.ip == "14.0.0.1"', undefined],
    ['resource.name.extract("projects/{project}/") == "payments-prod"', undefined],
    ['resource.name.matches("^projects/.*")', undefined],
    // Outside the subset: never guessed.
    ['request.time < ', undefined],
    ['resource.name.startsWith("a") resource', undefined],
    ['', undefined],
  ])('%s → %s', (expr, want) => expect(conditionCanHold(expr, keyRes, NOW)).toBe(want));

  it('parses string escapes and both quote styles (the maintained CEL parser)', () => {
    const res = { ...keyRes, name: 'a\'b"c' };
    expect(conditionCanHold("resource.name == 'a\\'b\"c'", res, NOW)).toBe(true);
    expect(conditionCanHold('resource.name == "a\'b\\"c"', res, NOW)).toBe(true);
    expect(conditionCanHold('resource.name == "a\'b"', res, NOW)).toBe(false);
    expect(parseCondition('resource.name == "x"')?.op).toBe('==');
    expect(parseCondition('resource.name ==')).toBeUndefined();
  });
});

describe('decideCapabilities', () => {
  const versions = [`${KEY}/cryptoKeyVersions/1`, `${KEY}/cryptoKeyVersions/2`];
  it('judges signing on the key versions and symmetric encryption on the key, as Cloud KMS names them in requests', () => {
    const onlyKey = `resource.type == "cloudkms.googleapis.com/CryptoKey" && resource.name == "${KEY}"`;
    const sign = decideCapabilities(['use-sign', 'use-verify', 'read'], onlyKey, { name: KEY, purpose: 'ASYMMETRIC_SIGN', versionNames: versions }, NOW);
    expect(Object.fromEntries(sign)).toEqual({ 'use-sign': false, 'use-verify': false, read: true });
    const enc = decideCapabilities(['use-encrypt', 'use-decrypt'], onlyKey, { name: KEY, purpose: 'ENCRYPT_DECRYPT', versionNames: versions }, NOW);
    expect(Object.fromEntries(enc)).toEqual({ 'use-encrypt': true, 'use-decrypt': true });
  });

  it('a condition on one version grants signing; a version-name test with the versions unknown stays undecided', () => {
    const v2 = `resource.name == "${KEY}/cryptoKeyVersions/2"`;
    expect(decideCapabilities(['use-sign'], v2, { name: KEY, purpose: 'ASYMMETRIC_SIGN', versionNames: versions }, NOW).get('use-sign')).toBe(true);
    expect(decideCapabilities(['use-sign'], v2, { name: KEY, purpose: 'ASYMMETRIC_SIGN' }, NOW).get('use-sign')).toBeUndefined();
  });
});

describe('custom roles', () => {
  it.each([
    [
      ['cloudkms.cryptoKeyVersions.useToSign', 'cloudkms.cryptoKeyVersions.viewPublicKey'],
      ['read', 'use-mac', 'use-sign'],
    ],
    [['cloudkms.cryptoKeyVersions.useToDecryptViaDelegation'], ['use-decrypt']],
    [['cloudkms.cryptoKeys.setIamPolicy'], ['administer']],
    [
      ['cloudkms.cryptoKeyVersions.destroy', 'cloudkms.cryptoKeys.get'],
      ['administer', 'read'],
    ],
    [['resourcemanager.projects.setIamPolicy'], ['administer']],
    [['cloudkms.importJobs.useToImport'], ['administer']],
    [['storage.objects.get', 'resourcemanager.projects.get'], []],
  ])('%j → %j', (perms, caps) => expect(capabilitiesOfRole({ name: 'projects/p/roles/r', includedPermissions: perms })).toEqual(caps));

  it('a disabled or deleted custom role grants nothing', () => {
    const perms = ['cloudkms.cryptoKeyVersions.useToSign'];
    expect(capabilitiesOfRole({ name: 'projects/p/roles/r', includedPermissions: perms, stage: 'DISABLED' })).toEqual([]);
    expect(capabilitiesOfRole({ name: 'projects/p/roles/r', includedPermissions: perms, deleted: true })).toEqual([]);
  });

  it('reads custom roles and every predefined role outside the table (another service\u2019s role may carry Cloud KMS or setIamPolicy permissions)', () => {
    const policy = {
      bindings: [
        { role: 'projects/p/roles/kmsUser', members: ['user:a@x.com'] },
        { role: 'roles/cloudkms.someFutureRole', members: ['user:a@x.com'] },
        { role: 'roles/cloudkms.signer', members: ['user:a@x.com'] },
        { role: 'roles/storage.admin', members: ['user:a@x.com'] },
        { role: 'organizations/1/roles/empty', members: [] },
      ],
      auditConfigs: [],
    };
    expect(rolesToRead([policy, undefined])).toEqual(['projects/p/roles/kmsUser', 'roles/cloudkms.someFutureRole', 'roles/storage.admin']);
  });
});
