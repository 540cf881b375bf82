// ajv validator for the official OASIS SARIF 2.1.0 schema (errata 01, JSON Schema draft-04, vendored in
// test/fixtures/sarif), with its formats checked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { PACKAGE_ROOT } from '../../src/paths.ts';

export const SARIF_SCHEMA_FILE = join(PACKAGE_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json');

const isUri = (s: string) => {
  try {
    return new URL(s).protocol.length > 1;
  } catch {
    return false;
  }
};

// A CommonJS package: under NodeNext its class is the module's `default` export.
const Ajv04 = AjvDraft04.default;

export function sarifValidator() {
  const ajv = new Ajv04({ strict: false, allErrors: true });
  ajv.addFormat('uri', isUri);
  // RFC 3986 URI reference: no spaces or characters that must be percent-encoded.
  ajv.addFormat('uri-reference', (s: string) => /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')));
}
