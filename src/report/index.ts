// Explicit registry of report formats.
import { jsonReporter } from './json.ts';
import { markdownReporter } from './markdown.ts';
import { textReporter } from './text.ts';
import type { Reporter } from './types.ts';

export const REPORTERS: readonly Reporter[] = [jsonReporter, markdownReporter, textReporter];
export const FORMAT_IDS = REPORTERS.map((r) => r.id);
export const findReporter = (id: string): Reporter | undefined => REPORTERS.find((r) => r.id === id);
