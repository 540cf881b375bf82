import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES, GENERATED_VALIDATORS, validatorsSource, validatorsTypes } from '../../scripts/write-validators.ts';

describe('generated record validators', () => {
  it('src/inventory/record-validators.generated.js is generated from the zod schemas of src/model (run `npm run schemas` after a model change)', () => {
    expect(readFileSync(GENERATED_VALIDATORS, 'utf8')).toBe(validatorsSource());
    expect(readFileSync(GENERATED_TYPES, 'utf8')).toBe(validatorsTypes());
  });
});
