import { z } from 'zod';
import { AccessEntry } from './access-entry.ts';
import { Fingerprints, Provenance, SourceLocation, Tags, Timestamp } from './common.ts';

export const KEY_USAGES = ['sign', 'verify', 'encrypt', 'decrypt', 'mac', 'wrap', 'unwrap', 'agree'] as const;
export const KeyUsage = z.enum(KEY_USAGES);
export type KeyUsage = z.infer<typeof KeyUsage>;

export const KEY_STATES = ['enabled', 'disabled', 'pending-deletion', 'pending-import', 'destroyed', 'unavailable'] as const;

/**
 * One key, normalized across clouds. Every field a provider could not read is absent: rules that
 * need it report `unknown`, never `pass`.
 */
export const KeyRecord = z.strictObject({
  id: z.string().min(1).describe('stable subject id: ARN, key URI or resource name'),
  provider: z.string().min(1).describe('provider id that collected the key, e.g. aws-kms'),
  account: z.string().optional().describe('AWS account, Azure subscription or GCP project'),
  region: z.string().optional(),
  container: z.string().optional().describe('vault, managed HSM or key ring'),
  name: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  managedBy: z.enum(['customer', 'provider']).optional().describe('provider = a key the cloud manages for a service'),
  usage: z.array(KeyUsage).optional().describe('operations the key permits'),
  keyType: z.enum(['RSA', 'EC', 'OKP', 'AES', 'HMAC', 'OTHER']).optional(),
  keySize: z.number().int().positive().optional(),
  curve: z.string().optional(),
  origin: z.enum(['generated', 'imported', 'external-store']).optional(),
  protection: z.enum(['software', 'hsm', 'external']).optional(),
  exportable: z.boolean().optional().describe('private material can be released or exported'),
  state: z.enum(KEY_STATES).optional(),
  createdAt: Timestamp.optional(),
  currentVersionCreatedAt: Timestamp.optional().describe('when the key material now in use was created'),
  versionCount: z.number().int().nonnegative().optional(),
  rotation: z
    .strictObject({
      supported: z.boolean().optional().describe('the platform can rotate this key automatically'),
      automatic: z.boolean().optional(),
      periodDays: z.number().positive().optional(),
      lastRotatedAt: Timestamp.optional(),
      nextRotationAt: Timestamp.optional(),
    })
    .optional(),
  expiresAt: Timestamp.nullable().optional().describe('null = no expiry set; absent = not collected'),
  notBefore: Timestamp.optional(),
  deletion: z
    .strictObject({
      protected: z.boolean().optional().describe('soft delete and purge protection, or equivalent'),
      scheduledAt: Timestamp.optional(),
    })
    .optional(),
  multiRegion: z.boolean().optional(),
  importSource: z
    .strictObject({
      id: z.string().min(1).describe('the import job (GCP) or import source the current material came through'),
      kind: z.string().min(1).describe('e.g. gcp-import-job'),
      method: z.string().optional().describe('wrapping method, e.g. RSA_OAEP_3072_SHA256_AES_256'),
      protection: z.enum(['software', 'hsm']).optional().describe('where the wrapping key lives'),
      state: z.enum(['pending', 'active', 'expired']).optional(),
      createdAt: Timestamp.optional(),
      expiresAt: Timestamp.optional(),
      attested: z.boolean().optional().describe('the wrapping key carries an HSM attestation'),
    })
    .optional()
    .describe('where imported key material came from; absent = not imported or not collected'),
  externalStore: z
    .strictObject({
      kind: z.string().min(1).describe('e.g. gcp-ekm-vpc (EKM connection) or gcp-ekm-internet'),
      id: z.string().optional().describe('the connection the service reaches the external key manager by'),
      keyManagement: z.enum(['manual', 'coordinated']).optional().describe('coordinated: the cloud service manages the external key (GCP CLOUD_KMS mode)'),
      hosts: z.array(z.string()).optional().describe('hostnames of the external key manager'),
      keyUri: z.string().optional(),
      keyPath: z.string().optional(),
      createdAt: Timestamp.optional(),
    })
    .optional()
    .describe('the external key manager holding the material of an external key; absent = not external or not collected'),
  releasePolicy: z
    .strictObject({
      immutable: z.boolean().optional().describe('the policy can no longer be changed'),
      contentType: z.string().optional(),
      document: z.unknown().optional().describe('the decoded policy (JSON); absent when it could not be decoded'),
      undecodable: z.string().optional().describe('why the encoded policy could not be decoded'),
    })
    .nullable()
    .optional()
    .describe('Azure Secure Key Release policy of an exportable key; null = none; absent = not collected'),
  attestation: z
    .strictObject({
      available: z.boolean().describe('the service returned a key attestation'),
      generatedInHsm: z.boolean().optional().describe('the attestation says the key was generated in the HSM and never extractable; absent = undecided'),
      format: z.string().optional().describe('e.g. marvell (Managed HSM)'),
    })
    .optional()
    .describe('HSM key attestation where the service provides one (Azure Managed HSM); absent = not collected or not offered'),
  accessModel: z
    .enum(['rbac', 'access-policy', 'key-policy', 'iam'])
    .optional()
    .describe("how the key's container authorizes access: Azure vault RBAC (enableRbacAuthorization) or vault access policies, AWS key policy, GCP IAM"),
  lastUsedAt: Timestamp.nullable().optional().describe('last data-plane use the provider can see; null = never used; absent = not collected'),
  alerts: z
    .strictObject({
      nearExpiry: z
        .boolean()
        .optional()
        .describe('an alert fires before the key reaches its age or expiry limit (Azure rotation policy Notify action, Event Grid KeyNearExpiry, declared)'),
      notifyBeforeDays: z.number().int().nonnegative().optional().describe('how many days before expiry the alert fires'),
      rotationFailure: z.boolean().optional().describe('an alert fires when a rotation fails or is missed'),
      source: z.string().optional().describe('where the alert is configured, e.g. azure-rotation-policy or declared'),
    })
    .optional()
    .describe('age and rotation alerting for this key; absent = not collected'),
  tags: Tags.optional(),
  access: z.array(AccessEntry).optional().describe('absent = not collected; [] = nobody'),
  network: z
    .strictObject({
      publicAccess: z.boolean().optional(),
      privateEndpoint: z.boolean().optional(),
    })
    .optional(),
  fingerprints: Fingerprints.optional(),
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]+=*$/)
    .optional()
    .describe('base64 DER SubjectPublicKeyInfo of an asymmetric key: the public half only, to recognise the key in dumps and key sets'),
  provenance: Provenance.optional(),
  source: SourceLocation.optional(),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

/** Usages that make a key a signing key (it can produce signatures or MACs for tokens). */
export const isSigningKey = (k: Pick<KeyRecord, 'usage'>): boolean => k.usage?.some((u) => u === 'sign' || u === 'mac') ?? false;
