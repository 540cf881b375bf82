// Ed25519 and X25519 private keys in memory. Where a library keeps the secret beside the public key
// (seed‖public: libsodium, Go, BoringSSL) the neighbouring window is derived; where it keeps a
// pointer (OpenSSL 3's ECX_KEY: pubkey[] inline, privkey allocated apart, as Node holds its keys)
// the pointers beside the public key are followed through the core's layout. Either way the proof
// is derivation by node:crypto: the 32 bytes found give the known public key.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/scan/index.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import { which } from '../helpers/which.ts';
import { filler } from './material.ts';

const spki = (k: KeyObject): string => (k.type === 'public' ? k : createPublicKey(k)).export({ format: 'der', type: 'spki' }).toString('base64');
const raw = (k: KeyObject, part: 'x' | 'd'): Buffer => Buffer.from(k.export({ format: 'jwk' })[part] as string, 'base64url');

describe('Ed25519 and X25519 keys beside their public key', () => {
  it('a seed stored before its public key (libsodium / Go 64-byte secret key) is proven; a public key alone is not', () => {
    const ed = generateKeyPairSync('ed25519');
    const x = generateKeyPairSync('x25519');
    const lone = generateKeyPairSync('ed25519');
    const table = new KnownKeyTable([
      { id: 'kms/ed', publicKey: spki(ed.publicKey) },
      { id: 'kms/x', publicKey: spki(x.publicKey) },
      { id: 'kms/lone', publicKey: spki(lone.publicKey) },
    ]);
    const data = Buffer.concat([
      filler('random', 20_001),
      raw(ed.privateKey, 'd'),
      raw(ed.privateKey, 'x'),
      filler('text', 9_003),
      raw(x.privateKey, 'x'),
      raw(x.privateKey, 'd'),
      filler('random', 7_005),
      raw(lone.privateKey, 'x'),
      filler('zero', 4_000),
    ]);
    const hits = scanBuffer(data, table).map((h) => [h.offset, h.format, h.proof, h.knownKeyId]);
    expect(hits).toEqual([
      [20_033, 'okp-public', 'private-key-present', 'kms/ed'],
      [20_033 + 32 + 9_003, 'okp-public', 'private-key-present', 'kms/x'],
      [20_033 + 32 + 9_003 + 64 + 7_005, 'okp-public', 'public-key-only', 'kms/lone'],
    ]);
  });
});

// The holder never sees the third key's private half: it is given only the public key.
const HOLDER = `
const { createPublicKey, generateKeyPairSync } = require('node:crypto');
const ed = generateKeyPairSync('ed25519');
const x = generateKeyPairSync('x25519');
const pubOnly = createPublicKey({ key: Buffer.from(process.env.PUBLIC_ONLY, 'base64'), format: 'der', type: 'spki' });
const out = { ed: ed.publicKey, x: x.publicKey };
for (const k of Object.keys(out)) out[k] = out[k].export({ format: 'der', type: 'spki' }).toString('base64');
process.stdout.write(JSON.stringify(out) + '\\n');
globalThis.held = [ed, x, pubOnly];
process.stdin.resume();
`;

let dir: string;
let child: ChildProcess | undefined;
let core: string;
let held: Record<string, string>;
let publicOnly: string;

beforeAll(async () => {
  if (!which('gcore')) throw new Error('this test needs gcore (apt-get install -y gdb) on PATH');
  dir = mkdtempSync(join(tmpdir(), 'kh-core-okp-'));
  publicOnly = spki(generateKeyPairSync('ed25519').publicKey);
  child = spawn(process.execPath, ['-e', HOLDER], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PUBLIC_ONLY: publicOnly } });
  held = JSON.parse(await new Promise<string>((resolve) => child?.stdout?.once('data', (d: Buffer) => resolve(d.toString()))));
  for (let i = 0, asleep = 0; i < 200 && asleep < 4; i++) {
    await new Promise((r) => setTimeout(r, 50));
    asleep = /State:\s+S/.test(readFileSync(`/proc/${child.pid}/status`, 'utf8')) ? asleep + 1 : 0;
  }
  execFileSync('gcore', ['-o', join(dir, 'okp'), String(child.pid)], { stdio: 'ignore' });
  core = join(dir, readdirSync(dir).find((f) => f.startsWith('okp.')) as string);
}, 120_000);

afterAll(() => {
  child?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gcore of a Node process holding Ed25519 and X25519 keys (OpenSSL 3 ECX_KEY)', () => {
  it('proves both private keys through the pointer beside each public key, with virtual addresses; the public-only key stays unproven', async () => {
    const known = [
      { id: 'node/ed25519', publicKey: held.ed as string },
      { id: 'node/x25519', publicKey: held.x as string },
      { id: 'node/public-only', publicKey: publicOnly },
    ];
    const report = await scanPaths({ inputs: [core], baseDir: '/', known, jobs: 1 });
    const file = report.files[0];
    expect(file?.gaps, JSON.stringify(file?.gaps)).toEqual([]);
    const proven = file?.findings.filter((f) => f.proof === 'private-key-present') ?? [];
    expect([...new Set(proven.map((f) => f.matchedKeyId))].sort()).toEqual(['node/ed25519', 'node/x25519']);
    for (const f of proven) {
      expect(f.format).toBe('okp-public');
      expect(f.virtualAddress).toMatch(/^0x[0-9a-f]+$/);
      expect(f).not.toHaveProperty('seedPointers');
    }
    const lone = file?.findings.filter((f) => f.matchedKeyId === 'node/public-only') ?? [];
    expect(lone.length).toBeGreaterThan(0);
    expect(lone.every((f) => f.proof === 'public-key-only')).toBe(true);
  }, 180_000);
});
