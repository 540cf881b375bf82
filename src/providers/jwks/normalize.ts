// Pure mapping from discovery documents and JWK Sets to the model. No I/O: the caller fetched the
// text. Private members are recorded by name only; their values never leave this module.
import { createHash, createPublicKey, type JsonWebKey, type KeyObject, X509Certificate } from 'node:crypto';
import { fingerprintsOf } from '../../crypto/fingerprint.ts';
import { hasRocaFingerprint } from '../../crypto/roca.ts';
import type { Fingerprints } from '../../model/common.ts';
import { type CompromiseMatch, type KeySetTrust, type PublishedKey, trustSummary } from '../../model/published-key.ts';
import type { CompromisedKeyIndicator } from './schema.ts';

export const PROVIDER_ID = 'jwks';
export const WELL_KNOWN = '/.well-known/openid-configuration';

/**
 * Private and symmetric members: none may appear in a published set. RFC 7518 §6 (RSA, EC, oct),
 * RFC 8037 §2 (OKP `d`), RFC 9964 (AKP, ML-DSA: `priv`; earlier drafts also wrote the `seed`).
 */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv', 'seed'] as const;

/** Key types whose members are all known: for them, no private member found means none published. */
const KNOWN_KTY: ReadonlySet<string> = new Set(['RSA', 'EC', 'OKP', 'oct', 'AKP']);

const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, secp256k1: 256, Ed25519: 256, Ed448: 448, X25519: 256, X448: 448 };

export const discoveryUrlFor = (issuer: string): string => `${issuer.replace(/\/+$/, '')}${WELL_KNOWN}`;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseJson(text: string, what: string): Parsed<unknown> {
  try {
    // RFC 8259 §8.1: a parser may ignore a byte order mark; static files saved on Windows often start with one.
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch (err) {
    // V8 quotes the start of the text in some messages: drop it, the body may hold key material.
    const why = (err as Error).message.replace(/^JSON\.parse: /, '').replace(/, ".*?"(\.\.\.)? is not valid JSON$/s, '');
    return { ok: false, reason: `${what} is not valid JSON (${why})` };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Discovery {
  issuer?: string;
  jwksUri: string;
}

/** The two members of an OpenID Provider Metadata document this provider needs. */
export function parseDiscovery(text: string): Parsed<Discovery> {
  const j = parseJson(text, 'the discovery document');
  if (!j.ok) return j;
  if (!isObject(j.value)) return { ok: false, reason: 'the discovery document is not a JSON object' };
  const { issuer, jwks_uri } = j.value;
  if (typeof jwks_uri !== 'string' || jwks_uri.length === 0) return { ok: false, reason: 'the discovery document has no jwks_uri' };
  return { ok: true, value: { jwksUri: jwks_uri, ...(typeof issuer === 'string' ? { issuer } : {}) } };
}

/** The `keys` array of a JWK Set (RFC 7517 §5); every entry must be an object. */
export function parseKeySet(text: string): Parsed<Record<string, unknown>[]> {
  const j = parseJson(text, 'the key set');
  if (!j.ok) return j;
  if (!isObject(j.value) || !Array.isArray(j.value.keys)) return { ok: false, reason: 'the document is not a JWK Set (no "keys" array)' };
  const keys = j.value.keys;
  const bad = keys.findIndex((k) => !isObject(k));
  if (bad >= 0) return { ok: false, reason: `keys[${bad}] is not a JSON object` };
  return { ok: true, value: keys as Record<string, unknown>[] };
}

const b64urlBytes = (s: string): Buffer => Buffer.from(s, 'base64url');

/** Octets of each coordinate (EC, RFC 7518 §6.2.1.2) or of the public key (OKP, RFC 8037 §2) per curve. */
const COORDINATE_OCTETS: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, secp256k1: 32, Ed25519: 32, Ed448: 57, X25519: 32, X448: 56 };
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Common JWK members and whether they are arrays (else strings), RFC 7517 §4. */
const TYPED_MEMBERS: readonly [string, boolean][] = [
  ['kid', false],
  ['use', false],
  ['alg', false],
  ['x5u', false],
  ['x5t', false],
  ['x5t#S256', false],
  ['key_ops', true],
  ['x5c', true],
];

/**
 * Members a strict relying party would refuse although Node reads them: base64url with padding or
 * `+`/`/`, a coordinate shorter or longer than its curve's (a stripped leading zero), an RSA integer
 * with a leading zero octet, an `x5c` entry in base64url. Names and lengths only, never values.
 */
function encodingProblemsOf(jwk: Record<string, unknown>, kty: string): string[] {
  const out: string[] = [];
  for (const [m, array] of TYPED_MEMBERS) {
    const v = jwk[m];
    if (v === undefined || (array ? Array.isArray(v) : typeof v === 'string')) continue;
    out.push(`${m} is ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}, not ${array ? 'an array' : 'a string'} (RFC 7517 §4)`);
  }
  const members = kty === 'RSA' ? ['n', 'e'] : kty === 'EC' ? ['x', 'y'] : kty === 'OKP' ? ['x'] : [];
  const want = typeof jwk.crv === 'string' ? COORDINATE_OCTETS[jwk.crv] : undefined;
  for (const m of members) {
    const v = jwk[m];
    if (typeof v !== 'string') continue;
    if (!BASE64URL.test(v)) {
      out.push(`${m} is not base64url without padding (RFC 7515 §2)`);
      continue;
    }
    const bytes = b64urlBytes(v);
    if (kty === 'RSA' && bytes.length > 1 && bytes[0] === 0) out.push(`${m} has a leading zero octet (RFC 7518 §2: Base64urlUInt uses the fewest octets)`);
    if (kty !== 'RSA' && want !== undefined && bytes.length !== want)
      out.push(`${m} is ${bytes.length} octets; ${jwk.crv} needs ${want} (${kty === 'EC' ? 'RFC 7518 §6.2.1.2' : 'RFC 8037 §2'})`);
  }
  if (Array.isArray(jwk.x5c))
    jwk.x5c.forEach((c, i) => {
      if (typeof c === 'string' && !BASE64.test(c) && BASE64URL.test(c)) out.push(`x5c[${i}] is base64url; x5c holds base64 (RFC 7517 §4.7)`);
    });
  return out;
}

function rsaBits(n: string): number | undefined {
  const bytes = b64urlBytes(n);
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return undefined;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export interface KeyContext {
  url: string;
  index: number;
  setSize: number;
  /** How many keys of the set carry each kid (duplicates get a disambiguated id). */
  kidCounts: ReadonlyMap<string, number>;
  trustedBy: readonly KeySetTrust[];
  indicators: readonly (CompromisedKeyIndicator & { source: string })[];
}

export interface NormalizedKey {
  key: PublishedKey;
  /** Why the key material could not be read, when it could not (becomes a CollectionGap). */
  problem?: string;
}

/** Map one JWK to a PublishedKey: fingerprints, size, certificates, trust; private members by name only. */
export function normalizeKey(jwk: Record<string, unknown>, c: KeyContext): NormalizedKey {
  const kty = str(jwk.kty) ?? 'unknown';
  const kid = str(jwk.kid);
  const privateMembers = PRIVATE_MEMBERS.filter((m) => jwk[m] !== undefined);
  let problem: string | undefined;
  let pub: KeyObject | undefined;
  let fingerprints: Fingerprints = {};
  const rsaSize = kty === 'RSA' && typeof jwk.n === 'string' ? rsaBits(jwk.n) : undefined;
  if (kty === 'RSA' || kty === 'EC' || kty === 'OKP') {
    try {
      const { n, e, crv, x, y } = jwk;
      // Node builds a "key" from an empty or zero modulus: it is no key, and nothing about it can be judged.
      if (kty === 'RSA' && !rsaSize) throw new Error('the modulus n is missing, empty or zero');
      const members = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined));
      pub = createPublicKey({ key: members as JsonWebKey, format: 'jwk' });
      fingerprints = fingerprintsOf(pub);
    } catch (err) {
      problem = `the ${kty} key material could not be read (${(err as Error).message})`;
    }
  } else if (kty !== 'oct') {
    problem = kty === 'unknown' ? 'the key has no kty' : `key type ${kty} is not supported`;
  }

  const encodingProblems = encodingProblemsOf(jwk, kty);
  const certificates = Array.isArray(jwk.x5c) ? certificatesOf(jwk.x5c, pub) : undefined;

  const tp = fingerprints.jwkThumbprint;
  const dup = kid !== undefined && (c.kidCounts.get(kid) ?? 0) > 1;
  const local = kid ?? tp ?? `key-${c.index}`;
  const id = `${c.url}#${dup ? `${kid}@${tp ?? `key-${c.index}`}` : local}`;

  const { issuer, labels, trustedBy } = trustSummary(c.trustedBy);

  let keySize: number | undefined;
  let curve: string | undefined;
  let roca: boolean | undefined;
  if (kty === 'RSA' && typeof jwk.n === 'string') {
    keySize = rsaSize;
    if (keySize) roca = hasRocaFingerprint(b64urlBytes(jwk.n));
  }

  if ((kty === 'EC' || kty === 'OKP') && typeof jwk.crv === 'string') {
    curve = jwk.crv;
    keySize = CURVE_BITS[jwk.crv];
  }

  const key: PublishedKey = {
    id,
    provider: PROVIDER_ID,
    ...(issuer ? { issuer } : {}),
    url: c.url,
    ...(kid !== undefined ? { kid } : {}),
    kty,
    ...(str(jwk.use) ? { use: str(jwk.use) } : {}),
    ...(Array.isArray(jwk.key_ops) ? { keyOps: jwk.key_ops.filter((o): o is string => typeof o === 'string') } : {}),
    ...(str(jwk.alg) ? { alg: str(jwk.alg) } : {}),
    ...(str(jwk.issuer) ? { keyIssuer: str(jwk.issuer) } : {}),
    ...(keySize ? { keySize } : {}),
    ...(curve ? { curve } : {}),
    ...(roca !== undefined ? { rocaFingerprint: roca } : {}),
    // A type this build does not know may name its private part anything: unknown, unless a known member shows.
    ...(privateMembers.length || KNOWN_KTY.has(kty) ? { privateMembers } : {}),
    ...(encodingProblems.length ? { encodingProblems } : {}),
    ...(str(jwk.x5t) ? { x5t: str(jwk.x5t) } : {}),
    ...(str(jwk['x5t#S256']) ? { x5tS256: str(jwk['x5t#S256']) } : {}),
    ...(certificates ? { certificates } : {}),
    ...(labels ? { labels } : {}),
    trustedBy,
    keySetSize: c.setSize,
    fingerprints,
    ...(pub ? { publicKey: pub.export({ format: 'der', type: 'spki' }).toString('base64') } : {}),
  };
  key.knownCompromised = matchIndicators(key, c.indicators);
  return problem ? { key, problem } : { key };
}

type Certificate = NonNullable<PublishedKey['certificates']>[number];

/**
 * Each `x5c` entry, the leaf compared with the bare key, and each entry but the last checked against
 * the next: RFC 7517 §4.7 has every following certificate certify the one before it.
 */
function certificatesOf(entries: readonly unknown[], leafKey: KeyObject | undefined): Certificate[] {
  const parsed: (X509Certificate | undefined)[] = [];
  const out = entries.map((entry, i) => certificateOf(entry, i === 0 ? leafKey : undefined, parsed));
  for (let i = 0; i + 1 < parsed.length; i++) {
    const [cert, next, entry] = [parsed[i], parsed[i + 1], out[i]];
    if (cert && next && entry) entry.signedByNext = cert.verify(next.publicKey);
  }
  return out;
}

function certificateOf(entry: unknown, leafKey: KeyObject | undefined, parsed: (X509Certificate | undefined)[]): Certificate {
  parsed.push(undefined);
  if (typeof entry !== 'string') return { parseError: 'not a base64 string' };
  try {
    const der = Buffer.from(entry, 'base64');
    const cert = new X509Certificate(der);
    parsed[parsed.length - 1] = cert;
    const out: Certificate = {
      subject: cert.subject.replace(/\n/g, ', '),
      notBefore: cert.validFromDate.toISOString(),
      notAfter: cert.validToDate.toISOString(),
      sha1Thumbprint: createHash('sha1').update(der).digest('hex'),
      sha256Thumbprint: createHash('sha256').update(der).digest('hex'),
    };
    if (leafKey) {
      const a = cert.publicKey.export({ format: 'der', type: 'spki' });
      const b = leafKey.export({ format: 'der', type: 'spki' });
      out.matchesKey = Buffer.compare(a, b) === 0;
    }
    return out;
  } catch (err) {
    return { parseError: (err as Error).message.slice(0, 200) };
  }
}

/** The field on which one indicator matches this key, if any. */
function matchedOn(k: PublishedKey, ind: CompromisedKeyIndicator, sha1s: ReadonlySet<string>): CompromiseMatch['matchedOn'] | undefined {
  if (ind.sha1Thumbprint && sha1s.has(ind.sha1Thumbprint.toLowerCase())) return 'sha1Thumbprint';
  if (ind.x5t && k.x5t === ind.x5t) return 'x5t';
  if (ind.x5t && k.kid === ind.x5t) return 'kid';
  if (ind.sha1Thumbprint && k.x5t && b64urlBytes(k.x5t).toString('hex') === ind.sha1Thumbprint.toLowerCase()) return 'x5t';
  if (ind.jwkThumbprint && k.fingerprints.jwkThumbprint === ind.jwkThumbprint) return 'jwkThumbprint';
  if (ind.spkiSha256 && k.fingerprints.spkiSha256 === ind.spkiSha256.toLowerCase()) return 'spkiSha256';
  return undefined;
}

/** Which indicators of known-compromised keys this key matches (any identifying field). */
export function matchIndicators(k: PublishedKey, indicators: readonly (CompromisedKeyIndicator & { source: string })[]): CompromiseMatch[] {
  const out: CompromiseMatch[] = [];
  const sha1s = new Set((k.certificates ?? []).map((c) => c.sha1Thumbprint).filter((x): x is string => !!x));
  for (const ind of indicators) {
    const on = matchedOn(k, ind, sha1s);
    if (on) out.push({ id: ind.id, matchedOn: on, source: ind.source, ...(ind.description ? { description: ind.description } : {}) });
  }
  return out;
}

/** Map a whole set: one record per key, disambiguating duplicate kids, plus per-key problems. */
export function normalizeKeySet(keys: readonly Record<string, unknown>[], ctx: Omit<KeyContext, 'index' | 'setSize' | 'kidCounts'>): NormalizedKey[] {
  const kidCounts = new Map<string, number>();
  for (const k of keys) {
    const kid = str(k.kid);
    if (kid !== undefined) kidCounts.set(kid, (kidCounts.get(kid) ?? 0) + 1);
  }
  const out = keys.map((jwk, index) => normalizeKey(jwk, { ...ctx, index, setSize: keys.length, kidCounts }));
  // Two byte-identical entries under one kid would still collide: number them.
  const seen = new Map<string, number>();
  for (const n of out) {
    const count = seen.get(n.key.id) ?? 0;
    seen.set(n.key.id, count + 1);
    if (count > 0) n.key.id = `${n.key.id}~${count}`;
  }
  return out;
}
