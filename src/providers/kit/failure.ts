// One classification of read failures, across the AWS, Azure and Google SDKs, Node's network errors
// and our own HTTP clients. A provider never inspects an SDK error itself: it asks `classify`.

export type FailureKind =
  /** 401, expired or missing credentials. */
  | 'unauthenticated'
  /** 403: the caller lacks a permission. */
  | 'denied'
  /** 404: the resource (or the whole API in that place) does not exist. */
  | 'not-found'
  /** 429 and friends, still throttled after the retries. */
  | 'throttled'
  /** 5xx, connection resets, refused connections: worth retrying. */
  | 'transient'
  /** The call's own deadline passed without an answer. */
  | 'timeout'
  /** The answer could not be decoded (truncated body, invalid JSON): retried like a transient. */
  | 'invalid-response'
  /** The service does not offer this read here (501, UNIMPLEMENTED, a feature absent in that region or tier). */
  | 'unsupported'
  /** The provider's time budget ran out, or the run was cancelled: not retried. */
  | 'cancelled'
  /** Anything else: not retried. */
  | 'error';

export interface Failure {
  kind: FailureKind;
  /** HTTP status when there was one. */
  status?: number;
  /** The service's or the runtime's error code or name (AccessDeniedException, KeyNotFound, ECONNRESET, 7…). */
  code?: string;
  /** The server's Retry-After, in ms. */
  retryAfterMs?: number;
  /** The raw message, one line, for --debug only. */
  message: string;
}

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['throttled', 'transient', 'timeout', 'invalid-response']);
export const isRetryable = (f: Failure): boolean => RETRYABLE.has(f.kind);

type Loose = {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  message?: unknown;
  retryAfterMs?: unknown;
  retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
  response?: { status?: number; headers?: unknown };
  cause?: unknown;
  errorResponse?: { error?: unknown; errorDescription?: unknown };
};

/** gRPC status codes (google-gax maps REST answers onto them too). */
const GRPC: Readonly<Record<number, FailureKind>> = {
  1: 'cancelled',
  2: 'error',
  3: 'error',
  4: 'timeout',
  5: 'not-found',
  7: 'denied',
  8: 'throttled',
  9: 'error',
  10: 'transient',
  12: 'unsupported',
  13: 'transient',
  14: 'transient',
  16: 'unauthenticated',
};

const THROTTLE_NAMES =
  /^(Throttling|ThrottlingException|ThrottledException|TooManyRequests|TooManyRequestsException|RequestLimitExceeded|LimitExceededException|RequestThrottled|RequestThrottledException|SlowDown|TransactionInProgressException|RESOURCE_EXHAUSTED|rateLimitExceeded|userRateLimitExceeded)$/;
const DENIED_NAMES =
  /^(AccessDenied|AccessDeniedException|Forbidden|AuthorizationFailed|AuthorizationFailure|UnauthorizedOperation|PERMISSION_DENIED|ForbiddenByPolicy|ForbiddenByRbac|AWSOrganizationsNotInUseException)$/;
const AUTH_NAMES =
  /^(CredentialsProviderError|CredentialUnavailableError|AuthenticationError|AuthenticationRequiredError|ExpiredToken|ExpiredTokenException|RequestExpired|InvalidClientTokenId|UnrecognizedClientException|InvalidSignatureException|SignatureDoesNotMatch|Unauthorized|UNAUTHENTICATED)$/;
const NOT_FOUND_NAMES = /(NotFound|NotFoundException|NoSuch[A-Za-z]+|ResourceNotFound|KeyNotFound|NOT_FOUND)$/;
const UNSUPPORTED_NAMES =
  /^(UnsupportedOperationException|UnsupportedOperation|NotImplemented|UNIMPLEMENTED|OperationNotSupported|FeatureNotSupported|InvalidAction)$/;
const TRANSIENT_NAMES =
  /^(InternalFailure|InternalError|InternalServerError|ServiceUnavailable|ServiceUnavailableException|KMSInternalException|DependencyTimeoutException|InternalException|UNAVAILABLE|INTERNAL|ABORTED|BadGateway|GatewayTimeout)$/;
const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EPROTO|UND_ERR_SOCKET|UND_ERR_CLOSED|ERR_STREAM_PREMATURE_CLOSE|HPE_INVALID_CONSTANT|HPE_UNEXPECTED_CONTENT_LENGTH|HPE_INVALID_CHUNK_SIZE)$/;
const TIMEOUT_CODES =
  /^(ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|UND_ERR_CONNECT_TIMEOUT|TimeoutError|RequestTimeout|RequestTimeoutException|DEADLINE_EXCEEDED)$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 500);

/** Parse a Retry-After (seconds or an HTTP date) or a millisecond header; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => string | null | undefined } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const hit = Object.keys(h).find((k) => k.toLowerCase() === name);
  return hit ? str(h[hit]) : undefined;
}

function retryAfterOf(e: Loose): number | undefined {
  if (typeof e.retryAfterMs === 'number') return e.retryAfterMs;
  const headers = e.$response?.headers ?? e.response?.headers;
  const ms = header(headers, 'retry-after-ms') ?? header(headers, 'x-ms-retry-after-ms');
  if (ms && /^\d+$/.test(ms)) return Number(ms);
  return parseRetryAfter(header(headers, 'retry-after'));
}

function statusOf(e: Loose): number | undefined {
  for (const v of [e.$metadata?.httpStatusCode, e.statusCode, e.response?.status, typeof e.status === 'number' ? e.status : undefined]) {
    if (typeof v === 'number' && v >= 100 && v < 600) return v;
  }
  return undefined;
}

function kindOfStatus(status: number): FailureKind | undefined {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'denied';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'throttled';
  if (status === 501) return 'unsupported';
  if (status >= 500) return 'transient';
  return undefined;
}

function kindOfName(name: string, code: string, message: string): FailureKind | undefined {
  if (name === 'AbortError' && /budget|cancel/i.test(message)) return 'cancelled';
  if (TIMEOUT_CODES.test(name) || TIMEOUT_CODES.test(code) || name === 'AbortError') return 'timeout';
  if (THROTTLE_NAMES.test(name) || THROTTLE_NAMES.test(code)) return 'throttled';
  if (AUTH_NAMES.test(name) || AUTH_NAMES.test(code)) return 'unauthenticated';
  if (DENIED_NAMES.test(name) || DENIED_NAMES.test(code)) return 'denied';
  if (UNSUPPORTED_NAMES.test(name) || UNSUPPORTED_NAMES.test(code)) return 'unsupported';
  if (NOT_FOUND_NAMES.test(name) || NOT_FOUND_NAMES.test(code)) return 'not-found';
  if (TRANSIENT_NAMES.test(name) || TRANSIENT_NAMES.test(code) || NETWORK_CODES.test(code)) return 'transient';
  if (name === 'SyntaxError' || /Deserializ|Unexpected end of JSON|is not valid JSON|Premature close|aborted/i.test(`${name} ${message}`))
    return 'invalid-response';
  return undefined;
}

/**
 * A credential error is not always about the credentials: @azure/identity and MSAL report a token
 * endpoint that answered 5xx or 429, reset the connection or sent a body that is not JSON as an
 * authentication error too (status 400, MSAL code in the text or the cause), and so is an authority
 * whose discovery document came back broken (endpoints_resolution_error). Those are the token
 * endpoint's transient faults and are retried; a rejected secret (invalid_client) stays unauthenticated.
 */
function tokenEndpointFault(e: Loose): FailureKind | undefined {
  const texts: string[] = [];
  for (let c: Loose | undefined = e, depth = 0; c && depth < 4; c = c.cause as Loose | undefined, depth++) {
    texts.push(str(c.message) ?? '', str(c.code) ?? '', str((c as { errorCode?: unknown }).errorCode) ?? '');
    texts.push(str(c.errorResponse?.error) ?? '', str(c.errorResponse?.errorDescription) ?? '');
  }
  const all = texts.join(' ');
  if (/\b(invalid_client|invalid_grant|unauthorized_client|invalid_request)\b/.test(all)) return undefined;
  if (/Http status code: 429\b/.test(all)) return 'throttled';
  // Entra's own transient answers carry an AADSTS code too (AADSTS90033 temporarily_unavailable).
  if (
    /\b(network_error|no_network_connectivity|endpoints_resolution_error|server_error|temporarily_unavailable|ECONNRESET|ETIMEDOUT)\b|Http status code: 5\d\d\b/.test(
      all,
    )
  )
    return 'transient';
  return undefined;
}

/** Classify anything an SDK, Node or our clients may throw. */
export function classify(err: unknown): Failure {
  if (err instanceof ReadFailure) return err.failure;
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as Loose;
  const name = str(e.name) ?? '';
  const rawCode = e.code;
  const code = str(rawCode) ?? '';
  const message = oneLine(str(e.message) ?? String(err));
  const status = statusOf(e);
  const retryAfterMs = retryAfterOf(e);
  const grpc = typeof rawCode === 'number' && !status ? GRPC[rawCode] : undefined;
  const throttleFlag = e.$retryable?.throttling ? 'throttled' : undefined;
  const named = kindOfName(name, code, message);
  const byName = named === 'unauthenticated' ? (tokenEndpointFault(e) ?? named) : named;
  // The explicit throttling flag and the name beat a generic status (AWS sends 400 for ThrottlingException).
  const kind: FailureKind =
    throttleFlag ??
    (byName === 'throttled' || byName === 'unauthenticated' ? byName : undefined) ??
    (status ? kindOfStatus(status) : undefined) ??
    grpc ??
    byName ??
    (e.cause ? classify(e.cause).kind : 'error');
  const out: Failure = { kind, message };
  if (status !== undefined) out.status = status;
  const shownCode = name && name !== 'Error' && name !== 'RestError' ? name : code;
  if (shownCode) out.code = shownCode;
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  return out;
}

/** A read that failed for good, after the kit's retries. Carries the classified failure. */
export class ReadFailure extends Error {
  readonly operation: string;
  readonly failure: Failure;
  readonly attempts: number;
  constructor(operation: string, failure: Failure, attempts: number) {
    super(`${operation}: ${describeFailure(failure)}`);
    this.name = 'ReadFailure';
    this.operation = operation;
    this.failure = failure;
    this.attempts = attempts;
  }
}

/** A call outside the provider's declared read-only operations: a bug, refused before anything is sent. */
export class ReadOnlyViolation extends Error {
  constructor(provider: string, operation: string) {
    super(`${provider}: operation ${operation} is not in the provider's declared read-only operations; refused before sending`);
    this.name = 'ReadOnlyViolation';
  }
}

const WORDS: Readonly<Record<FailureKind, string>> = {
  unauthenticated: 'not authenticated (credentials missing, expired or rejected)',
  denied: 'access denied',
  'not-found': 'not found',
  throttled: 'still throttled after retries',
  transient: 'the service failed',
  timeout: 'no answer before the call deadline',
  'invalid-response': 'the answer could not be decoded',
  unsupported: 'not supported by the service here',
  cancelled: "the provider's time budget ran out (or the run was cancelled) before this read finished",
  error: 'failed',
};

/** "access denied (HTTP 403, AccessDeniedException)": words first, the service's code in brackets. */
export function describeFailure(f: Failure): string {
  const tags = [f.status ? `HTTP ${f.status}` : undefined, f.code && f.code !== String(f.status) ? f.code : undefined].filter(Boolean);
  return `${WORDS[f.kind]}${tags.length ? ` (${tags.join(', ')})` : ''}`;
}
