// Read a previous JSON result (a baseline, either side of `keyhygiene diff`) with located errors.
import { resolve } from 'node:path';
import { AuditResult, RESULT_VERSION } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import { readTextFile } from '../policy/load.ts';
import { sourceMap, zodDiagnostics } from '../util/diagnose.ts';
import { parseJsonText } from '../util/json-text.ts';

export function readResultFile(file: string, what = 'result'): AuditResult {
  const text = readTextFile(resolve(file), `${what} file`, 'give a JSON result written by `keyhygiene audit --format json --output FILE`');
  const raw = parseJsonText(text, file, {
    what: `${what} file`,
    expected: 'the JSON report of `keyhygiene audit --format json` (schemas/result.schema.json)',
    hint: 'give a JSON result written by `keyhygiene audit --format json --output FILE`',
  });
  const version = raw && typeof raw === 'object' ? (raw as { version?: unknown }).version : undefined;
  if (version !== RESULT_VERSION) {
    throw new UserError({
      file,
      message: `the ${what} file is not a keyhygiene result of version ${RESULT_VERSION} (version: ${JSON.stringify(version)}).`,
      expected: 'the JSON report of `keyhygiene audit --format json` (schemas/result.schema.json)',
      hint: 'a text, Markdown or SARIF report cannot serve: write the JSON report and use that',
    });
  }
  const parsed = AuditResult.safeParse(raw);
  if (!parsed.success) throw new UserError(zodDiagnostics(parsed.error.issues, AuditResult, sourceMap(file, text), file, raw).slice(0, 10));
  return parsed.data;
}
