// Explicit registry of providers, loaded lazily so a cloud SDK is only imported when its block is used.
import type { ProviderDefinition } from './types.ts';

type Loader = () => Promise<ProviderDefinition<unknown>>;

export const PROVIDERS: Readonly<Record<string, Loader>> = {
  snapshot: async () => (await import('./snapshot/index.ts')).default as ProviderDefinition<unknown>,
};

export const PROVIDER_IDS = Object.keys(PROVIDERS).sort();
