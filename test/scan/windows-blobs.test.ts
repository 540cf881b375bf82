// Windows keys in a full-memory minidump: CNG key blobs (bcrypt.h: BCRYPT_RSAKEY_BLOB with RSA2 / RSA3,
// BCRYPT_ECCKEY_BLOB with ECS2/ECS4/ECS6, ECK2, and the generic ECDV / ECKV magics whose curve is not
// in the magic) and a CAPI PRIVATEKEYBLOB (BLOBHEADER 07 02, RSAPUBKEY "RSA2", little-endian fields), in a
// minidump written as MiniDumpWriteDump(MiniDumpWithFullMemory) lays it out (minidumpapiset.h:
// MINIDUMP_HEADER, stream directory, SystemInfoStream, ThreadListStream, ModuleListStream,
// Memory64ListStream with BaseRva and the ranges back to back). Every private blob is proven, matched and
// placed at its virtual address; public blobs (RSA1, ECS1) are no private finding.
import { generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-winblobs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');
const pad = (v: Buffer, n: number) => Buffer.concat([Buffer.alloc(Math.max(0, n - v.length)), v]);
const u32 = (n: number) => {
  const x = Buffer.alloc(4);
  x.writeUInt32LE(n);
  return x;
};
const jwkOf = (k: KeyObject) => k.export({ format: 'jwk' }) as JsonWebKey;

/** BCRYPT_ECCKEY_BLOB: dwMagic, cbKey, then X, Y and (private) d, big-endian, each cbKey bytes. */
function eccBlob(magic: string, k: KeyObject, size: number, priv: boolean): Buffer {
  const j = jwkOf(k);
  return Buffer.concat([Buffer.from(magic), u32(size), pad(b(j.x), size), pad(b(j.y), size), ...(priv ? [pad(b(j.d), size)] : [])]);
}

/** BCRYPT_RSAKEY_BLOB: Magic, BitLength, cbPublicExp, cbModulus, cbPrime1, cbPrime2, then e, n (and p, q; RSA3 adds dp, dq, qi, d). */
function rsaBlob(magic: 'RSA1' | 'RSA2' | 'RSA3', k: KeyObject): Buffer {
  const j = jwkOf(k);
  const n = b(j.n);
  const half = n.length / 2;
  const priv = magic !== 'RSA1';
  const head = [Buffer.from(magic), u32(n.length * 8), u32(b(j.e).length), u32(n.length), u32(priv ? half : 0), u32(priv ? half : 0)];
  const parts = [...head, b(j.e), n];
  if (priv) parts.push(pad(b(j.p), half), pad(b(j.q), half));
  if (magic === 'RSA3') parts.push(pad(b(j.dp), half), pad(b(j.dq), half), pad(b(j.qi), half), pad(b(j.d), n.length));
  return Buffer.concat(parts);
}

/** CAPI PRIVATEKEYBLOB: BLOBHEADER (PRIVATEKEYBLOB 0x07, version 2, CALG_RSA_KEYX), RSAPUBKEY, then n, p, q, dp, dq, qi, d little-endian. */
function capiBlob(k: KeyObject): Buffer {
  const j = jwkOf(k);
  const n = b(j.n);
  const half = n.length / 2;
  const le = (x: Buffer, len: number) => Buffer.from(pad(x, len)).reverse();
  const head = Buffer.from([0x07, 0x02, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x00]);
  const fields = [le(n, n.length), le(b(j.p), half), le(b(j.q), half), le(b(j.dp), half), le(b(j.dq), half), le(b(j.qi), half), le(b(j.d), n.length)];
  return Buffer.concat([head, Buffer.from('RSA2'), u32(n.length * 8), u32(65537), ...fields]);
}

/** A MiniDumpWithFullMemory dump of an x64 process: header, directory, system info, one thread, one module, Memory64List. */
function fullMemoryMinidump(ranges: { address: bigint; data: Buffer }[]): Buffer {
  const streams: { type: number; data: Buffer }[] = [];
  const sys = Buffer.alloc(56);
  sys.writeUInt16LE(9, 0); // PROCESSOR_ARCHITECTURE_AMD64
  sys.writeUInt32LE(10, 8); // MajorVersion
  streams.push({ type: 7, data: sys }); // SystemInfoStream
  const threads = Buffer.alloc(4 + 48);
  threads.writeUInt32LE(1, 0);
  threads.writeUInt32LE(4242, 4); // ThreadId
  streams.push({ type: 3, data: threads }); // ThreadListStream
  const modules = Buffer.alloc(4 + 108);
  modules.writeUInt32LE(1, 0);
  modules.writeBigUInt64LE(0x7ff6_0000_0000n, 4); // BaseOfImage
  streams.push({ type: 4, data: modules }); // ModuleListStream
  const list = Buffer.alloc(16 + 16 * ranges.length);
  streams.push({ type: 9, data: list }); // Memory64ListStream
  const dirRva = 32;
  let rva = dirRva + 12 * streams.length;
  const dirEntries = streams.map((s) => {
    const e = Buffer.alloc(12);
    e.writeUInt32LE(s.type, 0);
    e.writeUInt32LE(s.data.length, 4);
    e.writeUInt32LE(rva, 8);
    rva += s.data.length;
    return e;
  });
  list.writeBigUInt64LE(BigInt(ranges.length), 0);
  list.writeBigUInt64LE(BigInt(rva), 8); // BaseRva: the ranges' bytes start after the streams
  ranges.forEach((r, i) => {
    list.writeBigUInt64LE(r.address, 16 + 16 * i);
    list.writeBigUInt64LE(BigInt(r.data.length), 24 + 16 * i);
  });
  const header = Buffer.alloc(32);
  header.write('MDMP', 0, 'latin1');
  header.writeUInt32LE(0xa793, 4);
  header.writeUInt32LE(streams.length, 8);
  header.writeUInt32LE(dirRva, 12);
  header.writeBigUInt64LE(0x2n, 24); // Flags: MiniDumpWithFullMemory
  return Buffer.concat([header, ...dirEntries, ...streams.map((s) => s.data), ...ranges.map((r) => r.data)]);
}

describe('Windows CNG and CAPI key blobs in a full-memory minidump', () => {
  it('every private blob is proven, matched and placed at its virtual address; public blobs are not private', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa3 = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const capi = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const ecdh = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pubOnly = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pubRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const blobs: [string, Buffer][] = [
      ['rsa2', rsaBlob('RSA2', rsa.privateKey)],
      ['rsa3', rsaBlob('RSA3', rsa3.privateKey)],
      ['capi', capiBlob(capi.privateKey)],
      ['ecs2', eccBlob('ECS2', p256.privateKey, 32, true)],
      ['ecs4', eccBlob('ECS4', p384.privateKey, 48, true)],
      ['ecs6', eccBlob('ECS6', p521.privateKey, 66, true)],
      ['ecdv', eccBlob('ECDV', k1.privateKey, 32, true)],
      ['eckv', eccBlob('ECKV', ecdh.privateKey, 32, true)],
      ['ecs1', eccBlob('ECS1', pubOnly.privateKey, 32, false)],
      ['rsa1', rsaBlob('RSA1', pubRsa.privateKey)],
    ];
    const heap = Buffer.concat(blobs.flatMap(([, blob]) => [randomBytes(3001), blob]));
    const ranges = [
      { address: 0x7ff6_0000_0000n, data: randomBytes(64 * 1024) },
      { address: 0x0000_01d4_5a30_0000n, data: Buffer.concat([heap, randomBytes(4096 - (heap.length % 4096))]) },
    ];
    const data = fullMemoryMinidump(ranges);
    const file = join(dir, 'lsass-like.dmp');
    writeFileSync(file, data);
    const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).toString('base64');
    const keys = { rsa2: rsa, rsa3, capi, ecs2: p256, ecs4: p384, ecs6: p521, ecdv: k1, eckv: ecdh, ecs1: pubOnly, rsa1: pubRsa };
    const table = new KnownKeyTable(Object.entries(keys).map(([id, k]) => ({ id, publicKey: spki(k.publicKey) })));
    const r = await scanFile(file, 'lsass-like.dmp', { table });
    expect(r.gaps).toEqual([]);
    const heapAt = data.length - ranges[1].data.length;
    const priv = r.findings.filter((f) => f.proof === 'private-key-present');
    const want = blobs.slice(0, 8).map(([id, blob]) => {
      const at = heapAt + heap.indexOf(blob);
      return [id, at, id === 'capi' ? 'capi-blob' : 'cng-blob', `0x${(0x0000_01d4_5a30_0000n + BigInt(at - heapAt)).toString(16)}`];
    });
    expect(priv.map((f) => [f.matchedKeyId, f.offset, f.format, f.virtualAddress])).toEqual(want);
    expect(r.findings.filter((f) => f.matchedKeyId === 'ecs1' || f.matchedKeyId === 'rsa1').every((f) => f.proof === 'public-key-only')).toBe(true);
  });
});
