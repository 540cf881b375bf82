// Fit a Markdown report into a size limit (GitHub accepts 1 MiB of job summary per step). Pure.

/** GitHub's limit for one step's job summary ($GITHUB_STEP_SUMMARY), in bytes. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

export interface CappedMarkdown {
  text: string;
  truncated: boolean;
  /** Lines left out, and the headings of the sections they belonged to. */
  omittedLines: number;
  omittedSections: string[];
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * The longest prefix of whole lines that fits `limit` bytes together with a note saying what was
 * left out and where the full report is (`where`). A table cut between rows stays a valid table.
 */
export function capMarkdown(markdown: string, limit: number, where: string): CappedMarkdown {
  if (bytes(markdown) <= limit) return { text: markdown, truncated: false, omittedLines: 0, omittedSections: [] };
  const lines = markdown.split('\n');
  const note = (omitted: number, sections: string[]) =>
    `\n> [!WARNING]\n> This summary was cut to fit GitHub's ${Math.floor(limit / 1024)} KiB step-summary limit: ${omitted} of ${lines.length} lines left out` +
    `${sections.length ? ` (from: ${sections.join('; ')})` : ''}. The full report is ${where}.\n`;
  // Reserve room for the longest note this cut could need, then take whole lines.
  const headings = lines.filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, ''));
  const budget = limit - bytes(note(lines.length, headings)) - 1;
  let used = 0;
  let kept = 0;
  for (const line of lines) {
    const size = bytes(line) + 1;
    if (used + size > budget) break;
    used += size;
    kept++;
  }
  const rest = lines.slice(kept);
  const cutInside = rest[0] !== undefined && !/^#{1,6} /.test(rest[0]) ? lastHeading(lines.slice(0, kept)) : undefined;
  const sections = [...new Set([cutInside, ...rest.filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, ''))])].filter(
    (s): s is string => s !== undefined,
  );
  const omitted = rest.length;
  return { text: `${lines.slice(0, kept).join('\n')}\n${note(omitted, sections)}`, truncated: true, omittedLines: omitted, omittedSections: sections };
}

function lastHeading(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (/^#{1,6} /.test(lines[i] as string)) return (lines[i] as string).replace(/^#+ /, '');
  return undefined;
}
