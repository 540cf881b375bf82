// Password-based decryption as PKCS#12 (RFC 7292 Appendix B and C) and PKCS#5 PBES2 (RFC 8018 §6.2)
// define it, used only to try the EMPTY password on key stores: a PFX exported "without a password"
// (Windows, `openssl pkcs12 -passout pass:`, a certificate downloaded from Azure Key Vault) protects
// nothing. No other password is ever tried. Plaintext goes back to the caller, which only parses it.
import { nodeCrypto } from '../util/builtins.ts';
import { type Ber, berChildren, octets, oidOf } from './ber.ts';

/** The two spellings of "no password": the empty BMPString with its terminator (OpenSSL's `pass:`) and no bytes at all (a NULL password). */
export const EMPTY_PASSWORDS: readonly Buffer[] = [Buffer.alloc(2), Buffer.alloc(0)];

const HASHES: Record<string, { name: string; u: number; v: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', u: 20, v: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', u: 28, v: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', u: 32, v: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', u: 48, v: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', u: 64, v: 128 },
};

/** RFC 7292 B.2: `n` bytes of key (id 1), IV (id 2) or MAC key (id 3) from a BMPString password and salt. */
export function pkcs12Kdf(hash: { name: string; u: number; v: number }, password: Buffer, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const { u, v } = hash;
  const fill = (b: Buffer) => (b.length === 0 ? Buffer.alloc(0) : Buffer.alloc(v * Math.ceil(b.length / v), b));
  const I = Buffer.concat([fill(salt), fill(password)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let got = 0; got < n; got += u) {
    let A = nodeCrypto().createHash(hash.name).update(D).update(I).digest();
    for (let i = 1; i < iterations; i++) A = nodeCrypto().createHash(hash.name).update(A).digest();
    out.push(A);
    const B = Buffer.alloc(v, A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = (I[j + k] as number) + (B[k] as number) + carry;
        I[j + k] = x & 0xff;
        carry = x >>> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/** Iteration counts above this are not tried (a crafted store would hold the scan for hours): such a part stays unread. */
const MAX_ITERATIONS = 1_000_000;

/** Key-derivation iterations run for one store, in all (a store of many bags, each at the per-derivation limit, would hold the scan for days). */
export const MAX_STORE_ITERATIONS = 4_000_000;

/**
 * The key derivations of one store: iterations counted against MAX_STORE_ITERATIONS (past it a derivation
 * throws and `spent` is set: what it guards stays unread), and each result kept by its inputs, so the same
 * salt, count and password (both spellings of "no password" under PBES2, a MAC and a bag sharing a salt) cost once.
 */
export class KdfBudget {
  left = MAX_STORE_ITERATIONS;
  spent = false;
  private readonly done = new Map<string, Buffer>();

  derive(inputs: (string | number | Buffer)[], iterations: number, run: () => Buffer): Buffer {
    const key = inputs.map((x) => (Buffer.isBuffer(x) ? x.toString('hex') : String(x))).join(':');
    const known = this.done.get(key);
    if (known) return known;
    if (iterations > this.left) {
      this.spent = true;
      throw new RangeError(`past ${MAX_STORE_ITERATIONS} key-derivation iterations for this store`);
    }
    this.left -= iterations;
    const out = run();
    this.done.set(key, out);
    return out;
  }
}

/** pkcs12Kdf under a store's budget: it runs its iterations once per `u` bytes of output (one hash each, in JS). */
const kdf12 = (budget: KdfBudget, hash: { name: string; u: number; v: number }, password: Buffer, salt: Buffer, id: number, n: number, len: number) =>
  budget.derive(['p12', hash.name, password, salt, id, n, len], n * Math.ceil(len / hash.u), () => pkcs12Kdf(hash, password, salt, id, n, len));

/** An iteration count (1, its DEFAULT, when absent); throws above MAX_ITERATIONS. */
const iterations = (buf: Buffer, t: Ber | undefined): number => {
  if (!t) return 1;
  let n = 0;
  for (let i = t.contentStart; i < t.contentEnd; i++) n = n * 256 + (buf[i] as number);
  if (t.tag !== 0x02 || n < 1 || n > MAX_ITERATIONS) throw new RangeError(`iteration count ${n}`);
  return n;
};

/**
 * The PFX's MAC (RFC 7292 §4, macData: HMAC keyed by the KDF's id 3) checked with `password` over the
 * authenticated safe's content: true when it verifies, false when it does not, undefined when the
 * MAC's digest is one this reader does not know.
 */
export function macVerifies(buf: Buffer, macData: Ber, authSafe: Buffer, password: Buffer, budget: KdfBudget): boolean | undefined {
  const [digestInfo, salt, iter] = berChildren(buf, macData);
  const [alg, digest] = digestInfo ? berChildren(buf, digestInfo) : [];
  const oid = alg ? berChildren(buf, alg)[0] : undefined;
  const hash = oid ? HASHES[oidOf(buf, oid)] : undefined;
  if (!hash || !digest || !salt) return undefined;
  try {
    const key = kdf12(budget, hash, password, octets(buf, salt), 3, iterations(buf, iter), hash.u);
    return nodeCrypto().createHmac(hash.name, key).update(authSafe).digest().equals(octets(buf, digest));
  } catch {
    return undefined;
  }
}

/** PKCS#12 PBE schemes (RFC 7292 Appendix C) whose cipher OpenSSL's default provider has: key and IV lengths. */
const PKCS12_PBE: Record<string, { cipher: string; key: number; iv: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', key: 24, iv: 8 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', key: 16, iv: 8 },
};
const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const PBES2_CIPHERS: Record<string, { cipher: string; key: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', key: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', key: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', key: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', key: 24 },
};

/** Why an algorithm cannot be tried here (RC2, RC4, an unknown scheme), or undefined when it can. */
export function unsupportedScheme(buf: Buffer, alg: Ber): string | undefined {
  const [oid] = berChildren(buf, alg);
  const name = oid ? oidOf(buf, oid) : '';
  if (PKCS12_PBE[name] || name === PBES2) return undefined;
  return name.startsWith('1.2.840.113549.1.12.1.') ? `PKCS#12 PBE ${name} (RC2 or RC4, which this build of OpenSSL does not provide)` : `scheme ${name}`;
}

/** Decrypt `data` under the AlgorithmIdentifier `alg` with `password` (a BMPString for PKCS#12 PBE; PBES2 takes it as UTF-8 bytes, its BMP terminator dropped). */
export function pbeDecrypt(buf: Buffer, alg: Ber, data: Buffer, password: Buffer, budget: KdfBudget): Buffer | undefined {
  const [oid, params] = berChildren(buf, alg);
  if (!oid || !params) return undefined;
  const name = oidOf(buf, oid);
  const scheme = PKCS12_PBE[name];
  try {
    if (scheme) {
      const [salt, iter] = berChildren(buf, params);
      if (!salt) return undefined;
      const s = octets(buf, salt);
      const n = iterations(buf, iter);
      const sha1 = HASHES['1.3.14.3.2.26'] as { name: string; u: number; v: number };
      const key = kdf12(budget, sha1, password, s, 1, n, scheme.key);
      const iv = kdf12(budget, sha1, password, s, 2, n, scheme.iv);
      return decipher(scheme.cipher, key, iv, data);
    }
    return name === PBES2 ? pbes2(buf, params, data, password.length === 2 ? Buffer.alloc(0) : password, budget) : undefined;
  } catch {
    return undefined;
  }
}

function decipher(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const d = nodeCrypto().createDecipheriv(cipher, key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}

/** RFC 8018 §6.2.2 with PBKDF2 (§5.2) and a CBC cipher. */
function pbes2(buf: Buffer, params: Ber, data: Buffer, password: Buffer, budget: KdfBudget): Buffer | undefined {
  const [kdf, enc] = berChildren(buf, params);
  const [kdfOid, kdfParams] = kdf ? berChildren(buf, kdf) : [];
  const [encOid, ivT] = enc ? berChildren(buf, enc) : [];
  if (!kdfOid || !kdfParams || !encOid || !ivT || oidOf(buf, kdfOid) !== PBKDF2) return undefined;
  const cipher = PBES2_CIPHERS[oidOf(buf, encOid)];
  const [salt, iter, ...rest] = berChildren(buf, kdfParams);
  if (!cipher || !salt) return undefined;
  const prfT = rest.find((t) => t.tag === 0x30);
  const prfOid = prfT ? berChildren(buf, prfT)[0] : undefined;
  const prf = prfOid ? PRFS[oidOf(buf, prfOid)] : 'sha1';
  if (!prf) return undefined;
  const s = octets(buf, salt);
  const n = iterations(buf, iter);
  const key = budget.derive(['pbkdf2', prf, password, s, n, cipher.key], n, () => nodeCrypto().pbkdf2Sync(password, s, n, cipher.key, prf));
  return decipher(cipher.cipher, key, octets(buf, ivT), data);
}
