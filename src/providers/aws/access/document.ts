// IAM policy documents (identity policies, permission boundaries, trust policies, key policies, SCPs
// and RCPs) parsed once into statements whose actions, resources and principals are matchers. Pure.
import type { AccessCondition } from '../../../model/access-entry.ts';
import { globToRegExp } from '../../../util/glob.ts';
import { conditionsOf } from '../normalize.ts';

export type Effect = 'Allow' | 'Deny';

/** One statement, compiled. */
export interface Stmt {
  /** Where it comes from, for explanations: "role/dev inline policy kms-all, statement AllowAll". */
  origin: string;
  effect: Effect;
  /** True when the statement's Action (or NotAction) can match `action` (service:Name, case-insensitive). */
  matchesAction(action: string): boolean;
  /** Resource patterns (`*` = any); `not` = NotResource. Absent (trust and key policies) = this resource. */
  resources?: { not: boolean; patterns: readonly string[] };
  /** Principal patterns for resource policies; `not` = NotPrincipal. */
  principals?: { not: boolean; aws: readonly string[]; federated: readonly string[]; service: readonly string[] };
  conditions: readonly AccessCondition[];
}

export class PolicyDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyDocumentError';
  }
}

const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

/**
 * The JSON of a policy document: IAM returns documents URL-encoded (RFC 3986); key policies, SCPs and
 * documents written by hand are plain JSON. Objects are taken as they are.
 */
export function parseDocument(doc: unknown): { Statement?: unknown } {
  if (doc && typeof doc === 'object') return doc as { Statement?: unknown };
  const raw = String(doc ?? '');
  const text = raw.trimStart().startsWith('%') ? safeDecode(raw) : raw;
  try {
    return JSON.parse(text) as { Statement?: unknown };
  } catch {
    try {
      return JSON.parse(decodeURIComponent(text)) as { Statement?: unknown };
    } catch (err) {
      throw new PolicyDocumentError(`not a JSON policy document (${(err as Error).message})`);
    }
  }
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function actionMatcher(patterns: readonly string[], not: boolean): (action: string) => boolean {
  const exact = new Set<string>();
  const res: RegExp[] = [];
  for (const p of patterns) {
    const lower = p.toLowerCase();
    if (lower.includes('*') || lower.includes('?')) res.push(globToRegExp(lower));
    else exact.add(lower);
  }
  // Statements are asked about the same few actions for thousands of keys: remember the answers.
  const memo = new Map<string, boolean>();
  return (action) => {
    let v = memo.get(action);
    if (v === undefined) {
      const a = action.toLowerCase();
      const hit = exact.has(a) || res.some((r) => r.test(a));
      v = not ? !hit : hit;
      memo.set(action, v);
    }
    return v;
  };
}

function principalsOf(p: unknown): { aws: string[]; federated: string[]; service: string[] } {
  if (p === '*') return { aws: ['*'], federated: [], service: [] };
  const o = (p && typeof p === 'object' ? p : {}) as Record<string, unknown>;
  return { aws: asArray(o.AWS), federated: asArray(o.Federated), service: asArray(o.Service) };
}

/** The statements of a document, compiled; `origin` names the document in explanations. */
export function compileDocument(doc: unknown, origin: string): Stmt[] {
  const parsed = parseDocument(doc);
  if (!parsed || typeof parsed !== 'object') throw new PolicyDocumentError('the policy document is not a JSON object');
  const raw = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  return (raw as Record<string, unknown>[]).flatMap((s, i) => {
    if (!s || typeof s !== 'object' || (s.Effect !== 'Allow' && s.Effect !== 'Deny')) return [];
    const notAction = s.NotAction !== undefined;
    const stmt: Stmt = {
      origin: `${origin}, statement ${typeof s.Sid === 'string' && s.Sid ? s.Sid : `[${i}]`}`,
      effect: s.Effect,
      matchesAction: actionMatcher(asArray(notAction ? s.NotAction : s.Action), notAction),
      conditions: conditionsOf(s.Condition),
    };
    if (s.Resource !== undefined || s.NotResource !== undefined)
      stmt.resources = { not: s.NotResource !== undefined, patterns: asArray(s.NotResource ?? s.Resource) };
    if (s.Principal !== undefined || s.NotPrincipal !== undefined)
      stmt.principals = { not: s.NotPrincipal !== undefined, ...principalsOf(s.NotPrincipal ?? s.Principal) };
    return [stmt];
  });
}
