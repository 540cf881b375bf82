// Strict input (issue 13): duplicate YAML keys, alias bombs, impossible dates, waivers naming no rule,
// and snapshots that disagree about a key are errors or gaps, never a silent choice.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../src/audit.ts';
import { parseNow, strictDate } from '../../src/cli/flags.ts';
import { UserError } from '../../src/errors.ts';
import { INVENTORY_VERSION, type Inventory } from '../../src/model/inventory.ts';
import { parsePolicyText } from '../../src/policy/load.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { key } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();

const diags = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof UserError) return err.diagnostics;
    throw err;
  }
  throw new Error('expected a UserError');
};

describe('strict YAML policies', () => {
  it('a key given twice in one mapping is an error at its line and column', () => {
    const d = diags(() => parsePolicyText('version: 1\nextends: [recommended]\nversion: 1\n', 'p.yaml'));
    expect(d[0]).toMatchObject({ file: 'p.yaml', line: 3, column: 1 });
    expect(d[0]?.message).toMatch(/appears twice/);
    const nested = diags(() =>
      parsePolicyText('version: 1\nenvironments:\n  prod:\n    kind: production\n    kind: debug\n    match: [{ tags: { env: prod } }]\n', 'p.yaml'),
    );
    expect(nested[0]).toMatchObject({ line: 5, column: 5 });
  });

  it('an alias bomb is exit 2 (UserError), not an internal error', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const bomb = `version: 1\nx-bomb:\n  ${levels.join('\n  ')}\n`;
    const t0 = Date.now();
    expect(diags(() => parsePolicyText(bomb, 'bomb.yaml'))[0]?.message).toMatch(/expands aliases .* more than 100 times/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a waiver naming no rule of the catalog is an error with a suggestion', () => {
    const file = join(tmp.dir, 'waiver.yaml');
    writeFileSync(
      file,
      'version: 1\nextends: [recommended]\nwaivers:\n  - rule: key-material-max-ag\n    subject: k1\n    reason: successor rolling out\n    approver: lead\n    expires: 2026-12-31\n',
    );
    const d = diags(() => resolvePolicyFile(file));
    expect(d[0]?.message).toMatch(/"key-material-max-ag", which does not exist\. Did you mean "key-material-max-age"\?/);
    expect(d[0]).toMatchObject({ line: 4 });
  });
});

describe('strict dates', () => {
  it('refuses days that do not exist, accepts real ones', () => {
    expect(strictDate('2026-02-30')).toBeNaN();
    expect(strictDate('2026-02-29')).toBeNaN();
    expect(strictDate('2028-02-29')).toBe(Date.parse('2028-02-29T00:00:00Z'));
    expect(strictDate('2026-04-31T00:00:00Z')).toBeNaN();
    expect(strictDate('2026-13-01')).toBeNaN();
    expect(strictDate('2026-01-31T10:00:00+02:00')).toBe(Date.parse('2026-01-31T08:00:00Z'));
    expect(strictDate('2026-01-31T10:00:00')).toBeNaN(); // no zone: ambiguous
    expect(() => parseNow('2026-02-30', () => '')).toThrow(/is not a date/);
  });

  it('keyhygiene audit --now 2026-02-30 is exit 2 before anything is collected', async () => {
    const r = await runCli(['audit', '--example', 'storm-0558', '--now', '2026-02-30']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--now 2026-02-30 is not a date/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('several snapshots', () => {
  const snap = (generatedAt: string, keys: Inventory['keys']): string => {
    const inv: Inventory = {
      kind: 'keyhygiene-inventory',
      version: INVENTORY_VERSION,
      generatedAt,
      providers: [{ id: 'aws-kms' }],
      keys,
      trails: [],
      publishedKeys: [],
      artifacts: [],
      gaps: [],
    };
    const file = join(tmp.dir, `snap-${generatedAt}-${keys.length}-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify(inv));
    return file;
  };

  it('merge independently of argument order; a key two snapshots disagree about gets a conflict gap', () => {
    const a = snap('2026-05-01T00:00:00.000Z', [key({ state: 'enabled' })]);
    const b = snap('2026-05-02T00:00:00.000Z', [key({ state: 'disabled' })]);
    const ab = loadSnapshots([a, b]);
    const ba = loadSnapshots([b, a]);
    expect(JSON.stringify(ab)).toBe(JSON.stringify(ba));
    expect(ab.keys).toHaveLength(1);
    expect(ab.gaps).toEqual([expect.objectContaining({ operation: 'merge', scope: { subjectId: key().id } })]);
  });

  it('identical copies collapse without a gap; --now snapshot is the newest snapshot time, not the wall clock', () => {
    const a = snap('2026-05-01T00:00:00.000Z', [key()]);
    const b = snap('2026-05-03T00:00:00.000Z', [key()]);
    const merged = loadSnapshots([a, b]);
    expect(merged.gaps).toEqual([]);
    expect(merged.generatedAt).toBe('2026-05-03T00:00:00.000Z');
  });
});
