import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { jsonSyntaxProblem, parseJsonText } from '../../src/util/json-text.ts';

const D = { what: 'shard plan', expected: 'a shard plan', hint: 'write it again', truncatedHint: 'check the upload' };

function diagnosticOf(text: string) {
  try {
    parseJsonText(text, 'plan.json', D);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const [d] = (err as UserError).diagnostics;
    if (!d) throw new Error('no diagnostic');
    return d;
  }
  throw new Error('parsed');
}

describe('parseJsonText', () => {
  it('returns the value of valid JSON', () => {
    expect(parseJsonText('{"a": [1, 2]}', 'f.json', D)).toEqual({ a: [1, 2] });
  });

  it.each([
    ['{"a": 1,}', 1, 9],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ['{"a": 1}\nx', 2, 1],
  ])('names line and column of a syntax error V8 places (%j)', (text, line, column) => {
    const d = diagnosticOf(text);
    expect(d).toMatchObject({ file: 'plan.json', line, column, expected: 'a shard plan', hint: 'write it again' });
    expect(d.message).toMatch(/^the shard plan is not valid JSON: .+\.$/);
    expect(d.message).not.toMatch(/position/);
  });

  it('places an unexpected token V8 does not place, and calls it invalid, not truncated', () => {
    const d = diagnosticOf('{\n  "kind": plan,\n  "version": 1, "count": 2, "shards": []\n}');
    expect(d).toMatchObject({ line: 2, column: 11, hint: 'write it again' });
    expect(d.message).toBe("the shard plan is not valid JSON: Unexpected token 'p'.");
  });

  it('never repeats the text around the error (it may be key material)', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
    const d = diagnosticOf(`{"d": ${secret}}`);
    expect(d.message).not.toMatch(/IIEv|MIIE"|\.\.\./);
    expect(`${d.message}${d.expected}${d.hint}`).not.toContain(secret.slice(1, 8));
  });

  it.each(['{"kind": "keyhygiene-shard-plan", "shards": [', '{"a": "unterminated', ''])('says a file that ends early is truncated, at its end (%j)', (text) => {
    const d = diagnosticOf(text);
    expect(d.message).toBe('the shard plan is not complete JSON (it ends too early: truncated or still being written).');
    expect(d.hint).toBe('check the upload');
    expect(d.line).toBe(1);
    expect(d.column).toBe(text.length + 1);
  });
});

describe('jsonSyntaxProblem', () => {
  it('gives the offset where parsing stopped, with or without V8 saying it', () => {
    const problem = (text: string) => {
      try {
        JSON.parse(text);
      } catch (err) {
        return jsonSyntaxProblem(err, text);
      }
      throw new Error('parsed');
    };
    expect(problem('[1, 2, x, 4]')).toEqual({ offset: 7, truncated: false, reason: "Unexpected token 'x'" });
    expect(problem('[1, 2, 3')).toMatchObject({ offset: 8, truncated: true });
    expect(problem('[01]')).toMatchObject({ offset: 2, truncated: false, reason: 'Unexpected number' });
  });

  it('places an unplaced token from the text V8 quotes around it, with a few parses, not a bisection of the whole text', () => {
    const record = (i: number) => `{"id": "key-${i}", "state": "Enabled", "tags": {"env": "prod"}}`;
    const records = Array.from({ length: 2000 }, (_, i) => record(i));
    const cases: [string, number][] = [];
    for (const bad of [3, 1000, 1999]) {
      const lines = [...records];
      lines[bad] = (lines[bad] as string).replace('"Enabled"', 'Enabled');
      const text = `[\n${lines.join(',\n')}\n]`;
      cases.push([text, text.indexOf('Enabled,')]);
    }
    // Near the start, and a piece repeated before the bad one (candidates are checked, the first true one wins).
    cases.push(['[1, x, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]', 4]);
    const piece = '1, 2, 3, 4, 5, qqqqqqqqqqqqqqqq';
    const repeated = `[" ${piece}", ${piece}]`;
    cases.push([repeated, repeated.lastIndexOf('q'.repeat(16))]);
    for (const [text, offset] of cases) {
      let err: unknown;
      try {
        JSON.parse(text);
      } catch (e) {
        err = e;
      }
      const parse = vi.spyOn(JSON, 'parse');
      try {
        expect(jsonSyntaxProblem(err, text)).toMatchObject({ offset, truncated: false });
        expect(parse.mock.calls.length).toBeLessThanOrEqual(4);
      } finally {
        parse.mockRestore();
      }
    }
  });
});
