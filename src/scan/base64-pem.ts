// PEM that is itself base64-encoded, as in a Kubernetes Secret's `data:` values (`tls.key: LS0tLS1CRUdJTi…`),
// `kubectl get secret -o json`, Helm values, `.env` files and JSON configs. The base64 of "-----" starts
// "LS0tLS" when the PEM starts the value (a value cannot start mid-PEM); the run is decoded, bounded,
// and its bytes scanned by the caller as an embedded stream. A run that is cut, invalid or too long is a
// gap naming its offset, never clean.

import { unescapeJson } from './detectors.ts';

/** The anchor: base64 of "----" and the first bits of the fifth dash (6 bytes, like the other anchors). */
export const BASE64_PEM_ANCHOR = Buffer.from('LS0tLS');
/** Most base64 text decoded from one run (the scanner keeps at least this much look-ahead after an anchor). */
export const MAX_BASE64_RUN = 40 * 1024;

const BEGIN = Buffer.from('-----BEGIN ');

/** A base64 run found at an anchor: its decoded bytes, or why they cannot be trusted. Offsets are window-relative. */
export interface Base64Run {
  offset: number;
  /** Bytes of text the run spans (line breaks and indentation included). */
  length: number;
  decoded?: Buffer;
  /** Why the run is a gap (cut, invalid, over the limit). */
  gap?: string;
}

const B64 = new Uint8Array(256);
for (const c of Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')) B64[c] = 1;
/** Both alphabets: base64 and base64url (RFC 4648 §5, JWS/JWT segments). */
const B64_OR_URL = Uint8Array.from(B64);
B64_OR_URL[0x2d] = 1;
B64_OR_URL[0x5f] = 1;

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

/** End of the base64 characters of one line starting at `p` (padding included). */
function lineEnd(buf: Buffer, p: number, hi: number, alphabet = B64): number {
  let q = p;
  for (;;) {
    if (q < hi && alphabet[buf[q] as number]) q++;
    else if (buf[q] === 0x5c && q + 6 <= hi) {
      const n = jsonEscapeLength(buf, q);
      if (n === 0) break;
      q += n;
    } else break;
  }
  const letters = q;
  while (q < hi && buf[q] === 0x3d && q - letters < 2) q++;
  return q;
}

const BACKSLASH = 0x5c;

/**
 * A JSON escape of a base64 character inside a string: `\/` (PHP's json_encode) or `\u002b`/`\u002B`,
 * `\u002f` (.NET System.Text.Json escapes `+` by default): its length, or 0.
 */
function jsonEscapeLength(buf: Buffer, q: number): number {
  if (buf[q + 1] === 0x2f) return 2;
  if (buf[q + 1] !== 0x75 || buf.toString('latin1', q + 2, q + 5) !== '002') return 0;
  const c = (buf[q + 5] as number) | 0x20;
  return c === 0x62 || c === 0x66 ? 6 : 0;
}

/** The length of the line break at `p`: CR LF, LF, or JSON-escaped `\r\n`, `\n` (a wrapped value inside a JSON string); 0 if none. */
function lineBreak(buf: Buffer, p: number): number {
  if (buf[p] === 0x0a) return 1;
  if (buf[p] === 0x0d) return buf[p + 1] === 0x0a ? 2 : 0;
  if (buf[p] !== BACKSLASH) return 0;
  if (buf[p + 1] === 0x6e) return 2;
  return buf[p + 1] === 0x72 && buf[p + 2] === BACKSLASH && buf[p + 3] === 0x6e ? 4 : 0;
}

/**
 * Where a line-wrapped run continues after `q` (MIME/`base64` wrapping, YAML block scalars with their
 * indentation, `\n` escapes in a JSON string), or -1: the next line must hold base64 and nothing else
 * (so `tls.key: …` after a value ends it); it ends at a line break, the end of the data or a closing quote.
 */
function continuation(buf: Buffer, q: number, hi: number, alphabet: typeof B64): number {
  const br = lineBreak(buf, q);
  if (br === 0) return -1;
  let p = q + br;
  while (p < hi && isSpace(buf[p])) p++;
  const e = lineEnd(buf, p, hi, alphabet);
  if (e === p) return -1;
  let t = e;
  while (t < hi && isSpace(buf[t])) t++;
  return t >= hi || buf[t] === 0x22 || lineBreak(buf, t) > 0 ? p : -1;
}

/** The base64 text of the run at `pos` (line breaks and indentation removed) and where it ends; when `over`, the text up to the limit. */
function collect(buf: Buffer, pos: number, hi: number, alphabet = B64): { text: string; end: number; over: boolean } {
  const parts: string[] = [];
  let size = 0;
  let p = pos;
  let end = pos;
  for (;;) {
    const e = lineEnd(buf, p, hi, alphabet);
    const part = unescapeJson(buf.toString('latin1', p, e));
    parts.push(part);
    size += part.length;
    end = e;
    if (size > MAX_BASE64_RUN || end - pos > 2 * MAX_BASE64_RUN)
      return { text: parts.join('').slice(0, MAX_BASE64_RUN), end: runEnd(buf, e, hi, alphabet), over: true };
    if (buf[e - 1] === 0x3d || size % 4 !== 0) break;
    const next = continuation(buf, e, hi, alphabet);
    if (next < 0) break;
    p = next;
  }
  return { text: parts.join(''), end, over: false };
}

/** Where a run past the limit ends (its lines walked, not kept), from the end `e` of a line of it: the whole run is then one gap, not rewalked at each anchor inside it. */
function runEnd(buf: Buffer, e: number, hi: number, alphabet: typeof B64): number {
  let end = e;
  while (buf[end - 1] !== 0x3d) {
    const next = continuation(buf, end, hi, alphabet);
    if (next < 0) break;
    end = lineEnd(buf, next, hi, alphabet);
  }
  return end;
}

/** Every `-----BEGIN X-----` in the decoded text has its `-----END X-----`. */
function complete(decoded: Buffer): boolean {
  const text = decoded.toString('latin1');
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)) {
    if (!text.includes(`-----END ${m[1]}-----`, m.index)) return false;
  }
  return true;
}

/**
 * The base64 run at `pos` (where BASE64_PEM_ANCHOR matched) when it decodes to PEM; undefined when it
 * decodes to something else (base64 of dashes that is no PEM). `hi`: end of the readable bytes.
 */
export function base64Pem(buf: Buffer, pos: number, hi: number): Base64Run | undefined {
  const head = Buffer.from(buf.toString('latin1', pos, Math.min(hi, pos + 16)), 'base64');
  if (head.compare(BEGIN, 0, BEGIN.length, 0, Math.min(head.length, BEGIN.length)) !== 0 || head.length < BEGIN.length) return undefined;
  const { text, end, over } = collect(buf, pos, hi);
  const length = end - pos;
  if (over) return { offset: pos, length, gap: `base64-encoded PEM at offset ${pos} runs past ${MAX_BASE64_RUN} characters; it was not decoded` };
  // Decoded as far as it goes (an unpadded tail too): a key before the cut is still found and proven.
  const decoded = Buffer.from(text, 'base64');
  const odd = `base64-encoded PEM at offset ${pos} is cut (${text.length} characters, not a multiple of 4)`;
  if (!complete(decoded))
    return { offset: pos, length, decoded, gap: text.length % 4 ? odd : `base64-encoded PEM at offset ${pos} is cut: a BEGIN line has no END line` };
  return text.length % 4 === 1 ? { offset: pos, length, decoded, gap: odd } : { offset: pos, length, decoded };
}

// ---------------------------------------------------------------- base64 DER without PEM armour

/**
 * Anchors of a DER private key written as bare base64 (a JSON/YAML/XML config value
 * `"privateKey": "MIIEvQIBADANBgkq…"`, an `.env` line): the base64 of a SEQUENCE's tag 0x30 and the
 * first bits of its length is "M" then C…I (short lengths 0x20–0x7f, long forms 0x81–0x83). They share
 * one SIMD bucket (one first byte, one high nibble); the rest is checked by `base64Der`.
 */
export const BASE64_DER_ANCHORS: readonly Buffer[] = ['MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MI'].map((s) => Buffer.from(s));

const B64_VALUE = new Int8Array(256).fill(-1);
Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/').forEach((c, i) => {
  B64_VALUE[c] = i;
});

/** The first 9 bytes of the base64 at `pos` (12 characters, JSON escapes undone), or undefined if any of them is not base64. */
function head9(buf: Buffer, pos: number, hi: number): Uint8Array | undefined {
  const text = unescapeJson(buf.toString('latin1', pos, Math.min(hi, pos + 72)));
  if (text.length < 12) return undefined;
  const out = new Uint8Array(9);
  for (let g = 0; g < 3; g++) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const x = B64_VALUE[text.charCodeAt(4 * g + k)] as number;
      if (x < 0) return undefined;
      v = (v << 6) | x;
    }
    out[3 * g] = v >>> 16;
    out[3 * g + 1] = (v >>> 8) & 255;
    out[3 * g + 2] = v & 255;
  }
  return out;
}

/**
 * The total length a DER private key starting with these bytes declares: a SEQUENCE (X.690 §8.9,
 * definite length, §8.1.3) whose first member is INTEGER 0 or 1 — the version of RFC 8017's
 * RSAPrivateKey, RFC 5208/5958's PrivateKeyInfo and RFC 5915's ECPrivateKey. Undefined otherwise.
 */
function derKeyLength(h: Uint8Array): number | undefined {
  if (h[0] !== 0x30) return undefined;
  const l1 = h[1] as number;
  let hdr = 2;
  let len = l1;
  if (l1 === 0x81) [hdr, len] = [3, h[2] as number];
  else if (l1 === 0x82) [hdr, len] = [4, ((h[2] as number) << 8) | (h[3] as number)];
  else if (l1 >= 0x80) return undefined;
  if ((l1 === 0x81 && len < 0x80) || (l1 === 0x82 && len < 0x100)) return undefined; // not DER's shortest form
  if (h[hdr] !== 0x02 || h[hdr + 1] !== 0x01 || (h[hdr + 2] as number) > 1) return undefined;
  const total = hdr + len;
  return total >= 40 ? total : undefined;
}

/**
 * A cheap first look at a BASE64_DER_ANCHORS candidate (the pair "M[C-I]" is common in text: `MIME`,
 * `MD5`, inside base64): a value starts there, and the next characters can encode a SEQUENCE length
 * DER allows for a key — "MIG"/"MIH" (0x81, one length byte ≥ 0x80), "MII" (0x82, below 16 KiB), or a
 * short length followed by INTEGER's tag ("M?.C": 0x30 LL 0x02).
 */
export function mayBeBase64Der(buf: Buffer, pos: number): boolean {
  const before = pos > 0 ? (buf[pos - 1] as number) : 0x20;
  if (B64[before] || before === 0x2d || before === 0x5f) return false; // inside a longer base64 (or base64url) word
  if (buf[pos + 1] !== 0x49) return buf[pos + 3] === 0x43;
  const c = buf[pos + 2];
  return c === 0x47 || c === 0x48 || c === 0x49;
}

/**
 * A DER private key written as base64 with no PEM armour, at `pos` (where a BASE64_DER_ANCHORS pair
 * matched): the run decoded for the caller to scan as an embedded stream, or undefined when the text
 * there is no value start or does not decode to a key's SEQUENCE. A value shorter than the SEQUENCE it
 * starts (cut in the middle) is decoded as far as it goes and is a gap.
 */
export function base64Der(buf: Buffer, pos: number, hi: number): Base64Run | undefined {
  if (!mayBeBase64Der(buf, pos)) return undefined;
  const h = head9(buf, pos, hi);
  const total = h && derKeyLength(h);
  if (total === undefined) return undefined;
  const { text, end, over } = collect(buf, pos, hi);
  const length = end - pos;
  if (over) return { offset: pos, length, gap: `a base64 DER private key at offset ${pos} runs past ${MAX_BASE64_RUN} characters; it was not decoded` };
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length >= total) return { offset: pos, length, decoded };
  const gap = `a base64 DER private key at offset ${pos} is cut: its SEQUENCE declares ${total} bytes, the value holds ${decoded.length}`;
  return { offset: pos, length, decoded, gap };
}

// ---------------------------------------------------------------- JSON (a JWK) written as base64 or base64url

/**
 * Anchors of a JWK written as base64 or base64url: the member name `"kty":` encodes as one of three
 * fixed strings, one per position modulo 3 ("Imt0eS", the "JrdHki" of "?SJrdHki", the "a3R5Ij" of
 * "??ia3R5Ij"), whatever the JSON's layout and wherever the member lies in it — a Kubernetes Secret's
 * `data:` value holding a JWK or JWKS file (`kubectl create secret generic --from-file=key.json`), a
 * JWK as one segment of a JWS/JWT-like token (RFC 7515 §7.1, base64url without padding).
 */
export const BASE64_JSON_ANCHORS: readonly Buffer[] = ['Imt0eS', 'JrdHki', 'a3R5Ij'].map((s) => Buffer.from(s));

const KTY = Buffer.from('kty');
/** A member named `d`, its quotes escaped or not (`"d":`, `\\"d\\":`, `\\u0022d\\u0022:`). */
const D_MEMBER = /(?:"|\\u0022)d\\*(?:"|\\u0022)\s*:/;

/** The start of the base64 line holding `p`, and of the lines before it that wrap the same run (all base64, a multiple of 4 long, no padding). */
function runStart(buf: Buffer, p: number): number {
  const limit = Math.max(0, p - 2 * MAX_BASE64_RUN);
  let s = p;
  for (;;) {
    while (s > limit && B64_OR_URL[buf[s - 1] as number]) s--;
    let t = s;
    while (t > limit && isSpace(buf[t - 1])) t--;
    const br = buf[t - 1] === 0x0a ? (buf[t - 2] === 0x0d ? 2 : 1) : buf[t - 1] === 0x6e && buf[t - 2] === BACKSLASH ? 2 : 0;
    let q = t - br;
    const lineEnds = q;
    while (q > limit && B64_OR_URL[buf[q - 1] as number]) q--;
    let r = q;
    while (r > limit && isSpace(buf[r - 1])) r--;
    const wholeLine = r === 0 || buf[r - 1] === 0x0a || buf[r - 1] === 0x22 || (buf[r - 1] === 0x6e && buf[r - 2] === BACKSLASH);
    if (br === 0 || q === lineEnds || (lineEnds - q) % 4 !== 0 || !wholeLine || q <= limit) return s;
    s = q;
  }
}

/** The decoded text, from its first `{` to its last `}`, parses as JSON. */
function parsesAsJson(decoded: Buffer): boolean {
  const text = decoded.toString('utf8');
  try {
    JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON written as base64 or base64url, around `pos` (where a BASE64_JSON_ANCHORS anchor matched):
 * the whole run decoded for the caller to scan as an embedded stream when it holds a `"d"` member
 * (a private JWK, RFC 7518 §6.2.2.1/§6.3.2.1, RFC 8037 §2); otherwise its extent alone (a public JWKS),
 * so the caller does not walk it again. One that does not parse as JSON (cut) is a gap beside what its
 * decoded bytes yield; one that runs past the limit is a gap whatever its decoded part holds.
 */
export function base64Json(buf: Buffer, pos: number, hi: number): Base64Run | undefined {
  const start = runStart(buf, pos);
  const { text, end, over } = collect(buf, start, hi, B64_OR_URL);
  if (end <= pos) return undefined;
  const decoded = Buffer.from(text, 'base64');
  const length = end - start;
  const holdsD = decoded.indexOf(KTY) >= 0 && D_MEMBER.test(decoded.toString('latin1'));
  if (over || pos - start >= 2 * MAX_BASE64_RUN) {
    // The anchor names kty: past the limit, what was not decoded may hold a private JWK — a gap whatever the decoded part holds.
    const gap = `base64 JSON naming a JWK at offset ${start} runs past ${MAX_BASE64_RUN} characters; only part of it was decoded`;
    return holdsD ? { offset: start, length, decoded, gap } : { offset: start, length, gap };
  }
  if (!holdsD) return { offset: start, length }; // a public JWKS: nothing, but its extent is covered
  const what = `base64 JSON with a private JWK at offset ${start}`;
  return parsesAsJson(decoded)
    ? { offset: start, length, decoded }
    : { offset: start, length, decoded, gap: `${what} is cut or damaged: it does not parse as JSON` };
}

/** Where a hit lies in the scanned stream: its offset, or for material inside base64, where the run starts. */
export const streamOffset = (h: { offset: number; base64At?: number[] }): number => h.base64At?.[0] ?? h.offset;
