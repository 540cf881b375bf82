// JSON with object keys sorted at every depth: equal values give equal text whatever order their
// fields were written in (a record read back from a snapshot, or built by another process).

export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
