// Strings that come from a cloud, a key set or a scanned file (names, tags, descriptions, paths) are
// shown escaped on a terminal: a control character (C0, DEL, C1, ESC) or a bidirectional override
// could otherwise move the cursor, recolour, rewrite earlier lines or reorder what the reader sees.

// C0 except tab and newline, DEL, C1, and the Unicode bidi controls (LRM/RLM, ALM, embeddings, overrides, isolates).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One line of untrusted text, made inert for a terminal: controls (newlines too) shown as \xNN / \uNNNN. */
export const terminalSafe = (s: string): string => s.replace(UNSAFE_LINE, escapeChar);

/** Untrusted multi-line text for a terminal: newlines and tabs kept, every other control escaped. */
export const terminalSafeText = (s: string): string => s.replace(UNSAFE, escapeChar);
