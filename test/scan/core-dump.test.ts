// The real thing: a live OpenSSL process holding a signing key generated here, dumped with gcore
// (gdb), and the key found in the core, proven by prime division and matched to the inventory.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/scan/index.ts';
import { which } from '../helpers/which.ts';
import { makeKey, secretStrings } from './material.ts';

let dir: string;
let child: ChildProcess | undefined;
let corePath: string;

beforeAll(async () => {
  const gcore = which('gcore');
  if (!gcore || !which('openssl')) throw new Error('this test needs gcore (apt-get install -y gdb) and openssl on PATH');
  dir = mkdtempSync(join(tmpdir(), 'kh-core-'));
  const key = makeKey('rsa2048', 7);
  const pemFile = join(dir, 'signing.pem');
  writeFileSync(pemFile, key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  // pkeyutl loads the key, then blocks reading the data to sign from stdin, which we keep open.
  child = spawn('openssl', ['pkeyutl', '-sign', '-inkey', pemFile, '-rawin', '-digest', 'sha256'], { stdio: ['pipe', 'ignore', 'pipe'] });
  const pid = child.pid as number;
  // Wait until it has been asleep (blocked reading stdin, key loaded) for a few polls in a row, then
  // remove the file: the key now lives only in the process's memory.
  for (let i = 0, asleep = 0; i < 200 && asleep < 4; i++) {
    await new Promise((r) => setTimeout(r, 50));
    asleep = /State:\s+S/.test(readFileSync(`/proc/${pid}/status`, 'utf8')) ? asleep + 1 : 0;
  }
  rmSync(pemFile);
  execFileSync(gcore, ['-o', join(dir, 'core'), String(pid)], { stdio: 'ignore' });
  corePath = join(dir, readdirSync(dir).find((f) => f.startsWith('core')) as string);
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gcore of a live OpenSSL process', () => {
  it('finds the signing key in the core, proves possession and matches it to the inventory', async () => {
    const key = makeKey('rsa2048', 7);
    const report = await scanPaths({
      inputs: [corePath],
      baseDir: '/',
      known: [{ id: 'arn:aws:kms:us-east-1:111111111111:key/signer', publicKey: key.spkiB64 }],
    });
    const file = report.files[0];
    expect(file?.entries.map((e) => e.artifactType)).toEqual(['elf-core']);
    expect(file?.gaps).toEqual([]);
    const matched = file?.findings.filter((f) => f.matchedKeyId === 'arn:aws:kms:us-east-1:111111111111:key/signer') ?? [];
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.some((f) => f.proof === 'private-key-present')).toBe(true);
    // The in-memory form: OpenSSL keeps the modulus as little-endian limbs.
    expect(matched.map((f) => f.format)).toContain('rsa-modulus-le');
    // And nothing about the finding carries the key.
    const out = JSON.stringify(report);
    for (const s of secretStrings(key)) expect(out.includes(s), 'private key bytes in the scan report').toBe(false);
  });
});
