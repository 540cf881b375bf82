// The credential: a token for ARM, or a clear error naming the sources tried. Nothing else can be read without it.
import { UserError } from '../../../errors.ts';
import { raceAbort } from '../../kit/index.ts';
import type { AzureRun } from '../context.ts';

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

/** The caller's identity (object id@tenant) from its ARM token; throws a UserError without a usable credential. */
export async function readIdentity(run: AzureRun): Promise<string | undefined> {
  const { endpoints, credential } = run.clients;
  // The token request has the same deadline as any read (the credential retries inside it) and the
  // budget: a token endpoint that stalls must not hang the audit (MSAL ignores abort signals).
  const r = run.config.retry;
  const signal = AbortSignal.any([run.kit.signal, AbortSignal.timeout(run.config.timeoutMs * (r.maxRetries + 1) + r.maxRetries * r.maxRetryDelayInMs)]);
  try {
    const t = await raceAbort(credential.getToken(endpoints.armScope, { abortSignal: signal }), signal);
    if (!t) throw Object.assign(new Error('the credential returned no token'), { name: 'CredentialUnavailableError' });
    return identityFromToken(t.token);
  } catch (err) {
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
