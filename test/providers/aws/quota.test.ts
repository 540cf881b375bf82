// The AWS quota table as the provider kit uses it: published rates times the fraction, shared
// CloudTrail quota, one bucket per account and region, and AWS errors classified for retries.
import { describe, expect, it } from 'vitest';
import { AWS_OPERATIONS } from '../../../src/providers/aws/client.ts';
import { awsQuotaTable, PUBLISHED_QUOTAS, quotaKeyOf } from '../../../src/providers/aws/quota.ts';
import { classify, createKit, type KitOptions } from '../../../src/providers/kit/index.ts';

const err = (name: string, status = 400) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const noSleep = async () => {};
const kitOf = (over: Partial<KitOptions> = {}) =>
  createKit({ provider: 'aws-kms', operations: AWS_OPERATIONS, quotas: awsQuotaTable(), callTimeoutMs: 1000, sleep: noSleep, ...over });

describe('AWS quota table', () => {
  it('uses the configured fraction of the published per-operation quota; overrides raise it', () => {
    const kit = kitOf({ quotaFraction: 0.5 });
    expect(kit.rateOf('kms:ListGrants')).toBe(50);
    expect(kit.rateOf('kms:DescribeKey')).toBe(1000);
    expect(kit.rateOf('cloudtrail:GetTrailStatus')).toBe(5);
    expect(kitOf({ quotaFraction: 0.5, quotas: awsQuotaTable({ 'kms:ListGrants': 400 }) }).rateOf('kms:ListGrants')).toBe(200);
    expect(kitOf({ quotaFraction: 1, quotas: awsQuotaTable({ 'cloudtrail:read': 40 }) }).rateOf('cloudtrail:DescribeTrails')).toBe(40);
    expect(PUBLISHED_QUOTAS['kms:ListKeyRotations']).toBe(100);
    expect(quotaKeyOf('cloudtrail:GetEventSelectors')).toBe('cloudtrail:read');
  });

  it('keeps one bucket per account, region and quota (CloudTrail reads share one)', async () => {
    const kit = kitOf();
    const ok = async () => ({});
    await kit.call('kms:ListGrants', { account: 'a', region: 'r' }, ok);
    await kit.call('kms:ListGrants', { account: 'b', region: 'r' }, ok);
    await kit.call('kms:ListGrants', { account: 'a', region: 'r2' }, ok);
    await kit.call('cloudtrail:DescribeTrails', { account: 'a', region: 'r' }, ok);
    await kit.call('cloudtrail:GetEventSelectors', { account: 'a', region: 'r' }, ok);
    for (const name of ['kms:ListGrants@a/r', 'kms:ListGrants@b/r', 'kms:ListGrants@a/r2', 'cloudtrail:read@a/r']) expect(kit.limiter.get(name)).toBeDefined();
    expect(kit.limiter.get('cloudtrail:DescribeTrails@a/r')).toBeUndefined();
    expect(kit.limiter.get('cloudtrail:read@a/r')?.rate).toBe(10);
  });

  it('classifies AWS SDK errors for the retry policy', () => {
    expect(classify(err('ThrottlingException')).kind).toBe('throttled');
    expect(classify(err('TooManyRequestsException', 429)).kind).toBe('throttled');
    expect(classify(err('KMSInternalException', 500)).kind).toBe('transient');
    expect(classify(err('TimeoutError', 0)).kind).toBe('timeout');
    expect(classify(err('AccessDeniedException')).kind).toBe('denied');
    expect(classify(err('NotFoundException')).kind).toBe('not-found');
    expect(classify(err('ExpiredTokenException')).kind).toBe('unauthenticated');
  });

  it('retries throttling and 5xx with backoff, then succeeds', async () => {
    const delays: number[] = [];
    const kit = kitOf({ quotaFraction: 1, retry: { maxAttempts: 5, baseMs: 100 }, random: () => 1, sleep: async (ms: number) => void delays.push(ms) });
    const failures = [err('ThrottlingException'), err('KMSInternalException', 500)];
    let calls = 0;
    const out = await kit.call('kms:ListGrants', { account: 'a', region: 'r' }, async () => {
      calls++;
      const f = failures.shift();
      if (f) throw f;
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(kit.stats).toMatchObject({ throttled: 1, retries: 2, calls: { 'kms:ListGrants': 3 } });
    // Full-jitter backoff (random = 1): 100 ms then 200 ms, besides the bucket's own waits.
    expect(delays).toContain(100);
    expect(delays).toContain(200);
    expect(kit.limiter.get('kms:ListGrants@a/r')?.rate).toBeLessThan(100);
  });

  it('does not retry AccessDenied and gives up after maxAttempts', async () => {
    const kit = kitOf({ retry: { maxAttempts: 3, baseMs: 0 } });
    let calls = 0;
    const deny = async () => {
      calls++;
      throw err('AccessDeniedException');
    };
    await expect(kit.call('kms:DescribeKey', { account: 'a', region: 'r' }, deny)).rejects.toThrow(/AccessDeniedException/);
    expect(calls).toBe(1);
    calls = 0;
    const throttle = async () => {
      calls++;
      throw err('ThrottlingException');
    };
    await expect(kit.call('kms:DescribeKey', { account: 'a', region: 'r' }, throttle)).rejects.toThrow(/ThrottlingException/);
    expect(calls).toBe(3);
  });
});
