// One provider throwing (a bug, an SDK surprise) must not discard what the others collected: its
// failure becomes one gap over that provider, the audit is incomplete (exit 3, or 1), not aborted.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditInventory, collectInventory } from '../../src/audit.ts';
import { exitCodeFor } from '../../src/engine/exit-code.ts';
import { UserError } from '../../src/errors.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import jwksProvider from '../../src/providers/jwks/index.ts';

const NOW = new Date('2026-11-01T00:00:00Z');

function policyWithJwksAndSnapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kh-isolation-'));
  copyFileSync(join(PACKAGE_ROOT, 'examples/storm-0558/inventory.json'), join(dir, 'inventory.json'));
  const file = join(dir, 'keyhygiene.yaml');
  writeFileSync(
    file,
    'version: 1\nextends: [recommended]\nproviders:\n  snapshot: { paths: [inventory.json] }\n  jwks: { keySets: [{ url: "http://127.0.0.1:9/keys" }] }\n',
  );
  return file;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('collectInventory isolates a provider that throws', () => {
  it('keeps the other providers results, records one provider-wide gap, and the audit exits 3 or 1, not 4', async () => {
    vi.spyOn(jwksProvider, 'collect').mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'keys')"));
    const policy = resolvePolicyFile(policyWithJwksAndSnapshot());
    const inventory = await collectInventory(policy, { now: NOW });
    expect(inventory.keys.length).toBeGreaterThan(5);
    const gap = inventory.gaps.find((g) => g.provider === 'jwks');
    expect(gap).toMatchObject({ scope: {}, operation: 'collect', kind: 'error' });
    expect(gap?.reason).toMatch(/the jwks provider stopped before it finished/);
    expect(gap?.detail).toMatch(/reading 'keys'/);
    expect(inventory.providers.map((p) => p.id)).toContain('jwks');
    const result = auditInventory(inventory, policy, NOW);
    expect(result.summary.incomplete).toBe(true);
    expect([1, 3]).toContain(exitCodeFor(result, { failOn: 'high', allowIncomplete: false }));
    expect(exitCodeFor(result, { failOn: 'none', allowIncomplete: false })).toBe(3);
  });

  it('a bad input found by a provider is still exit 2 (UserError), not hidden in a gap', async () => {
    vi.spyOn(jwksProvider, 'collect').mockRejectedValue(new UserError({ file: 'keys.json', message: 'not a key set' }));
    const policy = resolvePolicyFile(policyWithJwksAndSnapshot());
    await expect(collectInventory(policy, { now: NOW })).rejects.toBeInstanceOf(UserError);
  });
});
