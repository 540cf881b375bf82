import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { FORMAT_IDS, REPORTERS } from '../../src/report/index.ts';
import { reporterFiles, reporterParityProblems } from './parity.ts';

describe('reporter registry', () => {
  it('is in parity: every reporter file is registered, with a golden file and a row in docs/reports.md', () => {
    expect(reporterParityProblems(PACKAGE_ROOT, FORMAT_IDS)).toEqual([]);
  });

  it('finds the reporter files it checks, and ids are unique --format values with an extension', () => {
    expect(reporterFiles(PACKAGE_ROOT).length).toBeGreaterThanOrEqual(7);
    expect(new Set(FORMAT_IDS).size).toBe(FORMAT_IDS.length);
    for (const r of REPORTERS) expect(r.extension).toMatch(/^[a-z]+(\.[a-z]+)?$/);
  });

  it('fails for a reporter file that is not registered', () => {
    const root = mkdtempSync(join(tmpdir(), 'kh-parity-'));
    for (const d of ['src/report', 'docs', 'test/report']) cpSync(join(PACKAGE_ROOT, d), join(root, d), { recursive: true });
    writeFileSync(join(root, 'src/report/yaml.ts'), "export const yamlReporter: Reporter = { id: 'yaml' };\n");
    expect(reporterParityProblems(root, FORMAT_IDS)).toEqual(['src/report/yaml.ts defines a reporter that is not registered in src/report/index.ts']);
    expect(reporterParityProblems(root, [...FORMAT_IDS, 'yaml'])).toEqual([
      'yaml: no golden file test/report/golden/yaml.*',
      "yaml: docs/reports.md's format table has no `yaml` row",
    ]);
  });
});
