// Azure Secure Key Release policies as Microsoft documents them ("Secure key release policy grammar",
// the confidential-VM and confidential-containers samples), for the rule and provider tests.
export const MAA = 'https://sharedeus2.eus2.attest.azure.net';
export const group = (conditions: unknown[], authority: string | undefined = MAA, op: 'allOf' | 'anyOf' = 'allOf') => ({
  ...(authority ? { authority } : {}),
  [op]: conditions,
});
export const policy = (...groups: unknown[]) => ({ version: '1.0.0', anyOf: groups });
export const c = (claim: string, equals: unknown) => ({ claim, equals });

/** Confidential containers on ACI: the documented policy pins the host data and forbids debugging. */
export const CONTAINERS = policy(
  group([
    c('x-ms-attestation-type', 'sevsnpvm'),
    c('x-ms-sevsnpvm-hostdata', '73973b78d70cc68353426de188db5dfc57e5b766e399935fb73a61127ea26d20'),
    c('x-ms-sevsnpvm-is-debuggable', false),
  ]),
);
/** Confidential VMs: the documented default policy trusts the compliance status, and says nothing about debugging. */
export const CVM_DEFAULT = policy(
  group(
    [c('x-ms-isolation-tee.x-ms-attestation-type', 'sevsnpvm'), c('x-ms-isolation-tee.x-ms-compliance-status', 'azure-compliant-cvm')],
    'https://sharedweu.weu.attest.azure.net',
  ),
);
/** The grammar's SGX sample, with the debug claim. */
export const SGX = policy(group([c('x-ms-attestation-type', 'sgx'), c('x-ms-sgx-is-debuggable', false), c('x-ms-sgx-mrsigner', 'a'.repeat(64))], `${MAA}/`));
