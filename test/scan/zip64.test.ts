// zip64 archives (PKWARE APPNOTE 6.3: §4.3.14 zip64 end of central directory record, §4.3.15 zip64 end
// of central directory locator, §4.5.3 zip64 extended information extra field). Built from the APPNOTE
// with every 32-bit field moved to the zip64 records, and as Info-ZIP writes them (`zip -fz`). Their
// members are scanned; a zip64 archive missing its locator or an entry missing its extra field is a gap.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { makeKey } from './material.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-zip64-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = () => makeKey('p256', 21);
const pem = () => Buffer.from(key().privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
const table = () => new KnownKeyTable([{ id: 'kms/ec', publicKey: key().spkiB64 }]);
const FF = 0xffffffff;

/** The zip64 extended information extra field (header ID 0x0001): the given values as 8-byte fields, in order. */
function zip64Extra(values: number[]): Buffer {
  const x = Buffer.alloc(4 + 8 * values.length);
  x.writeUInt16LE(1, 0);
  x.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => {
    x.writeBigUInt64LE(BigInt(v), 4 + 8 * i);
  });
  return x;
}

/**
 * A stored (method 0) zip64 archive: local headers, a central directory whose sizes and offsets are all
 * 0xFFFFFFFF with the values in a zip64 extra field (original size, compressed size, local header
 * offset, in that order), the zip64 EOCD record, its locator and an EOCD of 0xFFFF / 0xFFFFFFFF.
 */
function zip64(members: { name: string; data: Buffer }[], opts: { locator?: boolean; extra?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(45, 4); // version needed: 4.5 (zip64)
    lh.writeUInt32LE(FF, 18);
    lh.writeUInt32LE(FF, 22);
    lh.writeUInt16LE(name.length, 26);
    const lextra = zip64Extra([m.data.length, m.data.length]);
    lh.writeUInt16LE(lextra.length, 28);
    const cextra = zip64Extra([m.data.length, m.data.length, offset]);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(45, 4);
    ch.writeUInt16LE(45, 6);
    ch.writeUInt32LE(FF, 20);
    ch.writeUInt32LE(FF, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(opts.extra === false ? 0 : cextra.length, 30);
    ch.writeUInt32LE(FF, 42);
    central.push(ch, name, ...(opts.extra === false ? [] : [cextra]));
    parts.push(lh, name, lextra, m.data);
    offset += lh.length + name.length + lextra.length + m.data.length;
  }
  const cd = Buffer.concat(central);
  const z = Buffer.alloc(56);
  z.writeUInt32LE(0x06064b50, 0);
  z.writeBigUInt64LE(44n, 4); // size of the rest of the record
  z.writeUInt16LE(45, 12);
  z.writeUInt16LE(45, 14);
  z.writeBigUInt64LE(BigInt(members.length), 24);
  z.writeBigUInt64LE(BigInt(members.length), 32);
  z.writeBigUInt64LE(BigInt(cd.length), 40);
  z.writeBigUInt64LE(BigInt(offset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  loc.writeBigUInt64LE(BigInt(offset + cd.length), 8);
  loc.writeUInt32LE(1, 16);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(FF, 12);
  eocd.writeUInt32LE(FF, 16);
  return Buffer.concat([...parts, cd, z, ...(opts.locator === false ? [] : [loc]), eocd]);
}

async function scan(name: string, data: Buffer) {
  writeFileSync(join(dir, name), data);
  return scanFile(join(dir, name), name, { table: table() });
}

describe('zip64 archives', () => {
  it('every 32-bit field in the zip64 records (APPNOTE 4.3.14, 4.3.15, 4.5.3): the members are scanned', async () => {
    const r = await scan(
      'z64.zip',
      zip64([
        { name: 'readme.txt', data: Buffer.from('hello\n') },
        { name: 'keys/signing.pem', data: pem() },
      ]),
    );
    expect(r.gaps).toEqual([]);
    expect(r.findings.map((f) => [f.location, f.format, f.proof, f.matchedKeyId])).toEqual([
      ['z64.zip!keys/signing.pem', 'pem', 'private-key-present', 'kms/ec'],
    ]);
  });

  it('as Info-ZIP writes it (zip -fz)', async () => {
    writeFileSync(join(dir, 'signing.pem'), pem());
    const out = join(dir, 'fz.zip');
    execFileSync('zip', ['-q', '-fz', '-j', out, join(dir, 'signing.pem')]);
    const r = await scanFile(out, 'fz.zip', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.findings.map((f) => [f.location, f.matchedKeyId])).toEqual([['fz.zip!signing.pem', 'kms/ec']]);
  });

  it('no zip64 locator, or an entry without its zip64 extra field: a gap, never clean', async () => {
    const noLoc = await scan('noloc.zip', zip64([{ name: 'k.pem', data: pem() }], { locator: false }));
    expect(noLoc.findings).toEqual([]);
    expect(noLoc.gaps.map((g) => [g.location, g.operation, g.reason])).toEqual([
      ['noloc.zip', 'read-zip', 'zip64 archive without its zip64 end-of-central-directory locator (APPNOTE 4.3.15)'],
    ]);
    const noExtra = await scan('noextra.zip', zip64([{ name: 'k.pem', data: pem() }], { extra: false }));
    expect(noExtra.gaps.map((g) => [g.location, g.operation])).toEqual([['noextra.zip!k.pem', 'read-zip']]);
    expect(noExtra.gaps[0]?.reason).toMatch(/zip64 extended information extra field/);
  });
});
