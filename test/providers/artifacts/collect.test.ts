// The artifacts provider and the audit: a dump holding an inventoried signing key becomes a critical
// finding naming that key; a dump in a debug store is a finding of its own; and no output of any
// command (scan text and JSON; audit json, markdown and text) contains the private key.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditInventory, collectInventory } from '../../../src/audit.ts';
import Audit from '../../../src/commands/audit.ts';
import Scan from '../../../src/commands/scan.ts';
import { INVENTORY_VERSION } from '../../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import artifactsProvider from '../../../src/providers/artifacts/index.ts';
import { key as kmsKey, NOW } from '../../helpers/fixtures.ts';
import { encode, filler, makeKey, secretStrings } from '../../scan/material.ts';

const KEY_ID = 'arn:aws:kms:us-east-1:111111111111:key/0000-sign';
const ROOT = join(import.meta.dirname, '..', '..', '..');
let dir: string;

const signing = () => makeKey('rsa2048', 3);
const stray = () => makeKey('p256', 3);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-artifacts-'));
  mkdirSync(join(dir, 'dumps'));
  mkdirSync(join(dir, 'prod'));
  // A minidump with the signing key as OpenSSL-style little-endian bignums, and a stray PEM key.
  writeFileSync(
    join(dir, 'dumps', 'signer.dmp'),
    Buffer.concat([
      Buffer.from('MDMP\x93\xa7\0\0', 'latin1'),
      filler('mixed', 70_001),
      encode(signing(), 'bignum-le'),
      filler('mixed', 9_999),
      encode(stray(), 'pem-sec1'),
      filler('mixed', 4_000),
    ]),
  );
  writeFileSync(join(dir, 'prod', 'app.hprof'), Buffer.concat([Buffer.from('JAVA PROFILE 1.0.2\0'), filler('mixed', 20_000)]));
  writeFileSync(join(dir, 'dumps', 'broken.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  const inventory = {
    kind: 'keyhygiene-inventory',
    version: INVENTORY_VERSION,
    generatedAt: NOW.toISOString(),
    providers: [{ id: 'aws-kms' }],
    keys: [kmsKey({ id: KEY_ID, keySize: 2048, publicKey: signing().spkiB64, fingerprints: signing().fingerprints })],
  };
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory));
  writeFileSync(
    join(dir, 'keyhygiene.yaml'),
    [
      'version: 1',
      'environments:',
      '  production: { kind: production, match: [{ tags: { env: prod } }] }',
      '  debug: { kind: debug, match: [{ tags: { env: debug } }] }',
      'providers:',
      '  snapshot: { paths: [inventory.json] }',
      '  artifacts:',
      '    paths:',
      '      - { path: dumps, name: crash-share, environment: debug }',
      '      - { path: "prod/**/*.hprof", environment: production }',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('artifacts provider', () => {
  it('matches material to the keys earlier providers collected, labels stores, and turns unreadable files into gaps', async () => {
    const out = await artifactsProvider.collect(
      { paths: [{ path: 'dumps', environment: 'debug', name: 'crash-share' }], jobs: 1 },
      { now: () => NOW, baseDir: dir, env: {}, inventory: { keys: [kmsKey({ id: KEY_ID, publicKey: signing().spkiB64 })], publishedKeys: [] } },
    );
    const store = { name: 'crash-share', environment: 'debug' };
    expect(out.artifacts?.map((a) => [a.id, a.kind, a.materialFormat, a.proof, a.matchedKeyId])).toEqual([
      ['dumps/signer.dmp', 'memory-artifact', undefined, undefined, undefined],
      ['dumps/signer.dmp@70009', 'key-material', 'rsa-modulus-le', 'private-key-present', KEY_ID],
      [expect.stringMatching(/^dumps\/signer\.dmp@\d+$/), 'key-material', 'pem', 'private-key-present', undefined],
    ]);
    expect(out.artifacts?.every((a) => JSON.stringify(a.store) === JSON.stringify(store))).toBe(true);
    expect(out.gaps?.map((g) => [g.provider, g.scope.subjectId, g.operation])).toEqual([['artifacts', 'dumps/broken.gz!broken', 'scan:decompress']]);
  });
});

describe('audit with an artifacts block', () => {
  it('turns a dump holding an inventoried signing key into a critical finding naming the key', async () => {
    const policy = resolvePolicyFile(join(dir, 'keyhygiene.yaml'));
    const inventory = await collectInventory(policy, { now: NOW, env: {} });
    const result = auditInventory(inventory, policy, NOW);
    const dbg02 = result.results.filter((r) => r.ruleId === 'key-material-in-artifact' && r.outcome === 'fail');
    expect(dbg02.map((r) => [r.subject.id, r.severity])).toEqual([
      ['dumps/signer.dmp@70009', 'critical'],
      [expect.stringMatching(/^dumps\/signer\.dmp@\d+$/), 'high'],
    ]);
    expect(dbg02[0]?.message).toContain(KEY_ID);
    expect(dbg02[0]?.message).toContain('presumed compromised, rotate now');
    const dbg01 = result.results.filter((r) => r.ruleId === 'memory-artifact-in-untrusted-store');
    expect(dbg01.map((r) => [r.subject.id, r.outcome])).toEqual([['dumps/signer.dmp', 'fail']]);
    expect(result.summary.gaps).toBe(1);
  });
});

async function capture(run: () => Promise<unknown>): Promise<{ out: string; code: number | undefined }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    await run();
    return { out, code: process.exitCode as number | undefined };
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
    process.exitCode = before;
  }
}

describe('scan command input errors', () => {
  it('a path that does not exist is a usage error (exit 2) with one clear message', async () => {
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    const before = process.exitCode;
    try {
      await Scan.run([join(dir, 'no-such-dump.dmp')], ROOT);
      expect(process.exitCode).toBe(2);
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
    expect(err).toContain('no-such-dump.dmp: no such file or directory');
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('no output carries key bytes', () => {
  it('scan (text, --json) and audit (json, markdown, text) report findings and never the key', async () => {
    const outputs: Record<string, string> = {};
    // The path after --snapshot stays a path (the flag takes one file; repeat it for more).
    const scanText = await capture(() => Scan.run(['--snapshot', join(dir, 'inventory.json'), join(dir, 'dumps'), '--jobs', '1'], ROOT));
    expect(scanText.code).toBe(1);
    expect(scanText.out).toContain(`matches ${KEY_ID}: presumed compromised, rotate now`);
    outputs['scan text'] = scanText.out;
    const scanJson = await capture(() => Scan.run([join(dir, 'dumps'), '--snapshot', join(dir, 'inventory.json'), '--json', '--jobs', '2'], ROOT));
    const parsed = JSON.parse(scanJson.out);
    expect(parsed.summary).toMatchObject({ privateKeys: 2, matchedPrivateKeys: 1, memoryArtifacts: 1, gaps: 1 });
    outputs['scan json'] = scanJson.out;
    for (const format of ['json', 'markdown', 'text']) {
      const r = await capture(() => Audit.run(['--policy', join(dir, 'keyhygiene.yaml'), '--format', format, '--now', NOW.toISOString()], ROOT));
      expect(r.code, format).toBe(1);
      expect(r.out, format).toContain(format === 'text' ? 'key-material-in-artifact' : KEY_ID);
      outputs[`audit ${format}`] = r.out;
    }
    for (const k of [signing(), stray()]) {
      const secrets = secretStrings(k);
      expect(secrets.length).toBeGreaterThan(5);
      for (const [name, text] of Object.entries(outputs)) {
        for (const s of secrets) expect(text.includes(s), `${name} contains private key bytes`).toBe(false);
        expect(text, name).not.toMatch(/PRIVATE KEY-----/);
      }
    }
  });
});
