// KMS (awsJson1_1, X-Amz-Target TrentService.*): the read operations the provider calls, answering as
// the KMS API Reference documents them (epoch-second dates, Truncated/NextMarker pages).
import { createHash } from 'node:crypto';
import type { FakeKey } from '../types.ts';
import { AwsError, epoch, kmsPage, type Routes } from '../wire.ts';
import { keyArn, type WorldView } from '../world.ts';

const rotatable = (k: FakeKey) => (k.spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' && (k.origin ?? 'AWS_KMS') === 'AWS_KMS' && !k.customKeyStoreId;
/** Symmetric keys with imported material: rotated on demand (RotateKeyOnDemand after importing new material). */
const importedSymmetric = (k: FakeKey) => (k.spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' && k.origin === 'EXTERNAL' && !k.customKeyStoreId;

const defaultUsage = (spec: string): string =>
  spec.startsWith('HMAC') ? 'GENERATE_VERIFY_MAC' : spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY';

function keyMetadata(account: string, region: string, k: FakeKey): Record<string, unknown> {
  const spec = k.spec ?? 'SYMMETRIC_DEFAULT';
  const state = k.state ?? 'Enabled';
  return {
    AWSAccountId: account,
    KeyId: k.id,
    Arn: keyArn(account, region, k),
    CreationDate: epoch(k.createdAt),
    Enabled: state === 'Enabled',
    Description: k.description ?? '',
    KeyUsage: k.usage ?? defaultUsage(spec),
    KeyState: state,
    ...(k.deletionDate ? { DeletionDate: epoch(k.deletionDate) } : {}),
    ...(k.validTo ? { ValidTo: epoch(k.validTo), ExpirationModel: 'KEY_MATERIAL_EXPIRES' } : {}),
    Origin: k.origin ?? 'AWS_KMS',
    ...(k.customKeyStoreId ? { CustomKeyStoreId: k.customKeyStoreId } : {}),
    KeyManager: k.manager ?? 'CUSTOMER',
    KeySpec: spec,
    CustomerMasterKeySpec: spec,
    MultiRegion: k.multiRegion ?? false,
    ...(k.multiRegion ? { MultiRegionConfiguration: multiRegionConfiguration(account, region, k) } : {}),
  };
}

/** DescribeKey's MultiRegionConfiguration: the key's type and its primary (a replica's lives in primaryRegion). */
function multiRegionConfiguration(account: string, region: string, k: FakeKey) {
  const type = k.multiRegionType ?? 'PRIMARY';
  const primaryRegion = type === 'REPLICA' ? (k.primaryRegion ?? region) : region;
  const arn = (r: string) => keyArn(account, r, k);
  return {
    MultiRegionKeyType: type,
    PrimaryKey: { Arn: arn(primaryRegion), Region: primaryRegion },
    ReplicaKeys: type === 'PRIMARY' ? [] : [{ Arn: arn(region), Region: region }],
  };
}

/** The default key policy KMS attaches when none is given: the account root may use IAM. */
const defaultPolicy = (account: string) => ({
  Version: '2012-10-17',
  Id: 'key-default-1',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
});

function grantsOf(account: string, region: string, k: FakeKey) {
  return (k.grants ?? []).map((g, i) => ({
    KeyId: keyArn(account, region, k),
    GrantId: g.id ?? `grant-${i}`,
    ...(g.name ? { Name: g.name } : {}),
    GranteePrincipal: g.grantee,
    Operations: g.operations,
    IssuingAccount: `arn:aws:iam::${account}:root`,
    CreationDate: epoch(k.createdAt),
    ...(g.constraints ? { Constraints: g.constraints } : {}),
  }));
}

export function kmsRoutes(w: WorldView): Routes {
  const keyRoutes: Routes = {
    'kms:ListKeys': (input, account, region) =>
      kmsPage(
        'Keys',
        w.keysOf(account, region).map((k) => ({ KeyId: k.id, KeyArn: keyArn(account, region, k) })),
        input,
        1000,
      ),
    'kms:DescribeKey': (input, account, region) => ({ KeyMetadata: keyMetadata(account, region, w.findKey(account, region, input.KeyId)) }),
    'kms:ListAliases': (input, account, region) => {
      const all = w
        .keysOf(account, region)
        .flatMap((k) => (k.aliases ?? []).map((a) => ({ AliasName: a, AliasArn: `arn:aws:kms:${region}:${account}:${a}`, TargetKeyId: k.id })));
      return kmsPage('Aliases', all, input, 50);
    },
    'kms:ListResourceTags': (input, account, region) => {
      const k = w.findKey(account, region, input.KeyId);
      return kmsPage(
        'Tags',
        Object.entries(k.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
        input,
        50,
      );
    },
    'kms:GetKeyPolicy': (input, account, region) => {
      const given = w.findKey(account, region, input.KeyId).policy;
      const policy = given === undefined ? defaultPolicy(account) : given;
      return { Policy: typeof policy === 'string' ? policy : JSON.stringify(policy), PolicyName: 'default' };
    },
    'kms:ListGrants': (input, account, region) => kmsPage('Grants', grantsOf(account, region, w.findKey(account, region, input.KeyId)), input, 50),
  };
  return { ...keyRoutes, ...rotationRoutes(w) };
}

/**
 * ListKeyRotations of a key with imported material (its default IncludeKeyMaterial, ROTATIONS_ONLY):
 * one ON_DEMAND entry per completed rotation, the last one CURRENT, with the import fields.
 */
function importedRotations(k: FakeKey): Record<string, unknown>[] {
  const dates = [...(k.rotation?.rotations ?? [])].sort();
  return dates.map((d, i) => ({
    KeyId: k.id,
    KeyMaterialId: createHash('sha256').update(`${k.id}/${d}`).digest('hex'),
    ImportState: 'IMPORTED',
    KeyMaterialState: i === dates.length - 1 ? 'CURRENT' : 'NON_CURRENT',
    ExpirationModel: k.validTo ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    RotationDate: epoch(d),
    RotationType: 'ON_DEMAND',
  }));
}

function rotationRoutes(w: WorldView): Routes {
  return {
    'kms:GetKeyRotationStatus': (input, account, region) => {
      const k = w.findKey(account, region, input.KeyId);
      const arn = keyArn(account, region, k);
      if (!rotatable(k)) throw new AwsError('UnsupportedOperationException', `${arn} origin or key spec does not support rotation`);
      const enabled = k.rotation?.enabled ?? false;
      return { KeyId: arn, KeyRotationEnabled: enabled, ...(enabled ? { RotationPeriodInDays: k.rotation?.periodDays ?? 365 } : {}) };
    },
    'kms:ListKeyRotations': (input, account, region) => {
      const k = w.findKey(account, region, input.KeyId);
      if (importedSymmetric(k)) return kmsPage('Rotations', importedRotations(k), input, 100);
      if (!rotatable(k)) throw new AwsError('UnsupportedOperationException', 'key does not support rotation');
      const rotations = (k.rotation?.rotations ?? []).map((d) => ({ KeyId: k.id, RotationDate: epoch(d), RotationType: 'AUTOMATIC' }));
      return kmsPage('Rotations', rotations, input, 100);
    },
    'kms:GetPublicKey': (input, account, region) => {
      const k = w.findKey(account, region, input.KeyId);
      if (!k.publicKey) throw new AwsError('UnsupportedOperationException', `${keyArn(account, region, k)} key usage is not supported for this operation`);
      // KMS Developer Guide, key state table: GetPublicKey fails on a disabled key (DisabledException)
      // and on one pending deletion, pending import or unavailable (KMSInvalidStateException).
      const state = k.state ?? 'Enabled';
      if (state === 'Disabled') throw new AwsError('DisabledException', `${keyArn(account, region, k)} is disabled.`);
      if (state !== 'Enabled' && state !== 'Updating') throw new AwsError('KMSInvalidStateException', `${keyArn(account, region, k)} is ${state}.`);
      return { KeyId: keyArn(account, region, k), PublicKey: k.publicKey, KeySpec: k.spec, KeyUsage: k.usage ?? 'SIGN_VERIFY' };
    },
  };
}
