// A loopback fake of the Security Hub REST-JSON API (BatchImportFindings, GetFindings) and STS
// GetCallerIdentity (query protocol), enough for `publish security-hub`: it keeps the findings it
// was sent, filters GetFindings as Security Hub documents it, pages with NextToken and records every
// request with the operation the SDK signed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  op: string;
  accessKeyId: string;
  region: string;
  body: Record<string, unknown>;
}

type Finding = Record<string, unknown> & { Id: string; ProductArn: string };
type Filter = { Value?: string; Key?: string; Comparison: string };

export interface HubFake {
  url: string;
  requests: FakeRequest[];
  findings: Map<string, Finding>;
  /** Ids the fake refuses on import (FailedFindings). */
  refuse: Set<string>;
  close(): Promise<void>;
}

const field = (f: Finding, key: string): string | undefined => {
  if (key === 'ProductFields') return undefined;
  const v = f[key];
  return typeof v === 'string' ? v : undefined;
};

function matches(f: Finding, filters: Record<string, Filter[]>): boolean {
  return Object.entries(filters).every(([key, list]) =>
    list.some((c) => {
      const v = key === 'ProductFields' ? (f.ProductFields as Record<string, string> | undefined)?.[c.Key ?? ''] : field(f, key);
      if (v === undefined) return false;
      if (c.Comparison === 'EQUALS') return v === c.Value;
      if (c.Comparison === 'PREFIX') return v.startsWith(c.Value ?? '');
      throw new Error(`fake: comparison ${c.Comparison} not modelled`);
    }),
  );
}

export async function startHubFake(opts: { account: string; pageSize?: number }): Promise<HubFake> {
  const requests: FakeRequest[] = [];
  const findings = new Map<string, Finding>();
  const refuse = new Set<string>();
  const pageSize = opts.pageSize ?? 3;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const cred = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
      const base = { accessKeyId: cred?.[1] ?? '', region: cred?.[2] ?? '' };
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/findings/import') {
        const body = JSON.parse(text) as { Findings: Finding[] };
        requests.push({ op: 'securityhub:BatchImportFindings', ...base, body });
        const failed = body.Findings.filter((f) => refuse.has(f.Id)).map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'refused by the fake' }));
        for (const f of body.Findings) if (!refuse.has(f.Id)) findings.set(`${f.ProductArn}|${f.Id}`, f);
        return json(200, { FailedCount: failed.length, SuccessCount: body.Findings.length - failed.length, FailedFindings: failed });
      }
      if (req.method === 'POST' && req.url === '/findings') {
        const body = JSON.parse(text || '{}') as { Filters?: Record<string, Filter[]>; NextToken?: string; MaxResults?: number };
        requests.push({ op: 'securityhub:GetFindings', ...base, body });
        const all = [...findings.values()].filter((f) => matches(f, body.Filters ?? {}));
        const start = Number(body.NextToken ?? 0);
        const slice = all.slice(start, start + Math.min(pageSize, body.MaxResults ?? 100));
        const next = start + slice.length < all.length ? String(start + slice.length) : undefined;
        return json(200, { Findings: slice, ...(next ? { NextToken: next } : {}) });
      }
      const form = new URLSearchParams(text);
      if (form.get('Action') === 'GetCallerIdentity') {
        requests.push({ op: 'sts:GetCallerIdentity', ...base, body: {} });
        res.writeHead(200, { 'content-type': 'text/xml' });
        return res.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::${opts.account}:assumed-role/publish/ci</Arn><UserId>AROAFAKE:ci</UserId><Account>${opts.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      }
      requests.push({ op: `unknown ${req.method} ${req.url}`, ...base, body: {} });
      json(400, { __type: 'InvalidAction', message: 'not modelled by the fake' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    findings,
    refuse,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
