// What `keyhygiene policy init` can audit on this machine: credentials each cloud SDK's standard
// chain would find (environment variables, CLI login files). Reads no secret and calls no cloud:
// presence of variables and files only, plus ids the user already chose (region, subscription,
// project). Pure over the injected environment and file check.
import { join } from 'node:path';
import type { StarterProviders } from './starter.ts';

export interface Finding {
  provider: 'aws' | 'azure' | 'gcp';
  /** What was found, for the user ("AWS_PROFILE=dev", "~/.azure (az login)"). Never a secret value. */
  evidence: string;
}

export interface Detection {
  found: Finding[];
  providers: StarterProviders;
}

const SUBSCRIPTION = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

function awsEvidence(env: NodeJS.ProcessEnv, exists: (path: string) => boolean, home: string | undefined): string | undefined {
  if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  if (env.AWS_ACCESS_KEY_ID) return 'AWS_ACCESS_KEY_ID';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'AWS_ROLE_ARN with a web identity token (OIDC)';
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return 'container credentials';
  const files = [env.AWS_SHARED_CREDENTIALS_FILE, env.AWS_CONFIG_FILE, home && join(home, '.aws', 'credentials'), home && join(home, '.aws', 'config')];
  const file = files.find((f): f is string => !!f && f !== '/dev/null' && exists(f));
  return file ? file : undefined;
}

function azureEvidence(env: NodeJS.ProcessEnv, exists: (path: string) => boolean, home: string | undefined): string | undefined {
  if (env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID) return env.AZURE_FEDERATED_TOKEN_FILE ? 'AZURE_CLIENT_ID with a federated token (OIDC)' : 'AZURE_CLIENT_ID';
  const profile = env.AZURE_CONFIG_DIR ?? (home ? join(home, '.azure') : undefined);
  if (profile && exists(join(profile, 'azureProfile.json'))) return `${join(profile, 'azureProfile.json')} (az login)`;
  return undefined;
}

function gcpEvidence(env: NodeJS.ProcessEnv, exists: (path: string) => boolean, home: string | undefined): string | undefined {
  if (env.GOOGLE_APPLICATION_CREDENTIALS) return 'GOOGLE_APPLICATION_CREDENTIALS';
  const adc = env.CLOUDSDK_CONFIG ?? (home ? join(home, '.config', 'gcloud') : undefined);
  if (adc && exists(join(adc, 'application_default_credentials.json')))
    return `${join(adc, 'application_default_credentials.json')} (gcloud auth application-default login)`;
  return undefined;
}

const one = (value: string | undefined, shape: RegExp) => (value && shape.test(value) ? [value] : undefined);

/** The clouds whose credentials are at hand, and the policy blocks that would audit them. */
export function detectProviders(env: NodeJS.ProcessEnv, exists: (path: string) => boolean): Detection {
  const home = env.HOME ?? env.USERPROFILE;
  const found: Finding[] = [];
  const providers: StarterProviders = {};
  const aws = awsEvidence(env, exists, home);
  if (aws) {
    found.push({ provider: 'aws', evidence: aws });
    const regions = one(env.AWS_REGION ?? env.AWS_DEFAULT_REGION, REGION);
    providers.aws = regions ? { regions } : {};
  }
  const azure = azureEvidence(env, exists, home);
  if (azure) {
    found.push({ provider: 'azure', evidence: azure });
    const subscriptions = one(env.AZURE_SUBSCRIPTION_ID, SUBSCRIPTION);
    providers.azure = subscriptions ? { subscriptions } : {};
  }
  const gcp = gcpEvidence(env, exists, home);
  if (gcp) {
    found.push({ provider: 'gcp', evidence: gcp });
    const projects = one(env.GOOGLE_CLOUD_PROJECT ?? env.CLOUDSDK_CORE_PROJECT, PROJECT);
    providers.gcp = projects ? { projects } : {};
  }
  return { found, providers };
}
