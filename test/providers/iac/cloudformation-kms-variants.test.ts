// CloudFormation KMS key variants (fixture: test/fixtures/iac/cloudformation-kms-variants, from the
// CloudFormation User Guide pages AWS::KMS::Key and AWS::KMS::ReplicaKey).
import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES } from './helpers.ts';

const TEMPLATE = `${FIXTURES}/cloudformation-kms-variants/template.yaml`;

describe('iac provider: CloudFormation KMS key variants', () => {
  it('AWS::KMS::ReplicaKey is a key in the stack region, with the spec and usage of its primary', async () => {
    const out = await collectIac([TEMPLATE], { account: '111122223333', region: 'eu-west-1' });
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual(['HmacPrimary', 'HmacReplica', 'Imported', 'Rotated']);
    const replica = out.keys?.find((k) => k.source?.address === 'HmacReplica');
    expect(replica).toMatchObject({ region: 'eu-west-1', multiRegion: true, keyType: 'HMAC', keySize: 384, usage: ['mac'], rotation: { supported: false } });
    // ${AWS::Partition} follows the configured region: the policy is decided.
    expect(replica?.access?.[0]?.principal.id).toBe('arn:aws:iam::111122223333:root');
  });

  it('Origin EXTERNAL: imported, pending import (CloudFormation imports no material), expiry unknown', async () => {
    const out = await collectIac([TEMPLATE], { account: '111122223333', region: 'eu-west-1' });
    const imported = out.keys?.find((k) => k.source?.address === 'Imported');
    expect(imported).toMatchObject({ origin: 'imported', state: 'pending-import', rotation: { supported: false } });
    expect(imported && 'expiresAt' in imported).toBe(false);
    const rotated = out.keys?.find((k) => k.source?.address === 'Rotated');
    expect(rotated?.rotation).toEqual({ supported: true, automatic: true, periodDays: 180 });
  });
});
