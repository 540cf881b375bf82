// Detect the format of an IaC file from its content and read it into planned resources. Anything
// that is not a Terraform plan, a CloudFormation (or CDK) template or an ARM template is a usage
// error naming the file, the place and what was expected.
import { UserError } from '../../errors.ts';
import { parseJsonText } from '../../util/json-text.ts';
import { readArm } from './arm.ts';
import { type CfnOptions, parseTemplateText, readCloudFormation } from './cloudformation.ts';
import { readTerraformPlan } from './terraform.ts';
import type { IacFormat, IacNote, PlannedResource } from './values.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface ParsedIac {
  format: IacFormat;
  resources: PlannedResource[];
  /** Terraform: local module directories by module path, to find `.tf` sources. */
  moduleSources?: Map<string, string>;
  awsRegion?: string;
  /** Terraform: the google provider's default project. */
  gcpProject?: string;
  /** What the file deploys but cannot be read from it (linked templates, template macros): gaps. */
  notes?: IacNote[];
  /** Terraform: the plan is not complete (`complete: false`), and the changes it defers. */
  terraform?: { incomplete: boolean; deferred: { address: string; type: string; provider: string; reason: string }[] };
}

const EXPECTED = 'a Terraform plan (terraform show -json plan.out), a CloudFormation or CDK template (YAML or JSON), or an ARM template (bicep build)';

function notIac(file: string, what: string, hint: string, line = 1): never {
  throw new UserError({ file, line, message: `${what}; keyhygiene reads IaC plans and templates only.`, expected: EXPECTED, hint });
}

const isTerraformPlan = (d: Obj) => typeof d.format_version === 'string' && (d.planned_values !== undefined || d.resource_changes !== undefined);
const isArm = (d: Obj) =>
  (typeof d.$schema === 'string' && /deploymentTemplate\.json/i.test(d.$schema)) || (d.contentVersion !== undefined && d.resources !== undefined);
const isCloudFormation = (d: Obj) =>
  d.AWSTemplateFormatVersion !== undefined ||
  (isObj(d.Resources) &&
    Object.entries(d.Resources).some(([id, r]) => id.startsWith('Fn::ForEach::') || (isObj(r) && typeof r.Type === 'string' && r.Type.includes('::'))));

/** What a JSON or YAML document that is none of ours looks like, to say so. */
function describeOther(d: unknown): { what: string; hint: string } {
  if (!isObj(d))
    return {
      what: `the file holds ${Array.isArray(d) ? 'a list' : typeof d}, not a plan or template`,
      hint: 'pass the output of terraform show -json, a template, or bicep build output',
    };
  if (typeof d.format_version === 'string' && d.values !== undefined)
    return {
      what: 'this is Terraform state (terraform show -json without a plan), not a plan',
      hint: 'run terraform plan -out plan.out, then terraform show -json plan.out > plan.json',
    };
  if (typeof d.$schema === 'string' && /deploymentParameters\.json/i.test(d.$schema))
    return { what: 'this is an ARM parameters file, not a template', hint: 'pass the template (the parameters are applied at deployment)' };
  if (d.apiVersion !== undefined && d.kind !== undefined)
    return { what: 'this is a Kubernetes manifest', hint: 'keyhygiene reads Terraform plans, CloudFormation/CDK and ARM templates' };
  if (d.service !== undefined && d.provider !== undefined)
    return { what: 'this is a Serverless Framework file', hint: 'package it (serverless package) and pass the CloudFormation template it writes' };
  if (d.on !== undefined && d.jobs !== undefined) return { what: 'this is a GitHub Actions workflow', hint: 'pass the plan or template the workflow produces' };
  if (d.services !== undefined) return { what: 'this is a Compose file', hint: 'keyhygiene reads Terraform plans, CloudFormation/CDK and ARM templates' };
  return {
    what: 'the file is neither a Terraform plan, a CloudFormation template nor an ARM template',
    hint: 'check the path; for Terraform pass `terraform show -json plan.out` output',
  };
}

/** Read one IaC file's text: detect its format from the content and read its resources. */
export function parseIac(text: string, file: string, opts: CfnOptions): ParsedIac {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed === '') notIac(file, 'the file is empty', 'pass a non-empty plan or template');
  const code = trimmed.replace(/^(?:(?:#|\/\/)[^\n]*\n\s*)+/, '');
  if (/^(resource|module|provider|terraform|variable|data|locals|output)\s+("|\{|[A-Za-z_])/.test(code))
    notIac(
      file,
      'this is Terraform source (.tf), not a plan',
      'run terraform plan -out plan.out && terraform show -json plan.out > plan.json, and pass plan.json',
    );
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const doc = parseJsonText(body, file, {
      what: 'file',
      expected: EXPECTED,
      hint: 'regenerate the file with its tool',
      truncatedHint: 'write the plan again (terraform show -json plan.out > plan.json) and check the upload or artifact step',
    });
    if (isObj(doc) && isTerraformPlan(doc)) {
      const plan = readTerraformPlan(doc, file);
      return {
        format: 'terraform-plan',
        resources: plan.resources,
        moduleSources: plan.moduleSources,
        ...(plan.awsRegion ? { awsRegion: plan.awsRegion } : {}),
        ...(plan.gcpProject ? { gcpProject: plan.gcpProject } : {}),
        terraform: { incomplete: plan.incomplete, deferred: plan.deferred },
      };
    }
    if (isObj(doc) && isArm(doc)) {
      const notes: IacNote[] = [];
      return { format: 'arm', resources: readArm(doc, file, parseTemplateText(body, file), notes), notes };
    }
    if (isObj(doc) && isCloudFormation(doc)) {
      const notes: IacNote[] = [];
      return { format: 'cloudformation', resources: readCloudFormation(doc, file, parseTemplateText(body, file), opts, notes), notes };
    }
    const other = describeOther(doc);
    notIac(file, other.what, other.hint);
  }
  const parsed = parseTemplateText(body, file);
  const doc = parsed.value;
  if (isObj(doc) && isCloudFormation(doc)) {
    const notes: IacNote[] = [];
    return { format: 'cloudformation', resources: readCloudFormation(doc, file, parsed, opts, notes), notes };
  }
  const other = describeOther(doc);
  return notIac(file, other.what, other.hint);
}
