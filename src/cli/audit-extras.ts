// Baselines and evidence bundles for `keyhygiene audit`: flags and the few steps run() calls.
import type { KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import * as Flags from '@oclif/core/flags';
import { applyBaseline } from '../engine/baseline.ts';
import type { AuditResult } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import { checkEvidenceDir, writeEvidenceBundle } from '../evidence/bundle.ts';
import { loadSigningKey } from '../evidence/sign.ts';
import { SEVERITIES } from '../model/common.ts';
import type { Inventory } from '../model/inventory.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import { policyLinesOf, reportMeta } from '../report/meta.ts';
import { VERSION } from '../version.ts';
import { readResultFile } from './result-file.ts';

export const auditExtraFlags = {
  'fail-on': Flags.string({
    description: 'lowest severity that makes the exit code 1, or "new": only failures the baseline did not have',
    options: [...SEVERITIES.filter((s) => s !== 'info'), 'none', 'new'],
    default: 'high',
    env: 'KEYHYGIENE_FAIL_ON',
  }),
  baseline: Flags.string({
    description: "a previous JSON result: mark findings new, unchanged or resolved (overrides the policy's `baseline:`)",
    helpValue: 'FILE',
    env: 'KEYHYGIENE_BASELINE',
  }),
  evidence: Flags.string({
    description: 'write an evidence bundle to this new or empty directory: snapshot, resolved policy, result, every report, manifest',
    helpValue: 'DIR',
  }),
  'evidence-key': Flags.string({
    description: 'sign the evidence manifest with this Ed25519 or ECDSA private key (PEM; passphrase from KEYHYGIENE_SIGNING_KEY_PASSPHRASE)',
    helpValue: 'FILE',
    dependsOn: ['evidence'],
  }),
};

export interface AuditExtras {
  baselineFile?: string;
  baseline?: AuditResult;
  evidenceDir?: string;
  evidenceKey?: string;
  /** Loaded before collection: a wrong key or passphrase is exit 2 before anything is read or written. */
  signKey?: KeyObject;
}

/** Read the baseline, check the evidence directory and load the signing key before any collection work. */
export function prepareAuditExtras(
  flags: { baseline?: string; evidence?: string; 'evidence-key'?: string; 'fail-on'?: string },
  policy: ResolvedPolicy,
): AuditExtras {
  const baselineFile = flags.baseline ?? policy.baseline;
  if (flags['fail-on'] === 'new' && !baselineFile)
    throw new UserError({
      message: '--fail-on new needs a baseline.',
      hint: 'add --baseline previous.json (a JSON result of an earlier run) or `baseline:` in the policy',
    });
  if (flags.evidence) checkEvidenceDir(flags.evidence);
  return {
    ...(baselineFile ? { baselineFile, baseline: readResultFile(baselineFile, 'baseline') } : {}),
    ...(flags.evidence ? { evidenceDir: flags.evidence } : {}),
    ...(flags['evidence-key']
      ? { evidenceKey: flags['evidence-key'], signKey: loadSigningKey(flags['evidence-key'], process.env.KEYHYGIENE_SIGNING_KEY_PASSPHRASE) }
      : {}),
  };
}

export function applyAuditExtras(result: AuditResult, extras: AuditExtras): AuditResult {
  return extras.baseline ? applyBaseline(result, extras.baseline, extras.baselineFile) : result;
}

export function writeAuditEvidence(extras: AuditExtras, run: { inventory: Inventory; policy: ResolvedPolicy; result: AuditResult }): void {
  if (!extras.evidenceDir) return;
  const m = writeEvidenceBundle(
    extras.evidenceDir,
    {
      ...run,
      meta: reportMeta({ color: false, srcRoot: process.cwd(), ...policyLinesOf(run.result) }),
      toolVersion: VERSION,
      createdAt: new Date(),
      ...(extras.baselineFile ? { baselineFile: resolve(extras.baselineFile) } : {}),
    },
    { signKeyFile: extras.evidenceKey, signKey: extras.signKey, passphrase: process.env.KEYHYGIENE_SIGNING_KEY_PASSPHRASE },
  );
  process.stderr.write(`wrote evidence bundle ${extras.evidenceDir}: ${m.files.length} files${extras.evidenceKey ? ', manifest signed' : ''}\n`);
}
