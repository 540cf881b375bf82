// ajv validator for OCSF 1.8.0 Compliance Finding, derived from github.com/ocsf/ocsf-schema at tag 1.8.0
// by scripts/ocsf-json-schema.ts and vendored in test/fixtures/ocsf.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from '../../src/paths.ts';

export function ocsfValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/ocsf/compliance_finding-1.8.0.schema.json'), 'utf8')));
}
