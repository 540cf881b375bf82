// Real memory: gcore dumps of live processes holding keys (a Node process with RSA, P-256 and P-384
// keys from generateKeyPairSync; an OpenSSL process with a P-256 signing key), scanned with
// their public keys as known keys. Each key must be found and proven, EC scalars wherever the
// library put them, with the virtual address reported.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createZstdCompress } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/scan/index.ts';
import { which } from '../helpers/which.ts';

let dir: string;
const children: ChildProcess[] = [];

async function settle(pid: number): Promise<void> {
  // Asleep (blocked) for a few polls in a row: the key is loaded and the process waits.
  for (let i = 0, asleep = 0; i < 200 && asleep < 4; i++) {
    await new Promise((r) => setTimeout(r, 50));
    asleep = /State:\s+S/.test(readFileSync(`/proc/${pid}/status`, 'utf8')) ? asleep + 1 : 0;
  }
}

function dump(pid: number, name: string): string {
  execFileSync('gcore', ['-o', join(dir, name), String(pid)], { stdio: 'ignore' });
  return join(dir, readdirSync(dir).find((f) => f.startsWith(`${name}.`)) as string);
}

const HOLDER = `
const { generateKeyPairSync } = require('node:crypto');
const keys = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
};
const out = {};
for (const [k, v] of Object.entries(keys)) out[k] = v.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
process.stdout.write(JSON.stringify(out) + '\\n');
globalThis.held = keys;
process.stdin.resume();
`;

let nodeCore: string;
let nodeKeys: Record<string, string>;
let opensslCore: string;
let opensslSpki: string;

beforeAll(async () => {
  if (!which('gcore') || !which('openssl')) throw new Error('this test needs gcore (apt-get install -y gdb) and openssl on PATH');
  dir = mkdtempSync(join(tmpdir(), 'kh-core-ec-'));
  const node = spawn(process.execPath, ['-e', HOLDER], { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(node);
  nodeKeys = JSON.parse(await new Promise<string>((resolve) => node.stdout?.once('data', (d: Buffer) => resolve(d.toString()))));
  await settle(node.pid as number);
  nodeCore = dump(node.pid as number, 'node-core');

  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  opensslSpki = createPublicKey(ec.privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  const pem = join(dir, 'ec.pem');
  writeFileSync(pem, ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string, { mode: 0o600 });
  const ossl = spawn('openssl', ['pkeyutl', '-sign', '-inkey', pem, '-rawin', '-digest', 'sha256'], { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(ossl);
  await settle(ossl.pid as number);
  rmSync(pem);
  opensslCore = dump(ossl.pid as number, 'openssl-core');
}, 120_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gcore of live key holders', () => {
  it('finds and proves every key a Node process holds (RSA, P-256, P-384)', async () => {
    const known = Object.entries(nodeKeys).map(([id, publicKey]) => ({ id: `node/${id}`, publicKey }));
    const report = await scanPaths({ inputs: [nodeCore], baseDir: '/', known, jobs: 1 });
    const file = report.files[0];
    expect(file?.gaps).toEqual([]);
    const proven = new Set(file?.findings.filter((f) => f.proof === 'private-key-present').map((f) => f.matchedKeyId));
    expect([...proven].sort()).toEqual(['node/p256', 'node/p384', 'node/rsa']);
    // Node links OpenSSL statically: the scalars are BIGNUM limbs on its heap, reached through the BIGNUM's pointer.
    const scalar = file?.findings.find((f) => f.matchedKeyId === 'node/p256' && f.proof === 'private-key-present');
    expect(scalar?.format).toBe('ec-scalar');
    expect(scalar?.virtualAddress).toMatch(/^0x[0-9a-f]+$/);
  }, 120_000);

  it('finds the same keys when systemd-coredump compressed the core with zstd (scalars followed on a second pass)', async () => {
    const zst = join(dir, 'core.node.1000.4242.zst');
    // Streamed, as systemd-coredump writes it: no 1.3 GB buffer of the core in this process.
    const level = { [constants.ZSTD_c_compressionLevel]: 1 };
    await pipeline(createReadStream(nodeCore, { highWaterMark: 1 << 20 }), createZstdCompress({ params: level, chunkSize: 1 << 20 }), createWriteStream(zst));
    const known = Object.entries(nodeKeys).map(([id, publicKey]) => ({ id: `node/${id}`, publicKey }));
    const report = await scanPaths({ inputs: [zst], baseDir: '/', known, jobs: 1 });
    const file = report.files[0];
    expect(file?.gaps).toEqual([]);
    const proven = new Set(file?.findings.filter((f) => f.proof === 'private-key-present').map((f) => f.matchedKeyId));
    expect([...proven].sort()).toEqual(['node/p256', 'node/p384', 'node/rsa']);
    expect(file?.findings.find((f) => f.matchedKeyId === 'node/p256' && f.proof === 'private-key-present')?.format).toBe('ec-scalar');
  }, 180_000);

  it('finds and proves the P-256 key an OpenSSL process holds, though its scalar lies far from its point', async () => {
    const report = await scanPaths({ inputs: [opensslCore], baseDir: '/', known: [{ id: 'kms/ec-signer', publicKey: opensslSpki }], jobs: 1 });
    const file = report.files[0];
    expect(file?.gaps).toEqual([]);
    const proven = file?.findings.filter((f) => f.proof === 'private-key-present' && f.matchedKeyId === 'kms/ec-signer') ?? [];
    expect(proven.length).toBeGreaterThan(0);
    expect(proven.map((f) => f.format)).toContain('ec-scalar');
  }, 120_000);
});
