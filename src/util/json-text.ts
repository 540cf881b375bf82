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

/** Does parsing stop at `offset`: the text up to it fails for another reason (or parses), one character more for `reason`? */
const stopsAt = (text: string, offset: number, reason: string): boolean =>
  parseReason(text.slice(0, offset + 1)) === reason && parseReason(text.slice(0, offset)) !== reason;

/**
 * Where parsing stopped when V8 does not say ("Unexpected token 'x', …"): the shortest prefix that
 * fails for the same reason. A prefix cut before the bad character parses or fails for its cut end
 * (end of input, a cut escape or number), never for an unexpected token; every prefix that holds
 * the bad character fails as the whole text does, so the search is a bisection. V8 quotes up to 10
 * characters either side of the bad one: where that quote places it (checked with two parses), no
 * bisection is needed.
 */
function firstBadOffset(text: string, reason: string, message: string): number {
  for (const offset of quotedOffsets(text, message)) if (stopsAt(text, offset, reason)) return offset;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (parseReason(text.slice(0, mid + 1)) === reason) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** V8's context around an unexpected token: `"…"` the text, `…"…"` its end, `"…"…` its start, `…"…"…` the middle (10 characters either side). */
const QUOTE = /^Unexpected token '[\s\S]', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/;
const CONTEXT = 10;
/** Quote candidates tried before bisecting: a text repeating the quoted piece more often is bisected. */
const MAX_CANDIDATES = 4;

/** Offsets of the bad character the quote in V8's message allows, first first (none for a message without one). */
function quotedOffsets(text: string, message: string): number[] {
  const m = QUOTE.exec(message);
  if (!m) return [];
  const [, before, quoted = '', after] = m;
  if (!before && !after) return []; // a short text, quoted whole: bisecting it is cheap
  if (!before) return [quoted.length - CONTEXT];
  if (!after) return [text.length - quoted.length + CONTEXT];
  const offsets: number[] = [];
  for (let at = text.indexOf(quoted); at >= 0 && offsets.length < MAX_CANDIDATES; at = text.indexOf(quoted, at + 1)) offsets.push(at + CONTEXT);
  return offsets;
}

/** Describe the error JSON.parse threw for `text`. */
export function jsonSyntaxProblem(err: unknown, text: string): JsonSyntaxProblem {
  const message = err instanceof Error ? err.message : String(err);
  const reason = reasonOf(message);
  if (endedEarly(message)) return { offset: text.length, truncated: true, reason };
  const at = /position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : firstBadOffset(text, reason, message);
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

/** What to say of a JSON syntax problem in a file `d` describes: the one wording every JSON reader uses. */
export function jsonProblemWords(
  p: Pick<JsonSyntaxProblem, 'truncated' | 'reason'>,
  d: JsonFileDescription,
): { message: string; expected: string; hint: string } {
  return {
    message: p.truncated
      ? `the ${d.what} is not complete JSON (it ends too early: truncated or still being written).`
      : `the ${d.what} is not valid JSON: ${p.reason}.`,
    expected: d.expected,
    hint: p.truncated ? (d.truncatedHint ?? d.hint) : d.hint,
  };
}

/** The UserError for a JSON syntax error in `file`. */
export function jsonSyntaxError(err: unknown, text: string, file: string, d: JsonFileDescription): UserError {
  const p = jsonSyntaxProblem(err, text);
  const { line, column } = lineColumn(text, p.offset);
  return new UserError({ file, line, column, ...jsonProblemWords(p, d) });
}

/** JSON.parse, or one UserError naming the file, line and column, what was expected and how to fix it. */
export function parseJsonText(text: string, file: string, d: JsonFileDescription): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(err, text, file, d);
  }
}
