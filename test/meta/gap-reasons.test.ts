// Every gap says what could not be read, why and the fix; the service's raw text stays in `detail`
// (reports show it only with --debug). Checked on the kit's builder for every failure kind, and on the
// providers' sources: no gap reason may be built from an error's own message.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../src/providers/kit/failure.ts';
import { GapBuilder } from '../../src/providers/kit/gaps.ts';

const KINDS: FailureKind[] = [
  'unauthenticated',
  'denied',
  'not-found',
  'throttled',
  'transient',
  'timeout',
  'invalid-response',
  'unsupported',
  'cancelled',
  'error',
];
const RAW = 'User: arn:aws:iam::111111111111:user/x is not authorized to perform: kms:ListGrants because RAW';
/** "<what> could not be read: <why>; <fix>", each part non-empty. */
const SHAPE = /^.+ could not be read: [^;]+(\([^)]*\))?; \S.+$/;

const PROVIDERS = join(import.meta.dirname, '../../src/providers');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('gap reasons: what, why, fix — never the raw service text', () => {
  it.each(KINDS)('the builder writes a %s failure as what / why / fix, the raw answer only in detail', (kind) => {
    const gaps = new GapBuilder('test');
    const gap = gaps.fromFailure(
      { kind, status: 403, code: 'AccessDeniedException', message: RAW },
      { what: 'the grants of key k', operation: 'kms:ListGrants', permission: 'kms:ListGrants' },
    );
    expect(gap.reason).toMatch(SHAPE);
    expect(gap.reason).not.toContain('RAW');
    expect(gap.reason.startsWith('the grants of key k could not be read: ')).toBe(true);
    expect(gap.detail).toBe(RAW);
    expect(gap.kind).toBe(kind);
  });

  it("a provider's own why replaces the kind's words, and still is not the detail", () => {
    const gap = new GapBuilder('test').fromFailure(
      { kind: 'error', message: RAW },
      { what: 'the key set u', operation: 'jwks:GetKeySet', why: 'response exceeds maxBytes 10', fix: 'raise maxBytes' },
    );
    expect(gap.reason).toBe('the key set u could not be read: response exceeds maxBytes 10; raise maxBytes');
    expect(gap.detail).toBe(RAW);
  });

  it('no provider builds a gap reason from an error message', () => {
    const offenders: string[] = [];
    for (const file of sources(PROVIDERS)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\breason: .*(\.message\b|String\(err|errText\()/.test(line) || /\bnote\(.*\(err as Error\)\.message/.test(line))
            offenders.push(`${relative(PROVIDERS, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
