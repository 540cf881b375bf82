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

type MessageData = Record<string, string | number> | undefined;

/** Two findings' data fill a template alike: the same own members with the same values (and the same prototype). */
function sameData(a: MessageData, b: MessageData): boolean {
  if (a === b) return true;
  if (!a || !b || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  let n = 0;
  for (const k in b) {
    if (!Object.hasOwn(b, k)) continue;
    if (!Object.hasOwn(a, k) || a[k] !== b[k]) return false;
    n++;
  }
  for (const k in a) if (Object.hasOwn(a, k)) n--;
  return n === 0;
}

const RECENT_MESSAGES = 8;

/**
 * `formatMessage` for one rule's templates, remembering the last few messages with the data they were
 * made from: a finding with the same message id and data gets the same string (thousands of keys fail
 * a rule alike), with nothing to format and no new string for the result store to hash.
 */
export function messageMaker(messages: Readonly<Record<string, string>>): (messageId: string, data: MessageData) => string {
  const recent: { messageId: string; data: MessageData; text: string }[] = [];
  let next = 0;
  return (messageId, data) => {
    for (const m of recent) if (m.messageId === messageId && sameData(m.data, data)) return m.text;
    const text = formatMessage(messages[messageId] ?? messageId, data);
    recent[next] = { messageId, data, text };
    next = (next + 1) % RECENT_MESSAGES;
    return text;
  };
}
