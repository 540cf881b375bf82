// Synthetic estates for the scale bench: N keys over accounts and regions, "light" records (the shape
// of evaluate.bench) or "realistic" ones (grants with conditions, key policies, tags, versions, a
// public key: about 2.4 KB per key on disk, as `keyhygiene inventory` writes them). Written to disk in
// chunks, never as one string, so a 1M-key snapshot (2.4 GB) can be made on a small machine.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';

const DAY = 86_400_000;
export const NOW = Date.parse('2026-11-01T00:00:00Z');
const iso = (d) => new Date(NOW - d * DAY).toISOString();
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];
const CLASSES = ['token-signing-shared', 'token-signing-tenant', 'signature-generic', 'data-encryption'];
const LIMITS = { 'token-signing-shared': 30, 'token-signing-tenant': 90, 'signature-generic': 1095, 'data-encryption': 365 };
export const ACCOUNTS = 50;
const account = (a) => String(100000000000 + a);
// A fixed 398-byte RSA-3072 SubjectPublicKeyInfo stand-in (base64): realistic size, same for all keys.
const SPKI = Buffer.alloc(422, 7).toString('base64');

function light(i) {
  const acctNo = i % ACCOUNTS;
  const acct = account(acctNo);
  const region = REGIONS[i % 4];
  const signing = i % 5 === 0;
  const cls = signing ? CLASSES[((i / 5) % 3) | 0] : 'data-encryption';
  const age = (i * 7919) % Math.ceil(LIMITS[cls] * 1.05);
  return {
    id: `arn:aws:kms:${region}:${acct}:key/${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    provider: 'aws-kms',
    account: acct,
    region,
    name: `alias/key-${i}`,
    managedBy: 'customer',
    usage: signing ? ['sign', 'verify'] : ['encrypt', 'decrypt'],
    keyType: signing ? 'RSA' : 'AES',
    keySize: signing ? 3072 : 256,
    origin: i % 97 === 0 ? 'imported' : 'generated',
    protection: 'hsm',
    exportable: false,
    state: i % 31 === 0 ? 'disabled' : 'enabled',
    createdAt: iso(age + 30),
    currentVersionCreatedAt: iso(age),
    rotation: signing ? { supported: false } : { supported: true, automatic: i % 29 !== 0, periodDays: 365, lastRotatedAt: iso(age) },
    expiresAt: null,
    deletion: { protected: true },
    multiRegion: false,
    ...(signing ? { fingerprints: { spkiSha256: createHash('sha256').update(`spki-${i}`).digest('hex') } } : {}),
    tags: {
      env: i % 50 === 0 ? 'debug' : 'prod',
      'trust-domain': acctNo % 2 ? 'consumer' : 'enterprise',
      'key-class': cls,
      ...(signing ? { 'keyhygiene:rotation': 'automated' } : {}),
    },
    access: [
      {
        principal: { kind: 'role', id: `arn:aws:iam::${acct}:role/app-${i % 20}`, account: acct },
        capabilities: signing ? ['use-sign'] : ['use-encrypt', 'use-decrypt'],
        source: 'key-policy',
      },
      { principal: { kind: 'account', id: `arn:aws:iam::${acct}:root`, account: acct }, capabilities: ['administer'], source: 'key-policy' },
      ...(i % 113 === 0
        ? [{ principal: { kind: 'role', id: 'arn:aws:iam::333333333333:role/debug', account: '333333333333' }, capabilities: ['use-sign'], source: 'grant' }]
        : []),
    ],
  };
}

function realistic(i) {
  const k = light(i);
  const acct = k.account;
  const signing = k.usage[0] === 'sign';
  k.aliases = [`alias/key-${i}`, `alias/team-${i % 40}/service-${i % 300}`];
  k.versionCount = 1 + (i % 6);
  k.accessModel = 'key-policy';
  k.network = { publicAccess: false, privateEndpoint: i % 3 === 0 };
  k.alerts = { nearExpiry: i % 4 === 0, notifyBeforeDays: 30, rotationFailure: true, source: 'declared' };
  k.lastUsedAt = iso(i % 20);
  if (signing) k.publicKey = SPKI;
  Object.assign(k.tags, {
    owner: `team-${i % 40}`,
    'cost-center': `cc-${1000 + (i % 25)}`,
    service: `service-${i % 300}`,
    compliance: 'pci-dss',
    'data-classification': 'confidential',
  });
  k.access.push(
    {
      principal: { kind: 'role', id: `arn:aws:iam::${acct}:role/KeyAdmins`, account: acct, name: 'KeyAdmins' },
      capabilities: ['administer', 'read'],
      source: 'key-policy',
      sourceId: 'Allow access for Key Administrators',
    },
    {
      principal: { kind: 'role', id: `arn:aws:iam::${acct}:role/svc-${i % 300}`, account: acct },
      capabilities: signing ? ['use-sign', 'use-verify'] : ['use-encrypt', 'use-decrypt'],
      source: 'grant',
      sourceId: createHash('sha256').update(`grant-${i}`).digest('hex'),
      conditions: [{ key: 'kms:EncryptionContext:service', operator: 'StringEquals', values: [`service-${i % 300}`] }],
    },
    {
      principal: { kind: 'service', id: 'logs.amazonaws.com' },
      capabilities: ['use-encrypt', 'use-decrypt'],
      source: 'key-policy',
      sourceId: 'Allow CloudWatch Logs',
      conditions: [{ key: 'kms:EncryptionContext:aws:logs:arn', operator: 'ArnLike', values: [`arn:aws:logs:${k.region}:${acct}:log-group:*`] }],
    },
  );
  return k;
}

export function trails(accounts = ACCOUNTS) {
  const out = [];
  for (let a = 0; a < accounts; a++) {
    const acct = account(a);
    out.push({
      id: `arn:aws:cloudtrail:us-east-1:${acct}:trail/main`,
      provider: 'aws-kms',
      kind: 'cloudtrail',
      scope: { provider: 'aws-kms', accounts: [acct], regions: '*' },
      enabled: true,
      capturesAdminEvents: true,
      capturesDataPlane: true,
      excludedSources: a % 7 === 0 ? ['kms.amazonaws.com'] : [],
      retentionDays: a % 5 === 0 ? 90 : 400,
    });
  }
  return out;
}

/** The key record i of an estate. */
export const keyRecord = (i, kind = 'light') => (kind === 'realistic' ? realistic(i) : light(i));

const indent = (v) => JSON.stringify(v, null, 2).replaceAll('\n', '\n    ');

/** Write a snapshot as `keyhygiene inventory` lays it out (2-space JSON), in chunks; returns its size in bytes. */
export function writeSnapshot(file, n, kind = 'light', select = () => true) {
  const fd = openSync(file, 'w');
  let size = 0;
  let buf = '';
  const put = (s) => {
    buf += s;
    if (buf.length > 1 << 20) flush();
  };
  const flush = () => {
    size += writeSync(fd, buf);
    buf = '';
  };
  put(
    `{\n  "kind": "keyhygiene-inventory",\n  "version": 1,\n  "generatedAt": "${new Date(NOW).toISOString()}",\n  "providers": [\n    {\n      "id": "bench"\n    }\n  ],\n  "keys": [`,
  );
  let first = true;
  for (let i = 0; i < n; i++) {
    const k = keyRecord(i, kind);
    if (!select(k)) continue;
    put(`${first ? '' : ','}\n    ${indent(k)}`);
    first = false;
  }
  put(
    `\n  ],\n  "trails": [${trails()
      .filter(select)
      .map((t, j) => `${j ? ',' : ''}\n    ${indent(t)}`)
      .join('')}\n  ],\n  "publishedKeys": [],\n  "artifacts": [],\n  "gaps": []\n}\n`,
  );
  flush();
  closeSync(fd);
  return size;
}

/** The bench policy: production and debug by tag, trust domains by tag and by account parity. */
export function benchPolicy(file) {
  const accts = (parity) =>
    JSON.stringify(
      Array.from({ length: ACCOUNTS }, (_, a) => a)
        .filter((a) => a % 2 === parity)
        .map((a) => String(100000000000 + a)),
    );
  writeFileSync(
    file,
    `version: 1
extends: [recommended]
environments:
  production: { kind: production, match: [{ tags: { env: prod } }, { principals: ["arn:aws:iam::1000000000*"] }] }
  debug: { kind: debug, match: [{ tags: { env: debug } }, { accounts: ["333333333333"] }] }
trustDomains:
  consumer: { match: [{ tags: { trust-domain: consumer } }, { accounts: ${accts(1)} }, { accounts: ["333333333333"] }] }
  enterprise: { match: [{ tags: { trust-domain: enterprise } }, { accounts: ${accts(0)} }] }
`,
  );
  return file;
}
