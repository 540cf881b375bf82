// The credential: a token for ARM. Missing or rejected credentials stop the audit with a clear error
// naming the sources tried; a token endpoint that keeps failing (5xx, 429, resets, no answer) after
// the retries is a gap for the whole Azure provider, and the other providers' results stand.
import { UserError } from '../../../errors.ts';
import { classify, raceAbort } from '../../kit/index.ts';
import { type AzureRun, fail, serviceError } from '../context.ts';

/** The service's fault, not the caller's credentials: these become a gap, not exit 2. */
const SERVICE_FAULTS = new Set(['transient', 'throttled', 'timeout', 'invalid-response']);

const credentialHint =
  'sign in with `az login`; or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (service principal) or AZURE_FEDERATED_TOKEN_FILE (workload identity in CI); AZURE_TOKEN_CREDENTIALS=prod|dev|<CredentialName> narrows the chain. For a sovereign or private cloud set `cloud`, `authorityHost` and `armEndpoint` in providers.azure';

/** Decode the caller's object id (or app id) from a JWT access token, without verifying it. */
function identityFromToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: string; appid?: string; azp?: string; tid?: string };
    const who = claims.oid ?? claims.appid ?? claims.azp;
    return who ? `${who}${claims.tid ? `@${claims.tid}` : ''}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * MSAL reports a token endpoint's 5xx as "Status code: 400 … Http status code: 503": the gap names the
 * status the endpoint really answered, not MSAL's.
 */
function tokenEndpointError(err: unknown): unknown {
  const e = err as { errorResponse?: { errorDescription?: string }; message?: string };
  const text = `${e?.errorResponse?.errorDescription ?? ''} ${e?.message ?? ''}`;
  const status = /Http status code: (\d{3})/.exec(text)?.[1];
  return status ? { name: 'TokenEndpointError', message: `the token endpoint answered HTTP ${status}`, statusCode: Number(status) } : serviceError(err);
}

/**
 * The caller's identity (object id@tenant) from its ARM token. Throws a UserError without a usable
 * credential; returns `{ failed: true }` (with a provider-wide gap) when the token endpoint kept failing.
 */
export async function readIdentity(run: AzureRun): Promise<{ identity?: string; failed?: true }> {
  const { endpoints, credential } = run.clients;
  // The token request has the same deadline as any read (the credential retries inside it) and the
  // budget: a token endpoint that stalls must not hang the audit (MSAL ignores abort signals).
  const r = run.config.retry;
  const signal = AbortSignal.any([run.kit.signal, AbortSignal.timeout(run.config.timeoutMs * (r.maxRetries + 1) + r.maxRetries * r.maxRetryDelayInMs)]);
  try {
    const t = await raceAbort(credential.getToken(endpoints.armScope, { abortSignal: signal }), signal);
    if (!t) throw Object.assign(new Error('the credential returned no token'), { name: 'CredentialUnavailableError' });
    const identity = identityFromToken(t.token);
    return identity ? { identity } : {};
  } catch (err) {
    // An authority that cannot be resolved (wrong authorityHost, untrusted TLS certificate) is this
    // machine's configuration, not the service's fault: exit 2 with the fix.
    const untrusted = /certificate|self[- ]signed|CERT_|endpoints_resolution_error/i.test(
      `${(err as Error)?.message ?? ''} ${JSON.stringify((err as { errorResponse?: unknown })?.errorResponse ?? '')}`,
    );
    if (!untrusted && SERVICE_FAULTS.has(classify(err).kind)) {
      fail(run, 'entra:GetToken', tokenEndpointError(err), {
        what: `an access token for ${endpoints.armScope} from ${endpoints.authorityHost}`,
        fix: 'the identity service kept failing after the retries: rerun later; if it persists, check the authority host and the network path to it',
      });
      return { failed: true };
    }
    const message = String((err as Error)?.message ?? err);
    const unreachable = /endpoints_resolution_error|certificate|ECONNREFUSED|ENOTFOUND|ETIMEDOUT/i.test(message)
      ? ` The authority host ${endpoints.authorityHost} could not be reached or its TLS certificate is not trusted: check authorityHost, the network path, and for a private cloud trust its CA with NODE_EXTRA_CA_CERTS.`
      : '';
    throw new UserError({
      message: `azure: no usable credential for ${endpoints.armScope} (authority ${endpoints.authorityHost}). Sources tried: ${message.replace(/\s+/g, ' ').trim()}${unreachable}`,
      hint: credentialHint,
    });
  }
}
