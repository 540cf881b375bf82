// The JSON reporter writes an evaluated result's subjects and results from evaluation's columns, one
// entry at a time (issue 21): the lists are never built as arrays, and the bytes are those of the
// one-string render of the same result.
import { describe, expect, it } from 'vitest';
import { isCompact } from '../../src/engine/result-view.ts';
import { jsonReporter } from '../../src/report/json.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { stormRun } from '../helpers/storm-result.ts';

describe('the json reporter on a compact result', () => {
  for (const includePassed of [false, true]) {
    it(`streams without building the lists, the same bytes as render (includePassed ${includePassed})`, () => {
      const streamed = stormRun({ includePassed }).result;
      const chunks = [...(jsonReporter.renderChunks?.(streamed, reportMeta()) ?? [])];
      expect(isCompact(streamed, 'results')).toBe(true);
      expect(isCompact(streamed, 'subjects')).toBe(true);
      const rendered = jsonReporter.render(stormRun({ includePassed }).result, reportMeta());
      expect(chunks.join('')).toBe(rendered);
      expect(JSON.parse(rendered).results.length).toBeGreaterThan(0);
    });
  }
});
