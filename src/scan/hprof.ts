// Java heap dumps (hprof, as `jcmd PID GC.heap_dump`, `jmap -dump` and -XX:+HeapDumpOnOutOfMemoryError
// write them). RSA and EC keys are found in the raw bytes (BigInteger magnitudes are int[] arrays, written
// big-endian; ECPrivateKeyImpl keeps its SEC1 encoding). An Ed25519 or X25519 private key is a plain
// byte[32] (EdDSAPrivateKeyImpl.h, XDHPrivateKeyImpl.k) in its own object, not beside the public key: the
// byte[32] arrays near a known public key are read as the format's PRIMITIVE ARRAY DUMP sub-records and
// each is derived. Format: the HPROF binary format of the JDK (heapDumper.cpp; "HPROF Agent" manual):
// "JAVA PROFILE 1.0.x\0", u4 identifier size, u8 time; sub-record 0x23 = tag, array id, u4 stack trace
// serial, u4 number of elements, u1 element type (8: byte), the elements.
import { okpPublic } from './keyproof.ts';
import type { ReadAt } from './layout.ts';
import type { RawHit } from './types.ts';

/** How far from a known public key byte[32] arrays are looked at (the key objects are allocated together). */
export const HPROF_SEED_RADIUS = 256 * 1024;
/** Public-key hits followed per file (each costs one read of 2 × the radius and a derivation per array). */
const MAX_HITS = 64;
const PRIM_ARRAY_DUMP = 0x23;
const T_BYTE = 8;

/** The identifier size of an hprof stream (4 or 8), or undefined when the header is not hprof's. */
export function hprofIdSize(read: ReadAt): number | undefined {
  const head = read(0, 32);
  const nul = head.indexOf(0);
  if (nul < 0 || !head.toString('latin1', 0, nul).startsWith('JAVA PROFILE 1.0.') || head.length < nul + 5) return undefined;
  const size = head.readUInt32BE(nul + 1);
  return size === 4 || size === 8 ? size : undefined;
}

/** Most top-level records walked to check an hprof's length (a heap dump has a few segments and many small records). */
const MAX_RECORDS = 4_000_000;
const BLOCK = 64 * 1024;

/**
 * Whether an hprof file holds every byte its records declare: the top-level records (u1 tag, u4 time,
 * u4 length, body) are walked from the header to the end. A record that runs past the end (a dump cut
 * by a full disk, a copy stopped early) leaves the heap it describes partly unscanned: the reason, or
 * undefined when the file is whole. A walk stopped at its bound has not checked the rest: that is a reason too.
 */
export function hprofTruncation(read: ReadAt, size: number): string | undefined {
  const head = read(0, 32);
  const nul = head.indexOf(0);
  if (hprofIdSize(read) === undefined) return undefined;
  let at = nul + 1 + 4 + 8;
  let block: Buffer = Buffer.alloc(0);
  let blockAt = 0;
  for (let n = 0; at < size && n < MAX_RECORDS; n++) {
    if (at + 9 > blockAt + block.length) {
      blockAt = at;
      block = read(at, BLOCK);
    }
    if (at + 9 > blockAt + block.length) return `hprof: a record header at offset ${at} is cut by the end of the file (${size} bytes)`;
    const length = block.readUInt32BE(at - blockAt + 5);
    const end = at + 9 + length;
    if (end > size) {
      return `hprof: the record at offset ${at} (tag 0x${(block[at - blockAt] as number).toString(16)}) declares ${length} bytes, ${end - size} more than the file holds; the heap it describes was not all dumped or copied`;
    }
    at = end;
  }
  return at < size ? `hprof: more than ${MAX_RECORDS} records; the length of the rest (from offset ${at}) was not checked` : undefined;
}

/** File offsets of the elements of every byte[32] PRIMITIVE ARRAY DUMP sub-record that lies whole in `buf` (read from `base`). */
function byte32Arrays(buf: Buffer, base: number, idSize: number): number[] {
  const out: number[] = [];
  const countAt = 1 + idSize + 4;
  for (let i = 0; i + countAt + 5 + 32 <= buf.length; i++) {
    if (buf[i] !== PRIM_ARRAY_DUMP || buf[i + countAt + 4] !== T_BYTE || buf.readUInt32BE(i + countAt) !== 32) continue;
    out.push(base + i + countAt + 5);
  }
  return out;
}

/** The 32 bytes derive `pub` as an Ed25519 or X25519 private key. */
function derives(secret: Buffer, pub: Buffer): boolean {
  return okpPublic('Ed25519', secret)?.equals(pub) === true || okpPublic('X25519', secret)?.equals(pub) === true;
}

/**
 * Prove the known Ed25519/X25519 public keys found in an hprof file (okp-public, public-key-only) by
 * the byte[32] arrays within HPROF_SEED_RADIUS of them. Hits are changed in place.
 */
export function proveHprofSeeds(hits: RawHit[], read: ReadAt): void {
  const todo = hits.filter((h) => h.format === 'okp-public' && h.proof === 'public-key-only' && !h.base64At).slice(0, MAX_HITS);
  if (!todo.length) return;
  const idSize = hprofIdSize(read);
  if (idSize === undefined) return;
  for (const h of todo) {
    const pub = read(h.offset, 32);
    if (pub.length !== 32) continue;
    const from = Math.max(0, h.offset - HPROF_SEED_RADIUS);
    const around = read(from, h.offset + HPROF_SEED_RADIUS - from);
    for (const at of byte32Arrays(around, from, idSize)) {
      const secret = around.subarray(at - from, at - from + 32);
      if (derives(secret, pub)) {
        h.proof = 'private-key-present';
        break;
      }
    }
  }
}
