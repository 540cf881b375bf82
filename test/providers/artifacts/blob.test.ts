// Azure Blob containers as a source, against a loopback fake of the Blob REST subset the provider
// uses (List Blobs with marker paging, Get Blob with x-ms-range, Get Blob Properties), reached by the
// real @azure/storage-blob SDK with a shared-key credential over http: blobs are listed page by page
// and streamed through the scanner, a broken stream is resumed with a ranged Get Blob, a denied or
// missing container and a refused connection become gaps, and only declared reads are ever sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../../src/policy/load.ts';
import { BLOB_OPERATIONS, type BlobOperation, blobReader, classifyBlobRequest } from '../../../src/providers/artifacts/client.ts';
import artifactsProvider, { type ArtifactsOverrides, collectArtifacts } from '../../../src/providers/artifacts/index.ts';
import { ArtifactsConfig } from '../../../src/providers/artifacts/schema.ts';
import { ReadOnlyViolation } from '../../../src/providers/kit/index.ts';
import { key as kmsKey, NOW } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { encode, filler, makeKey, secretStrings } from '../../scan/material.ts';

const KEY_ID = 'https://corp-signing.vault.azure.net/keys/token-signer/0001';
const ACCOUNT = 'devstoreaccount1';
// A fake account key, generated for this run: the fake checks only that requests carry SharedKey auth.
const credential = new StorageSharedKeyCredential(ACCOUNT, Buffer.from(`fake-${process.pid}-${Date.now()}`).toString('base64'));
const signing = () => makeKey('rsa2048', 5);
const stray = () => makeKey('p256', 5);

interface FakeBlob {
  data: Buffer;
  tier?: string;
  /** Bytes sent before the connection is cut, on every unranged (or every) Get Blob. */
  cutAt?: number;
  cutAlways?: boolean;
}

let server: Server;
let origin: string;
let closedOrigin: string;
/** What the fake received, as `<Operation> <blob> [range]`. */
const received: string[] = [];
let blobs: Record<string, FakeBlob>;

const xml = (s: string) => `<?xml version="1.0" encoding="utf-8"?>\n${s}`;
const ETAG = '"0x8DCAFEBABE"';
const LAST_MODIFIED = 'Sun, 22 Nov 2026 10:00:00 GMT';

function fail(res: import('node:http').ServerResponse, status: number, code: string, message: string) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/xml');
  res.setHeader('x-ms-error-code', code);
  res.end(
    xml(`<Error><Code>${code}</Code><Message>${message}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2026-11-22T10:00:00.0000000Z</Message></Error>`),
  );
}

beforeAll(async () => {
  blobs = {
    'dumps/a-notes.txt': { data: Buffer.from('nothing to see') },
    'dumps/archived.dmp': { data: Buffer.from('MDMP'), tier: 'Archive' },
    'dumps/broken.dmp': { data: Buffer.concat([Buffer.from('MDMP\x93\xa7\0\0', 'latin1'), filler('mixed', 30_000)]), cutAt: 10_000, cutAlways: true },
    'dumps/core.9.gz': {
      data: gzipSync(
        Buffer.concat([
          Buffer.from('\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x04\0', 'latin1'),
          filler('mixed', 40_003),
          encode(signing(), 'bignum-le'),
          filler('mixed', 5000),
        ]),
      ),
    },
    // The stray key is cut in the middle by the first response: found only if the resume works.
    'dumps/resumed.dmp': {
      data: Buffer.concat([Buffer.from('MDMP\x93\xa7\0\0', 'latin1'), filler('mixed', 12_000), encode(stray(), 'pem-pkcs8'), filler('mixed', 3000)]),
      cutAt: 12_060,
    },
    'dumps/signer.dmp': {
      data: Buffer.concat([Buffer.from('MDMP\x93\xa7\0\0', 'latin1'), filler('mixed', 20_001), encode(signing(), 'der-pkcs8'), filler('random', 999)]),
    },
    'other/ignored.dmp': { data: Buffer.from('MDMP') },
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, account, container, ...rest] = url.pathname.split('/');
    const name = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    res.setHeader('x-ms-request-id', '00000000-0000-0000-0000-000000000000');
    res.setHeader('x-ms-version', String(req.headers['x-ms-version'] ?? '2025-01-05'));
    const auth = String(req.headers.authorization ?? '');
    const what =
      req.method === 'GET' && !name && q.get('restype') === 'container' && q.get('comp') === 'list'
        ? 'ListBlobs'
        : req.method === 'GET' && name && !q.has('comp')
          ? 'GetBlob'
          : req.method === 'HEAD' && name && !q.has('comp')
            ? 'GetBlobProperties'
            : `${req.method} ${url.pathname}${url.search}`;
    const range = String(req.headers['x-ms-range'] ?? req.headers.range ?? '');
    received.push([what, container, name, range].filter(Boolean).join(' '));
    if (account !== ACCOUNT || !auth.startsWith(`SharedKey ${ACCOUNT}:`))
      return fail(res, 403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
    if (container === 'locked')
      return fail(res, 403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.');
    if (container !== 'crash') return fail(res, 404, 'ContainerNotFound', 'The specified container does not exist.');
    if (what === 'ListBlobs') {
      const prefix = q.get('prefix') ?? '';
      const names = Object.keys(blobs)
        .filter((k) => k.startsWith(prefix))
        .sort();
      const start = Number(q.get('marker') || 0);
      const page = names.slice(start, start + 2);
      const next = start + 2 < names.length ? String(start + 2) : '';
      res.setHeader('content-type', 'application/xml');
      res.end(
        xml(
          `<EnumerationResults ServiceEndpoint="${origin}/${ACCOUNT}/" ContainerName="crash"><Prefix>${prefix}</Prefix>${start ? `<Marker>${start}</Marker>` : ''}<MaxResults>2</MaxResults><Blobs>${page
            .map(
              (k) =>
                `<Blob><Name>${k}</Name><Properties><Last-Modified>${LAST_MODIFIED}</Last-Modified><Etag>${ETAG}</Etag><Content-Length>${blobs[k]?.data.length}</Content-Length><Content-Type>application/octet-stream</Content-Type><BlobType>BlockBlob</BlobType><AccessTier>${blobs[k]?.tier ?? 'Hot'}</AccessTier></Properties></Blob>`,
            )
            .join('')}</Blobs><NextMarker>${next}</NextMarker></EnumerationResults>`,
        ),
      );
      return;
    }
    const blob = blobs[name];
    if (!blob || (what !== 'GetBlob' && what !== 'GetBlobProperties')) return fail(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    if (blob.tier === 'Archive' && what === 'GetBlob') return fail(res, 409, 'BlobArchived', 'This operation is not permitted on an archived blob.');
    const total = blob.data.length;
    res.setHeader('etag', ETAG);
    res.setHeader('last-modified', LAST_MODIFIED);
    res.setHeader('x-ms-blob-type', 'BlockBlob');
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('content-type', 'application/octet-stream');
    if (what === 'GetBlobProperties') {
      res.setHeader('content-length', String(total));
      res.setHeader('x-ms-access-tier', blob.tier ?? 'Hot');
      res.end();
      return;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(range);
    if (m && req.headers['if-match'] !== ETAG) return fail(res, 412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.');
    const from = m ? Number(m[1]) : 0;
    const to = m?.[2] ? Math.min(Number(m[2]), total - 1) : total - 1;
    res.statusCode = m ? 206 : 200;
    if (m) res.setHeader('content-range', `bytes ${from}-${to}/${total}`);
    res.setHeader('content-length', String(to - from + 1));
    const body = blob.data.subarray(from, to + 1);
    if (blob.cutAt !== undefined && (blob.cutAlways || !m)) {
      // Send part of the body, then drop the connection: a truncated download.
      res.flushHeaders();
      res.write(body.subarray(0, Math.max(1, blob.cutAt - from)), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  closedOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  received.length = 0;
});

const sent: BlobOperation[] = [];
const overrides: ArtifactsOverrides = {
  blob: {
    credential,
    retry: { maxTries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 1, tryTimeoutInMs: 10_000 },
    maxResumes: 2,
    onOperation: (op) => sent.push(op),
  },
};
const ctx = (keys = [kmsKey({ id: KEY_ID, provider: 'azure-keyvault', publicKey: signing().spkiB64 })]) => ({
  now: () => NOW,
  baseDir: '/',
  env: {},
  inventory: { keys, publishedKeys: [] },
});
const opName = (r: string) => r.split(' ')[0] as string;

describe('artifacts from Azure Blob containers', () => {
  it('lists (marker paging) and streams every blob under the prefix, resumes a broken stream with a range, and matches keys', async () => {
    sent.length = 0;
    const container = `${origin}/${ACCOUNT}/crash`;
    const out = await collectArtifacts(
      { paths: [{ container, prefix: 'dumps/', name: 'crash-dumps', environment: 'debug', internetReachable: true }] },
      ctx(),
      overrides,
    );
    const at = (s: string) => `${container}/${s}`;
    expect(out.artifacts?.map((a) => [a.id, a.kind, a.artifactType, a.materialFormat, a.proof, a.matchedKeyId])).toEqual([
      [at('dumps/broken.dmp'), 'memory-artifact', 'minidump', undefined, undefined, undefined],
      [at('dumps/core.9.gz!core.9'), 'memory-artifact', 'elf-core', undefined, undefined, undefined],
      [at('dumps/core.9.gz!core.9@40021'), 'key-material', 'elf-core', 'rsa-modulus-le', 'private-key-present', KEY_ID],
      [at('dumps/resumed.dmp'), 'memory-artifact', 'minidump', undefined, undefined, undefined],
      [at('dumps/resumed.dmp@12008'), 'key-material', 'minidump', 'pem', 'private-key-present', undefined],
      [at('dumps/signer.dmp'), 'memory-artifact', 'minidump', undefined, undefined, undefined],
      [at('dumps/signer.dmp@20009'), 'key-material', 'minidump', 'der-pkcs8', 'private-key-present', KEY_ID],
    ]);
    expect(
      out.artifacts?.every((a) => JSON.stringify(a.store) === JSON.stringify({ name: 'crash-dumps', environment: 'debug', internetReachable: true })),
    ).toBe(true);
    expect(out.gaps?.map((g) => [g.scope.subjectId, g.operation, g.reason.replace(/\(.*\)/, '(…)')])).toEqual([
      [
        at('dumps/broken.dmp'),
        'blob:GetBlob',
        `truncated download: received 10002 of ${blobs['dumps/broken.dmp']?.data.length} bytes after 2 ranged resumes (…); scanned up to there`,
      ],
      [
        at('dumps/archived.dmp'),
        'blob:GetBlob',
        `blob ${at('dumps/archived.dmp')} could not be read: it is in the Archive tier, which serves no data; rehydrate it to Hot or Cool to scan it`,
      ],
    ]);
    // Exactly these requests, in this order: pages of two, the archived blob never fetched, ranged
    // resumes from the byte where each stream broke.
    expect(received).toEqual([
      'ListBlobs crash',
      'GetBlob crash dumps/a-notes.txt',
      'ListBlobs crash',
      'GetBlob crash dumps/broken.dmp',
      // the fake cuts every response of this blob: each resume gets one byte further
      'GetBlob crash dumps/broken.dmp bytes=10000-',
      'GetBlob crash dumps/broken.dmp bytes=10001-',
      'GetBlob crash dumps/core.9.gz',
      'ListBlobs crash',
      'GetBlob crash dumps/resumed.dmp',
      'GetBlob crash dumps/resumed.dmp bytes=12060-',
      'GetBlob crash dumps/signer.dmp',
    ]);
    expect(new Set(received.map(opName))).toEqual(new Set(['ListBlobs', 'GetBlob']));
    expect(sent.every((op) => (BLOB_OPERATIONS as readonly string[]).includes(op))).toBe(true);
    expectOnlyDeclared(sent, artifactsProvider);
    expect(sent.length).toBe(received.length);
    const text = JSON.stringify(out);
    for (const k of [signing(), stray()]) {
      const secrets = secretStrings(k);
      expect(secrets.length).toBeGreaterThan(5);
      for (const s of secrets) expect(text.includes(s), 'provider output contains private key bytes').toBe(false);
    }
    expect(text).not.toMatch(/PRIVATE KEY-----/);
  });

  it('a denied container, a missing container and a refused connection are gaps, and the audit goes on', async () => {
    const out = await collectArtifacts(
      {
        paths: [
          { container: `${origin}/${ACCOUNT}/locked` },
          { container: `${origin}/${ACCOUNT}/gone`, prefix: 'x/' },
          { container: `${closedOrigin}/${ACCOUNT}/crash` },
          { container: `${origin}/${ACCOUNT}/crash`, prefix: 'dumps/signer' },
        ],
      },
      ctx(),
      overrides,
    );
    expect(out.artifacts?.map((a) => [a.kind, a.matchedKeyId])).toEqual([
      ['memory-artifact', undefined],
      ['key-material', KEY_ID],
    ]);
    const gaps = out.gaps ?? [];
    expect(gaps.map((g) => [g.scope.subjectId, g.operation])).toEqual([
      [`${origin}/${ACCOUNT}/locked/`, 'blob:ListBlobs'],
      [`${origin}/${ACCOUNT}/gone/x/`, 'blob:ListBlobs'],
      [`${closedOrigin}/${ACCOUNT}/crash/`, 'blob:ListBlobs'],
    ]);
    expect(gaps[0]?.reason).toBe(
      `the blob list of container ${origin}/${ACCOUNT}/locked/ could not be read: access denied (HTTP 403, AuthorizationPermissionMismatch); grant the audit identity "Storage Blob Data Reader" on the container (DataAction Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read)`,
    );
    expect(gaps[1]?.reason).toMatch(/^the blob list of container \S+\/gone\/x\/ could not be read: not found \(HTTP 404, ContainerNotFound\); check that/);
    expect(gaps[2]?.reason).toMatch(/^the blob list of container \S+\/crash\/ could not be read: the service failed \(ECONNREFUSED\); rerun/);
    // The service's own words only in detail (reports show it with --debug).
    expect(gaps[0]?.detail).toMatch(/This request is not authorized/);
    expect(gaps[1]?.detail).toMatch(/The specified container does not exist/);
    for (const g of gaps) expect(g.reason).not.toMatch(/This request is not authorized|The specified container does not exist/);
    expect(received.filter((r) => r.startsWith('ListBlobs locked'))).toHaveLength(1);
  });

  it('refuses any request outside the declared reads before it is signed or sent', async () => {
    sent.length = 0;
    const reader = blobReader(`${origin}/${ACCOUNT}/crash`, overrides.blob, {});
    const blob = reader.client.getBlockBlobClient('dumps/signer.dmp');
    const attempts: [string, () => Promise<unknown>][] = [
      ['upload', () => blob.upload('x', 1)],
      ['delete blob', () => blob.delete()],
      ['set metadata', () => blob.setMetadata({ a: 'b' })],
      ['get tags (a read, but not declared)', () => blob.getTags()],
      ['create container', () => reader.client.create()],
      ['delete container', () => reader.client.delete()],
      ['container properties', () => reader.client.getProperties()],
      ['other container', () => reader.client.getBlobClient('../other/x').download()],
    ];
    for (const [what, run] of attempts) await expect(run(), what).rejects.toBeInstanceOf(ReadOnlyViolation);
    expect(received).toEqual([]);
    expect(sent).toEqual([]);
    // The declared reads pass the guard.
    await expect(reader.properties('dumps/signer.dmp')).resolves.toEqual({ size: blobs['dumps/signer.dmp']?.data.length, etag: ETAG, accessTier: 'Hot' });
    expect(received).toEqual(['GetBlobProperties crash dumps/signer.dmp']);
    expect(sent).toEqual(['blob:GetBlobProperties']);
  });

  it('classifies requests by method, container and sub-resource', () => {
    const c = 'https://acct.blob.core.windows.net/dumps';
    expect(classifyBlobRequest(c, 'GET', `${c}?restype=container&comp=list&prefix=a`)).toBe('blob:ListBlobs');
    expect(classifyBlobRequest(c, 'GET', `${c}/a/b.dmp`)).toBe('blob:GetBlob');
    expect(classifyBlobRequest(c, 'HEAD', `${c}/a/b.dmp?versionid=1`)).toBe('blob:GetBlobProperties');
    expect(classifyBlobRequest(c, 'PUT', `${c}/a/b.dmp`)).toBeUndefined();
    expect(classifyBlobRequest(c, 'GET', `${c}/a/b.dmp?comp=tags`)).toBeUndefined();
    expect(classifyBlobRequest(c, 'GET', `${c}?restype=container`)).toBeUndefined();
    expect(classifyBlobRequest(c, 'GET', 'https://acct.blob.core.windows.net/other/a.dmp')).toBeUndefined();
    expect(classifyBlobRequest(c, 'GET', 'https://evil.example/dumps/a.dmp')).toBeUndefined();
  });

  it('credentials never travel over plain http: a token credential on an http URL is a gap, nothing is sent', async () => {
    const token = { getToken: async () => ({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const out = await collectArtifacts({ paths: [{ container: `${origin}/${ACCOUNT}/crash` }] }, ctx([]), { blob: { ...overrides.blob, credential: token } });
    expect(out.gaps?.map((g) => g.operation)).toEqual(['blob:ListBlobs']);
    expect(out.gaps?.[0]?.reason).toMatch(/could not be read: a token credential would travel over plain http, so nothing was sent; use the https:\/\/ URL/);
    expect(out.gaps?.[0]?.detail).toMatch(/non-TLS|https/i);
    expect(received).toEqual([]);
  });
});

describe('Azure Blob source configuration', () => {
  it('accepts container URLs of any cloud, with a prefix and sovereign-cloud sign-in', () => {
    const ok = ArtifactsConfig.safeParse({
      paths: [
        { container: 'https://dumps.blob.core.windows.net/crash', prefix: 'prod/', environment: 'debug' },
        { container: 'https://govdumps.blob.core.usgovcloudapi.net/crash/', authorityHost: 'https://login.microsoftonline.us' },
        {
          container: 'https://stack.blob.local.azurestack.external/crash',
          authorityHost: 'https://adfs.local.azurestack.external',
          audience: 'https://storage.local.azurestack.external/',
        },
        { path: 's3://bucket/prefix/', region: 'eu-west-1' },
        './dumps',
      ],
    });
    expect(ok.success, JSON.stringify(ok.error?.issues)).toBe(true);
  });

  it.each([
    [{ container: 'http://dumps.blob.core.windows.net/crash' }, 'container', /must be an https URL/],
    [{ container: 'https://dumps.blob.core.windows.net/crash?sv=2024&sig=abc' }, 'container', /SAS token/],
    [{ container: 'https://dumps.blob.core.windows.net/crash/prod' }, 'container', /put a blob name prefix in `prefix`/],
    [{ container: 'https://dumps.blob.core.windows.net/' }, 'container', /must name exactly the container/],
    [{ container: 'https://dumps.blob.core.windows.net/Crash_Dumps' }, 'container', /invalid container name/],
    [{ container: 'https://dumps.blob.core.windows.net/crash', region: 'eu-west-1' }, 'region', /s3:\/\/ sources only/],
    [{ path: './dumps', prefix: 'x/' }, 'prefix', /Azure Blob sources/],
    [{ path: 's3://b/p', container: 'https://dumps.blob.core.windows.net/crash' }, 'container', /not both/],
    [{ name: 'nothing' }, 'path', /needs `path`.*or `container`/],
  ])('rejects %j with a message on %s', (source, key, message) => {
    const r = ArtifactsConfig.safeParse({ paths: [source] });
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path.at(-1) === key);
    expect(issue?.message, JSON.stringify(r.error?.issues)).toMatch(message);
  });

  it('a bad container in a policy file is a located error, not a stack trace', () => {
    const text = [
      'version: 1',
      'providers:',
      '  artifacts:',
      '    paths:',
      '      - { container: "https://dumps.blob.core.windows.net/crash?sig=abc" }',
      '',
    ].join('\n');
    expect(() => parsePolicyText(text, 'keyhygiene.yaml')).toThrow(/keyhygiene\.yaml:5.*SAS token/s);
  });

  it('declares the Blob reads and the data action they need', () => {
    expect(artifactsProvider.operations).toEqual(expect.arrayContaining([...BLOB_OPERATIONS]));
    const notes = artifactsProvider.permissions?.().notes?.join('\n') ?? '';
    expect(notes).toContain('Storage Blob Data Reader');
    expect(notes).toContain('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read');
  });
});
