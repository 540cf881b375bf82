// What a file is, by its first bytes and, failing that, by its name.
import { basename } from 'node:path';
import { type Codec, codecOf, type Unsupported, unsupportedOf } from './codecs.ts';
import type { ArtifactType } from './types.ts';

/** How a file is opened: a compressed stream (by codec), an archive, an apport report, or not at all. */
export type Container = Codec | 'zip' | 'tar' | 'apport' | 'unsupported';

export interface Sniffed {
  type: ArtifactType;
  container?: Container;
  /** Set when the container is 'unsupported': which compression it is. */
  unsupported?: Unsupported;
  /** Set for a password-protected key store: its keys are never decoded here. */
  keyStore?: KeyStore;
}

/** Key stores that keep their private keys encrypted under a password. */
export type KeyStore = 'PKCS#12' | 'JKS' | 'JCEKS' | 'encrypted PKCS#8';

const PKCS7_DATA = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];

/**
 * A key store by its first bytes: JKS (FEEDFEED) and JCEKS (CECECECE) magic, or a PKCS#12 PFX
 * (RFC 7292 §4: SEQUENCE { INTEGER 3, ContentInfo { pkcs7-data, … } }).
 */
export function keyStoreOf(head: Uint8Array): KeyStore | undefined {
  if (startsWith(head, '\xfe\xed\xfe\xed')) return 'JKS';
  if (startsWith(head, '\xce\xce\xce\xce')) return 'JCEKS';
  if (encryptedPkcs8(head)) return 'encrypted PKCS#8';
  if (head[0] !== 0x30 || head.length < 24) return undefined;
  const long = (head[1] as number) & 0x80 ? (head[1] as number) & 0x7f : 0;
  const p = 2 + long;
  if (long > 3 || head[p] !== 0x02 || head[p + 1] !== 0x01 || head[p + 2] !== 0x03 || head[p + 3] !== 0x30) return undefined;
  // The ContentInfo's own length (1 to 4 bytes), then the pkcs7-data OID.
  for (let q = p + 5; q <= p + 8; q++) if (PKCS7_DATA.every((b, i) => head[q + i] === b)) return 'PKCS#12';
  return undefined;
}

/** PBES2 (1.2.840.113549.1.5.13) and the PKCS#5/#12 PBE schemes (…1.5.x, …1.12.1.x): the OID's first bytes. */
const PBE_OIDS = [
  [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05],
  [0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01],
];

/** A DER EncryptedPrivateKeyInfo (RFC 5958 §3): SEQUENCE { SEQUENCE { a PBE algorithm OID, … }, OCTET STRING }. */
function encryptedPkcs8(head: Uint8Array): boolean {
  if (head[0] !== 0x30) return false;
  const p = 2 + ((head[1] as number) & 0x80 ? (head[1] as number) & 0x7f : 0);
  if (head[p] !== 0x30) return false;
  const q = p + 2 + ((head[p + 1] as number) & 0x80 ? (head[p + 1] as number) & 0x7f : 0);
  return PBE_OIDS.some((oid) => oid.every((b, i) => head[q + i] === b));
}

/** Bytes to read before deciding (tar's magic sits at 257). */
export const SNIFF_BYTES = 512;

/** Types that are images of process or machine memory. */
export const MEMORY_TYPES: ReadonlySet<ArtifactType> = new Set(['minidump', 'kernel-dump', 'elf-core', 'hprof', 'lime', 'hibernation']);

const startsWith = (b: Uint8Array, s: string, at = 0): boolean => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

export function sniff(head: Uint8Array, name: string): Sniffed {
  const codec = codecOf(head);
  if (codec) return { type: 'archive', container: codec };
  if (startsWith(head, 'PK\x03\x04') || startsWith(head, 'PK\x05\x06')) return { type: 'archive', container: 'zip' };
  if (startsWith(head, 'ustar', 257)) return { type: 'archive', container: 'tar' };
  const unsupported = unsupportedOf(head);
  if (unsupported) return { type: 'archive', container: 'unsupported', unsupported };
  // Ubuntu apport report: RFC 822 fields, binary ones (CoreDump) as base64 of gzip chunks.
  if (startsWith(head, 'ProblemType: ')) return { type: 'file', container: 'apport' };
  if (startsWith(head, 'MDMP')) return { type: 'minidump' };
  if (startsWith(head, 'PAGEDUMP') || startsWith(head, 'PAGEDU64')) return { type: 'kernel-dump' };
  // ELF with e_type ET_CORE (4), in either byte order.
  if (startsWith(head, '\x7fELF') && head.length >= 18) {
    const le = head[5] === 1;
    const eType = le ? (head[16] as number) | ((head[17] as number) << 8) : ((head[16] as number) << 8) | (head[17] as number);
    if (eType === 4) return { type: 'elf-core' };
  }
  if (startsWith(head, 'JAVA PROFILE 1.0.')) return { type: 'hprof' };
  const keyStore = keyStoreOf(head);
  if (keyStore) return { type: 'file', keyStore };
  if (startsWith(head, 'EMiL')) return { type: 'lime' };
  for (const m of ['hibr', 'HIBR', 'wake', 'WAKE', 'RSTR']) if (startsWith(head, m)) return { type: 'hibernation' };
  // An apport report whose fields were written in another order (apport writes ProblemType first; a
  // report edited or assembled by other tools need not): by name, when it starts with an RFC 822 field.
  if (/\.crash$/i.test(name) && /^[A-Za-z][A-Za-z0-9._-]*: /.test(Buffer.from(head.subarray(0, 80)).toString('latin1')))
    return { type: 'file', container: 'apport' };
  return { type: byName(name) };
}

/** Fallback by file name, for dumps whose header is damaged or absent. */
export function byName(name: string): ArtifactType {
  const n = basename(name).toLowerCase();
  if (/\.(dmp|mdmp)$/.test(n)) return 'minidump';
  if (n === 'memory.dmp' || n.startsWith('memory.')) return 'kernel-dump';
  if (/^core(\.\d+)?$/.test(n) || n.endsWith('.core')) return 'elf-core';
  if (n.endsWith('.hprof')) return 'hprof';
  if (n.endsWith('.lime')) return 'lime';
  if (n === 'hiberfil.sys') return 'hibernation';
  return 'file';
}
