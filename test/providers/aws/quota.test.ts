import { describe, expect, it } from 'vitest';
import { classifyError, PUBLISHED_QUOTAS, QuotaManager, TokenBucket } from '../../../src/providers/aws/quota.ts';

const err = (name: string, status = 400) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('TokenBucket', () => {
  it('schedules requests at exactly the rate after a small burst', () => {
    let now = 0;
    const b = new TokenBucket(100, 3, () => now);
    const waits = Array.from({ length: 10 }, () => b.reserve());
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    // After the burst, one slot every 10 ms.
    expect(waits[9]).toBeCloseTo(70, 6);
    now = 1000;
    expect(b.reserve()).toBe(0);
  });

  it('slows down on throttling (×0.7, schedule pushed back) and creeps back on success', () => {
    let now = 0;
    const b = new TokenBucket(100, 1, () => now);
    b.penalize(50);
    expect(b.rate).toBeCloseTo(70, 6);
    expect(b.reserve()).toBe(50);
    for (let i = 0; i < 10; i++) b.reward();
    expect(b.rate).toBeCloseTo(80, 6);
    for (let i = 0; i < 100; i++) b.reward();
    expect(b.rate).toBe(100);
    now = 10_000;
    for (let i = 0; i < 20; i++) b.penalize(0);
    expect(b.rate).toBeCloseTo(100 / 16, 6);
  });
});

describe('classifyError', () => {
  it.each([
    [err('ThrottlingException'), 'throttled'],
    [err('TooManyRequestsException', 429), 'throttled'],
    [err('KMSInternalException', 500), 'transient'],
    [err('TimeoutError', 0), 'timeout'],
    [err('AccessDeniedException'), 'fatal'],
    [err('NotFoundException'), 'fatal'],
  ])('%s → %s', (e, kind) => {
    expect(classifyError(e)).toBe(kind);
  });
});

describe('QuotaManager', () => {
  const noSleep = async () => {};

  it('uses the configured fraction of the published per-operation quota', () => {
    const q = new QuotaManager({ fraction: 0.5, maxAttempts: 3, retryBaseMs: 0 });
    expect(q.rateOf('kms:ListGrants')).toBe(50);
    expect(q.rateOf('kms:DescribeKey')).toBe(1000);
    expect(q.rateOf('cloudtrail:GetTrailStatus')).toBe(5);
    const raised = new QuotaManager({ fraction: 0.5, quotas: { 'kms:ListGrants': 400 }, maxAttempts: 3, retryBaseMs: 0 });
    expect(raised.rateOf('kms:ListGrants')).toBe(200);
    expect(PUBLISHED_QUOTAS['kms:ListKeyRotations']).toBe(100);
  });

  it('keeps one bucket per account, region and operation (CloudTrail reads share one)', () => {
    const q = new QuotaManager({ fraction: 1, maxAttempts: 1, retryBaseMs: 0 });
    expect(q.bucket('a', 'r', 'kms:ListGrants')).toBe(q.bucket('a', 'r', 'kms:ListGrants'));
    expect(q.bucket('a', 'r', 'kms:ListGrants')).not.toBe(q.bucket('b', 'r', 'kms:ListGrants'));
    expect(q.bucket('a', 'r', 'kms:ListGrants')).not.toBe(q.bucket('a', 'r2', 'kms:ListGrants'));
    expect(q.bucket('a', 'r', 'cloudtrail:DescribeTrails')).toBe(q.bucket('a', 'r', 'cloudtrail:GetEventSelectors'));
  });

  it('retries throttling and 5xx with backoff, then succeeds', async () => {
    const delays: number[] = [];
    const q = new QuotaManager({ fraction: 1, maxAttempts: 5, retryBaseMs: 100, random: () => 1, sleep: async (ms) => void delays.push(ms) });
    const failures = [err('ThrottlingException'), err('KMSInternalException', 500)];
    let calls = 0;
    const out = await q.run('a', 'r', 'kms:ListGrants', async () => {
      calls++;
      const f = failures.shift();
      if (f) throw f;
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(q.stats).toMatchObject({ throttled: 1, retries: 2, calls: { 'kms:ListGrants': 3 } });
    // Full-jitter backoff (random = 1): 100 ms then 200 ms, besides the bucket's own waits.
    expect(delays).toContain(100);
    expect(delays).toContain(200);
    expect(q.bucket('a', 'r', 'kms:ListGrants').rate).toBeLessThan(100);
  });

  it('does not retry AccessDenied and gives up after maxAttempts', async () => {
    const q = new QuotaManager({ fraction: 1, maxAttempts: 3, retryBaseMs: 0, sleep: noSleep });
    let calls = 0;
    await expect(
      q.run('a', 'r', 'kms:DescribeKey', async () => {
        calls++;
        throw err('AccessDeniedException');
      }),
    ).rejects.toThrow('AccessDeniedException');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      q.run('a', 'r', 'kms:DescribeKey', async () => {
        calls++;
        throw err('ThrottlingException');
      }),
    ).rejects.toThrow('ThrottlingException');
    expect(calls).toBe(3);
  });
});
