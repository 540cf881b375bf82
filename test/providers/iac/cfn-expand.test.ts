// Fn::ForEach in Resources (AWS::LanguageExtensions): nested loops expand; a nesting deeper than the
// expander follows is a gap note, never passed on as a resource without a Type (exit 2).
import { describe, expect, it } from 'vitest';
import { expandForEach } from '../../../src/providers/iac/cfn-expand.ts';
import type { IacNote } from '../../../src/providers/iac/values.ts';

/** `depth` loops nested in one another, each over ["A"], around one AWS::KMS::Key. */
function nested(depth: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { 'Key${L0}': { Type: 'AWS::KMS::Key', Properties: {} } };
  for (let d = 0; d < depth; d++) inner = { [`Fn::ForEach::Loop${d}`]: [`L${d}`, ['A'], inner] };
  return inner;
}

const evaluate = (v: unknown) => v;

describe('expandForEach', () => {
  it('expands loops nested five deep (the CloudFormation limit) into their resources', () => {
    const notes: IacNote[] = [];
    const out = expandForEach(nested(5), evaluate, 't.yaml', notes);
    expect(Object.keys(out)).toEqual(['KeyA']);
    expect(notes).toEqual([]);
  });

  it('a nesting deeper than it follows is a foreach note, and no loop is left as a resource', () => {
    const notes: IacNote[] = [];
    const out = expandForEach(nested(12), evaluate, 't.yaml', notes);
    expect(Object.keys(out).filter((k) => k.startsWith('Fn::ForEach::'))).toEqual([]);
    expect(notes.map((n) => n.operation)).toEqual(['cloudformation:foreach']);
    expect(notes[0]?.reason).toMatch(/nested more than 8 loops deep/);
  });
});
