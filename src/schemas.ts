import { z } from 'zod';
import { AuditResult } from './engine/result.ts';
import { Framework } from './frameworks/schema.ts';
import { Inventory } from './model/inventory.ts';
import { Policy } from './policy/schema.ts';

const BASE = 'https://keyhygiene.dev/schemas';

function toSchema(schema: z.ZodType, name: string, title: string, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return { $schema: json.$schema, $id: `${BASE}/${name}.schema.json`, title, ...json };
}

/** JSON Schemas generated from the zod schemas; `schemas/*.json` is pinned to these by a test. */
export const JSON_SCHEMAS = {
  policy: () => toSchema(Policy, 'policy', 'keyhygiene policy (keyhygiene.yaml)', 'input'),
  inventory: () => toSchema(Inventory, 'inventory', 'keyhygiene inventory snapshot', 'input'),
  result: () => toSchema(AuditResult, 'result', 'keyhygiene audit result (JSON report)', 'output'),
  framework: () => toSchema(Framework, 'framework', 'keyhygiene framework mapping (policies/frameworks/*.yaml)', 'input'),
} as const;

export type SchemaName = keyof typeof JSON_SCHEMAS;
export const renderSchema = (name: SchemaName): string => `${JSON.stringify(JSON_SCHEMAS[name](), null, 2)}\n`;
