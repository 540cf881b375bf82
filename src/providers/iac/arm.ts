// ARM templates (JSON, as `bicep build` writes them) → planned resources: nested child resources,
// `copy` loops, expressions over parameters (with defaults) and variables. Pure.
import type { Document, LineCounter } from 'yaml';
import { UserError } from '../../errors.ts';
import { ArmExpressionError, type ArmScope, evaluateArm } from './arm-expr.ts';
import { type PlannedResource, Unknown } from './values.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Unknown);

interface Ctx {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  scope: ArmScope;
  out: PlannedResource[];
}

function lineOf(ctx: Ctx, path: readonly (string | number)[]): number | undefined {
  const node = ctx.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? ctx.lines.linePos(node.range[0]).line : undefined;
}

function evalAt(ctx: Ctx, v: unknown, path: readonly (string | number)[], copyIndex?: number): unknown {
  try {
    return evaluateArm(v, { ...ctx.scope, ...(copyIndex !== undefined ? { copyIndex } : {}) });
  } catch (err) {
    if (!(err instanceof ArmExpressionError)) throw err;
    const line = lineOf(ctx, path);
    throw new UserError({
      file: ctx.file,
      ...(line ? { line } : {}),
      message: `invalid ARM template expression: ${err.message}.`,
      expected: "an expression such as [concat('kv-', parameters('env'))]",
      hint: 'fix the expression (run `bicep build` again if the template was generated)',
    });
  }
}

/** Instances of one resource declaration: one, or `copy.count` of them. */
function copyCount(ctx: Ctx, res: Obj, path: (string | number)[]): number | Unknown {
  if (!isObj(res.copy)) return 1;
  const n = evalAt(ctx, res.copy.count, [...path, 'copy', 'count']);
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? Math.min(n, 800) : new Unknown('copy count known only at deployment');
}

function walk(ctx: Ctx, list: [string, unknown][], parent: { type: string; name: string } | undefined, basePath: (string | number)[]): void {
  for (const [key, res] of list) {
    if (!isObj(res)) continue;
    const path = [...basePath, Array.isArray(ctx.doc.getIn(basePath)) ? Number(key) : key];
    const rawType = typeof res.type === 'string' ? res.type : '';
    const type = parent && !rawType.includes('/') ? `${parent.type}/${rawType}` : rawType;
    const count = copyCount(ctx, res, path);
    const instances = count instanceof Unknown ? [undefined] : Array.from({ length: count }, (_, i) => i);
    for (const i of instances) {
      const evaluatedName = evalAt(ctx, res.name, [...path, 'name'], i);
      const local = typeof evaluatedName === 'string' ? evaluatedName : `${key}${i !== undefined ? `[${i}]` : ''}`;
      const name = parent && typeof evaluatedName === 'string' && !evaluatedName.includes('/') ? `${parent.name}/${evaluatedName}` : local;
      const values = evalAt(
        ctx,
        { properties: res.properties ?? {}, tags: res.tags, location: res.location, scope: res.scope, sku: res.sku, kind: res.kind },
        path,
        i,
      ) as Obj;
      if (count instanceof Unknown) values.copyCount = count;
      const line = lineOf(ctx, path);
      ctx.out.push({
        format: 'arm',
        type,
        address: name,
        refKey: `${type}/${name}`.toLowerCase(),
        values,
        action: 'create',
        file: ctx.file,
        ...(line ? { line } : {}),
      });
      if (Array.isArray(res.resources))
        walk(
          ctx,
          res.resources.map((r, j) => [String(j), r]),
          { type, name },
          [...path, 'resources'],
        );
    }
  }
}

/** Read a parsed ARM template into planned resources. */
export function readArm(template: Obj, file: string, parsed: { doc: Document.Parsed; lines: LineCounter }): PlannedResource[] {
  const ctx: Ctx = {
    file,
    doc: parsed.doc,
    lines: parsed.lines,
    scope: { parameters: isObj(template.parameters) ? template.parameters : {}, variables: isObj(template.variables) ? template.variables : {} },
    out: [],
  };
  const resources = template.resources;
  // languageVersion 2.0 (symbolic names) keeps resources in an object; 1.0 in an array.
  const list: [string, unknown][] = Array.isArray(resources) ? resources.map((r, i) => [String(i), r]) : isObj(resources) ? Object.entries(resources) : [];
  walk(ctx, list, undefined, ['resources']);
  return ctx.out;
}
