// S3 as a source, against a loopback fake that speaks just enough of the S3 REST protocol:
// objects are listed (paginated) and streamed through the scanner, a denied object becomes a gap,
// and only the two read operations are ever sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Reader } from '../../../src/providers/artifacts/client.ts';
import artifactsProvider from '../../../src/providers/artifacts/index.ts';
import { ReadOnlyViolation } from '../../../src/providers/kit/index.ts';
import { key as kmsKey, NOW } from '../../helpers/fixtures.ts';
import { encode, filler, makeKey } from '../../scan/material.ts';

const KEY_ID = 'arn:aws:kms:us-east-1:111111111111:key/0000-sign';
const signing = () => makeKey('rsa2048', 4);
let server: Server;
let endpoint: string;
const requests: string[] = [];
let objects: Record<string, Buffer>;

const xml = (s: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${s}`;

beforeAll(async () => {
  objects = {
    'dumps/a-notes.txt': Buffer.from('nothing to see'),
    'dumps/core.9.gz': gzipSync(
      Buffer.concat([
        Buffer.from('\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x04\0', 'latin1'),
        filler('mixed', 40_003),
        encode(signing(), 'bignum-le'),
        filler('mixed', 5000),
      ]),
    ),
    'dumps/denied.dmp': Buffer.from('MDMP'),
    'dumps/signer.dmp': Buffer.concat([
      Buffer.from('MDMP\x93\xa7\0\0', 'latin1'),
      filler('mixed', 20_001),
      encode(signing(), 'der-pkcs8'),
      filler('random', 999),
    ]),
    'other/ignored.dmp': Buffer.from('MDMP'),
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (req.method === 'GET' && bucket === 'crash' && key === '' && url.searchParams.get('list-type') === '2') {
      requests.push('ListObjectsV2');
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = Object.keys(objects)
        .filter((k) => k.startsWith(prefix))
        .sort();
      const start = Number(url.searchParams.get('continuation-token') ?? 0);
      const page = keys.slice(start, start + 2);
      const more = start + 2 < keys.length;
      res.setHeader('content-type', 'application/xml');
      res.end(
        xml(
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>crash</Name><Prefix>${prefix}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${more}</IsTruncated>${more ? `<NextContinuationToken>${start + 2}</NextContinuationToken>` : ''}${page.map((k) => `<Contents><Key>${k}</Key><Size>${objects[k]?.length}</Size></Contents>`).join('')}</ListBucketResult>`,
        ),
      );
      return;
    }
    if (req.method === 'GET' && bucket === 'crash' && objects[key]) {
      requests.push(`GetObject ${key}`);
      if (key.includes('denied')) {
        res.statusCode = 403;
        res.setHeader('content-type', 'application/xml');
        res.end(xml('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'));
        return;
      }
      res.setHeader('content-length', String(objects[key]?.length));
      res.end(objects[key]);
      return;
    }
    requests.push(`${req.method} ${url.pathname}`);
    res.statusCode = 400;
    res.end(xml('<Error><Code>NotImplemented</Code><Message>fake</Message></Error>'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('artifacts from S3', () => {
  it('lists and streams every object under the prefix, matches keys, and turns a denied object into a gap', async () => {
    requests.length = 0;
    const out = await artifactsProvider.collect(
      { paths: [{ path: 's3://crash/dumps/', endpoint, forcePathStyle: true, region: 'us-east-1', environment: 'debug' }] },
      { now: () => NOW, baseDir: '/', env: process.env, inventory: { keys: [kmsKey({ id: KEY_ID, publicKey: signing().spkiB64 })], publishedKeys: [] } },
    );
    expect(out.artifacts?.map((a) => [a.id, a.kind, a.artifactType, a.materialFormat, a.proof, a.matchedKeyId])).toEqual([
      ['s3://crash/dumps/core.9.gz!core.9', 'memory-artifact', 'elf-core', undefined, undefined, undefined],
      ['s3://crash/dumps/core.9.gz!core.9@40021', 'key-material', 'elf-core', 'rsa-modulus-le', 'private-key-present', KEY_ID],
      ['s3://crash/dumps/signer.dmp', 'memory-artifact', 'minidump', undefined, undefined, undefined],
      ['s3://crash/dumps/signer.dmp@20009', 'key-material', 'minidump', 'der-pkcs8', 'private-key-present', KEY_ID],
    ]);
    expect(out.gaps?.map((g) => [g.scope.subjectId, g.operation, g.reason, g.kind])).toEqual([
      [
        's3://crash/dumps/denied.dmp',
        's3:GetObject',
        'object s3://crash/dumps/denied.dmp could not be read: access denied (HTTP 403, AccessDenied); grant s3:GetObject to the audit identity (see `keyhygiene permissions`)',
        'denied',
      ],
    ]);
    expect(out.gaps?.[0]?.detail).toBeTruthy();
    expect(requests).toEqual([
      'ListObjectsV2',
      'GetObject dumps/a-notes.txt',
      'GetObject dumps/core.9.gz',
      'ListObjectsV2',
      'GetObject dumps/denied.dmp',
      'GetObject dumps/signer.dmp',
    ]);
  });

  it('refuses any operation outside the read-only allowlist before it is sent', async () => {
    requests.length = 0;
    const reader = s3Reader({ endpoint, forcePathStyle: true, region: 'us-east-1' }, process.env);
    await expect(reader.client.send(new PutObjectCommand({ Bucket: 'crash', Key: 'x', Body: 'y' }))).rejects.toBeInstanceOf(ReadOnlyViolation);
    expect(requests).toEqual([]);
  });

  it('an unreachable bucket listing is a gap, not a crash', async () => {
    const out = await artifactsProvider.collect(
      { paths: [{ path: 's3://nope/x/', endpoint, forcePathStyle: true, region: 'us-east-1' }] },
      { now: () => NOW, baseDir: '/', env: process.env },
    );
    expect(out.artifacts).toEqual([]);
    expect(out.gaps?.map((g) => [g.scope.subjectId, g.operation])).toEqual([['s3://nope/x/', 's3:ListObjectsV2']]);
  });
});
