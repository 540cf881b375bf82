// Explicit registry of providers, loaded lazily so a cloud SDK is only imported when its block is used.
import type { ProviderDefinition } from './types.ts';

type Loader = () => Promise<ProviderDefinition<unknown>>;

export const PROVIDERS: Readonly<Record<string, Loader>> = {
  artifacts: async () => (await import('./artifacts/index.ts')).default as ProviderDefinition<unknown>,
  aws: async () => (await import('./aws/index.ts')).default as ProviderDefinition<unknown>,
  azure: async () => (await import('./azure/index.ts')).default as ProviderDefinition<unknown>,
  entra: async () => (await import('./entra/index.ts')).default as ProviderDefinition<unknown>,
  gcp: async () => (await import('./gcp/index.ts')).default as ProviderDefinition<unknown>,
  iac: async () => (await import('./iac/index.ts')).default as ProviderDefinition<unknown>,
  jwks: async () => (await import('./jwks/index.ts')).default as ProviderDefinition<unknown>,
  m365: async () => (await import('./m365/index.ts')).default as ProviderDefinition<unknown>,
  snapshot: async () => (await import('./snapshot/index.ts')).default as ProviderDefinition<unknown>,
};

export const PROVIDER_IDS = Object.keys(PROVIDERS).sort();
