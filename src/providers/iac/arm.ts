// ARM templates (JSON, as `bicep build` writes them) → planned resources: nested child resources,
// `copy` loops (resource, property and variable loops), `condition`, `existing` references, nested
// deployments (Bicep modules) with inner or outer expression scope, user-defined functions and
// expressions over parameters (with defaults) and variables. Pure.
import type { Document, LineCounter } from 'yaml';
import { UserError } from '../../errors.ts';
import { ArmExpressionError, type ArmScope, evaluateArm } from './arm-expr.ts';
import { toBool } from './arm-functions.ts';
import { type IacNote, isObj, type Obj, type PlannedResource, Unknown } from './values.ts';

type Path = readonly (string | number)[];

interface Ctx {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  out: PlannedResource[];
  notes: IacNote[];
}

/** Where an expression is evaluated: the template scope and the loop indexes around it. */
type Where = ArmScope;

const DEPLOYMENTS = 'microsoft.resources/deployments';
/** Nested deployments inside nested deployments, at most. */
const MAX_NESTING = 8;

function lineOf(ctx: Ctx, path: Path): number | undefined {
  const node = ctx.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? ctx.lines.linePos(node.range[0]).line : undefined;
}

function evalAt(ctx: Ctx, v: unknown, path: Path, where: Where): unknown {
  try {
    return evaluateArm(v, where);
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

const isLoop = (x: unknown): x is { name: string; count: unknown; input: unknown } => isObj(x) && typeof x.name === 'string' && 'input' in x;

/** A loop's count: a whole number the template fixes, else Unknown. */
function loopCount(ctx: Ctx, count: unknown, path: Path, where: Where): number | Unknown {
  const n = evalAt(ctx, count, path, where);
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? Math.min(n, 800) : new Unknown('the copy count is known only at deployment');
}

/** One named property or variable loop (`copy: [{name, count, input}]`): the array it builds, or Unknown. */
function expandLoop(ctx: Ctx, loop: { name: string; count: unknown; input: unknown }, path: Path, where: Where): unknown {
  const n = loopCount(ctx, loop.count, [...path, 'count'], where);
  if (n instanceof Unknown) return new Unknown(`${loop.name} is built by a copy loop whose count is known only at deployment`);
  return Array.from({ length: n }, (_, i) =>
    evalValue(ctx, loop.input, [...path, 'input'], { ...where, copyIndexes: { ...where.copyIndexes, [loop.name.toLowerCase()]: i } }),
  );
}

/** Evaluate a template value; an object's `copy` array of named loops becomes the properties it builds. */
function evalValue(ctx: Ctx, v: unknown, path: Path, where: Where): unknown {
  if (Array.isArray(v)) return v.map((x, i) => evalValue(ctx, x, [...path, i], where));
  if (!isObj(v)) return evalAt(ctx, v, path, where);
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'copy' && Array.isArray(x) && x.every(isLoop)) {
      x.forEach((loop, i) => {
        out[loop.name] = expandLoop(ctx, loop, [...path, k, i], where);
      });
    } else out[k] = evalValue(ctx, x, [...path, k], where);
  }
  return out;
}

/** The template's own scope: parameters, variables (variable loops expanded), user-defined functions. */
function scopeOf(ctx: Ctx, template: Obj, path: Path, parameterValues?: Record<string, unknown>): ArmScope {
  const functions: NonNullable<ArmScope['functions']> = {};
  for (const ns of Array.isArray(template.functions) ? template.functions : []) {
    if (!isObj(ns) || typeof ns.namespace !== 'string' || !isObj(ns.members)) continue;
    for (const [name, fn] of Object.entries(ns.members)) {
      if (!isObj(fn) || !isObj(fn.output)) continue;
      const params = (Array.isArray(fn.parameters) ? fn.parameters : []).map((p) => (isObj(p) ? String(p.name) : ''));
      functions[`${ns.namespace}.${name}`.toLowerCase()] = { params, output: fn.output.value };
    }
  }
  const rawVariables = isObj(template.variables) ? template.variables : {};
  const { copy, ...variables } = rawVariables;
  const scope: ArmScope = {
    parameters: isObj(template.parameters) ? template.parameters : {},
    variables,
    functions,
    ...(parameterValues ? { parameterValues } : {}),
  };
  // Variable loops (`variables.copy`) are evaluated once, in the template's scope.
  const variableValues: Record<string, unknown> = {};
  if (Array.isArray(copy))
    copy.forEach((loop, i) => {
      if (isLoop(loop)) variableValues[loop.name] = expandLoop(ctx, loop, [...path, 'variables', 'copy', i], scope);
    });
  return Object.keys(variableValues).length ? { ...scope, variableValues } : scope;
}

/** Instances of one resource declaration: one, or `copy.count` of them. */
function instancesOf(ctx: Ctx, res: Obj, path: Path, where: Where): (number | undefined)[] | Unknown {
  if (!isObj(res.copy)) return [undefined];
  const n = loopCount(ctx, res.copy.count, [...path, 'copy', 'count'], where);
  return n instanceof Unknown ? n : Array.from({ length: n }, (_, i) => i);
}

/** `condition`: false leaves the resource out; a value known only at deployment is kept as why. */
function conditionOf(ctx: Ctx, res: Obj, path: Path, where: Where): boolean | string {
  if (res.condition === undefined) return true;
  const c = evalAt(ctx, res.condition, [...path, 'condition'], where);
  // Read as bool() reads it, so `condition` and `if()`/`and()` agree on one value.
  const decided = toBool(c);
  if (decided !== undefined) return decided;
  return `its condition ${JSON.stringify(res.condition)} holds, which is decided at deployment${c instanceof Unknown ? ` (${c.why})` : ''}`;
}

interface Parent {
  type: string;
  name: string;
}

function walk(ctx: Ctx, list: [string, unknown][], parent: Parent | undefined, basePath: Path, where: Where, depth: number): void {
  for (const [key, res] of list) {
    if (!isObj(res)) continue;
    const path = [...basePath, Array.isArray(ctx.doc.getIn(basePath)) ? Number(key) : key];
    // `existing: true` (languageVersion 2.0) names a resource the template does not deploy.
    if (res.existing === true) continue;
    const rawType = typeof res.type === 'string' ? res.type : '';
    const type = parent && !rawType.includes('/') ? `${parent.type}/${rawType}` : rawType;
    const count = instancesOf(ctx, res, path, where);
    for (const i of count instanceof Unknown ? [undefined] : count) {
      const at: Where = i === undefined ? where : { ...where, copyIndex: i };
      const condition = conditionOf(ctx, res, path, at);
      if (condition === false) continue;
      const evaluatedName = evalAt(ctx, res.name, [...path, 'name'], at);
      const local = typeof evaluatedName === 'string' ? evaluatedName : `${key}${i !== undefined ? `[${i}]` : ''}`;
      const name = parent && typeof evaluatedName === 'string' && !evaluatedName.includes('/') ? `${parent.name}/${evaluatedName}` : local;
      const nested = type.toLowerCase() === DEPLOYMENTS && isObj(res.properties) ? res.properties : undefined;
      const properties = nested ? { ...nested, template: undefined } : (res.properties ?? {});
      const values = evalValue(ctx, { properties, tags: res.tags, location: res.location, scope: res.scope, sku: res.sku, kind: res.kind }, path, at) as Obj;
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
        ...(typeof condition === 'string' ? { conditional: condition } : {}),
      });
      if (nested) nestedDeployment(ctx, name, nested, path, at, depth);
      if (Array.isArray(res.resources))
        walk(
          ctx,
          res.resources.map((r, j) => [String(j), r]),
          { type, name },
          [...path, 'resources'],
          at,
          depth,
        );
    }
  }
}

/**
 * A nested deployment (`Microsoft.Resources/deployments`, what `bicep build` makes of a module): its
 * inline template's resources are deployed too. With `expressionEvaluationOptions.scope: inner` its
 * expressions see its own parameters (the values the parent passes, evaluated in the parent's scope)
 * and variables; otherwise (outer, the default) the parent's. A linked template (`templateLink`) is
 * not read: a gap says so.
 */
function nestedDeployment(ctx: Ctx, name: string, props: Obj, path: Path, where: Where, depth: number): void {
  const template = props.template;
  if (!isObj(template)) {
    if (props.templateLink !== undefined)
      ctx.notes.push({
        operation: 'arm:templateLink',
        at: name,
        reason: `${ctx.file}: nested deployment ${name} deploys a linked template (templateLink), which is not read: the keys, vaults and settings it deploys are not audited (build it into the template with bicep build, or pass the linked template with --iac)`,
      });
    return;
  }
  if (depth >= MAX_NESTING) {
    ctx.notes.push({
      operation: 'arm:nesting',
      at: name,
      reason: `${ctx.file}: nested deployment ${name} is nested more than ${MAX_NESTING} deep and was not read`,
    });
    return;
  }
  const templatePath = [...path, 'properties', 'template'];
  const options = isObj(props.expressionEvaluationOptions) ? props.expressionEvaluationOptions : {};
  let scope = where;
  if (String(options.scope ?? 'outer').toLowerCase() === 'inner') {
    const passed = isObj(props.parameters) ? props.parameters : {};
    const parameterValues: Record<string, unknown> = {};
    for (const [p, v] of Object.entries(passed)) {
      if (!isObj(v)) continue;
      // A Key Vault reference ({ reference: { keyVault, secretName } }) is resolved at deployment.
      parameterValues[p] =
        'value' in v
          ? evalValue(ctx, v.value, [...path, 'properties', 'parameters', p, 'value'], where)
          : new Unknown(`parameter ${p} is resolved at deployment`);
    }
    scope = scopeOf(ctx, template, templatePath, parameterValues);
  }
  const resources = template.resources;
  scope = withSymbols(ctx, resources, [...templatePath, 'resources'], scope);
  const list: [string, unknown][] = Array.isArray(resources) ? resources.map((r, i) => [String(i), r]) : isObj(resources) ? Object.entries(resources) : [];
  walk(ctx, list, undefined, [...templatePath, 'resources'], scope, depth + 1);
}

/**
 * languageVersion 2.0: the symbolic name of each resource (not a loop) and the type/name key its
 * references resolve by, so `reference('identity').principalId` names the planned identity.
 */
function withSymbols(ctx: Ctx, resources: unknown, path: Path, scope: ArmScope): ArmScope {
  if (!isObj(resources)) return scope;
  const symbols: Record<string, string> = {};
  for (const [symbol, res] of Object.entries(resources)) {
    if (!isObj(res) || res.copy !== undefined || typeof res.type !== 'string') continue;
    const name = evalAt(ctx, res.name, [...path, symbol, 'name'], scope);
    if (typeof name === 'string') symbols[symbol] = `${res.type}/${name}`.toLowerCase();
  }
  return { ...scope, symbols };
}

/** Read a parsed ARM template into planned resources; what it deploys but cannot be read goes to `notes`. */
export function readArm(template: Obj, file: string, parsed: { doc: Document.Parsed; lines: LineCounter }, notes: IacNote[] = []): PlannedResource[] {
  const ctx: Ctx = { file, doc: parsed.doc, lines: parsed.lines, out: [], notes };
  const scope = withSymbols(ctx, template.resources, ['resources'], scopeOf(ctx, template, []));
  const resources = template.resources;
  // languageVersion 2.0 (symbolic names) keeps resources in an object; 1.0 in an array.
  const list: [string, unknown][] = Array.isArray(resources) ? resources.map((r, i) => [String(i), r]) : isObj(resources) ? Object.entries(resources) : [];
  walk(ctx, list, undefined, ['resources'], scope, 0);
  return ctx.out;
}
