// The streamed snapshot reader: the same inventory as the whole-text reader for any read size, and
// the same refusals (exit 2, file, line, column) for broken, truncated, oversized or ambiguous files.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { parseInventory } from '../../src/inventory/parse.ts';
import { readInventoryFile } from '../../src/inventory/read.ts';
import { EXAMPLES_DIR } from '../../src/paths.ts';
import { MAX_INPUT_ENV } from '../../src/util/read-text.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
const example = readFileSync(join(EXAMPLES_DIR, 'storm-0558', 'inventory.json'), 'utf8');
const STREAM = { wholeTextBelow: 0, exactDiagnosticsUpTo: 0 };

/** The example estate with its keys copied n times (distinct ids), names holding JSON's hard cases. */
function scaled(n: number, indent?: number): string {
  const inv = JSON.parse(example);
  const keys = [];
  for (let i = 0; i < n; i++)
    for (const k of inv.keys)
      keys.push({ ...k, id: `${k.id}/${i}`, name: `quote " slash \\ close ] } open [ { comma , 𝄞 ключ \u0001 ${i}`, tags: { ...k.tags, 'a\\"b': '\\' } });
  return JSON.stringify({ ...inv, keys }, null, indent);
}

const error = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
};

describe('readInventoryFile (streamed)', () => {
  it.each([
    [7, 2],
    [64, undefined],
    [4096, 2],
    [1 << 20, undefined],
  ])('reads in chunks of %i bytes (indent %s) exactly what JSON.parse and the whole-text reader read', (chunkSize, indent) => {
    const text = scaled(5, indent);
    const file = tmp.write(`scaled-${chunkSize}.json`, text);
    const streamed = readInventoryFile(file, 'scaled.json', { ...STREAM, chunkSize });
    expect(streamed).toEqual(parseInventory(text, 'scaled.json'));
    expect(streamed.keys.length).toBe(JSON.parse(text).keys.length);
    expect(streamed.keys[3]?.name).toBe(JSON.parse(text).keys[3].name);
  });

  it('accepts a byte-order mark, members in any order and empty arrays', () => {
    const inv = JSON.parse(example);
    const text = `\ufeff${JSON.stringify({ keys: inv.keys, trails: [], gaps: inv.gaps, kind: inv.kind, generatedAt: inv.generatedAt, version: 1 })}`;
    const got = readInventoryFile(tmp.write('order.json', text), 'order.json', { ...STREAM, chunkSize: 5 });
    expect(got.keys).toHaveLength(inv.keys.length);
    expect(got.trails).toEqual([]);
    expect(got.publishedKeys).toEqual([]);
  });

  it('a truncated file is refused at its end, never half-read', () => {
    const text = scaled(3, 2);
    const cut = text.slice(0, Math.floor(text.length * 0.6));
    const e = error(() => readInventoryFile(tmp.write('cut.json', cut), 'cut.json', { ...STREAM, chunkSize: 100 }));
    expect(e.message).toMatch(/^cut\.json:\d+:\d+: the snapshot is not complete JSON/);
  });

  it('a bare word where a value belongs is invalid JSON at its place, not a truncated file, and is not quoted back', () => {
    const text = scaled(1, 2).replace('"state": "enabled"', '"state": MIIEvQIBADANBgkqhkiG9w0B');
    const at = text.indexOf('MIIEvQ');
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    const whole = error(() => parseInventory(text, 'word.json'));
    expect(whole.diagnostics[0]).toMatchObject({ file: 'word.json', line, column, message: "the snapshot is not valid JSON: Unexpected token 'M'." });
    const streamed = error(() => readInventoryFile(tmp.write('word.json', text), 'word.json', { ...STREAM, chunkSize: 256 }));
    expect(streamed.message).toMatch(/not valid JSON: Unexpected token 'M'\./);
    expect(streamed.message).not.toContain('IIEvQ');
  });

  it.each([
    ['a trailing comma in a record array', (t: string) => t.replace(/\}\n {2}\],\n {2}"trails"/, '},\n  ],\n  "trails"'), /not valid JSON|expected/],
    ['a trailing comma after the last member', (t: string) => t.replace(/\n\}\s*$/, ',\n}'), /expected a member name/],
    ['a member given twice', (t: string) => t.replace('"trails": [', '"keys": [], "trails": ['), /"keys" appears twice/],
    ['text after the object', (t: string) => `${t}{}`, /after the end of the snapshot/],
    ['not an object', () => '[1, 2, 3]', /must be a JSON object/],
  ])('refuses %s with exit 2 and a location', (_name, edit, re) => {
    const e = error(() => readInventoryFile(tmp.write('bad.json', edit(scaled(2, 2))), 'bad.json', { ...STREAM, chunkSize: 256 }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(re);
    expect(e.diagnostics[0]?.file).toBe('bad.json');
  });

  it('a record that breaks the schema is named by its path, line and column', () => {
    const text = scaled(2, 2).replace('"state": "enabled"', '"state": "on"');
    const e = error(() => readInventoryFile(tmp.write('state.json', text), 'state.json', { ...STREAM, chunkSize: 999 }));
    expect(e.message).toMatch(/^state\.json:\d+:5: keys\[\d+\]\.state has an invalid value "on"/);
    const line = text.slice(0, text.indexOf('"state": "on"')).split('\n').length;
    expect(e.diagnostics[0]?.line).toBeLessThanOrEqual(line);
    expect(e.diagnostics[0]?.line).toBeGreaterThan(line - 60);
  });

  it('a file the whole-text reader can hold gets its exact diagnostics', () => {
    const text = scaled(2, 2).replace('"state": "enabled"', '"state": "on"');
    const e = error(() => readInventoryFile(tmp.write('exact.json', text), 'exact.json', { wholeTextBelow: 0, chunkSize: 999 }));
    const line = text.slice(0, text.indexOf('"state": "on"')).split('\n').length;
    expect(e.diagnostics[0]).toMatchObject({ file: 'exact.json', line });
  });

  it('past the source-map bound a schema problem is named by the streamed reader (no map of the whole text), a syntax error still exactly', () => {
    // A 100 MB compact snapshot with one bad value ran out of memory building the source map of its whole text.
    const text = scaled(2, 2).replace('"state": "enabled"', '"state": "on"');
    const opts = { wholeTextBelow: 0, chunkSize: 999, exactSchemaDiagnosticsUpTo: 0 };
    const e = error(() => readInventoryFile(tmp.write('bounded.json', text), 'bounded.json', opts));
    const line = text.slice(0, text.indexOf('"state": "on"')).split('\n').length;
    expect(e.message).toMatch(/^bounded\.json:\d+:5: keys\[\d+\]\.state has an invalid value "on"/);
    expect(e.diagnostics[0]?.line).toBeLessThan(line);
    const word = scaled(2, 2).replace('"state": "enabled"', '"state": MIIEvQ');
    const w = error(() => readInventoryFile(tmp.write('bounded-word.json', word), 'bounded-word.json', opts));
    const at = word.indexOf('MIIEvQ');
    expect(w.diagnostics[0]).toMatchObject({ line: word.slice(0, at).split('\n').length, column: at - word.lastIndexOf('\n', at) });
  });

  it('a newer format version or another kind of file is refused', () => {
    const v9 = scaled(1, 2).replace('"version": 1', '"version": 9');
    expect(error(() => readInventoryFile(tmp.write('v9.json', v9), 'v9.json', STREAM)).message).toMatch(/version 9 is newer/);
    const other = scaled(1, 2).replace('"kind": "keyhygiene-inventory"', '"kind": "keyhygiene-result"');
    expect(error(() => readInventoryFile(tmp.write('k.json', other), 'k.json', STREAM)).message).toMatch(/not a keyhygiene inventory snapshot/);
  });

  it('keeps a bound: a file larger than KEYHYGIENE_MAX_INPUT_BYTES is refused before it is read', () => {
    const text = scaled(4, 2);
    const file = tmp.write('big.json', text);
    process.env[MAX_INPUT_ENV] = String(Buffer.byteLength(text) - 1);
    try {
      expect(error(() => readInventoryFile(file, 'big.json', STREAM)).message).toMatch(/the snapshot is larger than \d+ bytes/);
    } finally {
      delete process.env[MAX_INPUT_ENV];
    }
  });

  it('an endless pipe is cut at the bound, with exit 2', () => {
    const fifo = join(tmp.dir, 'endless.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `(printf '{"keys": ['; yes ' ') > ${fifo}`], { stdio: 'ignore' });
    process.env[MAX_INPUT_ENV] = String(1024 * 1024);
    try {
      expect(error(() => readInventoryFile(fifo, 'endless.fifo', { chunkSize: 65536 })).message).toMatch(/larger than 1 MiB/);
    } finally {
      delete process.env[MAX_INPUT_ENV];
      writer.kill();
    }
  });

  it('invalid UTF-8 inside a record is refused', () => {
    const text = Buffer.from(scaled(1, 2));
    const at = text.indexOf('ключ');
    text[at] = 0xff;
    const file = join(tmp.dir, 'latin.json');
    writeFileSync(file, text);
    const e = error(() => readInventoryFile(file, 'latin.json', { ...STREAM, chunkSize: 33 }));
    expect(e.message).toMatch(/not valid UTF-8/);
    // Named in the file (it said "offset 27" of the record, with no file).
    expect(e.diagnostics[0]).toMatchObject({ file: 'latin.json', line: text.subarray(0, at).toString('latin1').split('\n').length });
  });

  describe('runs of indented records (the layout `keyhygiene inventory` writes), parsed together', () => {
    it.each([
      ['two spaces', 2],
      ['four spaces', 4],
      ['tabs', '\t'],
    ])('indented by %s: exactly what the whole-text reader reads', (_name, indent) => {
      const text = scaled(60, indent as number);
      const streamed = readInventoryFile(tmp.write('runs.json', text), 'runs.json', STREAM);
      expect(streamed).toEqual(parseInventory(text, 'runs.json'));
      expect(streamed.keys.map((k) => k.name)).toEqual(JSON.parse(text).keys.map((k: { name: string }) => k.name));
    });

    it('a line inside a record at the records’ own indentation does not split it (read element by element instead)', () => {
      // Valid JSON whose inner closing braces sit where a record's closing brace would: "\n    },".
      const text = scaled(40, 2).replace(/\n {6}\},\n {6}"/g, '\n    },\n      "');
      expect(text).toMatch(/\n {4}\},\n {6}"/);
      expect(readInventoryFile(tmp.write('misleading.json', text), 'misleading.json', STREAM)).toEqual(parseInventory(text, 'misleading.json'));
    });

    it('a record that breaks the schema inside a run is named at its own first line', () => {
      const text = scaled(60, 2).replace('"state": "enabled"', '"state": "on"');
      const bad = text.indexOf('"state": "on"');
      const open = text.lastIndexOf('\n    {', bad) + 1;
      const e = error(() => readInventoryFile(tmp.write('run-state.json', text), 'run-state.json', STREAM));
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(/keys\[\d+\]\.state has an invalid value "on"/);
      expect(e.diagnostics[0]).toMatchObject({ file: 'run-state.json', line: text.slice(0, open).split('\n').length, column: 5 });
    });

    it('a syntax error or invalid UTF-8 inside a run is refused at its place, as element by element', () => {
      const word = scaled(60, 2).replace('"state": "enabled"', '"state": MIIEvQIBADANBgkqhkiG9w0B');
      const e = error(() => readInventoryFile(tmp.write('run-word.json', word), 'run-word.json', STREAM));
      expect(e.message).toMatch(/not valid JSON: Unexpected token 'M'\./);
      expect(e.diagnostics[0]?.line).toBe(word.slice(0, word.indexOf('MIIEvQ')).split('\n').length);
      const bytes = Buffer.from(scaled(60, 2));
      bytes[bytes.indexOf('ключ')] = 0xff;
      const file = join(tmp.dir, 'run-latin.json');
      writeFileSync(file, bytes);
      const bad = error(() => readInventoryFile(file, 'run-latin.json', STREAM));
      expect(bad.message).toMatch(/not valid UTF-8/);
      expect(bad.diagnostics[0]).toMatchObject({ file: 'run-latin.json', line: bytes.subarray(0, bytes.indexOf(0xff)).toString('latin1').split('\n').length });
    });
  });

  describe('runs of compact records (JSON.stringify with no indentation), parsed together', () => {
    it('exactly what the whole-text reader reads, whatever the chunk size', () => {
      const text = scaled(60);
      const file = tmp.write('compact-runs.json', text);
      for (const chunkSize of [1 << 20, 4096])
        expect(readInventoryFile(file, 'compact-runs.json', { ...STREAM, chunkSize })).toEqual(parseInventory(text, 'compact-runs.json'));
    });

    it('a nested list whose objects open as the records do does not split a record (read element by element instead)', () => {
      // Each record opens with "issuer", and so does each entry of its trustedBy list: `},{"issuer":` is inside a record too.
      const inv = JSON.parse(example);
      const trust = (issuer: string) => ({ issuer, via: 'key-set' });
      const keys = inv.publishedKeys.map(({ issuer, ...pk }: { issuer?: string }, i: number) => ({
        issuer: issuer ?? `https://issuer-${i}.example`,
        ...pk,
        trustedBy: [trust('https://a.example'), trust('https://b.example')],
      }));
      const text = JSON.stringify({ ...inv, publishedKeys: [...keys, ...keys.map((k: { id: string }) => ({ ...k, id: `${k.id}/2` }))] });
      expect(text).toMatch(/\},\{"issuer":"https:\/\/b\.example"/);
      expect(readInventoryFile(tmp.write('compact-nested.json', text), 'compact-nested.json', STREAM)).toEqual(parseInventory(text, 'compact-nested.json'));
    });

    it('a record that breaks the schema inside a run is named at its own place; a syntax error at its place', () => {
      const text = scaled(60).replace('"state":"enabled"', '"state":"on"');
      const open = text.lastIndexOf('{"id":', text.indexOf('"state":"on"'));
      const e = error(() => readInventoryFile(tmp.write('compact-state.json', text), 'compact-state.json', STREAM));
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(/keys\[\d+\]\.state has an invalid value "on"/);
      expect(e.diagnostics[0]).toMatchObject({ file: 'compact-state.json', line: 1, column: Buffer.byteLength(text.slice(0, open)) + 1 });
      const word = scaled(60).replace('"state":"enabled"', '"state":MIIEvQIBADANBgkqhkiG9w0B');
      const w = error(() => readInventoryFile(tmp.write('compact-word.json', word), 'compact-word.json', STREAM));
      expect(w.message).toMatch(/not valid JSON: Unexpected token 'M'\./);
      expect(w.diagnostics[0]).toMatchObject({ line: 1, column: Buffer.byteLength(word.slice(0, word.indexOf('MIIEvQ'))) + 1 });
    });
  });
});

// RFC 8259 allows what a snapshot writer never produces: any nesting depth, names that repeat in an
// object (§4: "SHOULD be unique"), numbers beyond any float (§6), a byte-order mark a reader MAY ignore
// (§8.1), CR LF between tokens (§2). Each loads, or is refused with exit 2 — the same by both readers.
describe('edge inputs, whole-text and streamed readers alike', () => {
  const readers: [string, { wholeTextBelow?: number; exactDiagnosticsUpTo?: number }][] = [
    ['whole text', {}],
    ['streamed', STREAM],
  ];
  /** The example with `extra` written into the first key's text after its opening brace. */
  const withFirstKey = (extra: string, indent = 2): string => {
    const text = JSON.stringify(JSON.parse(example), null, indent);
    const open = text.indexOf('{', text.indexOf('"keys"'));
    return `${text.slice(0, open + 1)}${extra}${text.slice(open + 1)}`;
  };

  it.each(readers)('%s: a value nested 5000 levels deep is refused with its path, not a stack overflow', (_name, opts) => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const text = withFirstKey(`"releasePolicy": {"document": ${deep}},`);
    const e = error(() => readInventoryFile(tmp.write('deep.json', text), 'deep.json', opts));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/keys\[0\]\.releasePolicy\.document\.a… holds values nested more than 64 levels deep/);
    expect(e.diagnostics[0]).toMatchObject({ file: 'deep.json', line: text.slice(0, text.indexOf('"releasePolicy"')).split('\n').length });
  });

  it.each(readers)('%s: a release policy document nested 60 levels deep loads', (_name, opts) => {
    const text = withFirstKey(`"releasePolicy": {"document": ${'['.repeat(60)}1${']'.repeat(60)}},`);
    const inv = readInventoryFile(tmp.write('deep60.json', text), 'deep60.json', opts);
    expect(JSON.stringify(inv.keys[0]?.releasePolicy?.document)).toBe(`${'['.repeat(60)}1${']'.repeat(60)}`);
  });

  it.each(readers)('%s: a top-level member written twice is refused at its second place', (_name, opts) => {
    const text = JSON.stringify(JSON.parse(example), null, 2).replace('"version": 1,', '"version": 1,\n  "version": 1,');
    const e = error(() => readInventoryFile(tmp.write('twice.json', text), 'twice.json', opts));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/the member "version" appears twice/);
    expect(e.diagnostics[0]).toMatchObject({ file: 'twice.json', line: 5, column: 3 });
  });

  it.each(readers)('%s: a number beyond a double (1e400, read as Infinity) is named as too large, not as "got number, expected number"', (_name, opts) => {
    const text = withFirstKey('"versionCount": 1e400,');
    const e = error(() => readInventoryFile(tmp.write('inf.json', text), 'inf.json', opts));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/keys\[0\]\.versionCount is a number too large to read: beyond about 1\.8e308 a JSON number is read as Infinity/);
    expect(e.message).not.toMatch(/expected number/);
  });

  it.each(readers)('%s: an integer beyond 2^53 is refused with the bound', (_name, opts) => {
    const e = error(() => readInventoryFile(tmp.write('big.json', withFirstKey('"versionCount": 9007199254740993,')), 'big.json', opts));
    expect(e.message).toMatch(/keys\[0\]\.versionCount is 9007199254740992; it must be at most 9007199254740991/);
  });

  it.each(readers)('%s: CR LF line ends and a byte-order mark read as the plain file', (_name, opts) => {
    const plain = scaled(3, 2);
    const want = parseInventory(plain, 'plain.json');
    expect(readInventoryFile(tmp.write('crlf.json', `\ufeff${plain.replaceAll('\n', '\r\n')}`), 'crlf.json', opts)).toEqual(want);
    expect(readInventoryFile(tmp.write('crlf-compact.json', scaled(3).replaceAll(',"', ',\r\n"')), 'crlf-compact.json', opts)).toEqual(want);
  });
});
