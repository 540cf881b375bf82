// The simulator's wire: which operation a request is (awsJson1_1 by X-Amz-Target, awsQuery/ec2Query
// by Action and Version, S3 REST by path and query), who sent it (the SigV4 credential scope), and
// how an error is written back in each protocol.
import type http from 'node:http';
import type { FaultKind } from './types.ts';

export class AwsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/** A route: the answer (an object is written as JSON, a string as XML) or a thrown AwsError. */
export type Handler = (input: Record<string, unknown>, account: string, region: string) => unknown;
export type Routes = Record<string, Handler>;

export const FAULT_ERRORS: Record<Exclude<FaultKind, 'Timeout'>, (op: string) => AwsError> = {
  AccessDenied: (op) => new AwsError(op.startsWith('kms:') ? 'AccessDeniedException' : 'AccessDenied', `User is not authorized to perform: ${op}`, 400),
  Throttling: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
  Internal: (op) =>
    new AwsError(op.startsWith('kms:') ? 'KMSInternalException' : 'InternalFailure', 'We encountered an internal error. Please try again.', 500),
  ExpiredToken: () => new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400),
  NotFound: () => new AwsError('NotFoundException', 'not found', 400),
};

const TARGETS: Record<string, string> = {
  TrentService: 'kms',
  CloudTrail_20131101: 'cloudtrail',
  Logs_20140328: 'logs',
  AWSOrganizationsV20161128: 'organizations',
};

export const epoch = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) / 1000 : undefined);
export const xmlEscape = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** One page of `items` from a numeric marker, as the list operations page. */
export function page<T>(items: readonly T[], input: Record<string, unknown>, defaultLimit: number, limitKey = 'Limit', markerKey = 'Marker') {
  const start = Number(input[markerKey] ?? 0) || 0;
  const limit = Number(input[limitKey] ?? defaultLimit) || defaultLimit;
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { slice, next: more ? String(start + limit) : undefined };
}

/** A JSON list answer: the page under `field`, with Truncated and NextMarker as KMS writes them. */
export function kmsPage<T>(field: string, items: readonly T[], input: Record<string, unknown>, defaultLimit: number): Record<string, unknown> {
  const { slice, next } = page(items, input, defaultLimit);
  return { [field]: slice, Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
}

export type Protocol = 'json' | 'sts' | 'ec2' | 's3';

export interface ParsedRequest {
  op: string;
  input: Record<string, unknown>;
  protocol: Protocol;
  accessKeyId: string;
  region: string;
}

function jsonBody(body: string): Record<string, unknown> {
  try {
    return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The operation, its input and the signer of one request. */
export function parseRequest(req: http.IncomingMessage, body: string): ParsedRequest {
  const cred = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  const signer = { accessKeyId: cred?.[1] ?? '', region: cred?.[2] ?? 'us-east-1' };
  const target = req.headers['x-amz-target'];
  const url = new URL(req.url ?? '/', 'http://fake');
  if (req.method === 'GET' && url.searchParams.has('lifecycle'))
    return { ...signer, op: 's3:GetBucketLifecycleConfiguration', input: { Bucket: decodeURIComponent(url.pathname.split('/')[1] ?? '') }, protocol: 's3' };
  if (typeof target === 'string') {
    const [prefix, name] = target.split('.');
    return { ...signer, op: `${TARGETS[prefix ?? ''] ?? prefix}:${name}`, input: jsonBody(body), protocol: 'json' };
  }
  const form = new URLSearchParams(body);
  const version = form.get('Version');
  const service = version === '2011-06-15' ? 'sts' : version === '2010-05-08' ? 'iam' : 'ec2';
  return { ...signer, op: `${service}:${form.get('Action')}`, input: Object.fromEntries(form), protocol: service === 'ec2' ? 'ec2' : 'sts' };
}

/** An error as the protocol writes it: status and body (JSON `__type`, or the XML error documents). */
export function errorResponse(protocol: Protocol, e: AwsError): { status: number; type: 'json' | 'xml'; body: string } {
  if (protocol === 'json') return { status: e.status, type: 'json', body: JSON.stringify({ __type: e.type, message: e.message }) };
  const status = e.status === 400 ? 403 : e.status;
  const msg = xmlEscape(e.message);
  if (protocol === 's3')
    return {
      status,
      type: 'xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.type}</Code><Message>${msg}</Message><RequestId>fake</RequestId></Error>`,
    };
  if (protocol === 'sts')
    return {
      status,
      type: 'xml',
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${e.type}</Code><Message>${msg}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
    };
  return {
    status,
    type: 'xml',
    body: `<Response><Errors><Error><Code>${e.type}</Code><Message>${msg}</Message></Error></Errors><RequestID>fake</RequestID></Response>`,
  };
}
