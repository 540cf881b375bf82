// The only file of the jwks provider that does network I/O. Plain HTTPS GETs with a bounded body and
// bounded redirects; anything but GET is refused by construction. One attempt per call: the provider
// kit owns the deadline (the signal passed in), the retries and the Retry-After waits.
import http from 'node:http';
import https from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import zlib from 'node:zlib';
import { VERSION } from '../../version.ts';
import { parseRetryAfter } from '../kit/index.ts';

/** The only HTTP method this provider may send. */
export const ALLOWED_METHODS: ReadonlySet<string> = new Set(['GET']);

export interface HttpLimits {
  /** Deadline of one exchange (redirects included) when no signal is given; the kit passes its own. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowHttpLoopback: boolean;
  allowHttp: boolean;
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  ca?: string;
  /** Keep-alive connection pools (see createAgents); without them each request opens a connection. */
  agents?: Agents;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

/** Keep-alive pools with at most `maxSockets` connections per host, trusting `ca` on top of Node's roots. */
export function createAgents(maxSockets: number, ca?: string): Agents {
  // One secure context for every connection: building one from Node's ~150 roots costs milliseconds.
  const secureContext = ca ? createSecureContext({ ca: [...rootCertificates, ca] }) : undefined;
  const a = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets, ...(secureContext ? { secureContext } : {}) }),
    destroy() {
      a.http.destroy();
      a.https.destroy();
    },
  };
  return a;
}

/**
 * Why a fetch failed, in words a user can act on. It carries what the kit's `classify` reads: the
 * HTTP `statusCode` and `Retry-After`, or a Node network `code` (retried), or one of our own codes
 * (too-large, tls, refused, redirects: not retried).
 */
export class FetchError extends Error {
  readonly code: string;
  readonly statusCode?: number;
  /** The server's Retry-After, when it sent one (429, 503). */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, http?: { status: number; retryAfterMs?: number }) {
    super(message);
    this.name = 'FetchError';
    this.code = code;
    if (http) this.statusCode = http.status;
    if (http?.retryAfterMs !== undefined) this.retryAfterMs = http.retryAfterMs;
  }
}

export interface FetchResult {
  /** The URL finally answered (after redirects). */
  url: string;
  status: number;
  body: string;
  redirects: string[];
}

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]|::1)$/i;
export const isLoopback = (u: URL): boolean => LOOPBACK_HOST.test(u.hostname);

/** Refuse schemes and hosts the limits do not allow; returns the reason, or undefined when allowed. */
export function schemeProblem(u: URL, limits: Pick<HttpLimits, 'allowHttp' | 'allowHttpLoopback'>): string | undefined {
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:') {
    if (limits.allowHttp) return undefined;
    if (limits.allowHttpLoopback && isLoopback(u)) return undefined;
    return `plain http is refused for ${u.host} (key sets must come over https; set allowHttp only for a trusted network)`;
  }
  return `scheme ${u.protocol} is not supported (https only)`;
}

/** One GET, no redirect handling: resolves with status, headers and a size-bounded body. */
function getOnce(
  u: URL,
  limits: HttpLimits,
  deadline: number,
  signal?: AbortSignal,
): Promise<{ status: number; location?: string; body: string; retryAfterMs?: number }> {
  const method = 'GET';
  if (!ALLOWED_METHODS.has(method)) throw new FetchError('refused', `method ${method} is not allowed`);
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new FetchError('ETIMEDOUT', `no answer within ${limits.timeoutMs} ms`));
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method,
        headers: { accept: 'application/json, application/jwk-set+json', 'accept-encoding': ACCEPT_ENCODING, 'user-agent': `keyhygiene/${VERSION}` },
        ...(limits.agents
          ? { agent: u.protocol === 'https:' ? limits.agents.https : limits.agents.http }
          : u.protocol === 'https:' && limits.ca
            ? { ca: [...rootCertificates, limits.ca] }
            : {}),
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        const ra = res.headers['retry-after'];
        const retryAfterMs = parseRetryAfter(ra === undefined ? undefined : String(ra));
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > limits.maxBytes) {
          res.destroy();
          return reject(new FetchError('too-large', `response of ${declared} bytes exceeds maxBytes ${limits.maxBytes}`));
        }
        readBody(res, limits.maxBytes).then((body) => resolve({ status, location, body, retryAfterMs }), reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new FetchError('ETIMEDOUT', `no complete answer within ${limits.timeoutMs} ms`)), remaining);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => {
      clearTimeout(timer);
      if (e instanceof FetchError) return reject(e);
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return reject(new FetchError('tls', `TLS verification failed (${code})`));
      if (signal?.aborted) return reject(signal.reason ?? e);
      reject(new FetchError(code || 'ECONNRESET', `${code ? `${code}: ` : ''}${e.message}`));
    });
    req.end();
  });
}

/**
 * The content codings a response may carry (RFC 9110 §8.4.1): gzip (and x-gzip), deflate (zlib
 * format, RFC 9110 §8.4.1.2) and br. A request without Accept-Encoding admits any coding (RFC 9110
 * §12.5.3), so we name these and decode them; any other coding is refused, never read as text.
 */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

type Decoder = zlib.Unzip | zlib.BrotliDecompress;

/** The decoder for a Content-Encoding header: undefined for none (identity), a string saying why when it is not supported. */
function decoderFor(header: string | undefined): Decoder | undefined | string {
  const codings = String(header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  if (codings.length > 1) return `content codings ${codings.join(', ')} applied one over another are not supported`;
  const c = codings[0] as string;
  // zlib's Unzip reads both gzip and zlib-wrapped deflate by their headers.
  if (c === 'gzip' || c === 'x-gzip' || c === 'deflate') return zlib.createUnzip();
  if (c === 'br') return zlib.createBrotliDecompress();
  return `content coding ${c} is not supported (gzip, deflate and br are)`;
}

/**
 * The body of a response, decoded (Content-Encoding) and bounded: more than `maxBytes` on the wire
 * or once decoded is refused, as a small compressed answer may expand enormously.
 */
function readBody(res: http.IncomingMessage, maxBytes: number): Promise<string> {
  const decoder = decoderFor(res.headers['content-encoding']);
  if (typeof decoder === 'string') {
    res.destroy();
    return Promise.reject(new FetchError('bad-encoding', decoder));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: FetchError, body?: string) => {
      if (settled) return;
      settled = true;
      if (err) {
        res.destroy();
        decoder?.destroy();
        return reject(err);
      }
      resolve(body ?? '');
    };
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    const late = decoder ? ' once decoded' : '';
    res.on('data', (c: Buffer) => {
      wire += c.length;
      if (wire > maxBytes) settle(new FetchError('too-large', `response exceeds maxBytes ${maxBytes}`));
    });
    res.on('error', (e) => settle(new FetchError((e as NodeJS.ErrnoException).code ?? 'ECONNRESET', e.message)));
    const out = decoder ?? res;
    out.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) return settle(new FetchError('too-large', `response exceeds maxBytes ${maxBytes}${late}`));
      chunks.push(c);
    });
    out.on('end', () => settle(undefined, Buffer.concat(chunks).toString('utf8')));
    if (decoder) {
      // An empty body has nothing to decode (a redirect, 204 or 304 may still name a coding): it is empty, not corrupt.
      decoder.on('error', (e) =>
        wire === 0
          ? settle(undefined, '')
          : settle(new FetchError('bad-encoding', `the ${res.headers['content-encoding']} body could not be decoded (${e.message})`)),
      );
      res.pipe(decoder);
    }
  });
}

/**
 * One GET of a URL with the provider's limits: https only (loopback http when allowed), each redirect
 * hop checked again, the whole exchange under one deadline, the body bounded. Not retried here.
 */
export async function getJson(url: string, limits: HttpLimits, signal?: AbortSignal): Promise<FetchResult> {
  const deadline = Date.now() + limits.timeoutMs;
  const redirects: string[] = [];
  let current = new URL(url);
  for (;;) {
    const problem = schemeProblem(current, limits);
    if (problem) throw new FetchError('refused', problem);
    const res = await getOnce(current, limits, deadline, signal);
    if ([301, 302, 303, 307, 308].includes(res.status)) {
      if (!res.location) throw new FetchError('bad-redirect', `HTTP ${res.status} without a Location header`);
      if (redirects.length >= limits.maxRedirects) throw new FetchError('too-many-redirects', `more than ${limits.maxRedirects} redirects`);
      const next = new URL(res.location, current);
      if (current.protocol === 'https:' && next.protocol !== 'https:' && !limits.allowHttp)
        throw new FetchError('refused', `redirect from https to ${next.protocol} refused (${next.host})`);
      redirects.push(next.href);
      current = next;
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      const wait = res.retryAfterMs !== undefined ? ` (Retry-After ${res.retryAfterMs / 1000} s)` : '';
      throw new FetchError('http', `HTTP ${res.status}${wait}`, {
        status: res.status,
        ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}),
      });
    }
    if (res.status !== 200) throw new FetchError('http', `HTTP ${res.status}`, { status: res.status });
    return { url: current.href, status: res.status, body: res.body, redirects };
  }
}
