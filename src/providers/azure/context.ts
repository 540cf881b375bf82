// What every Azure read step shares: the guarded SDK clients, the provider kit (deadline, budget,
// classification, gaps) and the settings of this run; and how a step reads and records a gap.

import { classify, type FailureGapSpec, type GapScope, type ProviderKit, ReadOnlyViolation } from '../kit/index.ts';
import type { CollectContext } from '../types.ts';
import type { AzureClients } from './client.ts';
import { OPERATION_PERMISSIONS } from './operations.ts';
import type { AzureConfig } from './schema.ts';

export interface AzureRun {
  kit: ProviderKit;
  clients: AzureClients;
  config: AzureConfig;
  ctx: CollectContext;
}

/** "the DataAction Microsoft.KeyVault/vaults/keys/read": what a denied operation needs, for the gap's advice. */
export function permissionOf(op: string): string | undefined {
  const perm = OPERATION_PERMISSIONS[op];
  if (perm?.dataAction) return `the DataAction ${perm.dataAction}`;
  if (perm?.hsmDataAction) return `the Managed HSM local RBAC data action ${perm.hsmDataAction} (role Managed HSM Crypto Auditor)`;
  if (perm?.action) return `the Action ${perm.action}`;
  return perm?.graph ? `the Microsoft Graph permission ${perm.graph}` : undefined;
}

const UNREACHABLE =
  "unreachable over the network: a vault firewall, private endpoint or DNS keeps this machine out; run the audit from inside the network, or add this runner to the vault's firewall";

/** Azure-specific advice: access policies as an alternative to a role, and the network path to a vault. */
function fixFor(op: string, err: unknown): string | undefined {
  const f = classify(err);
  if (f.kind === 'denied') {
    const access = OPERATION_PERMISSIONS[op]?.dataAction
      ? ', or on an access-policy vault an access policy with key permissions get, list and getrotationpolicy'
      : '';
    return `grant ${permissionOf(op) ?? `the permission for ${op}`} to the audit identity (see \`keyhygiene permissions azure\`)${access}`;
  }
  if ((f.kind === 'transient' || f.kind === 'timeout') && f.status === undefined) return UNREACHABLE;
  return undefined;
}

export interface AzureGapSpec {
  what: string;
  scope?: GapScope;
  affects?: string[];
  fix?: string;
}

/** Record a failed read as a gap: what, why (classified by the kit), how to fix; raw text in `detail`. */
export function fail(run: AzureRun, op: string, err: unknown, g: AzureGapSpec): void {
  if (err instanceof ReadOnlyViolation) throw err;
  // A pager aborted by the provider's budget says "aborted": it was the budget, not the network.
  if (run.kit.signal.aborted && classify(err).kind === 'timeout') err = run.kit.signal.reason;
  const fix = g.fix ?? fixFor(op, err);
  const spec: Omit<FailureGapSpec, 'operation'> = { what: g.what, scope: g.scope ?? {}, ...(g.affects ? { affects: g.affects } : {}), ...(fix ? { fix } : {}) };
  run.kit.failed(op, err, spec);
}

/** A gap the provider decides itself (not a failed call), with its own reason. */
export function note(run: AzureRun, op: string, scope: GapScope, reason: string, affects?: string[]): void {
  run.kit.gaps.add({ operation: op, scope, reason, ...(affects ? { affects } : {}) });
}

/**
 * The SDKs' errors, with the service's own code and message where a paged call hid them in the body
 * ("Pagination failed with unexpected statusCode 403") and the socket's code behind REQUEST_SEND_ERROR,
 * so the kit classifies what the service said.
 */
export function serviceError(err: unknown): unknown {
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    statusCode?: number;
    cause?: { code?: string };
    response?: { bodyAsText?: string | null };
    /** @azure/identity: what the token endpoint (or MSAL) said, which tells a 503 from a rejected secret */
    errorResponse?: unknown;
  };
  if (!e || typeof e !== 'object' || err instanceof ReadOnlyViolation) return err;
  let message = String(e.message ?? '').split('\n')[0] ?? '';
  let code = e.code;
  try {
    const body = JSON.parse(e.response?.bodyAsText ?? '') as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message.split('\n')[0] ?? message;
    if (body.error?.code) code = body.error.code;
  } catch {
    // not JSON: keep the SDK's message
  }
  if ((!code || code === 'REQUEST_SEND_ERROR') && e.cause?.code) code = e.cause.code;
  return { name: e.name, message, code, statusCode: e.statusCode, response: e.response, cause: e.cause, errorResponse: e.errorResponse };
}

/**
 * One read through the kit: the declared operation, its deadline and the provider's budget as the
 * SDK's abortSignal, the failure classified. The SDK's own pipeline paces and retries each request.
 */
export function call<T>(run: AzureRun, op: string, partition: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return run.kit.call(op, { partition }, (signal) =>
    fn(signal).catch((err: unknown) => {
      throw serviceError(err);
    }),
  );
}
