// Explicit registry of report formats.
import { asffReporter } from './asff.ts';
import { csvReporter } from './csv.ts';
import { htmlReporter } from './html.ts';
import { jsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import { ocsfJsonReporter, ocsfReporter } from './ocsf.ts';
import { sarifReporter } from './sarif.ts';
import { textReporter } from './text.ts';
import type { Reporter } from './types.ts';

export const REPORTERS: readonly Reporter[] = [
  asffReporter,
  csvReporter,
  htmlReporter,
  jsonReporter,
  junitReporter,
  markdownReporter,
  ocsfReporter,
  ocsfJsonReporter,
  sarifReporter,
  textReporter,
];
export const FORMAT_IDS = REPORTERS.map((r) => r.id);
export const findReporter = (id: string): Reporter | undefined => REPORTERS.find((r) => r.id === id);
