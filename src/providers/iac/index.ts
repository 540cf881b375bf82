// The IaC provider: Terraform plans, CloudFormation/CDK and ARM templates read before deployment into
// the same model as the live providers, with provenance "planned". It reads files only through the
// injected reader and calls no API.

import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { inputFile } from '../../util/stdin-path.ts';
import { listDirectory } from '../files.ts';
import { type CollectContext, defineProvider, inputReader, type ProviderOutput } from '../types.ts';
import { AWS_KEY_TYPES, AWS_TRAIL_TYPES, plannedAwsKey, plannedAwsTrail } from './map-aws.ts';
import { LAKE_TYPES, plannedEventDataStore } from './map-aws-lake.ts';
import { AZURE_KEY_TYPES, assignmentsOf, DIAGNOSTIC_TYPES, plannedAzureKey, plannedAzureTrail } from './map-azure.ts';
import { GCP_KEY_TYPES, plannedGcpKey } from './map-gcp.ts';
import { AUTOKEY_TYPES, plannedAutokeyKey } from './map-gcp-autokey.ts';
import { parseIac } from './parse.ts';
import { PlanContext } from './plan-context.ts';
import { IacConfig } from './schema.ts';
import { locateTerraform } from './tf-sources.ts';
import type { IacNote } from './values.ts';

const CHANGED = new Set(['create', 'update', 'replace']);

interface FileResult {
  keys: KeyRecord[];
  trails: AuditTrail[];
  gaps: CollectionGap[];
}

/** Trails a plan does not declare already exist or not: unknown here, never "none". */
function trailGaps(ctx: PlanContext, keys: KeyRecord[], trails: AuditTrail[]): void {
  const aws = trails.some((t) => t.scope.provider === 'aws-kms');
  const azureVaults = new Set(trails.flatMap((t) => (t.scope.provider === 'azure-keyvault' ? (t.scope.containers ?? []) : [])));
  for (const k of keys) {
    // A diagnostic setting may be attached outside the plan (Azure Policy deployIfNotExists, another
    // configuration): a vault the plan gives none is not known to be unlogged. One it gives is judged.
    if (k.provider === 'azure-keyvault' && k.container && !azureVaults.has(k.container))
      ctx.gap(
        k.id,
        k.provider,
        'trails',
        `${ctx.file}:trails`,
        `the plan declares no diagnostic setting for ${k.container}; one attached outside the plan (Azure Policy deployIfNotExists, another configuration) is not visible before deployment (audit it live)`,
      );
    if (k.provider === 'aws-kms' && !aws)
      ctx.gap(
        k.id,
        k.provider,
        'trails',
        `${ctx.file}:trails`,
        `the plan declares no CloudTrail trail; trails that already exist in the account are not visible before deployment (audit them live)`,
      );
    // Cloud KMS data-access logging is set by audit configs on the project, its folders and organization.
    if (k.provider === 'gcp-kms')
      ctx.gap(
        k.id,
        k.provider,
        'trails',
        `${ctx.file}:trails`,
        'Cloud Audit Logs for the key are configured on its project, folders and organization, and routed by log sinks: not visible before deployment (audit them live)',
      );
  }
}

/** Cloud provider plugins whose deferred resources can change what the plan's keys are and who may use them. */
const KEY_CLOUDS = /\/(aws|azurerm|azuread|azapi|google|google-beta)$/;

/**
 * An incomplete Terraform plan (`complete: false`, Terraform 1.9+ deferred changes): a deferred key or
 * trail is planned again after this apply, so nothing about it is decided; any other deferred change
 * in the keys' clouds (a policy, a grant, a role) may still change their access and logging.
 */
function deferredGaps(ctx: PlanContext, parsed: ReturnType<typeof parseIac>, keys: KeyRecord[], trails: AuditTrail[]): void {
  const tf = parsed.terraform;
  if (!tf || (!tf.incomplete && tf.deferred.length === 0)) return;
  const subjects = new Map<string, KeyRecord | AuditTrail>([...keys, ...trails].map((s) => [s.source?.address ?? s.id, s]));
  for (const r of parsed.resources) {
    const subject = r.deferred ? subjects.get(r.address) : undefined;
    if (!subject) continue;
    const why = `${r.address}: Terraform defers this change (${r.deferred}); it is planned again after this plan is applied, so none of its values is decided yet`;
    ctx.subjectGap(subject.id, subject.provider, 'terraform-plan:deferred', why);
  }
  const subjectAddresses = new Set(subjects.keys());
  const others = tf.deferred.filter((d) => !subjectAddresses.has(d.address) && KEY_CLOUDS.test(d.provider));
  if (!tf.incomplete && others.length === 0) return;
  const named = others.length ? `: ${others.map((d) => `${d.address} (${d.reason})`).join(', ')}` : '';
  const why = `the plan is incomplete (complete: false); Terraform defers changes to a later plan${named}; they may still change who can use the keys and what logs them`;
  for (const k of keys) ctx.subjectGap(k.id, k.provider, 'terraform-plan:incomplete', why, ['access', 'trails']);
}

/**
 * CDK nested stacks: the template CDK wrote beside the parent (`aws:asset:path`) is read as one more
 * file when it is there (its parameters, passed by the parent, are unknown); otherwise the nested
 * stack stays a gap.
 */
async function nestedTemplates(
  path: string,
  notes: readonly IacNote[],
  config: IacConfig,
  ctx: CollectContext,
  seen: Set<string>,
  parentTrails: readonly AuditTrail[],
): Promise<{ read: FileResult[]; unread: IacNote[] }> {
  const read: FileResult[] = [];
  const unread: IacNote[] = [];
  const list = ctx.listDir ?? listDirectory;
  // CDK writes every nested template beside the parent: each directory is listed once, not once a note.
  const listings = new Map<string, Set<string>>();
  const listed = (dir: string) => listings.get(dir) ?? listings.set(dir, new Set(list(dir))).get(dir);
  for (const n of notes) {
    const child = n.template ? join(dirname(path), n.template) : undefined;
    const present = child !== undefined && !seen.has(resolve(ctx.baseDir, child)) && !!listed(resolve(ctx.baseDir, dirname(child)))?.has(basename(child));
    if (child && present) read.push(await readFile(child, config, ctx, seen, parentTrails));
    else unread.push(n);
  }
  return { read, unread };
}

/** parentTrails: the trails of the stacks above a nested one (same account and region: they cover its keys). */
async function readFile(
  path: string,
  config: IacConfig,
  ctx: CollectContext,
  seen = new Set<string>(),
  parentTrails: readonly AuditTrail[] = [],
): Promise<FileResult> {
  seen.add(inputFile(ctx.baseDir, path));
  const files = { readText: inputReader(ctx), listDir: ctx.listDir ?? listDirectory };
  const abs = inputFile(ctx.baseDir, path);
  const text = files.readText(abs, 'IaC file', 'check the path; for Terraform pass the output of `terraform show -json plan.out`');
  const opts = { ...(config.account ? { account: config.account } : {}), ...(config.region ? { region: config.region } : {}) };
  const parsed = parseIac(text, path, opts);
  const plan = new PlanContext(path, parsed.resources, {
    ...opts,
    ...(!opts.region && parsed.awsRegion ? { region: parsed.awsRegion } : {}),
    ...(config.subscription ? { subscription: config.subscription } : {}),
    ...(parsed.gcpProject ? { gcpProject: parsed.gcpProject } : {}),
    ...(config.tenant ? { tenant: config.tenant } : {}),
  });
  if (parsed.format === 'terraform-plan' && parsed.moduleSources) {
    const sourceShown = config.sources ?? dirname(path);
    await locateTerraform(plan, { sourceShown, sourceAbs: resolve(ctx.baseDir, sourceShown), moduleSources: parsed.moduleSources }, files, ctx.warn);
  }
  const keys: KeyRecord[] = plan.ofType(...AWS_KEY_TYPES).map((r) => plannedAwsKey(plan, r));
  const access = assignmentsOf(plan);
  keys.push(...plan.ofType(...AZURE_KEY_TYPES).map((r) => plannedAzureKey(plan, r, access)));
  keys.push(...plan.ofType(...GCP_KEY_TYPES).map((r) => plannedGcpKey(plan, r, ctx.now().getTime())));
  keys.push(...plan.ofType(...AUTOKEY_TYPES).map((r) => plannedAutokeyKey(plan, r)));
  const trails: AuditTrail[] = plan.ofType(...AWS_TRAIL_TYPES).map((r) => plannedAwsTrail(plan, r));
  for (const r of plan.ofType(...LAKE_TYPES)) {
    const store = plannedEventDataStore(plan, r);
    if (store) trails.push(store);
  }
  for (const s of plan.ofType(...DIAGNOSTIC_TYPES)) {
    const t = plannedAzureTrail(plan, s);
    if (t) trails.push(t);
  }
  const nested = await nestedTemplates(path, parsed.notes ?? [], config, ctx, seen, [...parentTrails, ...trails]);
  for (const n of nested.unread) plan.fileGap(n.operation, n.at, n.reason);
  // Stacks nested in one another deploy to one account and region: a trail of any of them covers the keys of all.
  trailGaps(plan, keys, [...parentTrails, ...trails, ...nested.read.flatMap((r) => r.trails)]);
  deferredGaps(plan, parsed, keys, trails);
  return {
    keys: [...keys, ...nested.read.flatMap((r) => r.keys)],
    trails: [...trails, ...nested.read.flatMap((r) => r.trails)],
    gaps: [...plan.gaps, ...nested.read.flatMap((r) => r.gaps)],
  };
}

/** --changed-only: unchanged subjects stay as context (trails that cover changed keys) but are never evaluated. */
function markUnchanged<T extends { source?: { action?: string; context?: boolean } }>(items: T[]): void {
  for (const i of items) if (i.source && !CHANGED.has(i.source.action ?? '')) i.source.context = true;
}

export const iacProvider = defineProvider({
  id: 'iac',
  description: 'Terraform plans (terraform show -json), CloudFormation/CDK and ARM templates, before deployment',
  configSchema: IacConfig,
  operations: ['fs:ReadFile', 'fs:ListDirectory'],
  fills: [
    'usage',
    'keyType',
    'keySize',
    'curve',
    'origin',
    'protection',
    'exportable',
    'state',
    'rotation',
    'expiresAt',
    'deletion',
    'multiRegion',
    'accessModel',
    'alerts',
    'tags',
    'access',
    'network',
    'provenance',
    'source',
  ],
  async collect(config, ctx): Promise<ProviderOutput> {
    const out: Required<Pick<ProviderOutput, 'keys' | 'trails' | 'gaps'>> = { keys: [], trails: [], gaps: [] };
    const paths = config.paths ?? [];
    if (!paths.length)
      throw new UserError({
        message: 'providers.iac names no plan or template to read.',
        expected: 'providers.iac.paths: [plan.json, …], or the files on the command line: keyhygiene audit --iac plan.json',
        hint: 'add paths to the iac block, or pass the files with --iac (the iac block then only gives account, region and sources)',
      });
    for (const [i, path] of paths.entries()) {
      ctx.progress?.({ provider: 'iac', phase: 'reading plans and templates', done: i, total: paths.length });
      const r = await readFile(path, config, ctx);
      out.keys.push(...r.keys);
      out.trails.push(...r.trails);
      out.gaps.push(...r.gaps);
    }
    if (config.changedOnly) {
      markUnchanged(out.keys);
      markUnchanged(out.trails);
      const context = new Set([...out.keys, ...out.trails].filter((s) => s.source?.context).map((s) => s.id));
      out.gaps = out.gaps.filter((g) => !context.has(g.scope.subjectId ?? ''));
    }
    return { run: { id: 'iac', fills: [...iacProvider.fills] }, ...out };
  },
});

export default iacProvider;
