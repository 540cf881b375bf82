// Public keys to recognise, read from files the user names with --known-keys: SPKI and PKCS#1 PEM
// or DER, X.509 certificates (PEM or DER), JWK and JWKS, OpenSSH public keys (authorized_keys lines)
// and RFC 4716 (SSH2) public keys. Each becomes a KnownKeyInput: an id and its DER SPKI.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { nodeCrypto } from '../util/builtins.ts';
import { sshPublicToJwk } from './detectors.ts';
import { canonicalSpki, certificateSpki, jwkSpki, pkcs1Spki } from './spki.ts';
import type { KnownKeyInput } from './types.ts';

const MAX_FILE = 64 * 1024 * 1024;

/** A public key read from a file: its DER SPKI, as node:crypto exports it, and the name it carries. */
interface Named {
  name?: string;
  der: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const RFC4716 = /---- BEGIN SSH2 PUBLIC KEY ----([\s\S]*?)---- END SSH2 PUBLIC KEY ----/g;
const OPENSSH_LINE = /(?:^|\s)(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521))\s+([A-Za-z0-9+/]+={0,2})(?:[ \t]+([^\r\n]*))?/gm;

/**
 * Keys are decoded to their SPKI without a crypto object where the encoding is plain (spki.ts: the
 * same bytes node:crypto exports, EC points checked on the curve); anything else goes through
 * node:crypto as it always did, which reads it or throws the reason.
 */
const exported = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' });

/**
 * A PEM body as DER when it is base64 lines only, else undefined (node:crypto reads the block). The
 * DER must then be a canonical key or certificate, so nothing lenient gets through.
 */
const pemBody = (body: string): Buffer | undefined => (/^[A-Za-z0-9+/=\r\n]*$/.test(body) ? Buffer.from(body, 'base64') : undefined);

function pemCertificate(block: string, der: Buffer | undefined): Named {
  const fast = der && certificateSpki(der);
  if (fast) return { name: fast.name || undefined, der: fast.spki };
  const cert = new (nodeCrypto().X509Certificate)(block);
  const name = cert.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3);
  return { name, der: exported(cert.publicKey) };
}

function fromPem(text: string): Named[] {
  const out: Named[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const [block, label, body] = m as unknown as [string, string, string];
    const der = label === 'CERTIFICATE' || label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY' ? pemBody(body) : undefined;
    if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') out.push(pemCertificate(block, der));
    else if (label.endsWith('PUBLIC KEY') || label.endsWith('PRIVATE KEY')) {
      // A private key names its public half; only the public half is kept.
      const fast = der && (label === 'PUBLIC KEY' ? canonicalSpki(der) : label === 'RSA PUBLIC KEY' ? pkcs1Spki(der) : undefined);
      out.push({ der: fast || exported(nodeCrypto().createPublicKey(block)) });
    }
  }
  return out;
}

/** A public JWK's SPKI. */
const jwkDer = (jwk: JsonWebKey): Buffer => jwkSpki(jwk as Record<string, unknown>) ?? exported(nodeCrypto().createPublicKey({ key: jwk, format: 'jwk' }));

/** An SSH wire-format public key blob's SPKI. */
function fromSshBlob(blob: Buffer): Buffer | undefined {
  const pub = sshPublicToJwk(blob);
  return pub ? jwkDer(pub.jwk) : undefined;
}

function fromRfc4716(text: string): Named[] {
  const out: Named[] = [];
  for (const m of text.matchAll(RFC4716)) {
    // Header lines ("Comment: …", continued with a trailing backslash) come before the base64 body.
    const lines = (m[1] as string).replace(/\\\r?\n/g, '').split(/\r?\n/);
    const comment = lines
      .find((l) => /^Comment:/i.test(l))
      ?.replace(/^Comment:\s*/i, '')
      .replace(/^"|"$/g, '');
    const body = lines.filter((l) => l.trim() && !l.includes(':')).join('');
    const der = fromSshBlob(Buffer.from(body, 'base64'));
    if (!der) throw new Error('an SSH2 public key block holds an unsupported key type');
    out.push({ name: comment, der });
  }
  return out;
}

function fromOpenSsh(text: string): Named[] {
  const out: Named[] = [];
  for (const m of text.matchAll(OPENSSH_LINE)) {
    const der = fromSshBlob(Buffer.from(m[2] as string, 'base64'));
    if (!der) throw new Error(`an ${m[1]} line does not hold a valid public key`);
    out.push({ name: m[3]?.trim() || undefined, der });
  }
  return out;
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y'];

function fromJson(text: string): Named[] {
  const doc = JSON.parse(text) as { keys?: unknown } & JsonWebKey;
  const list = Array.isArray(doc.keys) ? (doc.keys as (JsonWebKey & { kid?: string })[]) : [doc as JsonWebKey & { kid?: string }];
  const out: Named[] = [];
  for (const jwk of list) {
    if (!jwk || typeof jwk !== 'object' || typeof jwk.kty !== 'string')
      throw new Error('a JSON key has no "kty" member (expected a JWK or a JWKS {"keys": [...]})');
    if (jwk.kty === 'oct') continue;
    const pub: JsonWebKey = {};
    for (const k of PUBLIC_MEMBERS) if (k in jwk) (pub as Record<string, unknown>)[k] = (jwk as Record<string, unknown>)[k];
    out.push({ name: jwk.kid, der: jwkDer(pub) });
  }
  return out;
}

function fromDer(buf: Buffer): Named[] {
  const fast = certificateSpki(buf)?.spki ?? canonicalSpki(buf) ?? pkcs1Spki(buf);
  if (fast) return [{ der: fast }];
  try {
    const cert = new (nodeCrypto().X509Certificate)(buf);
    return [{ der: exported(cert.publicKey) }];
  } catch {
    // not a certificate
  }
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return [{ der: exported(nodeCrypto().createPublicKey({ key: buf, format: 'der', type })) }];
    } catch {
      // try the next
    }
  }
  return [];
}

/** Every public key in one file's bytes, in the order they appear. */
export function parseKnownKeyFile(buf: Buffer): Named[] {
  const text = buf.toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return fromJson(text);
  const found = [...fromPem(text), ...fromRfc4716(text), ...fromOpenSsh(text)];
  if (found.length) return found;
  return buf[0] === 0x30 ? fromDer(buf) : [];
}

const FORMATS_HINT =
  'expected public keys as SPKI or PKCS#1 PEM/DER, X.509 certificates (PEM or DER), a JWK or JWKS (JSON), OpenSSH public keys (authorized_keys lines) or RFC 4716 "---- BEGIN SSH2 PUBLIC KEY ----" blocks';

/**
 * A key read from a file: its SPKI bytes, handed to the table as they are (10,000 keys need not be
 * written as base64 only to be decoded again); `publicKey`, their base64, is written when read.
 */
class LoadedKey implements KnownKeyInput {
  readonly id: string;
  readonly der: Buffer;
  constructor(id: string, der: Buffer) {
    this.id = id;
    this.der = der;
  }
  get publicKey(): string {
    return this.der.toString('base64');
  }
}

/** Read --known-keys files into known keys; a file that holds none, or cannot be read, is a usage error. */
export function loadKnownKeyFiles(files: readonly string[]): KnownKeyInput[] {
  const out: KnownKeyInput[] = [];
  for (const file of files) {
    let named: Named[];
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_FILE) throw new Error(`larger than ${MAX_FILE} bytes`);
      named = parseKnownKeyFile(readFileSync(file));
    } catch (err) {
      throw new UserError({ message: `${file}: cannot read known keys: ${(err as Error).message}.`, hint: FORMATS_HINT });
    }
    if (named.length === 0) throw new UserError({ message: `${file}: no public key found.`, hint: FORMATS_HINT });
    named.forEach((n, i) => {
      const id = n.name ? `${file}#${n.name}` : named.length === 1 ? file : `${file}#${i + 1}`;
      out.push(new LoadedKey(id, n.der));
    });
  }
  return out;
}
