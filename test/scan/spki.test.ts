// Known keys decoded without a crypto object (src/scan/spki.ts) against node:crypto: over generated
// RSA, EC (P-256, P-384, P-521, secp256k1), Ed25519 and X25519 keys in every --known-keys input
// format, the SPKI bytes, the ids and the fingerprints the table reports equal node:crypto's; over
// malformed and non-canonical inputs the fast path never yields bytes node:crypto would not, and
// what node:crypto rejects stays a usage error (exit 2) naming the file.
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintsOf } from '../../src/crypto/fingerprint.ts';
import { UserError } from '../../src/errors.ts';
import { readTlv, type Tlv } from '../../src/scan/bytes.ts';
import { loadKnownKeyFiles } from '../../src/scan/known-key-files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { canonicalSpki, certificateSpki, jwkSpki, pkcs1Spki } from '../../src/scan/spki.ts';
import { cli } from '../helpers/cli.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-spki-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spkiOf = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
const jwkOf = (k: KeyObject): JsonWebKey => k.export({ format: 'jwk' });
/** node:crypto's SPKI for a JWK, or the error it throws. */
function nodeJwk(jwk: JsonWebKey): Buffer | Error {
  try {
    return spkiOf(createPublicKey({ key: jwk, format: 'jwk' }));
  } catch (err) {
    return err as Error;
  }
}
function nodeDer(der: Buffer, type: 'spki' | 'pkcs1' = 'spki'): Buffer | Error {
  try {
    return spkiOf(createPublicKey({ key: der, format: 'der', type }));
  } catch (err) {
    return err as Error;
  }
}

/** An RSA public key around a random odd modulus of `bytes` bytes (only its bytes matter here; node:crypto takes it). */
function fakeRsa(bytes: number, e = 65537): KeyObject {
  const n = randomBytes(bytes);
  n[0] = (n[0] as number) | 0x80;
  n[bytes - 1] = (n[bytes - 1] as number) | 1;
  const eb = Buffer.from(e.toString(16).padStart(e.toString(16).length + (e.toString(16).length % 2), '0'), 'hex');
  return createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: eb.toString('base64url') }, format: 'jwk' });
}

/** The generated set: every key type and curve the fast path writes, and two it leaves to node:crypto (Ed448, X448). */
function keySet(): { name: string; key: KeyObject }[] {
  const out: { name: string; key: KeyObject }[] = [];
  out.push({ name: 'rsa1024', key: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey });
  out.push({ name: 'rsa1024-e3', key: generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }).publicKey });
  for (const bytes of [128, 256, 384, 512]) out.push({ name: `rsa-fake-${bytes * 8}`, key: fakeRsa(bytes) });
  out.push({ name: 'rsa-fake-e-large', key: fakeRsa(256, 0x10001 * 0x101) });
  for (const namedCurve of ['P-256', 'P-384', 'P-521', 'secp256k1'])
    for (let i = 0; i < 6; i++) out.push({ name: `${namedCurve}-${i}`, key: generateKeyPairSync('ec', { namedCurve }).publicKey });
  for (let i = 0; i < 4; i++) out.push({ name: `ed25519-${i}`, key: generateKeyPairSync('ed25519').publicKey });
  for (let i = 0; i < 2; i++) out.push({ name: `x25519-${i}`, key: generateKeyPairSync('x25519').publicKey });
  out.push({ name: 'ed448', key: generateKeyPairSync('ed448').publicKey });
  out.push({ name: 'x448', key: generateKeyPairSync('x448').publicKey });
  return out;
}
const KEYS = keySet();
const FAST = (name: string): boolean => !/448/.test(name);

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
const sshString = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, b.length >> 8, b.length & 0xff]), b]);
const mpint = (b: Buffer): Buffer => sshString((b[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const SSH_CURVES: Record<string, string> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' };
/** The OpenSSH public key line of a key (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709), or undefined for types SSH has no name for here. */
function sshLine(k: KeyObject, comment: string): string | undefined {
  const j = jwkOf(k);
  const b = (s: string | undefined) => Buffer.from(s as string, 'base64url');
  let type: string;
  let blob: Buffer;
  if (j.kty === 'RSA') [type, blob] = ['ssh-rsa', Buffer.concat([mpint(b(j.e)), mpint(b(j.n))])];
  else if (j.crv === 'Ed25519') [type, blob] = ['ssh-ed25519', sshString(b(j.x))];
  else if (j.kty === 'EC' && SSH_CURVES[j.crv as string]) {
    const c = SSH_CURVES[j.crv as string] as string;
    [type, blob] = [`ecdsa-sha2-${c}`, Buffer.concat([sshString(Buffer.from(c)), sshString(Buffer.concat([Buffer.from([4]), b(j.x), b(j.y)]))])];
  } else return undefined;
  return `${type} ${Buffer.concat([sshString(Buffer.from(type)), blob]).toString('base64')} ${comment}`;
}

/** A certificate per key: one openssl-made template per SPKI length, its SPKI swapped for the key's (parsers do not check the signature). */
const templates = new Map<string, Buffer>();
function certificateFor(k: KeyObject, cn: string): Buffer {
  const spki = spkiOf(k);
  const kind = `${k.asymmetricKeyType}/${spki.length}`;
  let t = templates.get(kind);
  if (!t) {
    const keyFile = join(dir, 'template.key');
    const args: Record<string, string[]> = {
      rsa: ['-newkey', `rsa:${(spki.length - 38) * 8 > 4096 ? 4096 : 1024}`],
      ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      ed25519: ['-newkey', 'ed25519'],
    };
    t = execFileSync(
      'openssl',
      ['req', '-x509', ...(args[k.asymmetricKeyType as string] ?? []), '-nodes', '-keyout', keyFile, '-subj', `/CN=${cn}`, '-days', '1', '-outform', 'DER'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    templates.set(kind, t);
  }
  const old = new X509Certificate(t).publicKey.export({ format: 'der', type: 'spki' });
  const at = t.indexOf(old);
  if (at < 0 || old.length !== spki.length) return Buffer.alloc(0);
  const cert = Buffer.from(t);
  spki.copy(cert, at);
  return cert;
}

describe('fast SPKI decoding against node:crypto', () => {
  it('a JWK of every generated key gives node:crypto’s SPKI bytes (and Ed448/X448 are left to node:crypto)', () => {
    for (const { name, key } of KEYS) {
      const fast = jwkSpki(jwkOf(key) as Record<string, unknown>);
      if (FAST(name)) expect(fast?.equals(spkiOf(key)), name).toBe(true);
      else expect(fast, name).toBeUndefined();
    }
  });

  it('an SPKI in canonical DER is taken as it is; PKCS#1 RSA keys are wrapped as node:crypto wraps them', () => {
    for (const { name, key } of KEYS) {
      const der = spkiOf(key);
      expect(canonicalSpki(der)?.equals(der) ?? false, name).toBe(FAST(name));
      if (key.asymmetricKeyType === 'rsa') expect(pkcs1Spki(key.export({ format: 'der', type: 'pkcs1' }))?.equals(der), name).toBe(true);
    }
  });

  it('mutated JWKs: whenever the fast path gives bytes, node:crypto accepts the JWK and gives the same bytes', () => {
    const b = (s: unknown) => Buffer.from(s as string, 'base64url');
    const u = (x: Buffer) => x.toString('base64url');
    let fastCount = 0;
    let nodeRejected = 0;
    for (const { key } of KEYS) {
      const j = jwkOf(key) as Record<string, string>;
      const field = j.kty === 'RSA' ? 'n' : 'x';
      const v = b(j[field]);
      const flipped = Buffer.from(v);
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
      const mutants: Record<string, string | number>[] = [
        { [field]: u(Buffer.concat([Buffer.from([0, 0]), v])) }, // leading zeros
        { [field]: u(v.subarray(1)) }, // one byte short
        { [field]: u(flipped) }, // EC: off the curve
        { [field]: `${j[field]}=` }, // padded
        { [field]: (j[field] as string).replace(/-/g, '+').replace(/_/g, '/') }, // standard alphabet
        { [field]: `${(j[field] as string).slice(0, -1)}${(j[field] as string).endsWith('A') ? 'B' : 'A'}` }, // other tail bits
        { [field]: '' },
        { [field]: 5 },
        { [field]: u(Buffer.alloc(v.length, 0xff)) }, // EC: x ≥ p
        { crv: 'P-192' },
        { crv: j.crv === 'P-256' ? 'P-384' : 'P-256' },
        { kty: j.kty === 'EC' ? 'OKP' : 'EC' },
        ...(j.kty === 'EC' ? [{ y: j.x as string }, { y: u(Buffer.concat([Buffer.from([0]), b(j.y)])) }] : []),
        ...(j.kty === 'RSA' ? [{ e: '' }, { e: 'AA' }, { e: u(Buffer.from([0, 1, 0, 1])) }] : []),
      ];
      for (const m of mutants) {
        const jwk = { ...j, ...m };
        const fast = jwkSpki(jwk);
        const slow = nodeJwk(jwk as JsonWebKey);
        if (slow instanceof Error) nodeRejected++;
        if (!fast) continue;
        fastCount++;
        expect(slow, JSON.stringify(m)).toBeInstanceOf(Buffer);
        expect(fast.equals(slow as Buffer), JSON.stringify(m)).toBe(true);
      }
    }
    // Both sides were exercised: mutants taken fast, and mutants node:crypto refuses.
    expect(fastCount).toBeGreaterThan(20);
    expect(nodeRejected).toBeGreaterThan(20);
  });

  it('mutated DER: whenever the fast path gives bytes, node:crypto reads the same key from them', () => {
    let fastCount = 0;
    let nodeRejected = 0;
    for (const { key } of KEYS) {
      const der = spkiOf(key);
      const mutants: Buffer[] = [
        der.subarray(0, der.length - 1),
        Buffer.concat([der, Buffer.from([0])]),
        ...[2, 4, 6, der.length - 1, der.length - 33].map((i) => {
          const m = Buffer.from(der);
          m[i] = (m[i] as number) ^ 0x01;
          return m;
        }),
      ];
      if (key.asymmetricKeyType === 'ec') {
        // The same point compressed: node:crypto reads it (and exports it uncompressed); the fast path leaves it.
        const top = readTlv(der, 0, der.length) as Tlv;
        const alg = readTlv(der, top.contentStart, der.length) as Tlv;
        const j = jwkOf(key);
        const y = Buffer.from(j.y as string, 'base64url');
        const point = Buffer.concat([Buffer.from([2 + ((y[y.length - 1] as number) & 1)]), Buffer.from(j.x as string, 'base64url')]);
        const body = Buffer.concat([der.subarray(alg.start, alg.end), Buffer.from([0x03, point.length + 1, 0]), point]);
        mutants.push(Buffer.concat([Buffer.from([0x30, body.length]), body]));
      }
      if (key.asymmetricKeyType === 'rsa') {
        // rsaEncryption without its NULL parameters, and a modulus with a needless leading zero.
        const noNull = Buffer.from(der.toString('hex').replace('300d06092a864886f70d0101010500', '300b06092a864886f70d010101'), 'hex');
        mutants.push(Buffer.concat([Buffer.from([0x30, 0x82, (noNull.length - 6) >> 8, (noNull.length - 6) & 0xff]), noNull.subarray(4)]));
      }
      for (const m of mutants) {
        const fast = canonicalSpki(m);
        const slow = nodeDer(m);
        if (slow instanceof Error) nodeRejected++;
        if (!fast) continue;
        fastCount++;
        expect(slow).toBeInstanceOf(Buffer);
        expect(fast.equals(slow as Buffer)).toBe(true);
      }
    }
    expect(fastCount).toBeGreaterThan(10);
    expect(nodeRejected).toBeGreaterThan(KEYS.length);
  });
});

describe('--known-keys files decoded fast give the same ids, SPKIs and fingerprints as node:crypto', () => {
  /** Every key of the set in one file of each format, with the SPKIs and names node:crypto gives. */
  function files(): { file: string; expected: { name?: string; key: KeyObject }[] }[] {
    const out: { file: string; expected: { name?: string; key: KeyObject }[] }[] = [];
    const write = (name: string, text: string | Buffer, expected: { name?: string; key: KeyObject }[]) => {
      writeFileSync(join(dir, name), text);
      out.push({ file: join(dir, name), expected });
    };
    const all = KEYS.map((k) => ({ key: k.key }));
    write('keys.pem', KEYS.map((k) => pem('PUBLIC KEY', spkiOf(k.key))).join(''), all);
    const rsa = KEYS.filter((k) => k.key.asymmetricKeyType === 'rsa');
    write(
      'rsa.pem',
      rsa.map((k) => pem('RSA PUBLIC KEY', k.key.export({ format: 'der', type: 'pkcs1' }))).join('\n'),
      rsa.map((k) => ({ key: k.key })),
    );
    write(
      'keys.jwks',
      JSON.stringify({ keys: KEYS.map((k) => ({ ...jwkOf(k.key), kid: k.name, use: 'sig' })) }),
      KEYS.map((k) => ({ name: k.name, key: k.key })),
    );
    const ssh = KEYS.flatMap((k) => {
      const line = sshLine(k.key, `${k.name}@test`);
      return line ? [{ line, name: `${k.name}@test`, key: k.key }] : [];
    });
    write('authorized_keys', `${ssh.map((s) => s.line).join('\n')}\n`, ssh);
    const certs = KEYS.filter((k) => ['rsa', 'ec', 'ed25519'].includes(k.key.asymmetricKeyType as string) && !k.name.startsWith('rsa-fake-4'));
    const ders = certs.map((k) => certificateFor(k.key, 'signer.example.test')).filter((d) => d.length);
    write(
      'certs.pem',
      ders.map((d) => pem('CERTIFICATE', d)).join(''),
      ders.map((d) => ({ name: 'signer.example.test', key: new X509Certificate(d).publicKey })),
    );
    for (const [i, k] of KEYS.slice(0, 3).entries()) write(`key${i}.der`, spkiOf(k.key), [{ key: k.key }]);
    write('cert.der', ders[0] as Buffer, [{ key: new X509Certificate(ders[0] as Buffer).publicKey }]);
    return out;
  }

  it('every format: ids, SPKI bytes, and the fingerprints the table reports', () => {
    for (const { file, expected } of files()) {
      const loaded = loadKnownKeyFiles([file]);
      const ids = expected.map((e, i) => (e.name ? `${file}#${e.name}` : expected.length === 1 ? file : `${file}#${i + 1}`));
      expect(loaded.map((l) => l.id)).toEqual(ids);
      expect(loaded.map((l) => l.publicKey)).toEqual(expected.map((e) => spkiOf(e.key).toString('base64')));
      const table = new KnownKeyTable(loaded);
      expect(table.rejected).toEqual([]);
      for (const [i, k] of table.keys.entries()) {
        const want = fingerprintsOf(expected[i]?.key as KeyObject);
        expect(table.fingerprints(k), `${file} #${i}`).toEqual(want);
      }
    }
  });

  it('certificate common names are read as X509Certificate prints them, or left to it', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'cn.key'), key.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    // [subject, read without node:crypto]: escaped, multi-valued and non-ASCII names are left to X509Certificate.
    const subjects: [string, boolean][] = [
      ['/CN=plain.example', true],
      ['/CN=Signing Key 2024 (prod)', true],
      ['/CN=a=b', true],
      ["/CN=it's/O=o", true],
      ['/O=x/CN=second/CN=third', true],
      ['/O=no cn', true],
      ['/CN=a/O=b=c', true],
      ['/CN=a\\,b', false],
      ['/CN=a\\+b', false],
      ['/CN=a+O=b', false],
      ['/CN= lead', false],
      ['/CN=#x', false],
      ['/CN=ünï', false],
      ['/CN=a;b<c>"', false],
    ];
    for (const [subj, fastPath] of subjects) {
      const args = ['req', '-new', '-x509', '-key', join(dir, 'cn.key'), '-subj', subj, '-days', '1', '-outform', 'DER', '-utf8', '-multivalue-rdn'];
      const der = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] });
      const want = new X509Certificate(der).subject
        .split('\n')
        .find((l) => l.startsWith('CN='))
        ?.slice(3);
      const fast = certificateSpki(der);
      expect(fast !== undefined, subj).toBe(fastPath);
      if (fast) expect(fast.name || undefined, subj).toBe(want);
      writeFileSync(join(dir, 'cn.pem'), pem('CERTIFICATE', der));
      expect(loadKnownKeyFiles([join(dir, 'cn.pem')])[0]?.id, subj).toBe(want ? `${join(dir, 'cn.pem')}#${want}` : join(dir, 'cn.pem'));
    }
  });

  it('malformed keys are a usage error naming the file (exit 2), never a key', () => {
    const ec = KEYS.find((k) => k.name === 'P-256-0')?.key as KeyObject;
    const j = jwkOf(ec) as Record<string, string>;
    const der = spkiOf(ec);
    const offCurve = Buffer.from(der);
    offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
    const cert = certificateFor(ec, 'signer.example.test');
    const cases: [string, string | Buffer][] = [
      ['off-curve.jwk', JSON.stringify({ ...j, y: j.x })],
      ['short-ed.jwk', JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' })],
      ['off-curve.pem', pem('PUBLIC KEY', offCurve)],
      ['truncated.pem', pem('PUBLIC KEY', der.subarray(0, 40))],
      ['bad-cert.pem', pem('CERTIFICATE', cert.subarray(0, cert.length - 10))],
      ['bad-line.pub', `ecdsa-sha2-nistp256 ${Buffer.from('not a key blob at all').toString('base64')} x\n`],
    ];
    for (const [name, text] of cases) {
      writeFileSync(join(dir, name), text);
      let caught: unknown;
      try {
        loadKnownKeyFiles([join(dir, name)]);
      } catch (err) {
        caught = err;
      }
      expect(caught, name).toBeInstanceOf(UserError);
      expect((caught as UserError).exitCode).toBe(2);
      expect((caught as Error).message, name).toContain(join(dir, name));
      expect((caught as Error).message).toMatch(/fix: expected public keys as SPKI/);
    }
  });
  it('the built CLI: a key off its curve in a JWKS is exit 2 with one paragraph naming the file (no stack trace); the same set without it scans', () => {
    const ec = jwkOf(KEYS.find((k) => k.name === 'P-256-1')?.key as KeyObject) as Record<string, string>;
    const good = KEYS.filter((k) => FAST(k.name)).map((k) => ({ ...jwkOf(k.key), kid: k.name }));
    writeFileSync(join(dir, 'bad.jwks'), JSON.stringify({ keys: [...good, { ...ec, y: ec.x, kid: 'broken' }] }));
    writeFileSync(join(dir, 'good.jwks'), JSON.stringify({ keys: good }));
    writeFileSync(join(dir, 'data.bin'), randomBytes(4096));
    const bad = cli(['scan', '--known-keys', join(dir, 'bad.jwks'), join(dir, 'data.bin')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${join(dir, 'bad.jwks')}: cannot read known keys`);
    expect(bad.stderr).toMatch(/expected public keys as SPKI/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const ok = cli(['scan', '--json', '--known-keys', join(dir, 'good.jwks'), join(dir, 'data.bin')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).summary.knownKeys).toBe(good.length);
  });
});
