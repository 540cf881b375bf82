// Check an evidence bundle against its manifest (and signature): name every file that changed.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UserError } from '../errors.ts';
import { MANIFEST_FILE, Manifest, ManifestSignature, SIGNATURE_FILE, sha256 } from './manifest.ts';
import { type SignatureCheck, verifyManifestSignature } from './sign.ts';

export interface EvidenceCheck {
  ok: boolean;
  manifest: Manifest;
  /** Listed files whose content no longer has the recorded SHA-256 (or size). */
  changed: string[];
  missing: string[];
  /** Files in the directory that the manifest does not list. */
  unlisted: string[];
  verified: number;
  signature?: SignatureCheck;
}

function walk(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, root) : [relative(root, p).split(sep).join('/')];
  });
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError({
      file,
      message: `the ${what} is not valid JSON (${(err as Error).message}).`,
      hint: 'the bundle was damaged: treat it as untrustworthy',
    });
  }
}

/**
 * Verify the bundle in `dir`. With `requireSignature` (or a pinned `publicKey`), an unsigned bundle
 * fails; with a pinned key, a signature by any other key fails.
 */
export function verifyEvidence(dir: string, opts: { publicKey?: KeyObject; requireSignature?: boolean } = {}): EvidenceCheck {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath))
    throw new UserError({
      file: manifestPath,
      message: 'no manifest: this is not an evidence bundle.',
      hint: 'write one with `keyhygiene audit --evidence DIR`',
    });
  const manifestBytes = readFileSync(manifestPath);
  const parsed = Manifest.safeParse(readJson(manifestPath, 'manifest'));
  if (!parsed.success)
    throw new UserError({
      file: manifestPath,
      message: `the manifest is not a keyhygiene evidence manifest (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}).`,
      hint: 'the bundle was damaged or written by another tool: treat it as untrustworthy',
    });
  const manifest = parsed.data;
  const changed: string[] = [];
  const missing: string[] = [];
  for (const f of manifest.files) {
    const p = join(dir, ...f.path.split('/'));
    if (!existsSync(p)) {
      missing.push(f.path);
      continue;
    }
    const data = readFileSync(p);
    if (data.byteLength !== f.bytes || sha256(data) !== f.sha256) changed.push(f.path);
  }
  const listed = new Set([...manifest.files.map((f) => f.path), MANIFEST_FILE, SIGNATURE_FILE]);
  const unlisted = walk(dir).filter((p) => !listed.has(p));
  let signature: SignatureCheck | undefined;
  const sigPath = join(dir, SIGNATURE_FILE);
  if (existsSync(sigPath)) {
    const sig = ManifestSignature.safeParse(readJson(sigPath, 'signature file'));
    signature = sig.success
      ? verifyManifestSignature(manifestBytes, sig.data, opts.publicKey)
      : { valid: false, algorithm: 'unreadable', publicKeySha256: '', ...(opts.publicKey ? { trusted: false } : {}) };
  }
  const needSig = opts.requireSignature || opts.publicKey !== undefined;
  const sigOk = signature ? signature.valid && signature.trusted !== false : !needSig;
  return {
    ok: changed.length === 0 && missing.length === 0 && unlisted.length === 0 && sigOk,
    manifest,
    changed,
    missing,
    unlisted,
    verified: manifest.files.length - changed.length - missing.length,
    ...(signature ? { signature } : {}),
  };
}

export function loadPublicKey(file: string): KeyObject {
  try {
    return createPublicKey(readFileSync(file));
  } catch (err) {
    throw new UserError({
      file,
      message: `the public key cannot be read (${(err as NodeJS.ErrnoException).code ?? 'not a PEM public key or certificate'}).`,
      expected: 'a PEM public key (SPKI), e.g. from `openssl pkey -in key.pem -pubout`',
    });
  }
}
