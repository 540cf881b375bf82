import type { z } from 'zod';
import type { SubjectKind } from '../model/inventory.ts';
import type { AnyRule, RuleDefinition, TypedRule } from './types.ts';

/**
 * Declare a rule. The literal `id` must equal the file name (a meta-test checks it), the options
 * schema must be strict and hold every default, and messages are typed templates with `{name}`.
 */
export function defineRule<K extends SubjectKind, O extends z.ZodType, M extends Record<string, string>>(rule: RuleDefinition<K, O, M>): TypedRule<M> {
  return rule as unknown as AnyRule as TypedRule<M>;
}

/** Fill `{name}` placeholders. Unknown placeholders are left visible so tests catch them. */
export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in data ? String(data[name]) : m));
}
