// Windows kernel dumps (MEMORY.DMP: DUMP_HEADER64 "PAGEDU64", DUMP_HEADER32 "PAGEDUMP") say how large the
// whole dump is in RequiredDumpSpace (a LARGE_INTEGER at 0xFA0 of the header, as wdm.h and volatility's
// _DMP_HEADER64 lay it out). A copy cut short was scanned as far as it went and read clean.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { makeKey } from './material.ts';

const dir = mkdtempSync(join(tmpdir(), 'kh-kdump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A kernel dump header (0x2000 bytes for PAGEDU64, 0x1000 for PAGEDUMP) and `body` bytes of physical pages. */
function kernelDump(is64: boolean, required: number, body: Buffer): Buffer {
  const header = Buffer.alloc(is64 ? 0x2000 : 0x1000);
  header.write(is64 ? 'PAGEDU64' : 'PAGEDUMP', 0, 'latin1'); // Signature "PAGE", ValidDump "DU64"/"DUMP"
  header.writeUInt32LE(15, 8); // MajorVersion
  header.writeUInt32LE(1, is64 ? 0xf98 : 0xf88); // DumpType: full
  header.writeBigUInt64LE(BigInt(required), 0xfa0); // RequiredDumpSpace
  return Buffer.concat([header, body]);
}

describe('Windows kernel dumps', () => {
  for (const is64 of [true, false]) {
    const name = is64 ? 'PAGEDU64' : 'PAGEDUMP';
    it(`a ${name} dump shorter than its RequiredDumpSpace is a truncated gap counting the missing bytes; a whole one is not`, async () => {
      const k = makeKey('p256');
      const pages = Buffer.concat([randomBytes(5000), k.privateKey.export({ format: 'der', type: 'pkcs8' }), randomBytes(60_000)]);
      const whole = kernelDump(is64, (is64 ? 0x2000 : 0x1000) + pages.length, pages);
      writeFileSync(join(dir, 'MEMORY.DMP'), whole);
      const full = await scanFile(join(dir, 'MEMORY.DMP'), 'MEMORY.DMP');
      expect(full.gaps).toEqual([]);
      expect(full.entries.map((e) => e.artifactType)).toEqual(['kernel-dump']);
      writeFileSync(join(dir, 'cut.DMP'), whole.subarray(0, whole.length - 40_000));
      const cut = await scanFile(join(dir, 'cut.DMP'), 'cut.DMP');
      expect(cut.findings.map((f) => f.format)).toEqual(['der-pkcs8']);
      expect(cut.gaps).toEqual([
        { location: 'cut.DMP', operation: 'truncated', reason: expect.stringMatching(/Windows kernel dump.*40000 bytes of memory were not scanned/) },
      ]);
    });
  }
});
