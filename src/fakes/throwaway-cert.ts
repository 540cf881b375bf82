// A throwaway self-signed TLS certificate for the loopback HTTPS fakes, made with node:crypto alone
// (the demo ships without dev dependencies). The key lives only in memory for the fake's lifetime;
// it is never written anywhere and is not a key of anyone's estate.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const der = (tag: number, body: Buffer): Buffer => {
  const len = body.length;
  const head = len < 0x80 ? Buffer.from([tag, len]) : len < 0x100 ? Buffer.from([tag, 0x81, len]) : Buffer.from([tag, 0x82, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([head, body]);
};
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
/** A non-negative DER INTEGER of big-endian bytes: minimal (leading zero bytes dropped, X.690 8.3.2), one 0 byte before a set top bit. */
export function derInteger(b: Buffer): Buffer {
  let from = 0;
  while (from < b.length - 1 && b[from] === 0) from++;
  const v = b.subarray(from);
  return der(0x02, (v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v.length ? v : Buffer.from([0]));
}
const int = derInteger;
const ctx = (n: number, body: Buffer) => der(0xa0 + n, body);
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as number[];
  const out = [(a as number) * 40 + (b as number)];
  for (const n of rest) {
    const stack = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return der(0x06, Buffer.from(out));
}

function generalizedTime(d: Date): Buffer {
  const s = d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return der(0x18, Buffer.from(s, 'ascii'));
}

export interface ThrowawayCert {
  /** PEM certificate to trust (NODE_EXTRA_CA_CERTS, tls.setDefaultCACertificates). */
  cert: string;
  /** PEM private key for the server; in memory only. */
  key: string;
  /** hex SHA-256 of the DER certificate */
  sha256: string;
}

/** A self-signed EC P-256 certificate for localhost, 127.0.0.1 and ::1, valid from yesterday for `days`. */
export function createThrowawayCert(commonName = 'keyhygiene loopback fake (throwaway)', days = 30): ThrowawayCert {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
  const now = Date.now();
  const validity = seq(generalizedTime(new Date(now - 86_400_000)), generalizedTime(new Date(now + days * 86_400_000)));
  const san = seq(
    der(0x82, Buffer.from('localhost', 'ascii')),
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const skid = createHash('sha1').update(spki).digest();
  const extensions = seq(
    seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))),
    seq(oid('2.5.29.15'), bool(true), octets(der(0x03, Buffer.from([0x02, 0x84])))),
    seq(oid('2.5.29.14'), octets(octets(skid))),
    seq(oid('2.5.29.17'), octets(san)),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const tbs = seq(ctx(0, int(Buffer.from([2]))), int(serial), ecdsaSha256, name, validity, name, Buffer.from(spki), ctx(3, extensions));
  const signature = sign('sha256', tbs, privateKey);
  const certDer = seq(tbs, ecdsaSha256, bits(signature));
  const b64 = certDer.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    key: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })).export({ format: 'pem', type: 'pkcs8' }) as string,
    sha256: createHash('sha256').update(certDer).digest('hex'),
  };
}
