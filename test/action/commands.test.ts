import { describe, expect, it } from 'vitest';
import { command, escapeData, escapeProperty, getBooleanInput, getInput, splitArgs } from '../../action/src/commands.ts';

describe('workflow commands and inputs', () => {
  it('splits extra arguments like a shell, without expansion', () => {
    expect(splitArgs(`--framework cis-aws-v5 --now "2026-01-01T00:00:00Z" --x 'a b' c\\ d ""`)).toEqual([
      '--framework',
      'cis-aws-v5',
      '--now',
      '2026-01-01T00:00:00Z',
      '--x',
      'a b',
      'c d',
      '',
    ]);
    expect(splitArgs('  ')).toEqual([]);
    expect(() => splitArgs(`--x 'open`)).toThrow(/unterminated/);
  });

  it('escapes workflow-command data and properties', () => {
    expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
    expect(command('error', { file: 'a,b.dmp', line: 1 }, 'x\ny')).toBe('::error file=a%2Cb.dmp,line=1::x%0Ay\n');
  });

  it('reads inputs as the runner names them, and booleans as @actions/core does', () => {
    const env = { 'INPUT_FAIL-ON': ' critical ', 'INPUT_ALLOW-INCOMPLETE': 'True', INPUT_B: 'nope' };
    expect(getInput('fail-on', env)).toBe('critical');
    expect(getBooleanInput('allow-incomplete', env)).toBe(true);
    expect(getBooleanInput('missing', env)).toBe(false);
    expect(() => getBooleanInput('b', env)).toThrow(/true or false/);
  });
});
