// The simulator's request quotas and injected faults. Quotas are per account (the caller's: AWS KMS
// throttles the account that makes a cross-account request) and per region, as AWS documents its
// request quotas: each operation has its own, except the groups AWS documents as shared (below).
// A quota given for a group's name applies to all of its operations. This is the simulator's own
// reading of the documentation: it imports nothing from the provider it checks (a test compares the
// provider's buckets with these groups).
import { hashFraction } from '../hash.ts';
import type { Fault } from './types.ts';

/** CloudTrail's control-plane reads share one rate per account and region ("Get, describe, and list APIs: 10 TPS"). */
const SHARED_QUOTAS: Readonly<Record<string, readonly string[]>> = {
  'cloudtrail:read': [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrailStatus',
    'cloudtrail:GetEventSelectors',
    'cloudtrail:ListEventDataStores',
    'cloudtrail:GetEventDataStore',
  ],
};
const GROUP_OF = new Map(Object.entries(SHARED_QUOTAS).flatMap(([group, ops]) => ops.map((op) => [op, group] as const)));

/**
 * AWS KMS cryptographic operations share one quota per key type in each account and region (AWS KMS
 * Developer Guide, "Request quotas", "Shared quotas for cryptographic operations"): which bucket a
 * Decrypt or a Sign draws on depends on the key it names. GenerateDataKeyPair and its
 * WithoutPlaintext form share a separate quota per key pair spec.
 */
export const KMS_CRYPTO_OPERATIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateMac',
  'kms:GenerateRandom',
  'kms:ReEncrypt',
  'kms:Sign',
  'kms:Verify',
  'kms:VerifyMac',
];
const CRYPTO = new Set(KMS_CRYPTO_OPERATIONS);
const DATA_KEY_PAIR = new Set(['kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext']);
/** GenerateDataKeyPair and its WithoutPlaintext form: their quota is their KeyPairSpec's. */
export const isDataKeyPairOperation = (op: string): boolean => DATA_KEY_PAIR.has(op);

/** The shared cryptographic quota of a key spec: symmetric (and HMAC), RSA, ECC (and SM2), ML-DSA. */
export function kmsCryptoQuota(spec: string | undefined): string {
  if (!spec || spec === 'SYMMETRIC_DEFAULT' || spec.startsWith('HMAC_')) return 'kms:crypto-symmetric';
  if (spec.startsWith('RSA_')) return 'kms:crypto-rsa';
  if (spec.startsWith('ML_DSA_')) return 'kms:crypto-ml-dsa';
  return 'kms:crypto-ecc';
}

/**
 * The quota a request draws on. `spec` is the key spec of the key a cryptographic operation names
 * (undefined: no key, as GenerateRandom, or one the simulator does not hold: symmetric), or the
 * KeyPairSpec of a GenerateDataKeyPair.
 */
export function quotaGroupOf(op: string, spec?: string): string {
  if (CRYPTO.has(op)) return kmsCryptoQuota(spec);
  if (isDataKeyPairOperation(op)) return `kms:GenerateDataKeyPair:${spec ?? 'unknown'}`;
  return GROUP_OF.get(op) ?? op;
}

/**
 * The documented default rates (requests per second per account and region) of what the simulator
 * serves and of the shared cryptographic quotas, for tests and benches that want AWS's numbers: KMS
 * "Request quotas" (symmetric cryptographic operations: 10,000 in most regions, up to 100,000 in
 * some), CloudTrail, STS, Organizations and EC2 as the provider's documentation cites them.
 */
export const DOCUMENTED_QUOTAS: Readonly<Record<string, number>> = {
  'kms:crypto-symmetric': 10_000,
  'kms:crypto-rsa': 1000,
  'kms:crypto-ecc': 1000,
  'kms:crypto-ml-dsa': 1000,
  'kms:GenerateDataKeyPair:ECC_NIST_P256': 25,
  'kms:GenerateDataKeyPair:RSA_2048': 1,
  'kms:ListKeys': 500,
  'kms:ListAliases': 500,
  'kms:DescribeKey': 2000,
  'kms:GetKeyPolicy': 1000,
  'kms:GetKeyRotationStatus': 1000,
  'kms:ListKeyRotations': 100,
  'kms:ListResourceTags': 2000,
  'kms:ListGrants': 100,
  'kms:GetPublicKey': 2000,
  'cloudtrail:read': 10,
};

/**
 * Each quota is a token bucket refilled at the quota rate holding one second's worth: a steady caller
 * above the rate is throttled, short bursts within the second are not.
 */
export class Quotas {
  private readonly rates: Readonly<Record<string, number>> | undefined;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(rates: Readonly<Record<string, number>> | undefined) {
    this.rates = rates;
  }

  /** true: this request is over its quota (answer ThrottlingException). `spec`: see quotaGroupOf. */
  throttle(account: string, region: string, op: string, spec?: string): boolean {
    const group = quotaGroupOf(op, spec);
    const rate = this.rates?.[op] ?? this.rates?.[group];
    if (!rate) return false;
    const id = `${account}/${region}/${group}`;
    const now = performance.now();
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: rate, at: now };
      this.buckets.set(id, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }
}

const matches = (f: Fault, op: string, account: string, region: string, keyId: string): boolean =>
  (!f.op || f.op === op) && (!f.account || f.account === account) && (!f.region || f.region === region) && (!f.keyId || f.keyId === keyId);

/** Injected faults: each fires for the (operation, subject) pairs it matches, at its rate, up to `times`. */
export class Faults {
  private list: Fault[];
  private readonly counts = new Map<string, number>();
  constructor(list: Fault[]) {
    this.list = list;
  }

  set(list: Fault[]): void {
    this.list = list;
    this.counts.clear();
  }

  /** The fault this request meets, if any. */
  for(op: string, account: string, region: string, input: Record<string, unknown>): Fault | undefined {
    const keyId = String(input.KeyId ?? input.Name ?? input.TrailName ?? '').replace(/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, '');
    const subject = `${op}/${account}/${region}/${keyId}`;
    for (const [i, f] of this.list.entries()) {
      if (!matches(f, op, account, region, keyId)) continue;
      if (f.rate !== undefined && hashFraction(`${i}/${subject}`) >= f.rate) continue;
      if (f.times !== undefined) {
        const id = `${i}/${subject}`;
        const n = this.counts.get(id) ?? 0;
        if (n >= f.times) continue;
        this.counts.set(id, n + 1);
      }
      return f;
    }
    return undefined;
  }
}
