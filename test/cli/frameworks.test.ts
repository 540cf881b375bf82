import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.ts';

const NOW = '2026-11-01T06:00:00Z';

describe('keyhygiene audit --framework (built CLI)', () => {
  it('adds the per-control summary to the markdown report; the exit code is unchanged', async () => {
    const plain = await runCli(['audit', '--example', 'storm-0558', '--format', 'markdown', '--now', NOW]);
    const r = await runCli(['audit', '--example', 'storm-0558', '--framework', 'cis-aws-v5', '--format', 'markdown', '--now', NOW]);
    expect(r.status).toBe(plain.status);
    expect(plain.stdout).not.toContain('### Compliance');
    expect(r.stdout).toContain('### Compliance: CIS Amazon Web Services Foundations Benchmark 5.0.0 (`cis-aws-v5`)');
    expect(r.stdout).toMatch(/^\| 3\.6 \| ✅ satisfied \|/m);
    expect(r.stdout.startsWith(plain.stdout.trimEnd())).toBe(true);
  });

  it('is repeatable and reaches the JSON report', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558', '--framework', 'cis-aws-v5', '--framework', 'csrb-storm-0558', '--json', '--now', NOW]);
    const json = JSON.parse(r.stdout);
    expect(json.compliance.map((c: { framework: string }) => c.framework)).toEqual(['cis-aws-v5', 'csrb-storm-0558']);
  });

  it('an unknown framework is a usage error with a suggestion, before any collection', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558', '--framework', 'cis-aws-9']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown framework "cis-aws-9"\. Did you mean "cis-aws-v\d"\?/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('frameworks list and rules list --framework', async () => {
    const f = await runCli(['frameworks', 'list', '--json']);
    expect(f.status).toBe(0);
    expect(JSON.parse(f.stdout).map((x: { id: string }) => x.id)).toContain('nist-800-53-r5');
    const r = await runCli(['rules', 'list', '--framework', 'pci-dss-4.0.1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/key-log-retention +medium +\[pci-dss-4\.0\.1 10\.5\.1\]/);
  });

  it('frameworks list: one column per field however long the pack name, "1 rule" in the singular', async () => {
    const r = await runCli(['frameworks', 'list']);
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => / pack /.test(l));
    expect(rows.length).toBeGreaterThan(10);
    const titleColumn = new Set(rows.map((l) => l.search(/ {2}[A-Z][^ ]/)));
    expect([...titleColumn]).toHaveLength(1);
    expect(r.stdout).not.toMatch(/\b1 rules\b|\b1 controls\b/);
    expect(r.stdout).toMatch(/^cis-m365-v3 +3 controls, 1 rule +pack identity-logging +CIS Microsoft 365/m);
  });
});
