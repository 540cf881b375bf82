// PuTTY PPK version 3 encrypted with a passphrase, as PuTTY's documentation (Appendix C, "PPK file
// format") writes it: Encryption: aes256-cbc, Key-Derivation: Argon2id with its memory, passes,
// parallelism and salt, the public blob in the clear, the private blob encrypted, Private-MAC over all.
// The key at rest is reported as encrypted (never clean) and named by its public half.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { makeKey, sshPublicBlob } from './material.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-ppk-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (x: Buffer) => x.toString('base64').match(/.{1,64}/g) ?? [];

describe('PuTTY PPK v3 with Argon2id key derivation', () => {
  for (const kind of ['ed25519', 'rsa2048'] as const) {
    it(`an encrypted ${kind} key is reported encrypted, matched by its public lines`, async () => {
      const k = makeKey(kind, 31);
      const pub = lines(sshPublicBlob(k));
      const encrypted = lines(randomBytes(kind === 'rsa2048' ? 656 : 48)); // the private blob under AES-256-CBC
      const type = kind === 'rsa2048' ? 'ssh-rsa' : 'ssh-ed25519';
      const text = [
        `PuTTY-User-Key-File-3: ${type}`,
        'Encryption: aes256-cbc',
        'Comment: deploy@build',
        `Public-Lines: ${pub.length}`,
        ...pub,
        'Key-Derivation: Argon2id',
        'Argon2-Memory: 8192',
        'Argon2-Passes: 13',
        'Argon2-Parallelism: 1',
        `Argon2-Salt: ${randomBytes(16).toString('hex')}`,
        `Private-Lines: ${encrypted.length}`,
        ...encrypted,
        `Private-MAC: ${randomBytes(32).toString('hex')}`,
        '',
      ].join('\r\n');
      writeFileSync(join(dir, 'deploy.ppk'), text);
      const table = new KnownKeyTable([{ id: 'ci/deploy', publicKey: k.spkiB64 }]);
      const r = await scanFile(join(dir, 'deploy.ppk'), 'deploy.ppk', { table });
      expect(r.gaps).toEqual([]);
      expect(r.findings.map((f) => [f.offset, f.format, f.encrypted, f.proof, f.matchedKeyId])).toEqual([[0, 'putty-ppk', true, 'unproven', 'ci/deploy']]);
    });
  }
});
