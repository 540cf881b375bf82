// The documented Azure request limits the provider paces itself by: data for the provider kit's
// buckets (one per quota the service enforces: a vault's data plane, a subscription's Key Vault
// total, ARM reads per subscription), sized to a fraction of the limit. No logic here.

/** Documented limits (performance.md §1.3), in requests per second unless noted. */
export const AZURE_LIMITS = {
  /** Key Vault: 4,000 transactions per 10 s per vault for software RSA-2048 / EC keys; heavier keys weigh more. */
  vaultPerSecond: 400,
  /** The whole subscription gets 5× one vault's limit. */
  subscriptionVaultMultiplier: 5,
  /** Managed HSM: "Get Key Information" 1,100/s per HSM instance (one partition's worth, conservatively). */
  managedHsmPerSecond: 1100,
  /** ARM reads: a bucket of 250 refilled at 25/s per subscription, principal and region. */
  armPerSecond: 25,
  armBurst: 250,
} as const;
