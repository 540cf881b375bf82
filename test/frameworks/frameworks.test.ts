import { describe, expect, it, vi } from 'vitest';
import FrameworksList from '../../src/commands/frameworks/list.ts';
import RulesList from '../../src/commands/rules/list.ts';
import { UserError } from '../../src/errors.ts';
import { listFrameworkIds, loadAllFrameworks, loadFramework, parseFrameworkText } from '../../src/frameworks/load.ts';
import { findRule, RULES } from '../../src/rules/index.ts';

const frameworks = loadAllFrameworks();

const minimal = (controls: string) => `version: 1
id: demo
title: Demo framework
publisher: Example
edition: "1"
pack: recommended
source: secondary
sourceNote: made up for a test
controls:
${controls}`;

describe('framework files (policies/frameworks/*.yaml)', () => {
  it('include every family and edition the issue asks for', () => {
    const ids = listFrameworkIds();
    for (const id of [
      'cis-aws-v3',
      'cis-aws-v4',
      'cis-aws-v5',
      'cis-aws-v6',
      'cis-azure-v5',
      'cis-gcp-v5',
      'nist-800-53-r5',
      'nist-800-57-pt1-r5',
      'pci-dss-4.0.1',
      'iso-27001-2022',
      'soc2',
      'csrb-storm-0558',
    ])
      expect(ids).toContain(id);
  });

  it('every control names existing rules, by canonical id (loading validates it)', () => {
    for (const f of frameworks)
      for (const c of f.controls) {
        expect(c.rules.length, `${f.id} ${c.id}`).toBeGreaterThan(0);
        for (const id of c.rules) expect(findRule(id)?.id, `${f.id} ${c.id} → ${id}`).toBe(id);
      }
  });

  it('every rule maps to at least one control', () => {
    const mapped = new Set(frameworks.flatMap((f) => f.controls.flatMap((c) => c.rules)));
    expect(RULES.map((r) => r.id).filter((id) => !mapped.has(id))).toEqual([]);
  });

  it('the controls the issue names are mapped', () => {
    const ids = (fw: string) => loadFramework(fw).controls.map((c) => c.id);
    for (const c of ['SC-12', 'SC-12(3)', 'SC-13', 'SC-28(3)', 'AU-2', 'AU-9', 'AU-11', 'AU-12', 'AC-6', 'IA-13']) expect(ids('nist-800-53-r5')).toContain(c);
    for (const c of ['3.6.1', '3.7.4', '3.7.5', '10.2.1', '10.5.1']) expect(ids('pci-dss-4.0.1')).toContain(c);
    expect(ids('iso-27001-2022')).toContain('A.8.24');
    expect(ids('soc2')).toEqual(expect.arrayContaining(['CC6.1', 'CC7.2']));
    expect(ids('cis-aws-v5')).toEqual(['3.1', '3.2', '3.6', '4.7']);
    expect(ids('cis-aws-v6')).toEqual(['4.1', '4.2', '4.6', '5.7']);
  });

  it('secondary and vendor-mapping numbers are marked as such', () => {
    for (const f of frameworks.filter((x) => x.id.startsWith('cis-'))) expect(f.source, f.id).toBe('vendor-mapping');
    expect(loadFramework('pci-dss-4.0.1').source).toBe('secondary');
    expect(loadFramework('csrb-storm-0558').source).toBe('primary');
  });

  it('paraphrases stay one line and short (no copied standard text)', () => {
    for (const f of frameworks) for (const c of f.controls) expect(c.title.includes('\n') || c.title.length > 240, `${f.id} ${c.id}`).toBe(false);
  });
});

describe('framework loader errors are clear user errors with a line', () => {
  it('an unknown rule id, with a suggestion', () => {
    const text = minimal('  - id: "1"\n    title: one\n    rules: [key-material-max-ag]\n');
    expect(() => parseFrameworkText(text, 'demo.yaml', 'demo')).toThrow(UserError);
    try {
      parseFrameworkText(text, 'demo.yaml', 'demo');
    } catch (e) {
      const d = (e as UserError).diagnostics[0];
      expect(d?.line).toBe(12);
      expect(d?.message).toMatch(/unknown rule "key-material-max-ag".*key-material-max-age/);
    }
  });

  it('a rule named by alias', () => {
    expect(() => parseFrameworkText(minimal('  - id: "1"\n    title: one\n    rules: [ROT-01]\n'), 'demo.yaml')).toThrow(/by an alias/);
  });

  it('an unknown key, a duplicate control, an id that differs from the file name', () => {
    expect(() => parseFrameworkText(minimal('  - id: "1"\n    titel: one\n    rules: [key-use-logged]\n'), 'demo.yaml')).toThrow(/unknown key "titel"/);
    expect(() =>
      parseFrameworkText(
        minimal('  - id: "1"\n    title: a\n    rules: [key-use-logged]\n  - id: "1"\n    title: b\n    rules: [key-use-logged]\n'),
        'demo.yaml',
      ),
    ).toThrow(/listed twice/);
    expect(() => parseFrameworkText(minimal('  - id: "1"\n    title: a\n    rules: [key-use-logged]\n'), 'other.yaml', 'other')).toThrow(
      /differs from its file name/,
    );
  });

  it('an unknown framework id suggests the near one', () => {
    expect(() => loadFramework('cis-aws-5')).toThrow(/unknown framework "cis-aws-5".*cis-aws-v5/s);
  });
});

describe('commands', () => {
  it('frameworks list --json lists every framework with its pack and source', async () => {
    const rows = await FrameworksList.run(['--json'], process.cwd());
    expect(rows.map((r) => r.id)).toEqual(listFrameworkIds());
    expect(rows.find((r) => r.id === 'cis-aws-v5')).toMatchObject({ pack: 'cis-aws', source: 'vendor-mapping', controls: 4 });
  });

  it('rules list --framework keeps only mapped rules, with their controls', async () => {
    const rows = await RulesList.run(['--framework', 'cis-aws-v5', '--json'], process.cwd());
    expect(rows.map((r) => r.id).sort()).toEqual([
      'automatic-rotation',
      'key-deletion-alarm',
      'key-pending-deletion',
      'key-use-logged',
      'trail-tamper-evident',
    ]);
    expect(rows.find((r) => r.id === 'trail-tamper-evident')?.controls).toEqual(['3.2']);
  });

  it('rules list --framework with an unknown id fails as a user error (exit 2, no stack trace)', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await RulesList.run(['--framework', 'nope'], process.cwd());
      expect(process.exitCode).toBe(2);
      const out = write.mock.calls.map((c) => String(c[0])).join('');
      expect(out).toMatch(/^keyhygiene: error: unknown framework "nope"/);
      expect(out).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      write.mockRestore();
      process.exitCode = 0;
    }
  });
});
