// GCP keys are decided by the same rules as AWS and Azure keys: the demo estate, collected through the
// real provider from the loopback fake, evaluated with the storm-0558 example policy.
import { OAuth2Client } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import { examplePolicy } from '../../../src/cli/flags.ts';
import { exitCodeFor } from '../../../src/engine/exit-code.ts';
import type { AuditResult } from '../../../src/engine/result.ts';
import { DEMO_ORG, DENIED_RING, demoWorld } from '../../../src/fakes/gcp/demo-world.ts';
import { type GcpFake, startGcpFake } from '../../../src/fakes/gcp/server.ts';
import type { GcpWorld } from '../../../src/fakes/gcp/world.ts';
import { INVENTORY_VERSION, type Inventory } from '../../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import { collectGcp } from '../../../src/providers/gcp/index.ts';
import { GcpConfig } from '../../../src/providers/gcp/schema.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
let fake: GcpFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function audit(world: GcpWorld, deny: string[] = []): Promise<AuditResult> {
  fake = await startGcpFake(world, { deny });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 't', expiry_date: Date.now() + 3_600_000 });
  // The whole published quota (fraction 1) and KMS reads raised: these tests are about verdicts, not pacing.
  const config = GcpConfig.parse({ organization: DEMO_ORG, endpoint: fake.url, readRequestsPerMinute: 600_000, retryBaseMs: 1, quotaFraction: 1 });
  const out = await collectGcp(config, { now: () => NOW, baseDir: '.', env: {} }, { authClient: auth });
  const inventory: Inventory = {
    kind: 'keyhygiene-inventory',
    version: INVENTORY_VERSION,
    generatedAt: NOW.toISOString(),
    providers: [out.run],
    keys: out.keys ?? [],
    trails: out.trails ?? [],
    publishedKeys: [],
    artifacts: [],
    gaps: out.gaps ?? [],
  };
  return auditInventory(inventory, resolvePolicyFile(examplePolicy('storm-0558')), NOW, true);
}

const outcome = (r: AuditResult, rule: string, key: string): string[] =>
  r.results.filter((e) => e.ruleId === rule && e.subject.id.endsWith(`/cryptoKeys/${key}`)).map((e) => e.outcome);

describe('GCP keys under the shared rules', () => {
  it('shows rotation, scope, debug exposure and logging failing and passing as designed', async () => {
    const r = await audit(demoWorld(), [`cloudkms:GetKeyRingIamPolicy ${DENIED_RING}`]);
    // rotation
    expect(outcome(r, 'key-material-max-age', 'msa-signer-2016')).toEqual(['fail']);
    expect(outcome(r, 'key-material-max-age', 'msa-signer-2026')).toEqual(['pass']);
    expect(outcome(r, 'automatic-rotation', 'legacy-archive')).toEqual(['fail']);
    expect(outcome(r, 'automatic-rotation', 'user-data')).toEqual(['pass']);
    // scope and debug exposure: a consumer-debug service account signs with a production consumer key
    expect(outcome(r, 'nonprod-principal-access', 'msa-signer-2016')).toEqual(['fail']);
    expect(outcome(r, 'nonprod-principal-access', 'msa-signer-2026')).toEqual(['pass']);
    // A debug replay tool decrypts with the imported production key through an organization custom role.
    expect(outcome(r, 'nonprod-principal-access', 'card-vault')).toEqual(['fail']);
    expect(r.results.find((e) => e.ruleId === 'nonprod-principal-access' && e.subject.id.endsWith('/card-vault'))?.message).toContain(
      'replay-tool@consumer-debug',
    );
    // logging: exempted decrypter, no Data Access logs, and a well-logged key
    expect(outcome(r, 'key-use-logged', 'user-data')).toEqual(['fail']);
    expect(r.results.find((e) => e.ruleId === 'key-use-logged' && e.subject.id.endsWith('/user-data'))?.message).toContain('bulk-export@consumer-idp-prod');
    expect(outcome(r, 'key-use-logged', 'aad-signer')).toEqual(['fail']);
    expect(outcome(r, 'key-use-logged', 'msa-signer-2026')).toEqual(['pass']);
    expect(outcome(r, 'key-log-retention', 'msa-signer-2026')).toEqual(['pass']);
    // the denied ring: unknown, never pass
    expect(outcome(r, 'nonprod-principal-access', 'partner-signer')).toEqual(['unknown']);
    expect(outcome(r, 'no-public-principal', 'partner-signer')).toEqual(['unknown']);
    expect(r.results.filter((e) => e.subject.id.endsWith('/partner-signer') && e.ruleId === 'no-public-principal').every((e) => e.outcome !== 'pass')).toBe(
      true,
    );
  });

  it('a debug signer behind an IAM condition: expired → pass, time-of-day (undecidable) → unknown, never pass', async () => {
    const world = demoWorld();
    const key2026 = world.projects[0]?.keyRings[0]?.keys.find((k) => k.id === 'msa-signer-2026');
    if (!key2026?.policy?.bindings) throw new Error('demo key missing');
    const debugSigner = { role: 'roles/cloudkms.signer', members: ['serviceAccount:crash-analyzer@consumer-debug.iam.gserviceaccount.com'] };
    key2026.policy.bindings.push({ ...debugSigner, condition: { expression: 'request.time < timestamp("2026-06-01T00:00:00Z")' } });
    const expired = await audit(world, []);
    expect(outcome(expired, 'nonprod-principal-access', 'msa-signer-2026')).toEqual(['pass']);
    key2026.policy.bindings.push({ ...debugSigner, condition: { expression: 'request.time.getHours("UTC") < 6' } });
    const nightly = await audit(world, []);
    expect(outcome(nightly, 'nonprod-principal-access', 'msa-signer-2026')).toEqual(['unknown']);
    const r = nightly.results.find((e) => e.ruleId === 'nonprod-principal-access' && e.subject.id.endsWith('/msa-signer-2026'));
    expect(JSON.stringify(r)).toContain('getHours');
  });

  it('a 2016 version left ENABLED on the 2026 signing key still signs: key-material-max-age fails on it, passes once it is disabled', async () => {
    const world = demoWorld();
    const key2026 = world.projects[0]?.keyRings[0]?.keys.find((k) => k.id === 'msa-signer-2026');
    if (!key2026) throw new Error('demo key missing');
    const old = { id: '0', state: 'ENABLED', algorithm: 'EC_SIGN_P256_SHA256', protectionLevel: 'HSM', createTime: '2016-04-05T00:00:00Z' };
    key2026.versions.unshift(old);
    expect(outcome(await audit(world), 'key-material-max-age', 'msa-signer-2026')).toEqual(['fail']);
    old.state = 'DISABLED';
    expect(outcome(await audit(world), 'key-material-max-age', 'msa-signer-2026')).toEqual(['pass']);
  });

  it('a key ring whose IAM policy cannot be read makes an otherwise clean audit exit 3', async () => {
    const world = demoWorld();
    // Keep only the enterprise project's denied ring, with Data Access logs on for its folder.
    world.projects = world.projects.filter((p) => p.projectId === 'enterprise-idp-prod');
    const ent = world.projects[0];
    if (!ent) throw new Error('enterprise project missing');
    ent.keyRings = ent.keyRings.filter((k) => k.id === 'partner-keys');
    for (const k of ent.keyRings.flatMap((r) => r.keys)) k.labels = { ...k.labels, 'key-class': 'signature-generic' };
    ent.policy = { auditConfigs: [{ service: 'cloudkms.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ' }] }] };
    ent.buckets = [
      { id: '_Default', retentionDays: 400, locked: true },
      { id: '_Required', retentionDays: 400, locked: true },
    ];
    const r = await audit(world, [`cloudkms:GetKeyRingIamPolicy ${DENIED_RING}`]);
    // Only the gap itself is reported (collection-complete, medium): nothing at the default threshold.
    expect(r.results.filter((e) => e.outcome === 'fail').map((e) => e.ruleId)).toEqual(['collection-complete']);
    expect(r.results.some((e) => e.outcome === 'unknown' && e.subject.id.endsWith('/partner-signer'))).toBe(true);
    expect(exitCodeFor(r, { failOn: 'high', allowIncomplete: false })).toBe(3);
    expect(exitCodeFor(r, { failOn: 'high', allowIncomplete: true })).toBe(0);
  });
});
