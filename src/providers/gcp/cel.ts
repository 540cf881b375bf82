// CEL (Common Expression Language) as Google writes it in IAM Conditions and in workload identity
// pool providers' attribute conditions and mappings, parsed by a maintained parser
// (@marcbachmann/cel-js, MIT, no dependencies). keyhygiene never runs the library's evaluator: its
// own three-valued evaluations (conditions.ts for IAM Conditions, admission.ts for attribute
// conditions) walk the library's AST, so what cannot be decided stays undecided instead of erroring.
import { type ASTNode, parse } from '@marcbachmann/cel-js';

export type CelNode = ASTNode;

/** The expression's AST, or undefined when it is not valid CEL (or empty). */
export function parseCel(expression: string): CelNode | undefined {
  if (!expression.trim()) return undefined;
  try {
    return parse(expression).ast;
  } catch {
    return undefined;
  }
}

/** `a.b.c` as ['a', 'b', 'c']; undefined for anything but identifiers and field selections. */
export function pathOf(n: CelNode): string[] | undefined {
  if (n.op === 'id') return [n.args];
  if (n.op !== '.') return undefined;
  const base = pathOf(n.args[0]);
  return base ? [...base, n.args[1]] : undefined;
}

export type CelLiteral = string | number | boolean;

/** A string, number or boolean literal (integers as numbers); undefined for anything else. */
export function literalOf(n: CelNode): CelLiteral | undefined {
  if (n.op !== 'value') return undefined;
  const v = n.args;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** The source text of a node (as written in the expression). */
export const sourceOf = (n: CelNode): string => n.input.slice(n.range.start, n.range.end);

/** Visit `n` and, while `visit` returns true for a node, the nodes below it (depth first, in source order). */
export function walkCel(n: CelNode, visit: (n: CelNode) => boolean): void {
  if (!visit(n)) return;
  const descend = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) descend(y);
    else if (x && typeof x === 'object' && 'op' in x) walkCel(x as CelNode, visit);
  };
  descend(n.args);
}

/** Every `a.b.c` path the expression reads (receivers of calls included). */
export function pathsIn(n: CelNode, out: string[] = []): string[] {
  walkCel(n, (x) => {
    const p = pathOf(x);
    if (p) out.push(p.join('.'));
    return !p && x.op !== 'value';
  });
  return out;
}
