// Check an evidence bundle against its manifest (and signature): name every file that changed.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UserError } from '../errors.ts';
import { parseJsonText } from '../util/json-text.ts';
import { decodeUtf8, inputLimit, readInputBytes } from '../util/read-text.ts';
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

/** Every entry under the bundle: regular files only; a symlink, FIFO, socket or device is refused (exit 2) unread. */
function walk(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) return walk(p, root);
    if (!st.isFile())
      throw new UserError({
        file: p,
        message: `the bundle holds ${st.isSymbolicLink() ? 'a symbolic link' : st.isFIFO() ? 'a named pipe (FIFO)' : 'a special file'}; an evidence bundle holds only regular files, so it was not read.`,
        hint: 'the bundle was altered after it was written: treat it as untrustworthy',
      });
    return [relative(root, p).split(sep).join('/')];
  });
}

const EVIDENCE_HINT = 'the bundle was damaged: treat it as untrustworthy';
const readEvidence = (file: string, what: string, limit = inputLimit('evidence')): Buffer => readInputBytes(file, what, EVIDENCE_HINT, limit);

function readJson(file: string, what: string): unknown {
  const text = decodeUtf8(readEvidence(file, what), file, what);
  return parseJsonText(text, file, { what, expected: 'the JSON file `keyhygiene audit --evidence DIR` wrote', hint: EVIDENCE_HINT });
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
  // Refuse links, pipes and devices anywhere in the bundle before reading any of it.
  const present = walk(dir);
  const manifestBytes = readEvidence(manifestPath, 'manifest');
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
    // A file of another size changed; one of the right size is read, never past it.
    if (statSync(p).size !== f.bytes || sha256(readEvidence(p, f.path, Math.max(f.bytes, 1))) !== f.sha256) changed.push(f.path);
  }
  const listed = new Set([...manifest.files.map((f) => f.path), MANIFEST_FILE, SIGNATURE_FILE]);
  const unlisted = present.filter((p) => !listed.has(p));
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
  const bytes = readInputBytes(file, 'public key', 'give a PEM public key', inputLimit('signing key'));
  try {
    return createPublicKey(bytes);
  } catch (err) {
    throw new UserError({
      file,
      message: `the public key cannot be read (${(err as NodeJS.ErrnoException).code ?? 'not a PEM public key or certificate'}).`,
      expected: 'a PEM public key (SPKI), e.g. from `openssl pkey -in key.pem -pubout`',
    });
  }
}
