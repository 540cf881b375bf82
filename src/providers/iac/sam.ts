// What the SAM transform (AWS::Serverless-2016-10-31) makes of a function or state machine that names
// no `Role`: an execution role `<LogicalId>Role`, tagged with the resource's `Tags` (and the Globals'),
// whose policies are its `Policies`: inline documents, and the KMS policy templates (KMSDecryptPolicy,
// KMSEncryptPolicy) on the key they name. Read as the AWS::IAM::Role the transform writes, so a key
// policy that delegates to IAM finds the function that can use the key. A managed policy name and the
// other templates give no KMS access this reader can see. Pure.
import { isObj, type Obj, type PlannedResource, Ref, Unknown } from './values.ts';

/** The SAM resources that get an execution role, and the tag SAM adds to it. */
const ROLE_OWNERS: Record<string, string> = {
  'AWS::Serverless::Function': 'lambda:createdBy',
  'AWS::Serverless::StateMachine': 'stateMachine:createdBy',
};

/** SAM's policy templates that allow KMS actions (policy_templates.json): the action, on `key/${KeyId}`. */
const KMS_TEMPLATES: Record<string, string> = { KMSDecryptPolicy: 'kms:Decrypt', KMSEncryptPolicy: 'kms:Encrypt' };

/** The logical ids of the execution roles SAM will make for these (unevaluated) resources, for references to them. */
export function samRoleIds(resources: Obj): string[] {
  return Object.entries(resources).flatMap(([id, r]) =>
    isObj(r) && typeof r.Type === 'string' && r.Type in ROLE_OWNERS && !(isObj(r.Properties) && 'Role' in r.Properties) ? [`${id}Role`] : [],
  );
}

/** One entry of `Policies` as a policy document, when it can give KMS access this reader can see. */
function policyDocument(p: unknown): Obj | undefined {
  if (!isObj(p)) return undefined;
  if (p.Statement !== undefined) return p;
  const [name, args] = Object.entries(p)[0] ?? [];
  const action = name !== undefined && Object.keys(p).length === 1 ? KMS_TEMPLATES[name] : undefined;
  if (!action) return undefined;
  const keyId = isObj(args) ? args.KeyId : undefined;
  // arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyId}: a reference names the template's key.
  const resource = keyId instanceof Ref ? keyId : new Unknown(`the ${name} KeyId is not a key of this template`);
  return { Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] };
}

/** The execution role SAM makes for a function or state machine of the template; undefined when it names its own Role. */
export function samExecutionRole(r: PlannedResource, globals: Obj): PlannedResource | undefined {
  const createdBy = ROLE_OWNERS[r.type];
  if (!createdBy || r.values.Role !== undefined) return undefined;
  const scope = r.type === 'AWS::Serverless::Function' ? 'Function' : 'StateMachine';
  const globalTags = isObj(globals[scope]) && isObj((globals[scope] as Obj).Tags) ? ((globals[scope] as Obj).Tags as Obj) : {};
  const tags = { ...globalTags, ...(isObj(r.values.Tags) ? r.values.Tags : {}), [createdBy]: 'SAM' };
  const policies = (Array.isArray(r.values.Policies) ? r.values.Policies : [r.values.Policies]).map(policyDocument);
  const { line: _line, ...rest } = r;
  return {
    ...rest,
    type: 'AWS::IAM::Role',
    address: `${r.address}Role`,
    refKey: `${r.refKey}Role`,
    values: {
      Tags: tags,
      Policies: policies.flatMap((d, i) => (d ? [{ PolicyName: `${r.refKey}RolePolicy${i}`, PolicyDocument: d }] : [])),
    },
  };
}
