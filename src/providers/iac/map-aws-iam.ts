// Identity policies a plan or template gives its own IAM roles and users (Terraform aws_iam_role_policy,
// aws_iam_role_policy_attachment of a planned aws_iam_policy, aws_iam_role inline_policy, each as JSON or
// as an aws_iam_policy_document; CloudFormation AWS::IAM::Role Policies, AWS::IAM::Policy and
// AWS::IAM::ManagedPolicy with Roles/Users, and the execution roles SAM makes): where a key policy
// delegates to the account's IAM, a statement allowing KMS actions on every key of the account
// (`Resource: "*"`, `arn:aws:kms:*:*:key/*`) or on the planned key itself (a reference to it, or its ARN)
// lets that principal use the key. Read only to find failures: the delegation gap stays (most identity
// policies are outside the plan). Pure.
import type { AccessEntry } from '../../model/access-entry.ts';
import { KeyPolicyError, policyToAccess } from '../aws/normalize.ts';
import { type PlanContext, REF_PREFIX } from './plan-context.ts';
import { policyDocumentFromData } from './policy-document.ts';
import { isObj, type PlannedResource, Ref } from './values.ts';

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

const PRINCIPAL_TYPES = ['aws_iam_role', 'aws_iam_user', 'AWS::IAM::Role', 'AWS::IAM::User'];

/** One identity policy document and the planned principal it is attached to. */
interface Attached {
  principal: PlannedResource;
  document: unknown;
  /** The resource that attaches it, for the entry's sourceId. */
  at: string;
}

/** A policy document: a JSON string, an object, or (Terraform) a reference to an aws_iam_policy_document. */
function parsed(ctx: PlanContext, v: unknown): unknown {
  if (v instanceof Ref) {
    const data = ctx.resolve(v, ['aws_iam_policy_document']);
    return data ? policyDocumentFromData(data, true) : undefined;
  }
  if (typeof v !== 'string') return isObj(v) ? v : undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** The identity policies the plan attaches to its own roles and users. */
function attachedPolicies(ctx: PlanContext): Attached[] {
  const out: Attached[] = [];
  const principal = (v: unknown) => ctx.resolve(v, PRINCIPAL_TYPES);
  for (const r of ctx.ofType('aws_iam_role_policy', 'aws_iam_user_policy')) {
    const who = principal(r.values.role ?? r.values.user);
    if (who) out.push({ principal: who, document: parsed(ctx, r.values.policy), at: r.address });
  }
  for (const r of ctx.ofType('aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment')) {
    const who = principal(r.values.role ?? r.values.user);
    const policy = ctx.resolve(r.values.policy_arn, ['aws_iam_policy']);
    if (who && policy) out.push({ principal: who, document: parsed(ctx, policy.values.policy), at: r.address });
  }
  for (const role of ctx.ofType('aws_iam_role'))
    for (const p of asList(role.values.inline_policy)) if (isObj(p)) out.push({ principal: role, document: parsed(ctx, p.policy), at: role.address });
  for (const role of ctx.ofType('AWS::IAM::Role', 'AWS::IAM::User'))
    for (const p of asList(role.values.Policies)) if (isObj(p)) out.push({ principal: role, document: parsed(ctx, p.PolicyDocument), at: role.address });
  for (const r of ctx.ofType('AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'))
    for (const who of [...asList(r.values.Roles), ...asList(r.values.Users)].map(principal))
      if (who) out.push({ principal: who, document: parsed(ctx, r.values.PolicyDocument), at: r.address });
  return out;
}

/** A Resource that names every key of the deploying account and region (not one chosen key). */
function everyKey(ctx: PlanContext, resource: unknown): boolean {
  if (resource === '*') return true;
  if (typeof resource !== 'string') return false;
  const m = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(.*)$/.exec(resource);
  if (!m) return false;
  const [, region, account, rest] = m as unknown as [string, string, string, string];
  const any = (v: string, known: string | undefined) => v === '*' || (known !== undefined && v === known);
  return any(region, ctx.opts.region) && any(account, ctx.opts.account) && (rest === '*' || rest === 'key/*');
}

/** A value of a statement's Resource that names this planned key: a reference to it, or its ARN or id. */
function namesKey(ctx: PlanContext, resource: unknown, key: PlannedResource): boolean {
  if (resource instanceof Ref) return resource.address === key.address || resource.address === key.refKey;
  return typeof resource === 'string' && ctx.resolve(resource, [key.type]) === key;
}

/** One statement of an identity policy: the access it gives (as a key policy naming its principal would), and the resources it names. */
interface IdentityStatement {
  resources: unknown[];
  entries: AccessEntry[];
}

const perPlan = new WeakMap<PlanContext, IdentityStatement[]>();

/** The statements of the plan's identity policies, read once per plan. */
function identityStatements(ctx: PlanContext): IdentityStatement[] {
  const cached = perPlan.get(ctx);
  if (cached) return cached;
  const out: IdentityStatement[] = [];
  for (const a of attachedPolicies(ctx)) {
    const statements = isObj(a.document) ? asList(a.document.Statement).filter(isObj) : [];
    for (const [i, { Resource, ...s }] of statements.entries()) {
      if (s.NotResource !== undefined) continue;
      // Read one at a time, each keeps the name the whole document gives it (its Sid, or its place).
      const statement = { ...s, Sid: s.Sid || `statement[${i}]`, Principal: { AWS: `${REF_PREFIX}${a.principal.address}` } };
      try {
        const entries = policyToAccess(JSON.stringify({ Version: '2012-10-17', Statement: [statement] })).map((e) => ({
          ...e,
          principal: ctx.enrichPrincipal(e.principal),
          source: 'iam-policy' as const,
          sourceId: `${a.at}${e.sourceId ? ` ${e.sourceId}` : ''}`,
        }));
        out.push({ resources: asList(Resource), entries });
      } catch (err) {
        if (!(err instanceof KeyPolicyError)) throw err;
      }
    }
  }
  perPlan.set(ctx, out);
  return out;
}

/** Access the plan's identity policies give its principals on this key: statements on every key of the account or on this one. */
export function identityAccess(ctx: PlanContext, key: PlannedResource): AccessEntry[] {
  return identityStatements(ctx)
    .filter((s) => s.resources.some((x) => everyKey(ctx, x) || namesKey(ctx, x, key)))
    .flatMap((s) => s.entries);
}
