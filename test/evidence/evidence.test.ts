import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditResult } from '../../src/engine/result.ts';
import { UserError } from '../../src/errors.ts';
import { checkEvidenceDir, writeEvidenceBundle } from '../../src/evidence/bundle.ts';
import { Manifest, sha256 } from '../../src/evidence/manifest.ts';
import { verifyEvidence } from '../../src/evidence/verify.ts';
import { FORMAT_IDS } from '../../src/report/index.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
const run = stormRun();
const input = { ...run, meta: reportMeta(), toolVersion: '9.9.9', createdAt: new Date('2026-11-01T07:00:00Z') };
let n = 0;
const fresh = () => join(tmp.dir, `bundle-${++n}`);

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f), `${prefix}${f}/`) : [`${prefix}${f}`]));
}

function keyFile(type: 'ed25519' | 'ec' | 'rsa', curve?: string): { priv: string; pub: string } {
  const { privateKey, publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: curve ?? 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  const name = `${type}-${curve ?? ''}-${++n}`;
  return {
    priv: tmp.write(`${name}.pem`, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
    pub: tmp.write(`${name}.pub.pem`, publicKey.export({ format: 'pem', type: 'spki' }).toString()),
  };
}

describe('evidence bundles', () => {
  it('hold the snapshot, resolved policy, result, every report and a manifest with a SHA-256 per file', () => {
    const dir = fresh();
    const manifest = writeEvidenceBundle(dir, input);
    const files = walk(dir).sort();
    expect(files).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort((a, b) => (a < b ? -1 : 1)));
    for (const p of ['inventory.json', 'policy.resolved.json', 'result.json', 'policy-source/keyhygiene.yaml']) expect(files).toContain(p);
    expect(manifest.files.filter((f) => f.role === 'report')).toHaveLength(FORMAT_IDS.length);
    for (const f of manifest.files) expect(sha256(readFileSync(join(dir, f.path)))).toBe(f.sha256);
    const onDisk = Manifest.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(onDisk.tool).toEqual({ name: 'keyhygiene', version: '9.9.9' });
    expect(onDisk.createdAt).toBe('2026-11-01T07:00:00.000Z');
    expect(onDisk.identities).toEqual(run.inventory.providers.map((p) => expect.objectContaining({ provider: p.id })));
    expect(AuditResult.parse(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))).summary).toEqual(run.result.summary);
    const policy = JSON.parse(readFileSync(join(dir, 'policy.resolved.json'), 'utf8'));
    expect(Object.keys(policy.rules)).toHaveLength(run.policy.rules.size);
  });

  it('verify passes an intact bundle and names a file changed by one byte', () => {
    const dir = fresh();
    writeEvidenceBundle(dir, input);
    expect(verifyEvidence(dir)).toMatchObject({ ok: true, changed: [], missing: [], unlisted: [] });
    const target = join(dir, 'reports', 'report.html');
    const bytes = readFileSync(target);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    writeFileSync(target, bytes);
    const check = verifyEvidence(dir);
    expect(check.ok).toBe(false);
    expect(check.changed).toEqual(['reports/report.html']);
    expect(check.verified).toBe(check.manifest.files.length - 1);
  });

  it('names missing and unlisted files', () => {
    const dir = fresh();
    writeEvidenceBundle(dir, input);
    rmSync(join(dir, 'inventory.json'));
    writeFileSync(join(dir, 'reports', 'extra.txt'), 'added later');
    const check = verifyEvidence(dir);
    expect(check).toMatchObject({ ok: false, missing: ['inventory.json'], unlisted: ['reports/extra.txt'], changed: [] });
  });

  it('checks that the parent takes a new directory (the bundle is renamed into place) and leaves no probe behind', () => {
    const parent = fresh();
    mkdirSync(parent);
    checkEvidenceDir(join(parent, 'bundle'));
    expect(readdirSync(parent)).toEqual([]);
    expect(() => checkEvidenceDir(join('/proc', `keyhygiene-${process.pid}`))).toThrow(/\/proc does not take a new directory/);
  });

  it('refuses a directory that is not empty, before writing anything', () => {
    const dir = fresh();
    writeEvidenceBundle(dir, input);
    expect(() => writeEvidenceBundle(dir, input)).toThrow(UserError);
    expect(() => verifyEvidence(tmp.dir)).toThrow(/no manifest/);
  });

  for (const [type, curve] of [
    ['ed25519', undefined],
    ['ec', 'P-256'],
    ['ec', 'P-384'],
  ] as const) {
    it(`signs the manifest with ${type}${curve ? ` ${curve}` : ''}; a changed manifest or another pinned key fails`, () => {
      const key = keyFile(type, curve);
      const dir = fresh();
      writeEvidenceBundle(dir, input, { signKeyFile: key.priv });
      const pub = readFileSync(key.pub, 'utf8');
      const ok = verifyEvidence(dir, { publicKey: createPublicKey(pub) });
      expect(ok.ok).toBe(true);
      expect(ok.signature).toMatchObject({ valid: true, trusted: true });
      // The private key is used, never stored.
      for (const f of walk(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain('PRIVATE KEY');
      // Another key pinned: the signature is valid but not trusted.
      const other = keyFile('ed25519');
      const untrusted = verifyEvidence(dir, { publicKey: createPublicKey(readFileSync(other.pub, 'utf8')) });
      expect(untrusted).toMatchObject({ ok: false, signature: { valid: true, trusted: false } });
      // A manifest edited to match an edited file breaks the signature.
      const manifestPath = join(dir, 'manifest.json');
      const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
      appendFileSync(join(dir, 'result.json'), ' ');
      const entry = m.files.find((f: { path: string }) => f.path === 'result.json');
      entry.sha256 = sha256(readFileSync(join(dir, 'result.json')));
      entry.bytes += 1;
      writeFileSync(manifestPath, `${JSON.stringify(m, null, 2)}\n`);
      const forged = verifyEvidence(dir);
      expect(forged.changed).toEqual([]);
      expect(forged.signature?.valid).toBe(false);
      expect(forged.ok).toBe(false);
    });
  }

  it('an unsigned bundle fails when a signature is required; RSA or unreadable keys are refused clearly', () => {
    const dir = fresh();
    writeEvidenceBundle(dir, input);
    expect(verifyEvidence(dir, { requireSignature: true }).ok).toBe(false);
    const rsa = keyFile('rsa');
    expect(() => writeEvidenceBundle(fresh(), input, { signKeyFile: rsa.priv })).toThrow(/Ed25519 or ECDSA/);
    const junk = tmp.write('junk.pem', '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n');
    let message = '';
    try {
      writeEvidenceBundle(fresh(), input, { signKeyFile: junk });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/not a PEM or DER private key/);
    expect(message).not.toContain('not base64');
  });
});
