import { z } from 'zod';
import { ArtifactFinding } from './artifact-finding.ts';
import { AuditTrail } from './audit-trail.ts';
import { CollectionGap } from './collection-gap.ts';
import { Timestamp } from './common.ts';
import { KeyRecord } from './key-record.ts';
import { PublishedKey } from './published-key.ts';

/** The snapshot format version this build writes and the newest it reads. */
export const INVENTORY_VERSION = 1;

export const ProviderRun = z.strictObject({
  id: z.string().min(1),
  identity: z.string().optional().describe('caller identity the provider used (ARN, object id)'),
  fills: z.array(z.string()).optional().describe('fields this provider fills'),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  evidence: z
    .array(
      z.strictObject({
        file: z.string().min(1),
        account: z.string().optional().describe('tenant or account the evidence describes'),
        capturedAt: Timestamp,
        stale: z.boolean().describe('older than the policy allows: its facts became a collection gap'),
      }),
    )
    .optional()
    .describe('evidence files the provider read, with their capture times'),
});
export type ProviderRun = z.infer<typeof ProviderRun>;

/** A normalized, serialisable snapshot of everything collected: the input of every audit. */
export const Inventory = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal('keyhygiene-inventory'),
  version: z.literal(INVENTORY_VERSION),
  generatedAt: Timestamp,
  providers: z.array(ProviderRun).default([]),
  keys: z.array(KeyRecord).default([]),
  trails: z.array(AuditTrail).default([]),
  publishedKeys: z.array(PublishedKey).default([]),
  artifacts: z.array(ArtifactFinding).default([]),
  gaps: z.array(CollectionGap).default([]),
  shard: z
    .strictObject({
      index: z.number().int().positive().describe('this part, 1-based'),
      count: z.number().int().positive().describe('how many parts the collection was split into'),
      units: z
        .record(z.string(), z.number().int().positive())
        .describe(
          'every collection unit the run enumerated (aws:ACCOUNT:REGION, azure:SUBSCRIPTION:vault/NAME, jwks:issuer:URL, or a provider id), with the shard that owns it',
        ),
    })
    .optional()
    .describe('present on a part written by `inventory --shard K/N`; merging the parts removes it'),
});
export type Inventory = z.infer<typeof Inventory>;
export type InventoryInput = z.input<typeof Inventory>;

/** Every kind of subject a rule can be evaluated against. */
export type Subject =
  | { kind: 'key'; id: string; value: KeyRecord }
  | { kind: 'trail'; id: string; value: AuditTrail }
  | { kind: 'published-key'; id: string; value: PublishedKey }
  | { kind: 'artifact'; id: string; value: ArtifactFinding }
  | { kind: 'gap'; id: string; value: CollectionGap };
export type SubjectKind = Subject['kind'];
export const SUBJECT_KINDS: readonly SubjectKind[] = ['key', 'trail', 'published-key', 'artifact', 'gap'];
