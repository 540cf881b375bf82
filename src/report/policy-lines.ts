// Where in the policy file a result was decided, for SARIF physical locations: the declaration that
// classified its subject (key class, then trust domain, then environment), else the rule's setting.
// Pure: a function of the policy text.
import { isMap, isPair, isScalar } from 'yaml';
import type { ResultEntry } from '../engine/result.ts';
import { type SourceMap, sourceMap } from '../util/diagnose.ts';

/** The 1-based policy line for a result, or undefined when the policy does not name its scope or rule. */
export type PolicyLineOf = (entry: Pick<ResultEntry, 'ruleId' | 'scope'>) => number | undefined;

function keyLine(src: SourceMap, section: string, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const map = src.doc.get(section, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === name);
  const start = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  return start === undefined ? undefined : src.lines.linePos(start).line;
}

/** Index a policy file's text; a text that does not parse gives no lines (the caller falls back to line 1). */
export function policyLineIndex(file: string, text: string): PolicyLineOf {
  const src = sourceMap(file, text);
  if (src.doc.errors.length) return () => undefined;
  return (entry) =>
    keyLine(src, 'keyClasses', entry.scope?.keyClass) ??
    keyLine(src, 'trustDomains', entry.scope?.trustDomain) ??
    keyLine(src, 'environments', entry.scope?.environment) ??
    keyLine(src, 'rules', entry.ruleId);
}
