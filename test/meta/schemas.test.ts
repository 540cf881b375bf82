import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../src/paths.ts';
import { JSON_SCHEMAS, renderSchema, type SchemaName } from '../../src/schemas.ts';

describe('shipped JSON Schemas', () => {
  for (const name of Object.keys(JSON_SCHEMAS) as SchemaName[]) {
    it(`schemas/${name}.schema.json is generated from the zod schema (run \`npm run schemas\` after a model change)`, () => {
      expect(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')).toBe(renderSchema(name));
    });
  }
});
