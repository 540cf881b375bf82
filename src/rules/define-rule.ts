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

/** A message made, with the data it was made from (its own members and their values). */
interface MadeMessage {
  messageId: string;
  /** Number of own members; -1 for no data. */
  n: number;
  proto: object | null;
  keys: string[];
  values: unknown[];
  text: string;
}

const ownCount = (data: object): number => {
  let n = 0;
  for (const k in data) if (Object.hasOwn(data, k)) n++;
  return n;
};

/** The data fill a template as the remembered message's did: the same own members (counted alike) with the same values. */
function sameValues(m: MadeMessage, data: Record<string, unknown>): boolean {
  for (let j = 0; j < m.keys.length; j++) {
    const k = m.keys[j] as string;
    if (!Object.hasOwn(data, k) || data[k] !== m.values[j]) return false;
  }
  return true;
}

const RECENT_MESSAGES = 32;

/**
 * `formatMessage` for one rule's templates, remembering its last messages with the data they were
 * made from: a finding with the same message id and data gets the same string (thousands of keys fail
 * a rule alike), with nothing to format and no new string for the result store to hash.
 */
export function messageMaker(messages: Readonly<Record<string, string>>): (messageId: string, data: MessageData) => string {
  const recent: MadeMessage[] = [];
  let next = 0;
  return (messageId, data) => {
    const n = data ? ownCount(data) : -1;
    const proto = data ? Object.getPrototypeOf(data) : null;
    for (const m of recent) if (m.messageId === messageId && m.n === n && m.proto === proto && (!data || sameValues(m, data))) return m.text;
    const text = formatMessage(messages[messageId] ?? messageId, data);
    const keys = data ? Object.keys(data) : [];
    recent[next] = { messageId, n, proto, keys, values: keys.map((k) => (data as Record<string, unknown>)[k]), text };
    next = (next + 1) % RECENT_MESSAGES;
    return text;
  };
}
