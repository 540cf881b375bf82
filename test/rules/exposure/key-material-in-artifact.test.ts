import type { ArtifactFinding } from '../../../src/model/artifact-finding.ts';
import rule from '../../../src/rules/exposure/key-material-in-artifact.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/0000-sign';

function finding(overrides: Partial<ArtifactFinding> = {}): ArtifactFinding {
  return {
    id: '/dumps/signer.dmp@123457',
    provider: 'artifacts',
    location: '/dumps/signer.dmp',
    offset: 123457,
    kind: 'key-material',
    artifactType: 'minidump',
    materialFormat: 'rsa-modulus-le',
    keyType: 'RSA',
    proof: 'private-key-present',
    matchedKeyId: KEY,
    store: { environment: 'debug' },
    ...overrides,
  };
}

ruleTester(rule, [
  {
    name: 'a proven private key matched to an inventoried key is critical and names the key',
    inventory: { artifacts: [finding()] },
    outcome: 'fail',
    messages: ['matched'],
    severity: 'critical',
  },
  {
    name: 'a private key that matches no inventoried key still fails, at the configured severity',
    inventory: { artifacts: [finding({ matchedKeyId: undefined, materialFormat: 'pem' })] },
    outcome: 'fail',
    messages: ['unmatched'],
    severity: 'high',
  },
  {
    name: 'an encrypted private key is flagged as such',
    inventory: { artifacts: [finding({ proof: 'unproven', encrypted: true, matchedKeyId: undefined, materialFormat: 'pem-encrypted' })] },
    outcome: 'fail',
    messages: ['encrypted'],
  },
  {
    name: 'encrypted keys can be accepted by option',
    inventory: { artifacts: [finding({ proof: 'unproven', encrypted: true, matchedKeyId: undefined, materialFormat: 'pem-encrypted' })] },
    options: { reportEncrypted: false },
    outcome: 'pass',
  },
  {
    name: 'a PEM private key the scanner could not parse or verify (truncated) is unknown, never a pass',
    inventory: { artifacts: [finding({ proof: 'unproven', matchedKeyId: undefined, materialFormat: 'pem' })] },
    outcome: 'unknown',
    missing: 'proof',
    because: /could not be parsed or verified/,
  },
  {
    name: 'an OpenSSH private key block that did not verify is unknown',
    inventory: { artifacts: [finding({ proof: 'unproven', matchedKeyId: undefined, materialFormat: 'openssh' })] },
    outcome: 'unknown',
    missing: 'proof',
    because: /openssh private key material/,
  },
  {
    name: 'an EC public point with no private scalar proven near it is public material: passes',
    inventory: { artifacts: [finding({ proof: 'unproven', matchedKeyId: undefined, materialFormat: 'ec-point' })] },
    outcome: 'pass',
  },
  {
    name: 'only the public half of an inventoried key (a certificate, a JWKS cache) passes',
    inventory: { artifacts: [finding({ proof: 'public-key-only', materialFormat: 'rsa-modulus-be' })] },
    outcome: 'pass',
  },
  {
    name: 'a finding without a proof state is unknown, never a pass',
    inventory: { artifacts: [finding({ proof: undefined })] },
    outcome: 'unknown',
    missing: 'proof',
  },
  {
    name: 'a memory-artifact record is judged by memory-artifact-in-untrusted-store, not here',
    inventory: {
      artifacts: [
        { id: '/dumps/signer.dmp', provider: 'artifacts', location: '/dumps/signer.dmp', offset: 0, kind: 'memory-artifact', artifactType: 'minidump' },
      ],
    },
    outcome: 'not-applicable',
  },
]);
