/** One problem in a user's input, located as precisely as we can. */
export interface Diagnostic {
  file?: string;
  line?: number;
  column?: number;
  message: string;
  /** What a valid value looks like. */
  expected?: string;
  /** The next step to take. */
  hint?: string;
}

export const EXIT = {
  clean: 0,
  findings: 1,
  usage: 2,
  incomplete: 3,
} as const;

/**
 * A problem with what the user gave us (flags, policy, snapshot, files). Always exits 2 and prints
 * without a stack trace.
 */
export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly exitCode = EXIT.usage;

  constructor(diagnostics: Diagnostic[] | Diagnostic | string) {
    const list = typeof diagnostics === 'string' ? [{ message: diagnostics }] : Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  let out = `${where}${d.message}`;
  if (d.expected) out += `\n  expected: ${d.expected}`;
  if (d.hint) out += `\n  fix: ${d.hint}`;
  return out;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
