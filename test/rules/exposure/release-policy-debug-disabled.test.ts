// Azure Secure Key Release policies, from the documented samples: the confidential-VM default policy
// (x-ms-isolation-tee claims, no debug claim), the confidential-containers policy (is-debuggable false),
// the SGX grammar sample, and what the grammar cannot say.
import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../../src/model/key-record.ts';
import rule from '../../../src/rules/exposure/release-policy-debug-disabled.ts';
import { judgeReleasePolicy } from '../../../src/rules/lib/release-policy.ts';
import { CONTAINERS, CVM_DEFAULT, c, group, MAA, policy, SGX } from '../../helpers/azure-release-policies.ts';
import { gap, key } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const exportable = (document: unknown, extra: Partial<KeyRecord> = {}) =>
  key({ exportable: true, releasePolicy: { immutable: false, contentType: 'application/json; charset=utf-8', document }, ...extra });
/** An exportable key whose one release path requires a SEV-SNP token and these conditions. */
const snp = (...conditions: unknown[]) => exportable(policy(group([c('x-ms-attestation-type', 'sevsnpvm'), ...conditions])));

ruleTester(rule, [
  { name: 'confidential containers: SEV-SNP, not debuggable, Azure Attestation', inventory: { keys: [exportable(CONTAINERS)] }, outcome: 'pass' },
  { name: 'SGX grammar sample with is-debuggable false', inventory: { keys: [exportable(SGX)] }, outcome: 'pass' },
  {
    name: 'confidential VM default policy: no debug claim, so a debuggable CVM can receive the key',
    inventory: { keys: [exportable(CVM_DEFAULT)] },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  {
    name: 'a policy that requires a debuggable VM',
    inventory: { keys: [exportable(policy(group([c('x-ms-attestation-type', 'sevsnpvm'), c('x-ms-sevsnpvm-is-debuggable', true)])))] },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  {
    name: 'two authority groups, one without the debug claim: that path fails',
    inventory: { keys: [exportable(policy(CONTAINERS.anyOf[0], group([c('x-ms-attestation-type', 'sevsnpvm')], 'https://other.weu.attest.azure.net')))] },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  ...['https://evil.example?.attest.azure.net', 'https://evil.example#.attest.azure.net', 'https://evil.example\\.attest.azure.net'].map((authority) => ({
    name: `an authority whose host is not attest.azure.net, though its text ends so: ${authority}`,
    inventory: { keys: [exportable(policy(group([c('x-ms-attestation-type', 'sevsnpvm'), c('x-ms-sevsnpvm-is-debuggable', false)], authority)))] },
    outcome: 'fail' as const,
    messages: ['debugPath' as const],
  })),
  {
    name: 'a regional authority (several labels under attest.azure.net) matches the default pattern',
    inventory: {
      keys: [
        exportable(policy(group([c('x-ms-attestation-type', 'sevsnpvm'), c('x-ms-sevsnpvm-is-debuggable', false)], 'https://sharedweu.weu.attest.azure.net'))),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'nested anyOf: both branches forbid debugging, so every path does',
    inventory: {
      keys: [
        exportable(
          policy(
            group([
              c('x-ms-attestation-type', 'sevsnpvm'),
              { anyOf: [{ allOf: [c('x-ms-sevsnpvm-is-debuggable', false), c('x-ms-sevsnpvm-guestsvn', 1)] }, c('x-ms-sevsnpvm-is-debuggable', false)] },
            ]),
          ),
        ),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'nested anyOf where one branch does not forbid debugging',
    inventory: {
      keys: [
        exportable(
          policy(group([c('x-ms-attestation-type', 'sevsnpvm'), { anyOf: [c('x-ms-sevsnpvm-is-debuggable', false), c('x-ms-sevsnpvm-guestsvn', 1)] }])),
        ),
      ],
    },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  {
    name: 'an authority that is not Azure Attestation',
    inventory: { keys: [exportable(policy({ ...(CONTAINERS.anyOf[0] as object), authority: 'https://attest.example.com' }))] },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  {
    name: 'an attestation authority accepted by option',
    inventory: { keys: [exportable(policy({ ...(CONTAINERS.anyOf[0] as object), authority: 'https://attest.example.com' }))] },
    options: { authorities: ['https://attest.example.com'] },
    outcome: 'pass',
  },
  {
    name: 'no attestation type required',
    inventory: { keys: [exportable(policy(group([c('x-ms-sevsnpvm-is-debuggable', false)])))] },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  {
    name: 'exportable without a release policy',
    inventory: { keys: [key({ exportable: true, releasePolicy: null })] },
    outcome: 'fail',
    messages: ['noPolicy'],
  },
  {
    name: 'is-debuggable notEquals true with no attestation type pinned: a token of another type (without the claim) meets it',
    inventory: { keys: [exportable(policy(group([{ claim: 'x-ms-sevsnpvm-is-debuggable', notEquals: true }])))] },
    outcome: 'fail',
    messages: ['debugPath', 'debugPath'],
  },
  {
    name: 'the SEV-SNP debug claim notEquals true on an SGX path: SGX tokens never carry it',
    inventory: {
      keys: [
        exportable(
          policy(group([c('x-ms-attestation-type', 'sgx'), c('x-ms-sgx-is-debuggable', false), { claim: 'x-ms-sevsnpvm-is-debuggable', notEquals: true }])),
        ),
      ],
    },
    outcome: 'pass',
  },
  {
    name: 'is-debuggable notEquals true on a SEV-SNP path: whether every SEV-SNP token carries the claim decides it: unknown',
    inventory: { keys: [snp({ claim: 'x-ms-sevsnpvm-is-debuggable', notEquals: true })] },
    outcome: 'unknown',
    missing: 'releasePolicy',
    because: /cannot be decided: requires x-ms-sevsnpvm-is-debuggable != true rather than == false/,
  },
  {
    name: 'notEquals true beside equals false in one allOf: false is pinned',
    inventory: { keys: [snp({ claim: 'x-ms-sevsnpvm-is-debuggable', notEquals: true }, c('x-ms-sevsnpvm-is-debuggable', false))] },
    outcome: 'pass',
  },
  {
    name: 'an anyOf of equals false and notEquals true guarantees only not-true',
    inventory: { keys: [snp({ anyOf: [c('x-ms-sevsnpvm-is-debuggable', false), { claim: 'x-ms-sevsnpvm-is-debuggable', notEquals: true }] })] },
    outcome: 'unknown',
    missing: 'releasePolicy',
    because: /!= true rather than == false/,
  },
  ...[{ exists: true }, { exists: false }, { lessOrEquals: 0 }].map((cond) => ({
    name: `is-debuggable ${JSON.stringify(cond)} pins no value: fails`,
    inventory: { keys: [exportable(policy(group([c('x-ms-attestation-type', 'sgx'), { claim: 'x-ms-sgx-is-debuggable', ...cond }])))] },
    outcome: 'fail' as const,
    messages: ['debugPath' as const],
  })),
  {
    name: 'a documented ordering on another claim narrows a path that already forbids debugging: pass',
    inventory: { keys: [snp(c('x-ms-sevsnpvm-is-debuggable', false), { claim: 'x-ms-sevsnpvm-guestsvn', greaterOrEquals: 2 })] },
    outcome: 'pass',
  },
  {
    name: 'an anyOf whose other branch only orders a claim lets a debuggable VM through',
    inventory: { keys: [snp({ anyOf: [c('x-ms-sevsnpvm-is-debuggable', false), { claim: 'x-ms-sevsnpvm-guestsvn', greaterOrEquals: 2 }] })] },
    outcome: 'fail',
    messages: ['debugPath'],
  },
  {
    name: 'an operator outside the grammar is unknown, with the clause',
    inventory: { keys: [snp({ claim: 'x-ms-sevsnpvm-is-debuggable', in: [false] })] },
    outcome: 'unknown',
    missing: 'releasePolicy',
    because: /outside the grammar.*"in"/,
  },
  {
    name: 'a condition with two operators is unknown',
    inventory: { keys: [snp({ claim: 'x-ms-sevsnpvm-is-debuggable', equals: false, notEquals: true })] },
    outcome: 'unknown',
    missing: 'releasePolicy',
    because: /outside the grammar/,
  },
  {
    name: 'an undocumented policy version is unknown',
    inventory: { keys: [exportable({ ...CONTAINERS, version: '2.0.0' })] },
    outcome: 'unknown',
    missing: 'releasePolicy',
    because: /unknown policy version "2\.0\.0"/,
  },
  {
    name: 'a policy that could not be decoded is unknown',
    inventory: { keys: [key({ exportable: true, releasePolicy: { undecodable: 'not JSON' } })] },
    outcome: 'unknown',
    missing: 'releasePolicy',
    because: /could not be decoded \(not JSON\)/,
  },
  { name: 'release policy not collected', inventory: { keys: [key({ exportable: true })] }, outcome: 'unknown', missing: 'releasePolicy' },
  { name: 'exportability not collected', inventory: { keys: [key({ exportable: undefined })] }, outcome: 'unknown', missing: 'exportable' },
  { name: 'a key that is not exportable', inventory: { keys: [key({ exportable: false })] }, outcome: 'not-applicable' },
  {
    name: 'release policy hidden by a gap',
    inventory: {
      keys: [exportable(CONTAINERS)],
      gaps: [gap({ id: 'aws-kms:gap:releasePolicy', operation: 'keyvault:GetKey', affects: ['releasePolicy'] })],
    },
    outcome: 'unknown',
    missing: 'releasePolicy',
    gapOperation: 'keyvault:GetKey',
  },
]);

describe('release policy messages', () => {
  it('name the path and what it lets through', () => {
    const { results } = runRule(rule, { inventory: { keys: [exportable(CVM_DEFAULT)] } });
    expect(results[0]?.message).toMatch(
      /via https:\/\/sharedweu\.weu\.attest\.azure\.net does not require x-ms-sevsnpvm-is-debuggable or x-ms-sgx-is-debuggable == false/,
    );
  });
  it('show the clause that cannot be decided', () => {
    const v = judgeReleasePolicy(policy(group([{ claim: 'x-ms-sevsnpvm-is-debuggable', contains: 'true' }])), {
      attestationTypes: ['sevsnpvm'],
      authorities: [MAA],
    });
    expect(v.paths[0]?.undecided).toMatch(/contains/);
  });
});
