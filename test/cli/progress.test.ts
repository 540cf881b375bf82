import { describe, expect, it } from 'vitest';
import { ttyProgress } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { out: string[] } {
  const out: string[] = [];
  return { isTTY, columns: 60, out, write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WriteStream & { out: string[] };
}

describe('ttyProgress', () => {
  it('writes one rewritten line on a terminal', () => {
    const s = fakeStream(true);
    const p = ttyProgress(s, {});
    p.update({ provider: 'aws', phase: 'keys', done: 5, total: 10 });
    p.done();
    expect(s.out[0]).toBe('\r\u001b[2Kaws: keys 5/10');
    expect(s.out.at(-1)).toBe('\r\u001b[2K');
  });

  it('is silent when stderr is not a terminal, and in CI', () => {
    for (const [tty, env] of [
      [false, {}],
      [true, { CI: 'true' }],
    ] as const) {
      const s = fakeStream(tty);
      const p = ttyProgress(s, env);
      p.status('collecting');
      p.update({ provider: 'aws', phase: 'keys', done: 1 });
      p.done();
      expect(s.out).toEqual([]);
    }
  });
});
