import type { ArtifactFinding } from '../../../src/model/artifact-finding.ts';
import rule from '../../../src/rules/exposure/memory-artifact-in-untrusted-store.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

function dump(store: ArtifactFinding['store'], overrides: Partial<ArtifactFinding> = {}): ArtifactFinding {
  return {
    id: '/shares/crash/signer.dmp',
    provider: 'artifacts',
    location: '/shares/crash/signer.dmp',
    offset: 0,
    kind: 'memory-artifact',
    artifactType: 'minidump',
    ...(store ? { store } : {}),
    ...overrides,
  };
}

ruleTester(rule, [
  { name: 'a crash dump in a debug store fails', inventory: { artifacts: [dump({ environment: 'debug' })] }, outcome: 'fail', messages: ['untrusted'] },
  {
    name: 'a core file in a CI store fails',
    inventory: { artifacts: [dump({ environment: 'ci' }, { artifactType: 'elf-core' })] },
    outcome: 'fail',
    messages: ['untrusted'],
  },
  {
    name: 'an internet-reachable store is critical whatever its environment',
    inventory: { artifacts: [dump({ environment: 'production', internetReachable: true })] },
    outcome: 'fail',
    messages: ['internet'],
    severity: 'critical',
  },
  { name: 'a dump kept in production passes', inventory: { artifacts: [dump({ environment: 'production' })] }, outcome: 'pass' },
  { name: 'a store known not to be reachable and with no environment passes', inventory: { artifacts: [dump({ internetReachable: false })] }, outcome: 'pass' },
  {
    name: 'untrusted kinds are configurable',
    inventory: { artifacts: [dump({ environment: 'ci' })] },
    options: { untrustedKinds: ['debug'] },
    outcome: 'pass',
  },
  { name: 'a store with no classification is unknown', inventory: { artifacts: [dump(undefined)] }, outcome: 'unknown', missing: 'store.environment' },
  {
    name: 'an environment the policy does not define is unknown',
    inventory: { artifacts: [dump({ environment: 'lab' })] },
    outcome: 'unknown',
    missing: 'store.environment',
  },
  {
    name: 'key material findings are judged by key-material-in-artifact, not here',
    inventory: {
      artifacts: [dump({ environment: 'debug' }, { id: '/x@1', kind: 'key-material', materialFormat: 'pem', proof: 'private-key-present', offset: 1 })],
    },
    outcome: 'not-applicable',
  },
]);
