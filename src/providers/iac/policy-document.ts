// A Terraform `aws_iam_policy_document` data source (its statement blocks) as the policy JSON document
// the AWS provider writes: key policies and identity policies that refer to it are read as that
// document, references to resources of the plan kept. Pure.
import { type PlannedResource, Reader } from './values.ts';

/**
 * `condition` blocks as a policy Condition element: blocks with the same `test` share one operator
 * (two StringEquals blocks on different keys are both kept, all of them must hold), and the same
 * test and variable twice joins the values, as the AWS provider writes the document.
 */
function conditionBlocks(blocks: readonly Record<string, unknown>[]): Record<string, Record<string, unknown[]>> {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const c of blocks) {
    const op = out[String(c.test)] ?? {};
    out[String(c.test)] = op;
    const values = Array.isArray(c.values) ? c.values : [c.values];
    op[String(c.variable)] = [...(op[String(c.variable)] ?? []), ...values];
  }
  return out;
}

/**
 * An aws_iam_policy_document data source's statement blocks as a policy JSON document; `resources`
 * only for an identity policy (a key policy's statements are about the key itself, whatever they name).
 */
export function policyDocumentFromData(r: PlannedResource, withResources = false): unknown {
  const read = new Reader(r.values);
  const statements = (read.list('statement') ?? []).map((s) => {
    const principals = (blocks: unknown) =>
      Array.isArray(blocks) && blocks.length
        ? Object.fromEntries((blocks as Record<string, unknown>[]).map((b) => [String(b.type), b.type === '*' ? '*' : b.identifiers]))
        : undefined;
    const condition = Array.isArray(s.condition) ? conditionBlocks(s.condition as Record<string, unknown>[]) : undefined;
    const p = principals(s.principals);
    return {
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      ...(Array.isArray(s.actions) && s.actions.length ? { Action: s.actions } : {}),
      ...(Array.isArray(s.not_actions) && s.not_actions.length ? { NotAction: s.not_actions } : {}),
      ...(withResources && Array.isArray(s.resources) && s.resources.length ? { Resource: s.resources } : {}),
      ...(withResources && Array.isArray(s.not_resources) && s.not_resources.length ? { NotResource: s.not_resources } : {}),
      ...(p ? { Principal: p['*'] === '*' ? '*' : p } : {}),
      ...(principals(s.not_principals) ? { NotPrincipal: principals(s.not_principals) } : {}),
      ...(condition && Object.keys(condition).length ? { Condition: condition } : {}),
    };
  });
  const merged = [...(read.strings('source_policy_documents') ?? []), ...(read.strings('override_policy_documents') ?? [])];
  return merged.length ? undefined : { Version: '2012-10-17', Statement: statements };
}
