import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classify,
  createKit,
  Limiter,
  mapPool,
  parseRetryAfter,
  ReadFailure,
  ReadOnlyViolation,
  retryTransient,
  TokenBucket,
} from '../../../src/providers/kit/index.ts';

const noSleep = async () => {};

describe('TokenBucket', () => {
  it('spaces requests at the rate after the burst', () => {
    let t = 0;
    const b = new TokenBucket(10, 3, () => t);
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    expect(b.reserve()).toBeCloseTo(100);
    t = 1000;
    expect(b.reserve()).toBe(0);
  });
  it('slows down when penalized and recovers with rewards', () => {
    const b = new TokenBucket(100, 1, () => 0);
    b.penalize(0);
    expect(b.rate).toBeCloseTo(70);
    for (let i = 0; i < 100; i++) b.reward();
    expect(b.rate).toBe(100);
  });
  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
  });
});

describe('Limiter', () => {
  it('waits for the slowest bucket and charges all at that moment', () => {
    const t = 0;
    const l = new Limiter(() => t);
    l.define('fast', 1000, 1);
    l.define('slow', 1, 1);
    expect(l.reserve(['fast', 'slow'])).toBe(0);
    expect(l.reserve(['fast', 'slow'])).toBeCloseTo(1000);
    // The fast bucket was charged at t=1000, not at t=0.
    expect(l.reserve(['fast'])).toBeCloseTo(1001);
  });
});

describe('classify', () => {
  it.each([
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }, 'denied'],
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, 'throttled'],
    [{ name: 'NotFoundException', $metadata: { httpStatusCode: 400 } }, 'not-found'],
    [{ name: 'KMSInternalException', $metadata: { httpStatusCode: 500 } }, 'transient'],
    [{ name: 'RestError', statusCode: 403, code: 'Forbidden' }, 'denied'],
    [{ name: 'RestError', statusCode: 429 }, 'throttled'],
    [{ name: 'RestError', code: 'ECONNRESET' }, 'transient'],
    [{ name: 'CredentialUnavailableError', message: 'no credential' }, 'unauthenticated'],
    [{ code: 7, message: '7 PERMISSION_DENIED: denied' }, 'denied'],
    [{ code: 8, message: 'RESOURCE_EXHAUSTED' }, 'throttled'],
    [{ code: 12, message: 'UNIMPLEMENTED' }, 'unsupported'],
    [{ code: 14, message: 'UNAVAILABLE' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [new SyntaxError('Unexpected end of JSON input'), 'invalid-response'],
    [new Error('something odd'), 'error'],
  ])('%o → %s', (err, kind) => {
    expect(classify(err).kind).toBe(kind);
  });
  it('reads Retry-After in seconds, as a date and in ms headers', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(classify({ statusCode: 429, response: { headers: new Headers({ 'retry-after': '2' }) } }).retryAfterMs).toBe(2000);
    expect(classify({ $metadata: { httpStatusCode: 503 }, $response: { headers: { 'Retry-After': '1' } } }).retryAfterMs).toBe(1000);
  });
});

describe('ProviderKit.call', () => {
  const base = { provider: 'p', operations: ['svc:Read'], callTimeoutMs: 1000, sleep: noSleep, random: () => 1 };

  it('refuses an undeclared operation before calling anything', async () => {
    const kit = createKit(base);
    let called = false;
    await expect(
      kit.call('svc:Write', {}, async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(ReadOnlyViolation);
    expect(called).toBe(false);
  });

  it('retries transient failures and returns the answer', async () => {
    const kit = createKit(base);
    let n = 0;
    const out = await kit.call('svc:Read', {}, async () => {
      if (++n < 3) throw Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 503 } });
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(kit.stats).toMatchObject({ retries: 2, calls: { 'svc:Read': 3 } });
  });

  it('waits at least the Retry-After before retrying a throttled call', async () => {
    const waits: number[] = [];
    const kit = createKit({ ...base, random: () => 0, sleep: async (ms) => void waits.push(ms) });
    let n = 0;
    await kit.call('svc:Read', {}, async () => {
      if (++n === 1) throw { statusCode: 429, response: { headers: new Headers({ 'retry-after': '4' }) } };
      return 1;
    });
    expect(waits.some((w) => w >= 4000)).toBe(true);
    expect(kit.stats.throttled).toBe(1);
  });

  it('does not retry a denial and reports it classified', async () => {
    const kit = createKit(base);
    let n = 0;
    const err = await kit
      .call('svc:Read', {}, async () => {
        n++;
        throw { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } };
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ReadFailure);
    expect((err as ReadFailure).failure.kind).toBe('denied');
    expect(n).toBe(1);
  });

  it('gives up after maxAttempts', async () => {
    const kit = createKit({ ...base, retry: { maxAttempts: 3 } });
    let n = 0;
    const err = await kit
      .call('svc:Read', {}, async () => {
        n++;
        throw { $metadata: { httpStatusCode: 500 } };
      })
      .catch((e) => e);
    expect((err as ReadFailure).failure.kind).toBe('transient');
    expect(n).toBe(3);
  });

  it('ends a call that never answers at its deadline, even if the client ignores the signal', async () => {
    const kit = createKit({ ...base, callTimeoutMs: 30, retry: { maxAttempts: 2 } });
    const started = performance.now();
    const err = await kit.call('svc:Read', {}, () => new Promise(() => {})).catch((e) => e);
    expect((err as ReadFailure).failure.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(kit.stats.timeouts).toBe(2);
  });

  it('cancels reads once the budget runs out, and read() turns that into a gap', async () => {
    const kit = createKit({ ...base, callTimeoutMs: 5000, budgetMs: 40, sleep: undefined });
    const got = await kit.read('svc:Read', { account: '1', gap: { what: 'the keys of account 1', scope: { account: '1' } } }, () => new Promise(() => {}));
    expect(got).toBeUndefined();
    const [gap] = kit.gaps.list();
    expect(gap).toMatchObject({ provider: 'p', operation: 'svc:Read', scope: { account: '1' }, kind: 'cancelled' });
    expect(gap?.reason).toMatch(/^the keys of account 1 could not be read: the provider's time budget ran out.*budgetMs/);
    kit.finish();
  });

  it('names the permission a denied read needs', async () => {
    const kit = createKit({ ...base, permissionOf: (op) => (op === 'svc:Read' ? 'svc:ReadThing' : undefined) });
    await kit.read('svc:Read', { gap: { what: 'the thing', affects: ['access'] } }, async () => {
      throw { statusCode: 403, code: 'Forbidden', message: 'raw service text' };
    });
    const [gap] = kit.gaps.list();
    expect(gap?.reason).toBe(
      'the thing could not be read: access denied (HTTP 403, Forbidden); grant svc:ReadThing to the audit identity (see `keyhygiene permissions`)',
    );
    expect(gap?.detail).toBe('raw service text');
    expect(gap?.affects).toEqual(['access']);
  });
});

describe('ProviderKit.paginate', () => {
  const base = { provider: 'p', operations: ['svc:List'], callTimeoutMs: 1000, sleep: noSleep, random: () => 1 };

  it('a page token that repeats fails the list as an invalid response, never a silently shorter list', async () => {
    const kit = createKit(base);
    const items: number[] = [];
    const pages = [
      { items: [1, 2], next: 'a' },
      { items: [3], next: 'b' },
      { items: [4], next: 'a' },
    ];
    let i = 0;
    const listing = kit.paginate(
      'svc:List',
      {},
      async () => pages[i++] ?? { items: [], next: undefined },
      (p) => p.next,
      (p) => items.push(...p.items),
    );
    const err = await listing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReadFailure);
    expect(classify(err)).toMatchObject({ kind: 'invalid-response', code: 'RepeatedPageToken' });
    // What a caller records from that failure is a gap, not the three pages as if whole.
    kit.failed('svc:List', err, { what: 'the things', scope: {} });
    expect(kit.gaps.list()).toHaveLength(1);
    expect(kit.gaps.list()[0]?.kind).toBe('invalid-response');
  });

  it('follows every page to the end when tokens do not repeat', async () => {
    const kit = createKit(base);
    const items: number[] = [];
    const pages: Record<string, { items: number[]; next?: string }> = { '': { items: [1], next: 'a' }, a: { items: [2], next: 'b' }, b: { items: [3] } };
    await kit.paginate(
      'svc:List',
      {},
      async (t) => pages[t ?? ''] as { items: number[]; next?: string },
      (p) => p.next,
      (p) => items.push(...p.items),
    );
    expect(items).toEqual([1, 2, 3]);
  });
});

describe('ProviderKit against a loopback server that never answers', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer(() => {
      /* accept, never answer */
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('records a timeout gap instead of hanging', async () => {
    const kit = createKit({ provider: 'p', operations: ['http:GET'], callTimeoutMs: 100, retry: { maxAttempts: 2, baseMs: 1 } });
    const body = await kit.read('http:GET', { gap: { what: `the key set at ${url}`, scope: { subjectId: url } } }, (signal) =>
      fetch(url, { signal }).then((r) => r.text()),
    );
    expect(body).toBeUndefined();
    expect(kit.gaps.list()[0]).toMatchObject({ kind: 'timeout', scope: { subjectId: url } });
    kit.finish();
  });
});

describe('pool', () => {
  it('keeps at most `limit` in flight and visits every item', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await mapPool([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      seen.push(x);
      active--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('visits every item after the budget ran out, each ending as a gap', async () => {
    const kit = createKit({ provider: 'p', operations: ['svc:Read'], callTimeoutMs: 1000, budgetMs: 1 });
    await new Promise((r) => setTimeout(r, 10));
    await kit.pool(['a', 'b', 'c'], 2, async (id) => {
      await kit.read('svc:Read', { gap: { what: `key ${id}`, scope: { subjectId: id } } }, async () => 1);
    });
    expect(kit.gaps.list().map((g) => g.scope.subjectId)).toEqual(['a', 'b', 'c']);
    kit.finish();
  });
});

// Shapes observed from @azure/identity 4 (EnvironmentCredential over MSAL) when the token endpoint,
// behind the fault proxy of test/faults, answered 503, 429, reset the connection or sent a broken body.
const authError = (description: string) =>
  Object.assign(new Error(`EnvironmentCredential authentication failed. Status code: 400\nMore details:\n${description}`), {
    name: 'AuthenticationError',
    statusCode: 400,
    errorResponse: { error: 'EnvironmentCredential authentication failed.', errorDescription: description },
  });

describe('classify: token endpoint faults are not rejected credentials', () => {
  it('503, a reset, a broken body or a broken discovery document from the token endpoint is transient', () => {
    expect(classify(authError('server_error: A server error occured.\nHttp status code: 503')).kind).toBe('transient');
    expect(classify(authError('network_error: See https://aka.ms/msal.js.errors#network_error for details')).kind).toBe('transient');
    expect(classify(authError('endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error')).kind).toBe('transient');
  });
  it('429 from the token endpoint is throttling', () => {
    expect(classify(authError('client_error: A client error occured.\nHttp status code: 429')).kind).toBe('throttled');
  });
  it('a rejected secret stays unauthenticated, even when the text also mentions a status', () => {
    expect(classify(authError('invalid_client: AADSTS7000215: Invalid client secret provided.\nHttp status code: 401')).kind).toBe('unauthenticated');
    expect(classify({ name: 'CredentialUnavailableError', message: 'EnvironmentCredential is unavailable' }).kind).toBe('unauthenticated');
  });
});

describe('retryTransient', () => {
  it('retries transient failures and returns the first success', async () => {
    let n = 0;
    const v = await retryTransient(
      async () => {
        if (++n < 3) throw authError('network_error: reset');
        return 'token';
      },
      { maxAttempts: 4, baseMs: 1, capMs: 2 },
    );
    expect([v, n]).toEqual(['token', 3]);
  });
  it('does not retry what retrying cannot fix, and gives up after maxAttempts', async () => {
    let n = 0;
    const denied = retryTransient(
      async () => {
        n++;
        throw authError('invalid_client: AADSTS7000215');
      },
      { maxAttempts: 4, baseMs: 1, capMs: 2 },
    );
    await expect(denied).rejects.toThrow(/authentication failed/);
    expect(n).toBe(1);
    n = 0;
    const flaky = retryTransient(
      async () => {
        n++;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
      { maxAttempts: 3, baseMs: 1, capMs: 2 },
    );
    await expect(flaky).rejects.toThrow(/hang up/);
    expect(n).toBe(3);
  });
});

describe('ProviderKit.call with retry kinds', () => {
  it('retries only the kinds named (a pipeline that retries 5xx itself leaves only broken bodies to the kit)', async () => {
    const kit = createKit({
      provider: 't',
      operations: ['op'],
      callTimeoutMs: 1000,
      retry: { maxAttempts: 3, baseMs: 1, capMs: 1, kinds: ['invalid-response'] },
      sleep: noSleep,
    });
    let broken = 0;
    const ok = await kit.call('op', {}, async () => {
      if (++broken < 3) throw new SyntaxError('Unexpected end of JSON input');
      return 'ok';
    });
    expect([ok, broken]).toEqual(['ok', 3]);
    let unavailable = 0;
    await expect(
      kit.call('op', {}, async () => {
        unavailable++;
        throw Object.assign(new Error('Service Unavailable'), { statusCode: 503 });
      }),
    ).rejects.toBeInstanceOf(ReadFailure);
    expect(unavailable).toBe(1);
  });
});

describe('ProviderKit: many partitions at once', () => {
  it('maxInFlight bounds the calls in flight across every partition, and every call still completes', async () => {
    const kit = createKit({ provider: 't', operations: ['op'], quotas: { rates: { op: 1e6 } }, callTimeoutMs: 5_000, maxInFlight: 3 });
    let active = 0;
    let peak = 0;
    const one = (account: string) =>
      kit.call('op', { account, region: 'r' }, async () => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return account;
      });
    const accounts = Array.from({ length: 20 }, (_, i) => String(i));
    expect(await Promise.all(accounts.map(one))).toEqual(accounts);
    expect(peak).toBe(3);
    kit.finish();
  });

  it('shareOf gives a partition a share of its quota (a shard of N spends 1/N of the caller account)', () => {
    const kit = createKit({
      provider: 't',
      operations: ['op'],
      quotas: { rates: { op: 100 } },
      quotaFraction: 0.9,
      callTimeoutMs: 1_000,
      shareOf: (s) => (s.account === 'home' ? 1 / 4 : 1),
      sleep: noSleep,
    });
    const rateOf = async (account: string) => {
      await kit.call('op', { account, region: 'r' }, async () => 1);
      return kit.limiter.get(`op@${account}/r`)?.rate;
    };
    return Promise.all([rateOf('home'), rateOf('member')]).then(([home, member]) => {
      expect(home).toBeCloseTo(22.5);
      expect(member).toBeCloseTo(90);
      kit.finish();
    });
  });
});
