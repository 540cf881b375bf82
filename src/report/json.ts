import { streamingView } from '../engine/result-view.ts';
import { jsonChunks } from '../util/json-stream.ts';
import type { Reporter } from './types.ts';

export const RESULT_SCHEMA_URL = 'https://keyhygiene.dev/schemas/result.schema.json';

/** The JSON contract: versioned, sorted, byte-identical for identical inputs. */
export const jsonReporter: Reporter = {
  id: 'json',
  description: 'the versioned JSON result (schemas/result.schema.json)',
  extension: 'json',
  render: (result) => `${JSON.stringify({ $schema: RESULT_SCHEMA_URL, ...result }, null, 2)}\n`,
  // The result's subjects and results are written one at a time from evaluation's columns (never built as arrays).
  renderChunks: (result) => jsonChunks({ $schema: RESULT_SCHEMA_URL, ...streamingView(result) }),
};
