// Regenerate the JSON Schemas in schemas/ from the zod schemas (test/meta/schemas.test.ts pins them).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../src/paths.ts';
import { JSON_SCHEMAS, renderSchema, type SchemaName } from '../src/schemas.ts';

for (const name of Object.keys(JSON_SCHEMAS) as SchemaName[]) {
  const file = join(SCHEMAS_DIR, `${name}.schema.json`);
  writeFileSync(file, renderSchema(name));
  console.log(`wrote ${file}`);
}
