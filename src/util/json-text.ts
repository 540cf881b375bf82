// One way to read a JSON file the user gave us: a syntax error becomes one UserError that names the
// file, the line and column where parsing stopped, what was expected there and how to fix it. The
// reason is V8's, without the piece of the file's text V8 quotes ("Unexpected token 'M', "{"d": MIIE"…"):
// a file given by mistake may hold key material, and no output may carry it.
import { lineColumn, UserError } from '../errors.ts';

export interface JsonSyntaxProblem {
  /** Character offset where parsing stopped. */
  offset: number;
  /** The input ends before the JSON does (truncated, or still being written). */
  truncated: boolean;
  /** V8's reason, without the position and without any quoted text of the input. */
  reason: string;
}

const endedEarly = (message: string): boolean => /end of JSON input|Unterminated string/i.test(message);

const reasonOf = (message: string): string =>
  message
    .replace(/^JSON\.parse: /, '')
    .replace(/, (\.\.\.)?".*$/s, '')
    .replace(/ (in JSON )?at position \d+.*$/s, '')
    .trim() || 'not JSON';

function parseReason(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return reasonOf((err as Error).message);
  }
}

/**
 * Where parsing stopped when V8 does not say ("Unexpected token 'x', …"): the shortest prefix that
 * fails for the same reason. A prefix cut before the bad character parses or fails for its cut end
 * (end of input, a cut escape or number), never for an unexpected token; every prefix that holds
 * the bad character fails as the whole text does, so the search is a bisection.
 */
function firstBadOffset(text: string, reason: string): number {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (parseReason(text.slice(0, mid + 1)) === reason) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Describe the error JSON.parse threw for `text`. */
export function jsonSyntaxProblem(err: unknown, text: string): JsonSyntaxProblem {
  const message = err instanceof Error ? err.message : String(err);
  const reason = reasonOf(message);
  if (endedEarly(message)) return { offset: text.length, truncated: true, reason };
  const at = /position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : firstBadOffset(text, reason);
  return { offset, truncated: offset >= text.trimEnd().length, reason };
}

export interface JsonFileDescription {
  /** What the file is, for the message: "shard plan", "snapshot", "baseline file". */
  what: string;
  /** What a valid file is. */
  expected: string;
  /** How to make a valid one. */
  hint: string;
  /** How to fix a file that ends early, when that differs from `hint`. */
  truncatedHint?: string;
}

/** The UserError for a JSON syntax error in `file`. */
export function jsonSyntaxError(err: unknown, text: string, file: string, d: JsonFileDescription): UserError {
  const p = jsonSyntaxProblem(err, text);
  const { line, column } = lineColumn(text, p.offset);
  return new UserError({
    file,
    line,
    column,
    message: p.truncated
      ? `the ${d.what} is not complete JSON (it ends too early: truncated or still being written).`
      : `the ${d.what} is not valid JSON: ${p.reason}.`,
    expected: d.expected,
    hint: p.truncated ? (d.truncatedHint ?? d.hint) : d.hint,
  });
}

/** JSON.parse, or one UserError naming the file, line and column, what was expected and how to fix it. */
export function parseJsonText(text: string, file: string, d: JsonFileDescription): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(err, text, file, d);
  }
}
