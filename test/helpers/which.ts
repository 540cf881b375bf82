import { execFileSync } from 'node:child_process';

/** The path of a command on PATH, or undefined (tests that need a real tool fail, naming it, when it is missing). */
export const which = (cmd: string): string | undefined => {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};
