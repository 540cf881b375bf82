// Public keys to recognise, read from files the user names with --known-keys: SPKI and PKCS#1 PEM
// or DER, X.509 certificates (PEM or DER), JWK and JWKS, OpenSSH public keys (authorized_keys lines)
// and RFC 4716 (SSH2) public keys. Each becomes a KnownKeyInput: an id and its DER SPKI.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { nodeCrypto } from '../util/builtins.ts';
import { sshPublicToJwk } from './detectors.ts';
import type { KnownKeyInput } from './types.ts';

const MAX_FILE = 64 * 1024 * 1024;

interface Named {
  name?: string;
  key: KeyObject;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const RFC4716 = /---- BEGIN SSH2 PUBLIC KEY ----([\s\S]*?)---- END SSH2 PUBLIC KEY ----/g;
const OPENSSH_LINE = /(?:^|\s)(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521))\s+([A-Za-z0-9+/]+={0,2})(?:[ \t]+([^\r\n]*))?/gm;

function fromPem(text: string): Named[] {
  const out: Named[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const [block, label] = m as unknown as [string, string];
    if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') {
      const cert = new (nodeCrypto().X509Certificate)(block);
      out.push({
        name: cert.subject
          .split('\n')
          .find((l) => l.startsWith('CN='))
          ?.slice(3),
        key: cert.publicKey,
      });
    } else if (label.endsWith('PUBLIC KEY') || label.endsWith('PRIVATE KEY')) {
      // A private key names its public half; only the public half is kept.
      out.push({ key: nodeCrypto().createPublicKey(block) });
    }
  }
  return out;
}

/** An SSH wire-format public key blob as a KeyObject. */
function fromSshBlob(blob: Buffer): KeyObject | undefined {
  const pub = sshPublicToJwk(blob);
  return pub ? nodeCrypto().createPublicKey({ key: pub.jwk, format: 'jwk' }) : undefined;
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
    const key = fromSshBlob(Buffer.from(body, 'base64'));
    if (!key) throw new Error('an SSH2 public key block holds an unsupported key type');
    out.push({ name: comment, key });
  }
  return out;
}

function fromOpenSsh(text: string): Named[] {
  const out: Named[] = [];
  for (const m of text.matchAll(OPENSSH_LINE)) {
    const key = fromSshBlob(Buffer.from(m[2] as string, 'base64'));
    if (!key) throw new Error(`an ${m[1]} line does not hold a valid public key`);
    out.push({ name: m[3]?.trim() || undefined, key });
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
    const pub = Object.fromEntries(Object.entries(jwk).filter(([k]) => PUBLIC_MEMBERS.includes(k)));
    out.push({ name: jwk.kid, key: nodeCrypto().createPublicKey({ key: pub as JsonWebKey, format: 'jwk' }) });
  }
  return out;
}

function fromDer(buf: Buffer): Named[] {
  try {
    const cert = new (nodeCrypto().X509Certificate)(buf);
    return [{ key: cert.publicKey }];
  } catch {
    // not a certificate
  }
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return [{ key: nodeCrypto().createPublicKey({ key: buf, format: 'der', type }) }];
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
      out.push({ id, publicKey: n.key.export({ format: 'der', type: 'spki' }).toString('base64') });
    });
  }
  return out;
}
