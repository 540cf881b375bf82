// One Key Vault (or Managed HSM) data plane per vault: the 401 bearer challenge, the documented
// per-vault and per-subscription limits, injected faults and the key reads (Key Vault REST 7.x).
import { createHash, createPublicKey } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import { hashFraction } from '../hash.ts';
import { epoch, type FakeContext, HttpError, listen, normPath, readBody, send, sendError, type VaultEntry, versionOf } from './context.ts';
import { listHsmRoleAssignments, listHsmRoleDefinitions } from './hsm-rbac.ts';
import { dataOperation } from './routes.ts';
import type { FakeAzureKey, FakeAzureVault, RecordedAzureRequest } from './types.ts';

/** Limit weight of one Key Vault transaction on a key, relative to a software RSA-2048 GET. */
function weight(k: FakeAzureKey | undefined, managedHsm: boolean): number {
  if (!k || managedHsm) return 1;
  const hsm = /-HSM$/i.test(k.kty);
  if (!/^RSA/i.test(k.kty)) return hsm ? 2 : 1;
  const bits =
    k.keySize ??
    (k.publicKey
      ? (createPublicKey({ key: Buffer.from(k.publicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength ?? 2048)
      : 2048);
  if (bits <= 2048) return hsm ? 2 : 1;
  if (bits <= 3072) return hsm ? 8 : 4;
  return hsm ? 16 : 8;
}

/** The public JWK members (base64url) of an SPKI. */
function jwkOf(publicKey: string | undefined): Record<string, string> {
  if (!publicKey) return {};
  const jwk = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const m of ['n', 'e', 'crv', 'x', 'y']) if (jwk[m]) out[m] = jwk[m] as string;
  if (out.crv === 'secp256k1') out.crv = 'P-256K';
  return out;
}

/** The data plane's view of one vault. */
export interface DataPlane {
  ctx: FakeContext;
  entry: VaultEntry;
  /** the vault's public URI, which key ids carry */
  publicUri: string;
  keysByName: Map<string, FakeAzureKey>;
  weights: Map<FakeAzureKey, number>;
}

export type DataHandler = (dp: DataPlane, key: FakeAzureKey | undefined, keyName: string, url: URL) => unknown;

function keyJson(v: FakeAzureVault, k: FakeAzureKey, publicUri: string) {
  const version = versionOf(`${v.name}/${k.name}`, k.created);
  return {
    key: { kid: `${publicUri}/keys/${k.name}/${version}`, kty: k.kty, key_ops: k.keyOps, ...jwkOf(k.publicKey) },
    attributes: {
      enabled: k.enabled ?? true,
      created: epoch(k.created),
      updated: epoch(k.created),
      ...(k.expires ? { exp: epoch(k.expires) } : {}),
      ...(k.notBefore ? { nbf: epoch(k.notBefore) } : {}),
      recoveryLevel: v.purgeProtection ? 'Recoverable' : 'Recoverable+Purgeable',
      ...(k.exportable ? { exportable: true } : {}),
    },
    ...(k.tags ? { tags: k.tags } : {}),
    ...(k.managed ? { managed: true } : {}),
    ...releasePolicyJson(k),
  };
}

function releasePolicyJson(k: FakeAzureKey) {
  const p = k.releasePolicy ?? (k.exportable ? { document: {} } : undefined);
  if (!p) return {};
  const text = p.raw ?? JSON.stringify(p.document ?? {});
  return {
    release_policy: {
      contentType: 'application/json; charset=utf-8',
      data: Buffer.from(text).toString('base64url'),
      ...(p.immutable ? { immutable: true } : {}),
    },
  };
}

/** A Marvell-style attestation blob: a header, then attributes as type (u32 BE), length (u32 BE), value; then a signature. */
function marvellBlob(k: FakeAzureKey, flags: { local: boolean; neverExtractable: boolean }): Buffer {
  const attr = (type: number, value: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(type, 0);
    h.writeUInt32BE(value.length, 4);
    return Buffer.concat([h, value]);
  };
  const flag = (b: boolean) => Buffer.from([b ? 1 : 0]);
  const attrs = [
    attr(0x0000, Buffer.from([/^oct/i.test(k.kty) ? 4 : 3])), // OBJ_ATTR_CLASS: private or secret key
    attr(0x0003, Buffer.from(k.name)), // OBJ_ATTR_LABEL
    attr(0x0103, flag(true)), // OBJ_ATTR_SENSITIVE
    attr(0x0162, flag(!flags.neverExtractable)), // OBJ_ATTR_EXTRACTABLE
    attr(0x0163, flag(flags.local)), // OBJ_ATTR_LOCAL
    attr(0x0164, flag(flags.neverExtractable)), // OBJ_ATTR_NEVER_EXTRACTABLE
  ];
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0); // version
  header.writeUInt32BE(attrs.length, 4);
  const signature = createHash('sha512').update(k.name).digest();
  return Buffer.concat([header, ...attrs, signature, signature, signature, signature]);
}

const getAttestation: DataHandler = (dp, key) => {
  const k = key as FakeAzureKey;
  if (dp.entry.vault.kind !== 'managed-hsm' || k.attestation === 'unsupported')
    throw new HttpError(400, 'BadParameter', 'Key attestation is not supported for this key or service.');
  const flags = k.attestation ?? { local: true, neverExtractable: true };
  const b64 = (b: Buffer) => b.toString('base64url');
  const json = keyJson(dp.entry.vault, k, dp.publicUri);
  const blob = marvellBlob(k, flags);
  return {
    ...json,
    attributes: {
      ...json.attributes,
      attestation: {
        certificatePemFile: b64(Buffer.from('-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n')),
        privateKeyAttestation: b64(blob),
        ...(/^oct/i.test(k.kty) ? {} : { publicKeyAttestation: b64(blob) }),
        version: '1.0',
      },
    },
  };
};

const listKeys: DataHandler = (dp, _key, _name, url) => {
  const { ctx, entry, publicUri } = dp;
  const v = entry.vault;
  const start = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
  const size = Math.min(ctx.pageSize, Number(url.searchParams.get('maxresults') ?? ctx.pageSize) || ctx.pageSize);
  const value = v.keys.slice(start, start + size).map((k) => ({
    kid: `${publicUri}/keys/${k.name}`,
    attributes: { enabled: k.enabled ?? true, created: epoch(k.created), updated: epoch(k.created), ...(k.expires ? { exp: epoch(k.expires) } : {}) },
    ...(k.tags ? { tags: k.tags } : {}),
    ...(k.managed ? { managed: true } : {}),
  }));
  const more = start + size < v.keys.length;
  const apiVersion = url.searchParams.get('api-version') ?? '2025-07-01';
  return { value, nextLink: more ? `${ctx.vaultUrls[v.name]}keys?api-version=${apiVersion}&$skiptoken=${start + size}&maxresults=${size}` : null };
};

const listKeyVersions: DataHandler = (dp, key) => {
  const k = key as FakeAzureKey;
  const all = [...(k.olderVersions ?? []), k.created];
  return {
    value: all.map((c) => ({
      kid: `${dp.publicUri}/keys/${k.name}/${versionOf(`${dp.entry.vault.name}/${k.name}`, c)}`,
      attributes: { enabled: true, created: epoch(c), updated: epoch(c) },
    })),
    nextLink: null,
  };
};

/**
 * A key whose rotation policy was never set answers the service's default policy: no id, no dates, one
 * Notify action 30 days before expiry (what `az keyvault key rotation-policy show` prints for such a key;
 * @azure/keyvault-keys: "id may be undefined if a policy has not been explicitly set").
 */
const DEFAULT_ROTATION_POLICY = { lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }], attributes: {} };

const getRotationPolicy: DataHandler = (dp, key) => {
  const k = key as FakeAzureKey;
  if (!k.rotationPolicy) return DEFAULT_ROTATION_POLICY;
  return {
    id: `${dp.publicUri}/keys/${k.name}/rotationpolicy`,
    lifetimeActions: k.rotationPolicy.lifetimeActions.map((a) => ({
      trigger: {
        ...(a.timeAfterCreate ? { timeAfterCreate: a.timeAfterCreate } : {}),
        ...(a.timeBeforeExpiry ? { timeBeforeExpiry: a.timeBeforeExpiry } : {}),
      },
      action: { type: a.action },
    })),
    attributes: { ...(k.rotationPolicy.expiryTime ? { expiryTime: k.rotationPolicy.expiryTime } : {}), created: epoch(k.created), updated: epoch(k.created) },
  };
};

type FakeDeletedKey = NonNullable<FakeAzureVault['deletedKeys']>[number];

/** What Get Deleted Keys and Get Deleted Key add to a key: where to recover it, when it was deleted and will be purged. */
const deletion = (dp: DataPlane, k: FakeDeletedKey) => ({
  recoveryId: `${dp.publicUri}/deletedkeys/${k.name}`,
  deletedDate: epoch(k.deletedDate),
  scheduledPurgeDate: epoch(k.scheduledPurgeDate),
});

/** "While the operation can be invoked on any vault, it will return an error if invoked on a non soft-delete enabled vault." */
const listDeletedKeys: DataHandler = (dp) => {
  if (dp.entry.vault.softDelete === false)
    throw new HttpError(400, 'BadParameter', 'Operation "listDeleted" is not allowed because soft delete is not enabled on this vault.');
  return {
    value: (dp.entry.vault.deletedKeys ?? []).map((k) => {
      const { key: _material, ...rest } = keyJson(dp.entry.vault, k, dp.publicUri);
      return { ...rest, kid: `${dp.publicUri}/keys/${k.name}`, ...deletion(dp, k) };
    }),
    nextLink: null,
  };
};

const getDeletedKey: DataHandler = (dp, _key, _name, url) => {
  const name = decodeURIComponent(url.pathname.split('/').filter(Boolean)[1] ?? '');
  const k = dp.entry.vault.deletedKeys?.find((d) => d.name.toLowerCase() === name.toLowerCase());
  if (!k) throw new HttpError(404, 'KeyNotFound', `Deleted Key not found: ${name}`);
  return { ...keyJson(dp.entry.vault, k, dp.publicUri), ...deletion(dp, k) };
};

/** Declared data-plane operation → its handler; `needsKey` handlers answer 404 for an unknown key. */
export const DATA_HANDLERS: Record<string, { needsKey: boolean; handle: DataHandler }> = {
  'keyvault:ListKeys': { needsKey: false, handle: listKeys },
  'keyvault:GetKey': { needsKey: true, handle: (dp, key) => keyJson(dp.entry.vault, key as FakeAzureKey, dp.publicUri) },
  'keyvault:ListKeyVersions': { needsKey: true, handle: listKeyVersions },
  'keyvault:GetKeyRotationPolicy': { needsKey: true, handle: getRotationPolicy },
  'keyvault:GetKeyAttestation': { needsKey: true, handle: getAttestation },
  'keyvault:ListDeletedKeys': { needsKey: false, handle: listDeletedKeys },
  'keyvault:GetDeletedKey': { needsKey: false, handle: getDeletedKey },
  'managedhsm:ListRoleAssignments': { needsKey: false, handle: (dp, _k, _n, url) => listHsmRoleAssignments(dp, url) },
  'managedhsm:ListRoleDefinitions': { needsKey: false, handle: (dp) => listHsmRoleDefinitions(dp) },
};

function authorize(dp: DataPlane, req: http.IncomingMessage): void {
  const { ctx, entry } = dp;
  const challenge = {
    'www-authenticate': `Bearer authorization="${ctx.base.url}/${entry.vault.tenantId ?? ctx.world.tenantId}", resource="${ctx.options.vaultResource ?? 'https://vault.azure.net'}"`,
  };
  if (!req.headers.authorization) throw new HttpError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', challenge);
  if (!ctx.tokenValid(req.headers.authorization)) {
    ctx.stats.unauthorized++;
    throw new HttpError(401, 'Unauthorized', 'AKV10022: Invalid audience or expired token.', challenge);
  }
}

/** Charge the transaction to the documented limits (429 + Retry-After when exhausted) and maybe inject a fault. */
function charge(dp: DataPlane, cost: number): void {
  const { ctx, entry } = dp;
  const { vault: v, sub } = entry;
  const hsm = v.kind === 'managed-hsm';
  if (ctx.options.enforceLimits) {
    const perVault = hsm ? 1100 : 400;
    const vb = ctx.bucket(`kv:${v.name}`, perVault, perVault);
    const sb = hsm ? undefined : ctx.bucket(`kvsub:${sub.id}`, 2000, 2000);
    if (!vb.take(cost) || (sb && !sb.take(cost))) {
      ctx.stats.throttled++;
      throw new HttpError(429, 'Throttled', 'Rate limit is exceeded. Try again in 1 seconds.', { 'retry-after': ctx.retryAfter });
    }
  }
  ctx.stats.vaultCost[v.name] = (ctx.stats.vaultCost[v.name] ?? 0) + cost;
  if (!hsm) ctx.stats.subscriptionCost[sub.id] = (ctx.stats.subscriptionCost[sub.id] ?? 0) + cost;
  if (ctx.options.faultRate && hashFraction(`${v.name}|${ctx.faultSeq.n++}`) < ctx.options.faultRate) {
    ctx.stats.faults++;
    const status = ctx.faultSeq.n % 2 ? 500 : 503;
    throw new HttpError(status, status === 500 ? 'InternalServerError' : 'ServiceUnavailable', 'Injected transient fault.');
  }
}

async function answer(dp: DataPlane, req: http.IncomingMessage, op: string | undefined, url: URL): Promise<unknown> {
  const path = url.pathname;
  const v = dp.entry.vault;
  authorize(dp, req);
  await dp.ctx.delay();
  const handler = op ? DATA_HANDLERS[op] : undefined;
  if (!op || !handler) throw new HttpError(405, 'MethodNotAllowed', `The fake refuses ${req.method} ${path}: not a declared read operation.`);
  if (v.dataPlane === 'forbidden')
    throw new HttpError(
      403,
      'Forbidden',
      `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/keys/read' Vault: ${v.name}`,
    );
  dp.ctx.maybeThrottle(op);
  const keyName = decodeURIComponent(/^\/keys\/([^/]+)/.exec(path)?.[1] ?? '');
  const key = keyName ? dp.keysByName.get(keyName.toLowerCase()) : undefined;
  charge(dp, op === 'keyvault:ListKeys' || !key ? 1 : (dp.weights.get(key) ?? 1));
  if (handler.needsKey && !key) throw new HttpError(404, 'KeyNotFound', `A key with (name/id) ${keyName} was not found in this key vault.`);
  return handler.handle(dp, key, keyName, url);
}

/** Start the data plane of one vault; registers its URL in ctx.vaultUrls. */
export async function startDataPlane(ctx: FakeContext, entry: VaultEntry): Promise<void> {
  const v = entry.vault;
  if (v.dataPlane === 'unreachable') {
    // Connections are refused, as behind a firewall or private endpoint: the discard port, where nothing
    // listens. (A port closed after listening could be handed to the next fake started meanwhile.)
    ctx.vaultUrls[v.name] = 'https://127.0.0.1:9/';
    return;
  }
  const dp: DataPlane = {
    ctx,
    entry,
    publicUri: (v.publicUri ?? `https://${v.name}.${v.kind === 'managed-hsm' ? 'managedhsm' : 'vault'}.azure.net`).replace(/\/+$/, ''),
    keysByName: new Map(v.keys.map((k) => [k.name.toLowerCase(), k])),
    weights: new Map(v.keys.map((k) => [k, weight(k, v.kind === 'managed-hsm')])),
  };
  const server = ctx.track(
    https.createServer({ cert: ctx.cert.cert, key: ctx.cert.key }, async (req, res) => {
      ctx.stats.requests++;
      const url = new URL(normPath(req.url ?? '/'), 'https://fake');
      await readBody(req);
      if (v.dataPlane === 'silent') return; // like a firewall that drops packets: never answer
      const op = dataOperation(req.method ?? 'GET', url.pathname);
      const rec: RecordedAzureRequest = { plane: 'data', method: req.method ?? 'GET', path: url.pathname, operation: op, vault: v.name, status: 200 };
      ctx.requests.push(rec);
      try {
        send(res, 200, await answer(dp, req, op, url));
      } catch (err) {
        sendError(res, rec, err);
      }
    }),
  );
  const port = await listen(server);
  ctx.vaultUrls[v.name] = `https://127.0.0.1:${port}/`;
}
