// `audit --iac FILE…`: the policy's providers replaced by the IaC provider over the given files.
import { isAbsolute, resolve } from 'node:path';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import { IacConfig } from '../providers/iac/schema.ts';
import { STDIN_ARG } from '../util/stdin-path.ts';

/**
 * The policy with `providers: { iac }` only, reading `files` (relative to the working directory) with
 * the policy's own `iac:` settings (account, region, sources). Without files, the policy unchanged.
 */
export function withIacFiles(policy: ResolvedPolicy, files: readonly string[] | undefined, changedOnly?: boolean, cwd = process.cwd()): ResolvedPolicy {
  if (!files?.length) return policy;
  // Paths stay as written when the policy lives in the working directory, so results name them as the user did.
  const paths = files.map((f) => (f === STDIN_ARG || isAbsolute(f) || resolve(policy.baseDir) === resolve(cwd) ? f : resolve(cwd, f)));
  const base = policy.providers.iac ?? {};
  const iac = IacConfig.parse({ ...base, paths, changedOnly: changedOnly || (policy.providers.iac?.changedOnly ?? false) });
  return { ...policy, providers: { iac } };
}
