#!/usr/bin/env node
// Generates the scan benchmark corpus at run time (never committed) into .bench/scan (git-ignored):
//   mixed.bin      SIZE MiB of 1 MiB blocks (40 % zero, 30 % random, 30 % log text) with private keys
//                  planted at unaligned offsets in every format, including byte-reversed moduli;
//   negatives.bin  NEG MiB of the same kind of data holding only public halves of the same keys
//                  (SPKI, PEM, JWKS, certificates, CNG RSA1 blobs, bare moduli in both byte orders);
//   known-1.json, known-1000.json, known-10000.json   inventory public keys (base64 DER SPKI);
//   manifest.json  what was planted where.
// Usage: node bench/make-scan-corpus.js [--size MiB] [--negatives MiB] [--out DIR]
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPECTED_FORMAT, encode, filler, makeKey } from '../test/scan/material.ts';

const MiB = 1024 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

/** A syntactically valid RSA SPKI around a random odd 2048-bit "modulus" (only its bytes matter to the table). */
function fakeRsaSpki() {
  const n = randomBytes(256);
  n[0] |= 0x80;
  n[255] |= 1;
  const head = Buffer.from('30820122300d06092a864886f70d01010105000382010f003082010a0282010100', 'hex');
  return Buffer.concat([head, n, Buffer.from('0203010001', 'hex')]).toString('base64');
}

const PLANT = [
  ['pem-pkcs1', 'rsa2048', 0],
  ['pem-pkcs8', 'p256', 0],
  ['pem-sec1', 'p384', 0],
  ['pem-encrypted', 'rsa2048', 1],
  ['der-pkcs1', 'rsa2048', 0],
  ['der-pkcs1', 'rsa2048', 1],
  ['der-pkcs1', 'rsa2048', 2],
  ['der-pkcs1', 'rsa2048', 3],
  ['der-pkcs1', 'rsa4096', 0],
  ['der-pkcs8', 'rsa2048', 1],
  ['der-pkcs8', 'ed25519', 0],
  ['der-sec1', 'p256', 0],
  ['openssh', 'ed25519', 0],
  ['openssh', 'rsa2048', 2],
  ['putty-ppk', 'rsa2048', 3],
  ['jwk', 'p256', 0],
  ['jwk', 'rsa2048', 2],
  ['cng-rsa2', 'rsa2048', 0],
  ['cng-rsa3', 'rsa4096', 0],
  ['cng-ecc', 'p256', 0],
  ['capi', 'rsa2048', 1],
  ['bignum-le', 'rsa2048', 2],
  ['bignum-le', 'rsa4096', 0],
  ['bignum-be', 'rsa2048', 3],
];

function block(i) {
  const r = (i * 2654435761) % 10;
  return filler(r < 4 ? 'zero' : r < 7 ? 'random' : 'text', MiB);
}

export function makeScanCorpus(opts = {}) {
  const out = opts.out ?? join(root, '.bench', 'scan');
  const sizeMiB = Number(opts.size ?? 512);
  const negMiB = Number(opts.negatives ?? 256);
  mkdirSync(out, { recursive: true });
  const manifestFile = join(out, 'manifest.json');
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (m.sizeMiB === sizeMiB && m.negMiB === negMiB) return { out, manifest: m };
  }
  const keyNames = [...new Set(PLANT.map(([, k, s]) => `${k}/${s}`))];
  const keys = Object.fromEntries(keyNames.map((n) => [n, makeKey(n.split('/')[0], Number(n.split('/')[1]))]));
  const real = keyNames.map((n) => ({ id: `real/${n}`, publicKey: keys[n].spkiB64 }));
  const fakes = Array.from({ length: 10_000 }, (_, i) => ({ id: `fake/${i}`, publicKey: fakeRsaSpki() }));
  writeFileSync(join(out, 'known-1.json'), JSON.stringify([real.find((k) => k.id === 'real/rsa2048/2')]));
  writeFileSync(join(out, 'known-1000.json'), JSON.stringify([...real, ...fakes.slice(0, 1000 - real.length)]));
  writeFileSync(join(out, 'known-10000.json'), JSON.stringify([...real, ...fakes.slice(0, 10_000 - real.length)]));

  // Planted file.
  const every = Math.floor(sizeMiB / PLANT.length);
  const planted = [];
  let fd = openSync(join(out, 'mixed.bin'), 'w');
  for (let i = 0; i < sizeMiB; i++) {
    const b = block(i);
    const slot = i % every === every - 1 ? Math.floor(i / every) : -1;
    if (slot >= 0 && slot < PLANT.length) {
      const [format, kind, s] = PLANT[slot];
      const enc = encode(keys[`${kind}/${s}`], format);
      const within = 4097 + slot * 37;
      enc.copy(b, within);
      planted.push({ offset: i * MiB + within, length: enc.length, format, expected: EXPECTED_FORMAT[format], key: `real/${kind}/${s}` });
    }
    writeSync(fd, b);
  }
  closeSync(fd);

  // Negatives: public halves only, of the same keys.
  const pub = [];
  const tmp = mkdtempSync(join(tmpdir(), 'kh-bench-'));
  try {
    for (const n of keyNames) {
      const k = keys[n];
      const j = k.jwk;
      pub.push(k.publicKey.export({ format: 'der', type: 'spki' }), Buffer.from(k.publicKey.export({ format: 'pem', type: 'spki' })));
      const pj = Object.fromEntries(Object.entries(j).filter(([m]) => ['kty', 'n', 'e', 'crv', 'x', 'y'].includes(m)));
      pub.push(Buffer.from(JSON.stringify({ keys: [{ ...pj, kid: n, use: 'sig' }] })));
      if (j.kty === 'RSA') {
        const mod = Buffer.from(j.n, 'base64url');
        pub.push(mod, Buffer.from(mod).reverse(), k.publicKey.export({ format: 'der', type: 'pkcs1' }));
      }
      writeFileSync(join(tmp, 'k.pem'), k.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
      const pem = execFileSync('openssl', [
        'req',
        '-new',
        '-x509',
        '-key',
        join(tmp, 'k.pem'),
        '-subj',
        `/CN=${n.replace('/', '-')}.example.test`,
        '-days',
        '1',
      ]);
      pub.push(pem, Buffer.from(new X509Certificate(pem).raw));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  fd = openSync(join(out, 'negatives.bin'), 'w');
  const gap = Math.floor(negMiB / pub.length);
  for (let i = 0; i < negMiB; i++) {
    const b = block(i + 7);
    const slot = i % gap === gap - 1 ? Math.floor(i / gap) : -1;
    if (slot >= 0 && slot < pub.length) pub[slot].copy(b, 8191 + slot * 13);
    writeSync(fd, b);
  }
  closeSync(fd);
  const manifest = { sizeMiB, negMiB, planted, negativesPlanted: pub.length };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return { out, manifest };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = makeScanCorpus({ size: arg('size', 512), negatives: arg('negatives', 256), out: arg('out') });
  console.log(`corpus in ${r.out}: ${r.manifest.planted.length} planted items, ${r.manifest.negativesPlanted} public-only items`);
}
