// The zod schemas of snapshot records and how they become the compiled validators of the streamed
// reader: scripts/write-validators.ts turns each into a JSON Schema and ajv standalone code
// (record-validators.generated.ts), so nothing is compiled when a snapshot is read.
import { z } from 'zod';
import { ArtifactFinding } from '../model/artifact-finding.ts';
import { AuditTrail } from '../model/audit-trail.ts';
import { CollectionGap } from '../model/collection-gap.ts';
import { KeyRecord } from '../model/key-record.ts';
import { PublishedKey } from '../model/published-key.ts';

/** The members of a snapshot that hold records, streamed element by element. */
export const RECORD_ARRAYS = ['keys', 'trails', 'publishedKeys', 'artifacts', 'gaps'] as const;
export type RecordArray = (typeof RECORD_ARRAYS)[number];

export const RECORD_SCHEMAS: Record<RecordArray, z.ZodType> = {
  keys: KeyRecord,
  trails: AuditTrail,
  publishedKeys: PublishedKey,
  artifacts: ArtifactFinding,
  gaps: CollectionGap,
};

/** ajv's options for the record validators: defaults applied in place, as zod's parse would add them. */
export const AJV_OPTIONS = { strict: false, useDefaults: true, validateFormats: false, allErrors: false } as const;

/** The JSON Schema a validator is compiled from (the input side of the zod schema). */
export const toValidatorSchema = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
