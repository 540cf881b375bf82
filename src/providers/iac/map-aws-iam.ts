// Identity policies a plan or template gives its own IAM roles and users (Terraform aws_iam_role_policy,
// aws_iam_role_policy_attachment of a planned aws_iam_policy, aws_iam_role inline_policy; CloudFormation
// AWS::IAM::Role Policies, AWS::IAM::Policy and AWS::IAM::ManagedPolicy with Roles/Users): where a key
// policy delegates to the account's IAM, a statement allowing KMS actions on every key of the account
// (`Resource: "*"`, `arn:aws:kms:*:*:key/*`) lets that principal use the planned key. Read only to find
// failures: the delegation gap stays (most identity policies are outside the plan). Pure.
import type { AccessEntry } from '../../model/access-entry.ts';
import { KeyPolicyError, policyToAccess } from '../aws/normalize.ts';
import { type PlanContext, REF_PREFIX } from './plan-context.ts';
import { type PlannedResource, Ref } from './values.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Ref);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

const PRINCIPAL_TYPES = ['aws_iam_role', 'aws_iam_user', 'AWS::IAM::Role', 'AWS::IAM::User'];

/** One identity policy document and the planned principal it is attached to. */
interface Attached {
  principal: PlannedResource;
  document: unknown;
  /** The resource that attaches it, for the entry's sourceId. */
  at: string;
}

const parsed = (v: unknown): unknown => {
  if (typeof v !== 'string') return isObj(v) ? v : undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
};

/** The identity policies the plan attaches to its own roles and users. */
function attachedPolicies(ctx: PlanContext): Attached[] {
  const out: Attached[] = [];
  const principal = (v: unknown) => ctx.resolve(v, PRINCIPAL_TYPES);
  for (const r of ctx.ofType('aws_iam_role_policy', 'aws_iam_user_policy')) {
    const who = principal(r.values.role ?? r.values.user);
    if (who) out.push({ principal: who, document: parsed(r.values.policy), at: r.address });
  }
  for (const r of ctx.ofType('aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment')) {
    const who = principal(r.values.role ?? r.values.user);
    const policy = ctx.resolve(r.values.policy_arn, ['aws_iam_policy']);
    if (who && policy) out.push({ principal: who, document: parsed(policy.values.policy), at: r.address });
  }
  for (const role of ctx.ofType('aws_iam_role'))
    for (const p of asList(role.values.inline_policy)) if (isObj(p)) out.push({ principal: role, document: parsed(p.policy), at: role.address });
  for (const role of ctx.ofType('AWS::IAM::Role', 'AWS::IAM::User'))
    for (const p of asList(role.values.Policies)) if (isObj(p)) out.push({ principal: role, document: parsed(p.PolicyDocument), at: role.address });
  for (const r of ctx.ofType('AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'))
    for (const who of [...asList(r.values.Roles), ...asList(r.values.Users)].map(principal))
      if (who) out.push({ principal: who, document: parsed(r.values.PolicyDocument), at: r.address });
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

const perPlan = new WeakMap<PlanContext, AccessEntry[]>();

/** Access the plan's identity policies give its principals on every key of the account (computed once per plan). */
export function identityAccess(ctx: PlanContext): AccessEntry[] {
  const cached = perPlan.get(ctx);
  if (cached) return cached;
  const entries: AccessEntry[] = [];
  for (const a of attachedPolicies(ctx)) {
    const statements = isObj(a.document) ? asList(a.document.Statement).filter(isObj) : [];
    // Statements on every key of the account, as a key policy naming the principal would write them.
    const onEveryKey = statements
      .filter((s) => s.NotResource === undefined && asList(s.Resource).some((x) => everyKey(ctx, x)))
      .map(({ Resource: _r, ...s }) => ({ ...s, Principal: { AWS: `${REF_PREFIX}${a.principal.address}` } }));
    if (!onEveryKey.length) continue;
    try {
      for (const e of policyToAccess(JSON.stringify({ Version: '2012-10-17', Statement: onEveryKey })))
        entries.push({ ...e, principal: ctx.enrichPrincipal(e.principal), source: 'iam-policy', sourceId: `${a.at}${e.sourceId ? ` ${e.sourceId}` : ''}` });
    } catch (err) {
      if (!(err instanceof KeyPolicyError)) throw err;
    }
  }
  perPlan.set(ctx, entries);
  return entries;
}
