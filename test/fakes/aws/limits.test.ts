// The AWS simulator's quotas as AWS documents them: KMS cryptographic operations share one bucket per
// key type, decided by the key they name; every read the provider sends has its own bucket per
// account and region (CloudTrail's three reads one); and the provider's kit paces each operation by
// the same bucket at the same documented rate (the simulator imports nothing from the provider).
import { DescribeKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_QUOTAS, KMS_CRYPTO_OPERATIONS, Quotas, quotaGroupOf } from '../../../src/fakes/aws/limits.ts';
import { type AwsFake, FAKE_ACCESS_KEY, FAKE_SECRET_KEY, startAwsFake } from '../../../src/fakes/aws/server.ts';
import type { FakeWorld } from '../../../src/fakes/aws/types.ts';
import { AWS_OPERATIONS } from '../../../src/providers/aws/client.ts';
import { awsQuotaTable, PUBLISHED_QUOTAS, quotaKeyOf } from '../../../src/providers/aws/quota.ts';
import { createKit } from '../../../src/providers/kit/index.ts';

describe('simulator quota groups', () => {
  it('cryptographic operations share one bucket per key type of the key they name', () => {
    const q = new Quotas({ 'kms:crypto-rsa': 2, 'kms:crypto-symmetric': 1, 'kms:DescribeKey': 1 });
    expect(q.throttle('111111111111', 'us-east-1', 'kms:Decrypt', 'RSA_2048')).toBe(false);
    expect(q.throttle('111111111111', 'us-east-1', 'kms:Sign', 'RSA_4096')).toBe(false);
    // The third RSA operation of the second, whatever the operation: throttled.
    expect(q.throttle('111111111111', 'us-east-1', 'kms:Verify', 'RSA_2048')).toBe(true);
    // Symmetric keys (and HMAC keys) have their own shared bucket; GenerateRandom names no key and draws on it.
    expect(q.throttle('111111111111', 'us-east-1', 'kms:Encrypt', 'SYMMETRIC_DEFAULT')).toBe(false);
    expect(q.throttle('111111111111', 'us-east-1', 'kms:GenerateRandom')).toBe(true);
    expect(q.throttle('111111111111', 'us-east-1', 'kms:GenerateMac', 'HMAC_256')).toBe(true);
    // Reads are independent of the cryptographic quotas, and every account and region has its own.
    expect(q.throttle('111111111111', 'us-east-1', 'kms:DescribeKey')).toBe(false);
    expect(q.throttle('222222222222', 'us-east-1', 'kms:Decrypt', 'RSA_2048')).toBe(false);
    expect(q.throttle('111111111111', 'eu-west-1', 'kms:Sign', 'RSA_2048')).toBe(false);
    // ECC and ML-DSA keys: buckets of their own (no rate given here: never throttled).
    expect(q.throttle('111111111111', 'us-east-1', 'kms:Sign', 'ECC_NIST_P256')).toBe(false);
    expect(quotaGroupOf('kms:Sign', 'ML_DSA_65')).toBe('kms:crypto-ml-dsa');
    expect(quotaGroupOf('kms:GenerateDataKeyPairWithoutPlaintext', 'RSA_2048')).toBe(quotaGroupOf('kms:GenerateDataKeyPair', 'RSA_2048'));
  });

  it("the provider's kit paces every operation it sends by the simulator's bucket, at the documented rate", () => {
    const kit = createKit({ provider: 'aws-kms', operations: AWS_OPERATIONS, quotas: awsQuotaTable(), quotaFraction: 1, callTimeoutMs: 1000 });
    let compared = 0;
    for (const op of AWS_OPERATIONS) {
      expect(KMS_CRYPTO_OPERATIONS).not.toContain(op);
      expect([op, quotaGroupOf(op)]).toEqual([op, quotaKeyOf(op)]);
      const documented = DOCUMENTED_QUOTAS[quotaGroupOf(op)];
      if (documented === undefined) continue;
      expect([op, kit.rateOf(op)]).toEqual([op, documented]);
      expect(PUBLISHED_QUOTAS[quotaKeyOf(op)]).toBe(documented);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(12);
  });
});

describe('simulator quota groups over the wire', () => {
  let fake: AwsFake;
  const world: FakeWorld = {
    callerAccount: '111111111111',
    accounts: [
      {
        id: '111111111111',
        name: 'prod',
        regions: { 'us-east-1': { keys: [{ id: 'rsa-signer', createdAt: '2026-01-01T00:00:00Z', spec: 'RSA_2048', usage: 'SIGN_VERIFY' }] } },
      },
      {
        id: '222222222222',
        name: 'shared',
        regions: { 'eu-west-1': { keys: [{ id: 'shared-ecc', createdAt: '2026-01-01T00:00:00Z', spec: 'ECC_NIST_P256', usage: 'SIGN_VERIFY' }] } },
      },
    ],
  };
  beforeAll(async () => {
    fake = await startAwsFake(world, { quotas: { ...DOCUMENTED_QUOTAS, 'kms:crypto-rsa': 3, 'kms:crypto-ecc': 2 } });
  });
  afterAll(() => fake.close());
  /** A KMS client of the caller account, in us-east-1, that does not retry. */
  const client = () =>
    new KMSClient({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: FAKE_ACCESS_KEY, secretAccessKey: FAKE_SECRET_KEY }, maxAttempts: 1 });
  /** 'served', or the name of the error the simulator answered with. */
  const answer = (kms: KMSClient, command: SignCommand) =>
    kms.send(command).then(
      () => 'served',
      (e: Error) => e.name,
    );

  it('production signing at the RSA quota is throttled; the audit read of the same key is not', async () => {
    const kms = client();
    const sign = () => answer(kms, new SignCommand({ KeyId: 'rsa-signer', Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }));
    const answers = await Promise.all([sign(), sign(), sign(), sign(), sign()]);
    // The simulator serves no cryptographic operation; the ones under the quota pass it and meet the route table.
    expect(answers.filter((a) => a === 'ThrottlingException').length).toBe(2);
    expect(answers.filter((a) => a === 'UnknownOperationException').length).toBe(3);
    const read = await kms.send(new DescribeKeyCommand({ KeyId: 'rsa-signer' }));
    expect(read.KeyMetadata?.KeySpec).toBe('RSA_2048');
    kms.destroy();
  });

  it("a cross-account request by key ARN draws on the caller's quota of that key's type, not the symmetric one", async () => {
    const kms = client();
    const KeyId = 'arn:aws:kms:eu-west-1:222222222222:key/shared-ecc';
    const sign = () => answer(kms, new SignCommand({ KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    const answers = await Promise.all([sign(), sign(), sign(), sign()]);
    expect(answers.filter((a) => a === 'ThrottlingException').length).toBe(2);
    // The ARN names the key; the same id is no key in the caller's own account.
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:111111111111:key/shared-ecc' }))).rejects.toThrow(/does not exist/);
    kms.destroy();
  });
});
