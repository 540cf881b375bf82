// One self-contained HTML file for auditors: works offline (no external resource, enforced by a CSP),
// inline SVG charts, findings filterable in a few lines of inline JS, an evidence appendix, printable.
import { type AuditResult, OUTCOMES, type Outcome, type ResultEntry } from '../engine/result.ts';
import { eachResult, eachSubject, resultCount, subjectCount } from '../engine/result-view.ts';
import { causeKey } from '../engine/root-causes.ts';
import { SEVERITIES, type Severity } from '../model/common.ts';
import { chunked, joined, lineChunks } from '../util/json-stream.ts';
import { boundFindings, fullReportHint, keyCounts, omittedNote, reportLimit, type ShownGroup, SUBJECTS_PER_CAUSE } from './bound.ts';
import { causeLabel, type FailureGroup, failureGroups } from './root-causes.ts';
import { trendChart } from './trend-chart.ts';
import type { Reporter, ReportMeta } from './types.ts';

/** Escape text for HTML element content and double- or single-quoted attribute values. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function esc(value: string | number | undefined): string {
  const s = String(value ?? '');
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (ch) => ENTITIES[ch] as string) : s;
}

const SEVERITY_COLOR: Record<Severity, string> = { critical: '#6f1d9b', high: '#c62828', medium: '#d45f00', low: '#1565c0', info: '#607d8b' };
const OUTCOME_COLOR: Record<Outcome, string> = {
  fail: '#c62828',
  error: '#7b1f1f',
  unknown: '#b7791f',
  waived: '#78909c',
  pass: '#2e7d32',
  'not-applicable': '#cfd8dc',
};
const CONTROL_COLOR = { satisfied: '#2e7d32', failed: '#c62828', 'not-assessed': '#90a4ae' } as const;

const sortUnique = (xs: readonly (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();

/** A horizontal bar chart as inline SVG; every bar labelled with its value, so it reads in greyscale too. */
function barChart(title: string, bars: readonly { label: string; value: number; color: string }[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 22;
  const labelW = 110;
  const barW = 220;
  const h = bars.length * rowH + 8;
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * rowH;
      const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barW));
      return (
        `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2" fill="${b.color}"><title>${esc(b.label)}: ${b.value}</title></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 15}">${b.value}</text>`
      );
    })
    .join('');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelW + barW + 50} ${h}" width="${labelW + barW + 50}" height="${h}">${rows}</svg></figure>`;
}

/** A donut of outcomes with its legend. */
function donut(title: string, parts: readonly { label: string; value: number; color: string }[]): string {
  const total = parts.reduce((a, p) => a + p.value, 0);
  const r = 48;
  const c = 2 * Math.PI * r;
  let offset = 0;
  const arcs = parts
    .filter((p) => p.value > 0)
    .map((p) => {
      const len = (p.value / Math.max(1, total)) * c;
      const arc = `<circle r="${r}" cx="70" cy="70" fill="none" stroke="${p.color}" stroke-width="26" stroke-dasharray="${len.toFixed(2)} ${(c - len).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 70 70)"><title>${esc(p.label)}: ${p.value}</title></circle>`;
      offset += len;
      return arc;
    })
    .join('');
  const legend = parts.map((p) => `<li><span class="swatch" style="background:${p.color}"></span>${esc(p.label)} <b>${p.value}</b></li>`).join('');
  return `<figure class="chart donut"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 140 140" width="140" height="140">${arcs}<text x="70" y="68" text-anchor="middle" class="big">${total}</text><text x="70" y="86" text-anchor="middle">evaluations</text></svg><ul class="legend">${legend}</ul></figure>`;
}

const badge = (text: string, color: string) => `<span class="badge" style="--c:${color}">${esc(text)}</span>`;

function table(head: readonly string[], rows: readonly string[], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const scopeText = (scope: ResultEntry['scope']) =>
  scope
    ? [scope.environment, scope.trustDomain, scope.keyClass]
        .filter(Boolean)
        .map((v) => esc(v))
        .join(' · ')
    : '';

const remediationCache = new WeakMap<ReportMeta, Map<string, string | undefined>>();
function remediation(meta: ReportMeta, ruleId: string): string | undefined {
  let cache = remediationCache.get(meta);
  if (!cache) {
    cache = new Map();
    remediationCache.set(meta, cache);
  }
  if (!cache.has(ruleId)) cache.set(ruleId, meta.rule(ruleId)?.remediation);
  return cache.get(ruleId);
}

/** The root causes a findings table knows: each failure's cause id, its place in the grouped order and its label. */
interface CauseIndex {
  rank: Map<string, number>;
  label: Map<string, string>;
}

function causeIndexOf(groups: readonly FailureGroup[]): CauseIndex {
  const rank = new Map<string, number>();
  const label = new Map<string, string>();
  groups.forEach(({ cause }, i) => {
    rank.set(cause.id, i);
    label.set(cause.id, causeLabel(cause));
  });
  return { rank, label };
}

/** The root-cause attributes of a failure's row (absent for other outcomes): what the root-cause filter and sort read. */
function causeAttrs(r: ResultEntry, causes: CauseIndex): { attrs: string; detail?: string } {
  if (r.outcome !== 'fail') return { attrs: '' };
  const id = causeKey(r);
  const shared = id !== r.fingerprint;
  return {
    attrs: ` data-cause="${esc(id)}" data-cause-rank="${causes.rank.get(id) ?? ''}"`,
    ...(shared ? { detail: `Root cause: ${esc(causes.label.get(id) ?? r.rootCause?.resource.id)}` } : {}),
  };
}

function findingRow(r: ResultEntry, meta: ReportMeta, causes: CauseIndex): string {
  const color = r.outcome === 'fail' ? SEVERITY_COLOR[r.severity] : OUTCOME_COLOR[r.outcome];
  const subject = r.subject.name ? `<b>${esc(r.subject.name)}</b><br><code>${esc(r.subject.id)}</code>` : `<code>${esc(r.subject.id)}</code>`;
  const scope = scopeText(r.scope);
  const cause = causeAttrs(r, causes);
  const details: string[] = cause.detail ? [cause.detail] : [];
  if (r.missing?.length) details.push(`Missing data: ${esc(r.missing.join(', '))}`);
  if (r.waiver)
    details.push(
      `Waiver (${esc(r.waiver.status)}): ${esc(r.waiver.reason)} — approved by ${esc(r.waiver.approver)}, expires ${esc(r.waiver.expires)}${r.waiver.ticket ? `, ${esc(r.waiver.ticket)}` : ''}`,
    );
  const fix = r.outcome === 'fail' ? remediation(meta, r.ruleId) : undefined;
  if (fix) details.push(`Fix: ${esc(fix)}`);
  return (
    `<tr data-severity="${esc(r.severity)}" data-category="${esc(r.category)}" data-provider="${esc(r.subject.provider ?? '')}" data-outcome="${esc(r.outcome)}" data-baseline="${esc(r.baseline ?? '')}"` +
    ` data-rule="${esc(r.ruleId)}" data-environment="${esc(r.scope?.environment ?? '')}" data-trust-domain="${esc(r.scope?.trustDomain ?? '')}"` +
    ` data-rank="${SEVERITIES.indexOf(r.severity)}" data-subject="${esc(r.subject.name ?? r.subject.id)}"${cause.attrs}>` +
    `<td>${badge(r.outcome === 'fail' ? r.severity : r.outcome, color)}${r.outcome === 'fail' ? '' : `<br><small>${esc(r.severity)}</small>`}</td>` +
    `<td><code>${esc(r.ruleId)}</code><br><small>${esc(r.category)}</small></td>` +
    `<td>${subject}${scope ? `<br><small>${scope}</small>` : ''}</td>` +
    `<td>${esc(r.message)}${details.length ? `<div class="details">${details.map((d) => `<div>${d}</div>`).join('')}</div>` : ''}</td>` +
    `<td>${esc(r.subject.provider ?? '')}</td>` +
    `<td>${r.baseline ? badge(r.baseline, r.baseline === 'new' ? '#c62828' : '#78909c') : ''}<br><small class="fp">${esc(r.fingerprint)}</small></td>` +
    '</tr>'
  );
}

/** A filter select: each value is its own label, or a [value, label] pair. */
function select(name: string, label: string, values: readonly (string | readonly [string, string])[]): string {
  const option = (v: string | readonly [string, string]) => {
    const [value, text] = typeof v === 'string' ? [v, v] : v;
    return `<option value="${esc(value)}">${esc(text)}</option>`;
  };
  return `<label>${esc(label)} <select data-filter="${esc(name)}"><option value="">all</option>${values.map(option).join('')}</select></label>`;
}

const STYLE = `
:root{--fg:#1d2329;--muted:#5f6b76;--line:#d9dee3;--bg:#fff;--panel:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:16px;margin:20px 0 8px}
.meta{color:var(--muted);margin:0}
.banner{padding:10px 14px;border-radius:6px;margin:14px 0;font-weight:600;border-left:6px solid var(--c);background:color-mix(in srgb,var(--c) 10%,#fff)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
figure.chart{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:12px;fill:var(--fg)}svg text.big{font-size:22px;font-weight:700}
.donut{display:flex;flex-wrap:wrap;gap:8px;align-items:center}.donut figcaption{width:100%}
.legend{list-style:none;padding:0;margin:0}.legend li{margin:2px 0}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}
table{border-collapse:collapse;width:100%;margin:6px 0 14px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600;position:sticky;top:0}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
small{color:var(--muted)}.fp{font-family:ui-monospace,monospace;font-size:10px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;background:var(--c);font-size:12px;font-weight:600;white-space:nowrap}
.details{margin-top:4px;color:var(--muted);font-size:13px}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 12px;position:sticky;top:0;z-index:2}
.filters select,.filters input{font:inherit;padding:2px 4px}
nav a{margin-right:14px}
.print-only{display:none}
footer{color:var(--muted);margin-top:40px;font-size:12px}
@media print{
  @page{margin:14mm}
  body{font-size:10.5pt}
  main{max-width:none;padding:0}
  nav,.filters{display:none}
  .print-only{display:block}
  th{position:static}
  tr,figure,.card{break-inside:avoid}
  h2{break-after:avoid}
  section{break-before:auto}
  .badge,.swatch,svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
  a{color:inherit;text-decoration:none}
}`;

// Filters (every select), free-text search over the row's text, and sort; no network, no library.
const SCRIPT = `
(function () {
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
  var search = document.getElementById('search');
  var sort = document.getElementById('sort');
  var body = document.querySelector('#findings-table tbody');
  var rows = Array.prototype.slice.call(body.querySelectorAll('tr'));
  rows.forEach(function (r, i) { r.dataset.index = String(i); r.dataset.text = r.textContent.toLowerCase(); });
  var keys = {
    severity: function (r) { return [Number(r.dataset.rank), Number(r.dataset.index)]; },
    rule: function (r) { return [r.dataset.rule, Number(r.dataset.index)]; },
    subject: function (r) { return [r.dataset.subject.toLowerCase(), Number(r.dataset.index)]; },
    outcome: function (r) { return [r.dataset.outcome, Number(r.dataset.index)]; },
    cause: function (r) { return [r.dataset.causeRank ? Number(r.dataset.causeRank) : 1e9, Number(r.dataset.index)]; },
    report: function (r) { return [Number(r.dataset.index), 0]; }
  };
  function cmp(a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]; }
  function apply() {
    var shown = 0, active = [];
    var q = search.value.trim().toLowerCase();
    selects.forEach(function (s) { if (s.value) active.push(s.dataset.filter + ' = ' + s.value); });
    if (q) active.push('search "' + q + '"');
    var key = keys[sort.value] || keys.report;
    rows.slice().sort(function (a, b) { return cmp(key(a), key(b)); }).forEach(function (r) { body.appendChild(r); });
    rows.forEach(function (r) {
      var ok = selects.every(function (s) { return !s.value || r.dataset[s.dataset.filter] === s.value; }) && (!q || r.dataset.text.indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById('shown').textContent = String(shown);
    document.getElementById('filter-state').textContent = active.length ? 'Filtered: ' + active.join(', ') : 'All findings';
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  var causeSelect = document.querySelector('select[data-filter="cause"]');
  Array.prototype.slice.call(document.querySelectorAll('button[data-show-cause]')).forEach(function (b) {
    b.addEventListener('click', function () {
      if (!causeSelect) return;
      causeSelect.value = b.dataset.showCause;
      apply();
      document.getElementById('findings').scrollIntoView();
    });
  });
  search.addEventListener('input', apply);
  sort.addEventListener('change', apply);
  apply();
})();`;

/** The rows the findings table lists: every result, or beyond the limit the undecided and failing ones first. */
/**
 * At most `limit` of `total` items, read one at a time from `items()`: all of them when they fit, else
 * the ones that do not pass first, then passes, each in their order.
 */
function listedFirst<T>(items: () => Iterable<T>, total: number, limit: number, passes: (x: T) => boolean): T[] {
  const listed: T[] = [];
  for (const x of items()) {
    if (total > limit && passes(x)) continue;
    if (listed.length >= limit) break;
    listed.push(x);
  }
  if (total > limit)
    for (const x of items()) {
      if (listed.length >= limit) break;
      if (passes(x)) listed.push(x);
    }
  return listed;
}

const SORTS = [
  ['report', 'as reported'],
  ['cause', 'root cause'],
  ['severity', 'severity'],
  ['rule', 'rule'],
  ['subject', 'subject'],
  ['outcome', 'outcome'],
] as const;

function filterBar(result: AuditResult, rows: readonly ResultEntry[], groups: readonly FailureGroup[]): string[] {
  const out = [
    '<div class="filters">',
    select(
      'severity',
      'Severity',
      SEVERITIES.filter((k) => rows.some((r) => r.severity === k)),
    ),
    select('category', 'Category', sortUnique(rows.map((r) => r.category))),
    select('provider', 'Provider', sortUnique(rows.map((r) => r.subject.provider))),
    select(
      'outcome',
      'Outcome',
      OUTCOMES.filter((k) => rows.some((r) => r.outcome === k)),
    ),
    select('rule', 'Rule', sortUnique(rows.map((r) => r.ruleId))),
    select('environment', 'Environment', sortUnique(rows.map((r) => r.scope?.environment))),
    select('trustDomain', 'Trust domain', sortUnique(rows.map((r) => r.scope?.trustDomain))),
  ];
  if (groups.length)
    out.push(
      select(
        'cause',
        'Root cause',
        groups.map(({ cause }) => [cause.id, `${cause.ruleId}: ${causeLabel(cause)}`] as const),
      ),
    );
  if (result.baseline) out.push(select('baseline', 'Baseline', ['new', 'unchanged']));
  out.push(
    '<label>Search <input type="search" id="search" placeholder="subject, rule, message…"></label>',
    `<label>Sort <select id="sort">${SORTS.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select></label>`,
  );
  return out;
}

/** Whether any result fails (read until the first one). */
/** The findings table with its filter bar: a select per dimension (root cause too), free-text search and sort; bounded. */
function findingsSection(result: AuditResult, meta: ReportMeta, groups: readonly FailureGroup[]): string[] {
  const total = resultCount(result);
  const rows = listedFirst(
    () => eachResult(result),
    total,
    reportLimit(meta),
    (r) => r.outcome === 'pass',
  );
  const causes = causeIndexOf(groups);
  const cut = total - rows.length;
  return [
    '<section id="findings"><h2>Findings</h2>',
    ...filterBar(result, rows, groups),
    `<span><b id="shown">${rows.length}</b> of ${rows.length} shown</span></div>`,
    ...(cut
      ? [
          `<p class="banner" style="--c:#b7791f" id="findings-cut">${cut} more results are not listed here: this report lists ${rows.length}; ${esc(fullReportHint(meta))}.</p>`,
        ]
      : []),
    '<p class="print-only" id="filter-state">All findings</p>',
    rows.length
      ? table(
          ['Severity', 'Rule', 'Subject', 'Finding', 'Provider', 'Baseline / fingerprint'],
          rows.map((r) => findingRow(r, meta, causes)),
        ).replace('<table>', '<table id="findings-table">')
      : '<p>No findings: every evaluated rule passed or did not apply.</p><table id="findings-table"><tbody></tbody></table>',
    '</section>',
  ];
}

function causeRow({ group, own }: ShownGroup): string {
  const { cause } = group;
  const n = cause.subjects.length;
  const resource = `${esc(cause.resource.kind)} <code>${esc(cause.resource.id)}</code>${cause.resource.name && cause.resource.name !== cause.resource.id ? `<br><b>${esc(cause.resource.name)}</b>` : ''}`;
  const listed = cause.subjects.slice(0, SUBJECTS_PER_CAUSE).map((id) => `<li><code>${esc(id)}</code></li>`);
  if (n > SUBJECTS_PER_CAUSE) listed.push(`<li>… and ${n - SUBJECTS_PER_CAUSE} more (filter the findings by this root cause)</li>`);
  const affected = own ? 'itself' : `<details><summary><b>${n}</b> subject${n === 1 ? '' : 's'}</summary><ul>${listed.join('')}</ul></details>`;
  return (
    `<tr data-cause-row="${esc(cause.id)}" data-severity="${esc(cause.severity)}" data-rule="${esc(cause.ruleId)}" data-subjects="${n}">` +
    `<td>${badge(cause.severity, SEVERITY_COLOR[cause.severity])}</td><td><code>${esc(cause.ruleId)}</code></td><td>${resource}</td>` +
    `<td>${affected}</td><td>${esc(cause.message)}</td>` +
    `<td><button type="button" data-show-cause="${esc(cause.id)}">Show ${group.entries.length} finding${group.entries.length === 1 ? '' : 's'}</button></td></tr>`
  );
}

/** Failures grouped by root cause (rule + causing resource): one row each, its subjects under it; bounded. */
function rootCauseSection(groups: readonly FailureGroup[], meta: ReportMeta): string[] {
  if (groups.length === 0) return [];
  const b = boundFindings(groups, [], reportLimit(meta), { subjectRows: false });
  const note = omittedNote(b, meta);
  return [
    '<section id="root-causes"><h2>Root causes</h2>',
    `<p class="meta"><b id="root-cause-count">${b.totalGroups}</b> root causes behind <b>${b.totalFailures}</b> failures: fix the resource a row names and every subject under it passes.</p>`,
    ...(note ? [`<p class="banner" style="--c:#b7791f">${esc(note)}</p>`] : []),
    table(['Severity', 'Rule', 'Root cause', 'Affected', 'Message', ''], b.groups.map(causeRow)).replace('<table>', '<table id="root-cause-table">'),
    '</section>',
  ];
}

const STATUS_BANNER = (result: AuditResult): string => {
  const s = result.summary;
  const o = s.outcomes;
  const f = s.failuresBySeverity;
  const status = o.fail > 0 ? ['Failures found', '#c62828'] : s.incomplete ? ['Audit incomplete', '#b7791f'] : ['No failures', '#2e7d32'];
  const bySeverity = SEVERITIES.filter((k) => f[k] > 0)
    .map((k) => `${f[k]} ${k}`)
    .join(', ');
  const rc = s.rootCauses?.total ?? o.fail;
  return `<div class="banner" style="--c:${status[1]}">${esc(status[0])}: ${rc} root causes of ${o.fail} failures (${bySeverity}${o.fail ? '' : 'none'}), ${o.waived} waived, ${o.unknown} not evaluated, ${o.error} error${o.error === 1 ? '' : 's'}, ${s.gaps} collection gap${s.gaps === 1 ? '' : 's'}${s.incomplete ? ' — the audit is incomplete: some data could not be read' : ''}.</div>`;
};

/** The document head, the title block with the status banner, and the navigation. */
function headerLines(result: AuditResult): string[] {
  const policyName = result.policy.file ?? '(no policy file)';
  const out = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="keyhygiene">',
    `<title>keyhygiene audit — ${esc(result.generatedAt)}</title>`,
    `<style>${STYLE}</style></head><body><main>`,
    '<header>',
    '<h1>Cryptographic key audit</h1>',
    `<p class="meta">Generated ${esc(result.generatedAt)} by keyhygiene ${esc(result.tool.version)} · inventory taken ${esc(result.inventory.generatedAt)} · result format ${esc(result.version)}</p>`,
    `<p class="meta">Policy <code>${esc(policyName)}</code> · extends ${result.policy.extends.map((e) => `<code>${esc(e)}</code>`).join(', ') || 'nothing'} · ${result.policy.rulesEnabled} rules enabled</p>`,
    STATUS_BANNER(result),
    '<nav><a href="#summary">Summary</a>',
  ];
  if (result.compliance?.length) out.push('<a href="#compliance">Compliance</a>');
  if (result.baseline) out.push('<a href="#baseline">Baseline</a>');
  if (result.summary.outcomes.fail > 0) out.push('<a href="#root-causes">Root causes</a>');
  out.push('<a href="#findings">Findings</a><a href="#evidence">Evidence appendix</a></nav>', '</header>');
  return out;
}

/** Summary cards and charts. */
function summaryLines(result: AuditResult, meta: ReportMeta): string[] {
  const s = result.summary;
  const o = s.outcomes;
  const f = s.failuresBySeverity;
  const { keys, clean } = keyCounts(result);
  const failuresByCategory = (c: string) => result.rules.filter((r) => r.category === c).reduce((a, r) => a + r.counts.fail, 0);
  return [
    '<section id="summary"><h2>Summary</h2><div class="cards">',
    `<div class="card"><b>${result.inventory.keys}</b><span>keys</span></div>`,
    `<div class="card"><b>${clean} / ${keys}</b><span>keys passing every rule</span></div>`,
    `<div class="card"><b>${s.rootCauses?.total ?? o.fail}</b><span>root causes</span></div>`,
    `<div class="card"><b>${o.fail}</b><span>failures</span></div>`,
    `<div class="card"><b>${o.waived}</b><span>waived</span></div>`,
    `<div class="card"><b>${o.unknown + o.error}</b><span>not evaluated / errors</span></div>`,
    `<div class="card"><b>${s.gaps}</b><span>collection gaps</span></div>`,
    '</div><div class="charts">',
    donut(
      'Outcomes',
      OUTCOMES.map((k) => ({ label: k, value: o[k], color: OUTCOME_COLOR[k] })),
    ),
    barChart(
      'Failures by severity',
      SEVERITIES.map((k) => ({ label: k, value: f[k], color: SEVERITY_COLOR[k] })),
    ),
    barChart(
      'Failures by category',
      sortUnique(result.rules.map((r) => r.category)).map((c) => ({ label: c, value: failuresByCategory(c), color: '#455a64' })),
    ),
    ...(meta.trend?.length ? [trendChart(meta.trend)] : []),
    '</div></section>',
  ];
}

function controlRow(c: NonNullable<AuditResult['compliance']>[number]['controls'][number]): string {
  return (
    `<tr data-control-status="${esc(c.status)}"><td><code>${esc(c.id)}</code></td><td>${badge(c.status, CONTROL_COLOR[c.status])}</td><td>${esc(c.title)}${c.reason ? `<div class="details">${esc(c.reason)}</div>` : ''}</td>` +
    `<td>${c.rules.map((r) => `<code>${esc(r.id)}</code>${r.enabled ? '' : ' <small>(off)</small>'}`).join('<br>')}</td>` +
    `<td>${OUTCOMES.filter((k) => c.counts[k] > 0)
      .map((k) => `${c.counts[k]} ${esc(k)}`)
      .join(', ')}</td></tr>`
  );
}

/** Compliance: only when the result carries it (audit --framework). */
function complianceLines(result: AuditResult): string[] {
  if (!result.compliance?.length) return [];
  const out = ['<section id="compliance"><h2>Compliance</h2>'];
  for (const fw of result.compliance) {
    out.push(
      `<h3>${esc(fw.title)} ${esc(fw.edition)} <small>(${esc(fw.framework)})</small></h3>`,
      `<p class="meta">${fw.counts.satisfied} satisfied · ${fw.counts.failed} failed · ${fw.counts['not-assessed']} not assessed · control numbering: ${esc(fw.source)}</p>`,
      table(['Control', 'Status', 'Title', 'Rules', 'Outcomes'], fw.controls.map(controlRow), 'matrix'),
    );
  }
  out.push('</section>');
  return out;
}

function baselineLines(result: AuditResult): string[] {
  const b = result.baseline;
  if (!b) return [];
  const out = [
    '<section id="baseline"><h2>Baseline</h2>',
    `<p>Compared with ${b.file ? `<code>${esc(b.file)}</code>, ` : ''}a result generated ${esc(b.generatedAt)}: <b>${b.counts.new}</b> new, <b>${b.counts.unchanged}</b> unchanged, <b>${b.counts.resolved}</b> resolved findings.</p>`,
  ];
  if (b.resolved.length)
    out.push(
      '<h3>Resolved since the baseline</h3>',
      table(
        ['Severity', 'Rule', 'Subject', 'Message'],
        b.resolved.map(
          (r) =>
            `<tr><td>${badge(r.severity, SEVERITY_COLOR[r.severity])}</td><td><code>${esc(r.ruleId)}</code></td><td><code>${esc(r.subject.name ?? r.subject.id)}</code></td><td>${esc(r.message)}</td></tr>`,
        ),
      ),
    );
  out.push('</section>');
  return out;
}

function subjectRow(x: AuditResult['subjects'][number]): string {
  return (
    `<tr><td>${esc(x.kind)}</td><td>${x.name ? `<b>${esc(x.name)}</b><br>` : ''}<code>${esc(x.id)}</code></td><td>${esc(x.provider ?? '')}</td>` +
    `<td>${scopeText(x.scope)}</td>` +
    `<td>${badge(x.status, OUTCOME_COLOR[x.status])}</td><td>${OUTCOMES.filter((k) => x.counts[k] > 0)
      .map((k) => `${x.counts[k]} ${esc(k)}`)
      .join(', ')}</td></tr>`
  );
}

const gapRow = (g: AuditResult['gaps'][number]) =>
  `<tr><td>${esc(g.provider)}</td><td>${Object.entries(g.scope)
    .map(([k, v]) => `${esc(k)}: <code>${esc(v)}</code>`)
    .join('<br>')}</td><td><code>${esc(g.operation)}</code></td><td>${esc(g.reason)}</td><td>${esc(g.affects?.join(', ') ?? 'everything in scope')}</td></tr>`;

const waiverRow = (w: AuditResult['waivers'][number]) =>
  `<tr data-waiver-status="${esc(w.status)}"><td>${badge(w.status, w.status === 'active' ? '#2e7d32' : w.status === 'expired' ? '#c62828' : '#78909c')}</td><td><code>${esc(w.rule)}</code></td>` +
  `<td><code>${esc(w.subject ?? w.subjectGlob ?? '')}</code>${w.subjectGlob ? ' <small>(glob)</small>' : ''}</td><td>${esc(w.reason)}</td><td>${esc(w.approver)}</td><td>${esc(w.expires)}</td><td>${esc(w.ticket ?? '')}</td><td>${w.matched}</td></tr>`;

/** Subjects the appendix lists: every one, or beyond the limit those that did not pass first. */
/** A table of the listed items, and a line saying how many are not listed and where they are. */
function boundedTable<T>(head: readonly string[], listed: readonly T[], row: (x: T) => string, total: number, meta: ReportMeta): string[] {
  const more = total - listed.length;
  return [table(head, listed.map(row)), ...(more > 0 ? [`<p class="details">${more} more not listed; ${esc(fullReportHint(meta))}.</p>`] : [])];
}

/** Evidence appendix: coverage, subjects, gaps, waivers, per-rule counts. */
function evidenceLines(result: AuditResult, meta: ReportMeta): string[] {
  const inv = result.inventory;
  const limit = reportLimit(meta);
  return [
    '<section id="evidence"><h2>Evidence appendix</h2><h3>Inventory coverage</h3>',
    table(
      ['Providers', 'Keys', 'Audit trails', 'Published keys', 'Artifact findings', 'Inventory taken'],
      [
        `<tr><td>${inv.providers.map((p) => `<code>${esc(p)}</code>`).join(', ') || '—'}</td><td>${inv.keys}</td><td>${inv.trails}</td><td>${inv.publishedKeys}</td><td>${inv.artifacts}</td><td>${esc(inv.generatedAt)}</td></tr>`,
      ],
    ),
    `<h3>Subjects (${subjectCount(result)})</h3>`,
    ...boundedTable(
      ['Kind', 'Subject', 'Provider', 'Scope', 'Status', 'Outcomes'],
      listedFirst(
        () => eachSubject(result),
        subjectCount(result),
        limit,
        (x) => x.status === 'pass',
      ),
      subjectRow,
      subjectCount(result),
      meta,
    ),
    `<h3>Collection gaps (${result.gaps.length})</h3>`,
    ...(result.gaps.length
      ? boundedTable(['Provider', 'Scope', 'Operation', 'Reason', 'Leaves unknown'], result.gaps.slice(0, limit), gapRow, result.gaps.length, meta)
      : ['<p>None: every provider read everything it was asked to.</p>']),
    `<h3>Waivers (${result.waivers.length})</h3>`,
    result.waivers.length
      ? table(['Status', 'Rule', 'Subject', 'Reason', 'Approver', 'Expires', 'Ticket', 'Matched'], result.waivers.map(waiverRow))
      : '<p>No waivers in the policy.</p>',
    '<h3>Rules evaluated</h3>',
    table(
      ['Rule', 'Category', 'Severity', ...OUTCOMES],
      result.rules.map(
        (r) =>
          `<tr><td><code>${esc(r.id)}</code><br><small>${esc(meta.rule(r.id)?.description ?? '')}</small></td><td>${esc(r.category)}</td><td>${esc(r.severity)}</td>${OUTCOMES.map((k) => `<td>${r.counts[k]}</td>`).join('')}</tr>`,
      ),
    ),
    '</section>',
  ];
}

/** The HTML report, line by line: header, summary, compliance, baseline, root causes, findings, evidence appendix. */
function* htmlLines(result: AuditResult, meta: ReportMeta): Generator<string> {
  const groups = failureGroups(result);
  yield* headerLines(result);
  yield* summaryLines(result, meta);
  yield* complianceLines(result);
  yield* baselineLines(result);
  yield* rootCauseSection(groups, meta);
  yield* findingsSection(result, meta, groups.slice(0, reportLimit(meta)));
  yield* evidenceLines(result, meta);
  yield `<footer>keyhygiene ${esc(result.tool.version)} · result ${esc(result.generatedAt)} · this file is self-contained and loads nothing from the network.</footer>`;
  yield `</main><script>${SCRIPT}</script></body></html>`;
}

/** The HTML report: pure, deterministic, every data field escaped. */
export const renderHtml = (result: AuditResult, meta: ReportMeta): string => joined(lineChunks(htmlLines(result, meta)));

export const htmlReporter: Reporter = {
  id: 'html',
  description: 'a self-contained HTML report for auditors (charts, filters, evidence appendix; prints well)',
  extension: 'html',
  render: (result, meta) => renderHtml(result, meta),
  renderChunks: (result, meta) => chunked(lineChunks(htmlLines(result, meta))),
};
