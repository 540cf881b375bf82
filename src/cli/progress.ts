import type { ProgressEvent } from '../providers/types.ts';

export interface Progress {
  /** Report a provider's progress (what `CollectContext.progress` receives). */
  update(e: ProgressEvent): void;
  /** Show a free-form status line. */
  status(message: string): void;
  /** Clear the line. */
  done(): void;
}

const SILENT: Progress = { update() {}, status() {}, done() {} };

/**
 * A one-line progress display on stderr, only on a terminal and never in CI: logs and pipes stay
 * clean. Updates are throttled to ten a second.
 */
export function ttyProgress(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  if (!stream.isTTY || env.CI) return SILENT;
  let last = 0;
  const write = (line: string) => stream.write(`\r\u001b[2K${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
  return {
    update(e) {
      const now = Date.now();
      if (now - last < 100 && e.done !== e.total) return;
      last = now;
      write(`${e.provider}: ${e.phase} ${e.done}${e.total !== undefined ? `/${e.total}` : ''}`);
    },
    status: write,
    done: () => write(''),
  };
}
