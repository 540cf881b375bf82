// Validation of one part of a snapshot at a time (a record, or the members around the records), for
// the streamed reader: a compiled JSON Schema (generated from the same zod schema) checks each record
// fast; a record it refuses is checked again by zod for diagnostics that name the path and expectation.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import type { Diagnostic } from '../errors.ts';
import { ArtifactFinding } from '../model/artifact-finding.ts';
import { AuditTrail } from '../model/audit-trail.ts';
import { CollectionGap } from '../model/collection-gap.ts';
import { Inventory } from '../model/inventory.ts';
import { KeyRecord } from '../model/key-record.ts';
import { PublishedKey } from '../model/published-key.ts';
import { zodDiagnostics } from '../util/diagnose.ts';

/** The members of a snapshot that hold records, streamed element by element. */
export const RECORD_ARRAYS = ['keys', 'trails', 'publishedKeys', 'artifacts', 'gaps'] as const;
export type RecordArray = (typeof RECORD_ARRAYS)[number];

const SCHEMAS: Record<RecordArray, z.ZodType> = {
  keys: KeyRecord,
  trails: AuditTrail,
  publishedKeys: PublishedKey,
  artifacts: ArtifactFinding,
  gaps: CollectionGap,
};

/** A compiled validator for a zod schema (input side, defaults applied in place). */
export function compileSchema(schema: z.ZodType): (data: unknown) => boolean {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  const ajv = new Ajv2020({ strict: false, useDefaults: true, validateFormats: false, allErrors: false });
  return ajv.compile(json) as (data: unknown) => boolean;
}

const compiled = new Map<RecordArray, (data: unknown) => boolean>();

/** The compiled validator for one kind of record. */
export function recordValidator(kind: RecordArray): (data: unknown) => boolean {
  let v = compiled.get(kind);
  if (!v) {
    v = compileSchema(SCHEMAS[kind]);
    compiled.set(kind, v);
  }
  return v;
}

/** Why a record is invalid, as located diagnostics (the record's line and column, the path inside it). */
export function recordDiagnostics(kind: RecordArray, index: number, value: unknown, file: string, where: Omit<Diagnostic, 'message'>): Diagnostic[] {
  const parsed = SCHEMAS[kind].safeParse(value);
  if (parsed.success) return [{ ...where, message: `${kind}[${index}] does not match the snapshot schema.` }];
  const diags = zodDiagnostics(parsed.error.issues, SCHEMAS[kind], undefined, file, value, [kind, index]).map((d) => ({ ...d, ...where }));
  return diags.slice(0, 20).concat(diags.length > 20 ? [{ message: `…and ${diags.length - 20} more problems.` }] : []);
}

/** Problems with the members around the records (kind, version, generatedAt, providers, unknown members). */
export function headDiagnostics(head: Record<string, unknown>, file: string): Diagnostic[] {
  const parsed = Inventory.safeParse(head);
  return parsed.success ? [] : zodDiagnostics(parsed.error.issues, Inventory, undefined, file, head);
}
