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

/** A template split once into text and placeholder names: odd places hold names. */
const templates = new Map<string, readonly string[]>();
const split = (template: string): readonly string[] => {
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    if (templates.size < 4096) templates.set(template, parts);
  }
  return parts;
};

/** Fill `{name}` placeholders. Unknown placeholders are left visible so tests catch them. */
export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  const parts = split(template);
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    out += (name in data ? String(data[name]) : `{${name}}`) + (parts[i + 1] as string);
  }
  return out;
}
