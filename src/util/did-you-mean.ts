/** Levenshtein distance, small inputs only (keys, ids, flag values). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

/** The closest candidate within a distance proportional to the input's length, if any. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  const list = [...candidates];
  // An abbreviation ("prod" for "production") is a closer guess than any edit distance.
  const prefixed = lower.length >= 3 ? list.filter((c) => c.toLowerCase().startsWith(lower)).sort((a, b) => a.length - b.length || (a < b ? -1 : 1)) : [];
  if (prefixed[0] !== undefined && prefixed[0].toLowerCase() !== lower) return prefixed[0];
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of list) {
    const d = editDistance(lower, c.toLowerCase());
    if (d > limit) continue;
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

export const suggestion = (input: string, candidates: Iterable<string>): string => {
  const s = didYouMean(input, candidates);
  return s ? ` Did you mean "${s}"?` : '';
};
