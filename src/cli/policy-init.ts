// `keyhygiene policy init`: which providers the starter policy audits — what the flags say, else
// what was found on this machine, confirmed on a terminal (flags only when not interactive).
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { type Detection, detectProviders } from '../policy/detect.ts';
import type { StarterProviders } from '../policy/starter.ts';

export interface InitFlags {
  aws?: boolean;
  azure?: boolean;
  gcp?: boolean;
  'aws-region'?: string[];
  'azure-subscription'?: string[];
  'gcp-project'?: string[];
  jwks?: string[];
  snapshot?: string[];
}

/** Ask one question and return the answer (a terminal prompt, or a script in tests). */
export type Ask = (question: string) => Promise<string>;

const CLOUDS = ['aws', 'azure', 'gcp'] as const;
const NAMES = { aws: 'AWS KMS', azure: 'Azure Key Vault and Managed HSM', gcp: 'Google Cloud KMS' };

/** True when the flags decide the providers themselves (nothing to ask). */
const decidedByFlags = (f: InitFlags) =>
  CLOUDS.some((c) => f[c] !== undefined) || !!(f['aws-region'] || f['azure-subscription'] || f['gcp-project'] || f.jwks || f.snapshot);

/** The providers from flags over detection: --aws / --no-aws force a cloud on or off; ids imply it on. */
export function providersFromFlags(flags: InitFlags, detection: Detection): StarterProviders {
  const p: StarterProviders = {};
  const ids = { aws: flags['aws-region'], azure: flags['azure-subscription'], gcp: flags['gcp-project'] };
  for (const c of CLOUDS) {
    const on = flags[c] ?? (ids[c] !== undefined || detection.providers[c] !== undefined);
    if (!on) continue;
    if (c === 'aws') p.aws = ids.aws ? { regions: ids.aws } : (detection.providers.aws ?? {});
    if (c === 'azure') p.azure = ids.azure ? { subscriptions: ids.azure } : (detection.providers.azure ?? {});
    if (c === 'gcp') p.gcp = ids.gcp ? { projects: ids.gcp } : (detection.providers.gcp ?? {});
  }
  if (flags.jwks?.length) p.jwks = flags.jwks;
  if (flags.snapshot?.length) p.snapshot = flags.snapshot;
  return p;
}

const yes = (answer: string) => !/^\s*n/i.test(answer);

/** On a terminal with no deciding flag: confirm each cloud found, and ask for a JWKS URL. */
export async function askProviders(detection: Detection, ask: Ask): Promise<StarterProviders> {
  const p: StarterProviders = {};
  for (const f of detection.found) {
    if (!yes(await ask(`Found ${f.provider.toUpperCase()} credentials (${f.evidence}). Audit ${NAMES[f.provider]}? [Y/n] `))) continue;
    if (f.provider === 'aws') p.aws = detection.providers.aws ?? {};
    if (f.provider === 'azure') p.azure = detection.providers.azure ?? {};
    if (f.provider === 'gcp') p.gcp = detection.providers.gcp ?? {};
  }
  const url = (await ask("A JWKS URL to audit (your identity provider's published keys), or Enter for none: ")).trim();
  if (url) p.jwks = [url];
  return p;
}

/** What the starter policy will audit, and what was found (for the closing message). */
export async function chooseProviders(
  flags: InitFlags,
  io: { env: NodeJS.ProcessEnv; interactive: boolean; ask?: Ask; exists?: (path: string) => boolean },
): Promise<{ providers: StarterProviders; detection: Detection }> {
  const detection = detectProviders(io.env, io.exists ?? existsSync);
  if (decidedByFlags(flags) || !io.interactive) return { providers: providersFromFlags(flags, detection), detection };
  const ask = io.ask ?? terminalAsk;
  return { providers: await askProviders(detection, ask), detection };
}

async function terminalAsk(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
