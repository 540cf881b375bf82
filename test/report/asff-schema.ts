// ajv validator for ASFF (test/fixtures/asff), written from the Security Hub documentation of the format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from '../../src/paths.ts';

export function asffValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  return ajv.compile(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/asff/asff-2018-10-08.schema.json'), 'utf8')));
}
