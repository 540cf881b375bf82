// The Entra (Azure AD) authority endpoints of the simulator: OpenID discovery and the v2.0 token
// endpoint (client credentials), as documented for the Microsoft identity platform.
import type http from 'node:http';
import { type FakeContext, send } from './context.ts';

function discovery(ctx: FakeContext, tenant: string) {
  const base = ctx.base.url;
  return {
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
    issuer: `${base}/${tenant}/v2.0`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
  };
}

function token(ctx: FakeContext, req: http.IncomingMessage, res: http.ServerResponse, path: string, body: string): void {
  const form = new URLSearchParams(body);
  const method = req.method ?? 'POST';
  if (ctx.options.tokenStatus !== undefined) {
    ctx.requests.push({ plane: 'entra', method, path, status: ctx.options.tokenStatus });
    // What a front door in trouble answers: a bare status page, no OAuth error body.
    res.writeHead(ctx.options.tokenStatus, { 'content-type': 'text/html', 'retry-after': '0' });
    res.end('<html><body><h1>Service Unavailable</h1></body></html>');
    return;
  }
  if (ctx.options.clientSecret !== undefined && form.get('client_secret') !== ctx.options.clientSecret) {
    ctx.requests.push({ plane: 'entra', method, path, status: 401 });
    send(res, 401, {
      error: 'invalid_client',
      error_description:
        'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      error_codes: [7000215],
    });
    return;
  }
  ctx.requests.push({ plane: 'entra', method, path, status: 200 });
  const scope = form.get('scope') ?? '';
  send(res, 200, { token_type: 'Bearer', expires_in: ctx.lifetime, ext_expires_in: ctx.lifetime, access_token: ctx.issueToken(scope.split(' ')[0] ?? '') });
}

/** Serve an Entra request; false when the path is not an Entra endpoint. */
export function serveEntra(ctx: FakeContext, req: http.IncomingMessage, res: http.ServerResponse, path: string, body: string): boolean {
  const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
  if (oidc) {
    ctx.requests.push({ plane: 'entra', method: req.method ?? 'GET', path, status: 200 });
    send(res, 200, discovery(ctx, oidc[1] as string));
    return true;
  }
  if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
    token(ctx, req, res, path, body);
    return true;
  }
  return false;
}
