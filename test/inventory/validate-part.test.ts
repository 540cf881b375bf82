// The streamed reader's record validators are generated at build time (scripts/write-validators.ts).
// One older than the model (a field added, `npm run schemas` not run) must not refuse a record the
// schema accepts: the record is read as zod reads it, and a record the schema refuses is still named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { parseInventory } from '../../src/inventory/parse.ts';
import { readInventoryFile } from '../../src/inventory/read.ts';
import { EXAMPLES_DIR } from '../../src/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

// A stale validator: it refuses every record.
vi.mock('../../src/inventory/record-validators.generated.js', () => {
  const refuse = () => false;
  return { keys: refuse, trails: refuse, publishedKeys: refuse, artifacts: refuse, gaps: refuse, inventory: refuse };
});

const tmp = tempDir();
const example = readFileSync(join(EXAMPLES_DIR, 'storm-0558', 'inventory.json'), 'utf8');
const STREAM = { wholeTextBelow: 0, exactDiagnosticsUpTo: 0 };

describe('record validators older than the model', () => {
  it('a record the compiled validator refuses but the schema accepts is read as zod reads it', () => {
    const text = JSON.stringify(JSON.parse(example), null, 2);
    const got = readInventoryFile(tmp.write('stale.json', text), 'stale.json', STREAM);
    expect(got).toEqual(parseInventory(text, 'stale.json'));
    expect(got.keys.length).toBeGreaterThan(0);
  });

  it('a record the schema refuses is still an error naming the record and its line', () => {
    const inv = JSON.parse(example);
    inv.keys[1].state = 'on';
    const text = JSON.stringify(inv, null, 2);
    let err: unknown;
    try {
      readInventoryFile(tmp.write('bad.json', text), 'bad.json', STREAM);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const message = (err as UserError).message;
    expect(message).toMatch(/^bad\.json:\d+:\d+: /);
    expect(message).toMatch(/keys\[1\]\.state/);
  });
});
