// Write an evidence bundle: the snapshot, the resolved policy, the result, every report and a manifest
// with the SHA-256 of each file, optionally signed.
import { createHash, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { AuditResult } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import type { Inventory } from '../model/inventory.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import { REPORTERS } from '../report/index.ts';
import { type ReportMeta, renderedChunks } from '../report/types.ts';
import { jsonChunks } from '../util/json-stream.ts';
import { checkNewDirectory, writeDirectory } from '../util/output-writer.ts';
import { inputLimit, readInputBytes } from '../util/read-text.ts';
import { MANIFEST_FILE, MANIFEST_VERSION, type Manifest, type ManifestFile, renderManifest, SIGNATURE_FILE } from './manifest.ts';
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
  /** The signing key, loaded before any work (loadSigningKey); read from signKeyFile when absent. */
  signKey?: KeyObject;
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
  checkNewDirectory(dir, '--evidence');
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new UserError({
      message: `--evidence ${dir} is not empty.`,
      hint: 'give a new or empty directory: a bundle must hold exactly what its manifest lists',
    });
}

interface BundleFile {
  path: string;
  /** Chunks, produced again for each pass (hashing, then writing): a large result is never one string. */
  content: () => Iterable<string | Uint8Array>;
  role: ManifestFile['role'];
}

function entryOf(f: BundleFile): ManifestFile {
  const h = createHash('sha256');
  let bytes = 0;
  for (const chunk of f.content()) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    h.update(b);
    bytes += b.byteLength;
  }
  return { path: f.path, sha256: h.digest('hex'), bytes, role: f.role };
}

/** Write the bundle and return its manifest. */
export function writeEvidenceBundle(dir: string, input: EvidenceInput, options: EvidenceOptions = {}): Manifest {
  checkEvidenceDir(dir);
  // Load the key first: a bad key file must not leave a half-written bundle.
  const key = options.signKey ?? (options.signKeyFile ? loadSigningKey(options.signKeyFile, options.passphrase) : undefined);
  const files: BundleFile[] = [
    { path: 'inventory.json', content: () => jsonChunks(input.inventory), role: 'inventory' },
    { path: 'policy.resolved.json', content: () => jsonChunks(serializePolicy(input.policy)), role: 'policy' },
    { path: 'result.json', content: () => jsonChunks(input.result), role: 'result' },
  ];
  if (input.policy.file && existsSync(input.policy.file)) {
    const text = readInputBytes(input.policy.file, 'policy file', 'check --policy', inputLimit('policy'));
    files.push({ path: `policy-source/${basename(input.policy.file)}`, content: () => [text], role: 'policy-source' });
  }
  if (input.baselineFile) {
    const text = readInputBytes(input.baselineFile, 'baseline file', 'check --baseline', inputLimit('result'));
    files.push({ path: 'baseline.json', content: () => [text], role: 'baseline' });
  }
  for (const r of REPORTERS)
    files.push({ path: `reports/report.${r.extension}`, content: () => renderedChunks(r, input.result, { ...input.meta, color: false }), role: 'report' });

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
    files: files.map(entryOf),
  };
  const manifestText = renderManifest(manifest);
  const signature = key && options.signKeyFile ? signManifest(manifestText, key, options.signKeyFile) : undefined;

  writeDirectory(
    dir,
    [
      ...files,
      { path: MANIFEST_FILE, content: () => [manifestText] },
      ...(signature ? [{ path: SIGNATURE_FILE, content: () => [`${JSON.stringify(signature, null, 2)}\n`] }] : []),
    ].map((f) => ({ path: f.path, content: f.content() })),
    '--evidence',
  );
  return manifest;
}
