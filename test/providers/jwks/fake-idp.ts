// A loopback HTTPS identity provider for the jwks provider's tests: serves discovery documents and
// key sets from a route table, with redirects, slow answers, oversized and invalid bodies. It
// records every request so tests can assert the provider only ever sent GETs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export type Route =
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | { text: string; status?: number; contentType?: string }
  | { redirect: string; status?: number; headers?: Record<string, string> }
  | { delayMs: number; json: unknown }
  | { bytes: number }
  /** a body served as is under a Content-Encoding header (already compressed, or corrupt on purpose) */
  | { encoded: Buffer; encoding: string }
  | { sequence: Route[] };

export interface FakeIdp {
  /** https://127.0.0.1:PORT */
  url: string;
  /** PEM of the throwaway certificate, and a file holding it (for `caFile`). */
  certPem: string;
  caFile: string;
  requests: { method: string; path: string }[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

let tls: Promise<{ key: string; cert: string; dir: string }> | undefined;
/** One throwaway certificate per test file, for 127.0.0.1 and localhost. */
function throwawayCert() {
  tls ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((p) => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-jwks-'));
    writeFileSync(join(dir, 'ca.pem'), p.cert);
    return { key: p.private, cert: p.cert, dir };
  });
  return tls;
}

export async function startFakeIdp(routes: Record<string, Route> = {}, opts: { plain?: boolean } = {}): Promise<FakeIdp> {
  const { key, cert, dir } = await throwawayCert();
  const table = new Map(Object.entries(routes));
  const requests: FakeIdp['requests'] = [];
  const counters = new Map<string, number>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? '', path });
    let route = table.get(path);
    if (route && 'sequence' in route) {
      const n = counters.get(path) ?? 0;
      counters.set(path, n + 1);
      route = route.sequence[Math.min(n, route.sequence.length - 1)];
    }
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":"not_found"}');
    }
    if ('redirect' in route) {
      res.writeHead(route.status ?? 302, { location: route.redirect, ...route.headers });
      return res.end();
    }
    if ('bytes' in route) {
      // No content-length: the provider must stop reading on its own.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < route.bytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      return pump();
    }
    if ('delayMs' in route) {
      const t = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(route.json));
      }, route.delayMs);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if ('encoded' in route) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': route.encoding });
      return res.end(route.encoded);
    }
    if ('text' in route) {
      res.writeHead(route.status ?? 200, { 'content-type': route.contentType ?? 'application/json' });
      return res.end(route.text);
    }
    if ('json' in route) {
      res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...('headers' in route ? route.headers : {}) });
      return res.end(JSON.stringify(route.json));
    }
    res.writeHead(500);
    res.end();
  };
  const server = opts.plain ? http.createServer(handler) : https.createServer({ key, cert }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.plain ? 'http' : 'https'}://127.0.0.1:${port}`,
    certPem: cert,
    caFile: join(dir, 'ca.pem'),
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
