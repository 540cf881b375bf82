// Validation of one part of a snapshot at a time (a record, or the members around the records), for
// the streamed reader: a compiled JSON Schema (generated from the same zod schema) checks each record
// fast; a record it refuses is checked again by zod for diagnostics that name the path and expectation.
import type { Diagnostic } from '../errors.ts';
import { Inventory } from '../model/inventory.ts';
import { pathName, zodDiagnostics } from '../util/diagnose.ts';
import { MAX_RECORD_DEPTH } from './intern.ts';
import { RECORD_SCHEMAS, type RecordArray } from './record-schemas.ts';
import { artifacts, gaps, inventory, keys, publishedKeys, trails } from './record-validators.generated.js';

export { RECORD_ARRAYS, type RecordArray } from './record-schemas.ts';

type Validator = (data: unknown) => boolean;

/** The compiled validator for one kind of record (generated at build time: scripts/write-validators.ts). */
export const recordValidator = (kind: RecordArray): Validator => VALIDATORS[kind];
const VALIDATORS: Record<RecordArray, Validator> = { keys, trails, publishedKeys, artifacts, gaps };

/** The compiled validator of a whole snapshot (the whole-text reader's fast path). */
export const inventoryValidator = (): Validator => inventory;

/**
 * The record as zod reads it (defaults added) when the compiled validator refused it but the schema
 * accepts it (a validator older than the model: `npm run schemas` regenerates it), else undefined.
 */
export function zodRecord(kind: RecordArray, value: unknown): unknown {
  const parsed = RECORD_SCHEMAS[kind].safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Why a record is invalid, as located diagnostics (the record's line and column, the path inside it). */
export function recordDiagnostics(kind: RecordArray, index: number, value: unknown, file: string, where: Omit<Diagnostic, 'message'>): Diagnostic[] {
  const parsed = RECORD_SCHEMAS[kind].safeParse(value);
  if (parsed.success) return [{ ...where, message: `${kind}[${index}] does not match the snapshot schema.` }];
  const diags = zodDiagnostics(parsed.error.issues, RECORD_SCHEMAS[kind], undefined, file, value, [kind, index]).map((d) => ({ ...d, ...where }));
  return diags.slice(0, 20).concat(diags.length > 20 ? [{ message: `…and ${diags.length - 20} more problems.` }] : []);
}

/** Problems with the members around the records (kind, version, generatedAt, providers, unknown members). */
export function headDiagnostics(head: Record<string, unknown>, file: string): Diagnostic[] {
  const parsed = Inventory.safeParse(head);
  return parsed.success ? [] : zodDiagnostics(parsed.error.issues, Inventory, undefined, file, head);
}

/** Why a record holding a value nested deeper than MAX_RECORD_DEPTH is refused (`path`: from the record to that value). */
export function nestingProblem(kind: RecordArray, index: number, path: readonly (string | number)[]): Omit<Diagnostic, 'file'> {
  const shown = `${pathName([kind, index, ...path.slice(0, 3)])}${path.length > 3 ? '…' : ''}`;
  return {
    message: `${shown} holds values nested more than ${MAX_RECORD_DEPTH} levels deep; keyhygiene reads the values of a record up to ${MAX_RECORD_DEPTH} levels deep (what a cloud API returns nests a few).`,
    expected: `values nested at most ${MAX_RECORD_DEPTH} levels deep`,
    hint: 'remove the deeply nested value, or regenerate the snapshot with `keyhygiene inventory --output FILE`',
  };
}
