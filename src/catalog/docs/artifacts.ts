import type { RuleDocs } from '../types.ts';

export const ARTIFACT_DOCS: Record<string, RuleDocs> = {
  'key-material-in-artifact': {
    remediation: {
      cli: 'Rotate the matched key now (see key-material-max-age), then delete the artefact: `aws s3 rm s3://BUCKET/KEY`; `keyhygiene scan PATH` re-checks',
      terraform: 'Lifecycle rules that expire crash dumps, and no replication of dump stores outside the signing boundary',
      console: 'Treat the key as compromised: rotate, revoke what it signed, then purge every copy of the artefact.',
    },
    examples: [
      { title: 'only a public modulus in the dump', outcome: 'pass' },
      {
        title: 'the private half of an inventoried key in a crash dump',
        outcome: 'fail',
        artifact: { proof: 'private-key-present', matchedKeyId: 'arn:aws:kms:us-east-1:111111111111:key/0000-sign' },
      },
    ],
  },
  'memory-artifact-in-untrusted-store': {
    remediation: {
      cli: 'Move or delete the dump: `aws s3 mv s3://DEBUG_BUCKET/KEY s3://PROD_DUMPS/KEY`; disable dump upload from signing hosts',
      terraform: '`aws_s3_bucket_public_access_block` on dump stores; no replication to debug accounts',
      console: 'Keep crash dumps of signing systems inside the production boundary, redacted, and analyse them there.',
    },
    examples: [
      { title: 'a crash dump kept in production', outcome: 'pass', artifact: { kind: 'memory-artifact', materialFormat: undefined, proof: undefined } },
      {
        title: 'a crash dump copied to the debugging environment (Storm-0558)',
        outcome: 'fail',
        artifact: {
          kind: 'memory-artifact',
          materialFormat: undefined,
          proof: undefined,
          store: { name: 'debug-uploads', environment: 'debug', internetReachable: false },
        },
      },
    ],
  },
};
