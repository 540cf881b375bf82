// PEM that is itself base64-encoded, as in a Kubernetes Secret's `data:` values (`tls.key: LS0tLS1CRUdJTi…`),
// `kubectl get secret -o json`, Helm values, `.env` files and JSON configs. The base64 of "-----" starts
// "LS0tLS" when the PEM starts the value (a value cannot start mid-PEM); the run is decoded, bounded,
// and its bytes scanned by the caller as an embedded stream. A run that is cut, invalid or too long is a
// gap naming its offset, never clean.

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

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

/** End of the base64 characters of one line starting at `p` (padding included). */
function lineEnd(buf: Buffer, p: number, hi: number): number {
  let q = p;
  while (q < hi && B64[buf[q] as number]) q++;
  const letters = q;
  while (q < hi && buf[q] === 0x3d && q - letters < 2) q++;
  return q;
}

const BACKSLASH = 0x5c;

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
function continuation(buf: Buffer, q: number, hi: number): number {
  const br = lineBreak(buf, q);
  if (br === 0) return -1;
  let p = q + br;
  while (p < hi && isSpace(buf[p])) p++;
  const e = lineEnd(buf, p, hi);
  if (e === p) return -1;
  let t = e;
  while (t < hi && isSpace(buf[t])) t++;
  return t >= hi || buf[t] === 0x22 || lineBreak(buf, t) > 0 ? p : -1;
}

/** The base64 text of the run at `pos` (line breaks and indentation removed) and where it ends. */
function collect(buf: Buffer, pos: number, hi: number): { text: string; end: number; over: boolean } {
  const parts: string[] = [];
  let size = 0;
  let p = pos;
  let end = pos;
  for (;;) {
    const e = lineEnd(buf, p, hi);
    parts.push(buf.toString('latin1', p, e));
    size += e - p;
    end = e;
    if (size > MAX_BASE64_RUN || end - pos > 2 * MAX_BASE64_RUN) return { text: '', end, over: true };
    if (buf[e - 1] === 0x3d || size % 4 !== 0) break;
    const next = continuation(buf, e, hi);
    if (next < 0) break;
    p = next;
  }
  return { text: parts.join(''), end, over: false };
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
  if (text.length % 4 !== 0) return { offset: pos, length, gap: `base64-encoded PEM at offset ${pos} is cut (${text.length} characters, not a multiple of 4)` };
  const decoded = Buffer.from(text, 'base64');
  if (!complete(decoded)) return { offset: pos, length, decoded, gap: `base64-encoded PEM at offset ${pos} is cut: a BEGIN line has no END line` };
  return { offset: pos, length, decoded };
}

/** Where a hit lies in the scanned stream: its offset, or for material inside base64, where the run starts. */
export const streamOffset = (h: { offset: number; base64At?: number[] }): number => h.base64At?.[0] ?? h.offset;
