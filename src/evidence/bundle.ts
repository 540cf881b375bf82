// Write an evidence bundle: the snapshot, the resolved policy, the result, every report and a manifest
// with the SHA-256 of each file, optionally signed.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AuditResult } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import type { Inventory } from '../model/inventory.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import { REPORTERS } from '../report/index.ts';
import type { ReportMeta } from '../report/types.ts';
import { fileEntry, MANIFEST_FILE, MANIFEST_VERSION, type Manifest, type ManifestFile, renderManifest, SIGNATURE_FILE } from './manifest.ts';
import { loadSigningKey, signManifest } from './sign.ts';

export interface EvidenceInput {
  inventory: Inventory;
  policy: ResolvedPolicy;
  result: AuditResult;
  meta: ReportMeta;
  toolVersion: string;
  createdAt: Date;
  /** The baseline file the result was compared with, copied in when given. */
  baselineFile?: string;
}

export interface EvidenceOptions {
  signKeyFile?: string;
  passphrase?: string;
}

/** The resolved policy as JSON: rules as an object, everything the engine evaluated with. */
export function serializePolicy(p: ResolvedPolicy): Record<string, unknown> {
  return {
    ...(p.file ? { file: p.file } : {}),
    extends: p.extends,
    environments: p.environments,
    trustDomains: p.trustDomains,
    keyClasses: p.keyClasses,
    providers: p.providers,
    rules: Object.fromEntries([...p.rules.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    waivers: p.waivers,
    ...(p.baseline ? { baseline: p.baseline } : {}),
  };
}

/** Fail before any work when the directory cannot take a fresh bundle. */
export function checkEvidenceDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UserError({ message: `--evidence ${dir} exists and is not a directory.` });
    if (readdirSync(dir).length > 0)
      throw new UserError({
        message: `--evidence ${dir} is not empty.`,
        hint: 'give a new or empty directory: a bundle must hold exactly what its manifest lists',
      });
  }
}

/** Write the bundle and return its manifest. */
export function writeEvidenceBundle(dir: string, input: EvidenceInput, options: EvidenceOptions = {}): Manifest {
  checkEvidenceDir(dir);
  // Load the key first: a bad key file must not leave a half-written bundle.
  const key = options.signKeyFile ? loadSigningKey(options.signKeyFile, options.passphrase) : undefined;
  const files: { path: string; content: string | Buffer; role: ManifestFile['role'] }[] = [
    { path: 'inventory.json', content: `${JSON.stringify(input.inventory, null, 2)}\n`, role: 'inventory' },
    { path: 'policy.resolved.json', content: `${JSON.stringify(serializePolicy(input.policy), null, 2)}\n`, role: 'policy' },
    { path: 'result.json', content: `${JSON.stringify(input.result, null, 2)}\n`, role: 'result' },
  ];
  if (input.policy.file && existsSync(input.policy.file))
    files.push({ path: `policy-source/${basename(input.policy.file)}`, content: readFileSync(input.policy.file), role: 'policy-source' });
  if (input.baselineFile) files.push({ path: 'baseline.json', content: readFileSync(input.baselineFile), role: 'baseline' });
  for (const r of REPORTERS)
    files.push({ path: `reports/report.${r.extension}`, content: r.render(input.result, { ...input.meta, color: false }), role: 'report' });

  const manifest: Manifest = {
    kind: 'keyhygiene-evidence',
    version: MANIFEST_VERSION,
    tool: { name: 'keyhygiene', version: input.toolVersion },
    createdAt: input.createdAt.toISOString(),
    resultGeneratedAt: input.result.generatedAt,
    inventoryGeneratedAt: input.inventory.generatedAt,
    policy: { ...(input.policy.file ? { file: input.policy.file } : {}), extends: input.policy.extends },
    identities: input.inventory.providers.map((p) => ({
      provider: p.id,
      ...(p.identity ? { identity: p.identity } : {}),
      ...(p.startedAt ? { startedAt: p.startedAt } : {}),
      ...(p.finishedAt ? { finishedAt: p.finishedAt } : {}),
    })),
    summary: {
      fail: input.result.summary.outcomes.fail,
      waived: input.result.summary.outcomes.waived,
      unknown: input.result.summary.outcomes.unknown,
      error: input.result.summary.outcomes.error,
      gaps: input.result.summary.gaps,
      incomplete: input.result.summary.incomplete,
    },
    files: files.map((f) => fileEntry(f.path, f.content, f.role)),
  };
  const manifestText = renderManifest(manifest);
  const signature = key && options.signKeyFile ? signManifest(manifestText, key, options.signKeyFile) : undefined;

  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = join(dir, ...f.path.split('/'));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, f.content);
  }
  writeFileSync(join(dir, MANIFEST_FILE), manifestText);
  if (signature) writeFileSync(join(dir, SIGNATURE_FILE), `${JSON.stringify(signature, null, 2)}\n`);
  return manifest;
}
