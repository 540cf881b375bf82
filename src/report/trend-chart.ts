// A small line chart of failing results per run (audit --history), as inline SVG for the HTML report.

/** Only numbers and re-formatted dates reach the SVG, so nothing from the input needs escaping. */
export function trendChart(points: readonly { time: string; failing: number }[]): string {
  const pts = points.filter((p) => !Number.isNaN(Date.parse(p.time)));
  if (!pts.length) return '';
  const w = 380;
  const h = 140;
  const pad = 28;
  const max = Math.max(1, ...pts.map((p) => p.failing));
  const x = (i: number) => pad + (pts.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (pts.length - 1));
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const day = (t: string) => new Date(t).toISOString().slice(0, 10);
  const line = pts.map((p, i) => `${x(i).toFixed(1)},${y(p.failing).toFixed(1)}`).join(' ');
  const dots = pts
    .map(
      (p, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(p.failing).toFixed(1)}" r="3" fill="#c62828"><title>${day(p.time)}: ${p.failing} failing</title></circle>`,
    )
    .join('');
  const first = pts[0] as { time: string; failing: number };
  const last = pts[pts.length - 1] as { time: string; failing: number };
  const title = `Failing results over the last ${pts.length} run${pts.length === 1 ? '' : 's'}`;
  return (
    `<figure class="chart trend"><figcaption>${title}</figcaption><svg role="img" aria-label="${title}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">` +
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#90a4ae"/>` +
    `<polyline points="${line}" fill="none" stroke="#c62828" stroke-width="2"/>${dots}` +
    `<text x="${pad}" y="${h - 8}">${day(first.time)}</text><text x="${w - pad}" y="${h - 8}" text-anchor="end">${day(last.time)}</text>` +
    `<text x="4" y="${(y(max) + 4).toFixed(1)}">${max}</text><text x="${w - pad + 4}" y="${(y(last.failing) + 4).toFixed(1)}">${last.failing}</text>` +
    '</svg></figure>'
  );
}
