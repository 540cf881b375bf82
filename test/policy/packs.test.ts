import { describe, expect, it } from 'vitest';
import { loadPackInfos, resolveAsUser } from '../../src/catalog/build.ts';
import { UserError } from '../../src/errors.ts';
import { loadAllFrameworks } from '../../src/frameworks/load.ts';
import { DEFAULT_EXTENDS } from '../../src/policy/resolve.ts';
import { RULES } from '../../src/rules/index.ts';

const packs = loadPackInfos();
const byName = new Map(packs.map((p) => [p.name, p]));

describe('built-in packs', () => {
  it('are the expected set, recommended stays the default', () => {
    expect(DEFAULT_EXTENDS).toEqual(['recommended']);
    for (const name of ['recommended', 'strict', 'storm-0558', 'cis-aws', 'cis-azure', 'cis-gcp', 'nist-800-53', 'nist-800-57', 'pci-dss', 'iso-27001', 'soc2'])
      expect(byName.has(name), name).toBe(true);
  });

  it('each resolves: existing rules, options valid for them (resolve would throw a UserError otherwise)', () => {
    for (const p of packs) {
      expect(() => resolveAsUser(p.name)).not.toThrow();
      expect(p.rules.size, p.name).toBeGreaterThan(0);
      expect(p.description.length, `${p.name} has a description`).toBeGreaterThan(10);
    }
  });

  it('strict enables every rule of the catalog', () => {
    const strict = byName.get('strict');
    expect([...(strict?.rules.keys() ?? [])].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it("each framework's pack enables every rule the framework maps", () => {
    for (const f of loadAllFrameworks()) {
      const pack = byName.get(f.pack);
      expect(pack, `${f.id} names pack ${f.pack}`).toBeDefined();
      const mapped = new Set(f.controls.flatMap((c) => c.rules));
      const off = [...mapped].filter((id) => !pack?.rules.has(id));
      expect(off, `${f.pack} leaves rules of ${f.id} off`).toEqual([]);
    }
  });

  it('storm-0558 carries the CSRB cryptoperiods as key-class defaults, overridable per policy', () => {
    const resolved = resolveAsUser('storm-0558');
    expect(resolved.keyClasses['token-signing-shared']?.maxAgeDays).toBe(30);
    expect(resolved.keyClasses['token-signing-shared']?.requireAutomatedRotation).toBe(true);
    expect(resolved.rules.get('key-log-retention')?.options).toEqual({ minDays: 730 });
  });

  it('extends accepts several packs, later ones overriding', () => {
    const r = resolveAsUser('cis-gcp, storm-0558');
    expect(r.extends.slice(0, 4)).toEqual(['recommended', 'cis-gcp', 'recommended', 'storm-0558']);
    expect(r.rules.get('automatic-rotation')?.options).toEqual({ maxPeriodDays: 90 });
    expect(r.rules.get('key-age-alerting')?.severity).toBe('high');
  });

  it('an unknown pack is a clear user error', () => {
    expect(() => resolveAsUser('cis-aws-v5')).toThrow(UserError);
    try {
      resolveAsUser('stirct');
    } catch (e) {
      expect((e as UserError).message).toMatch(/unknown pack "stirct".*strict/s);
    }
  });
});
