// ajv validator for the official SARIF 2.1.0 schema (test/fixtures/sarif), with its formats checked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { PACKAGE_ROOT } from '../../src/paths.ts';

const isUri = (s: string) => {
  try {
    return new URL(s).protocol.length > 1;
  } catch {
    return false;
  }
};

export function sarifValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', isUri);
  // RFC 3986 URI reference: no spaces or characters that must be percent-encoded.
  ajv.addFormat('uri-reference', (s: string) => /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  return ajv.compile(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));
}
