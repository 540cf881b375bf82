// The HTML report in a real browser: headless Debian Chromium driven by playwright-core.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceView } from '../../src/frameworks/compliance.ts';
import { loadFramework } from '../../src/frameworks/load.ts';
import { htmlReporter } from '../../src/report/html.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { sharedCauseResult, TRAIL_ARN } from '../helpers/report-results.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const tmp = tempDir();
/** Where the screenshot is kept for a person to look at (default: the test's temporary directory). */
const SHOT_DIR = process.env.KEYHYGIENE_SCREENSHOT_DIR ?? tmp.dir;

let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  profile = mkdtempSync(join(tmpdir(), 'keyhygiene-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  const { result } = stormRun();
  result.compliance = complianceView(result, [loadFramework('csrb-storm-0558')]);
  const file = tmp.write('report.html', htmlReporter.render(result, reportMeta()));

  it('loads offline without console errors, and the filters show exactly the matching rows', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Nothing but the file itself may be fetched.
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href);
    expect(requests).toEqual([pathToFileURL(file).href]);

    const visible = () => page.locator('#findings-table tbody tr:visible');
    const total = result.results.length;
    expect(await visible().count()).toBe(total);
    expect(await page.textContent('#shown')).toBe(String(total));

    await page.selectOption('select[data-filter="severity"]', 'critical');
    const critical = result.results.filter((r) => r.severity === 'critical').length;
    expect(critical).toBeGreaterThan(0);
    expect(await visible().count()).toBe(critical);
    expect(await page.textContent('#shown')).toBe(String(critical));
    for (const sev of await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity')))) expect(sev).toBe('critical');

    await page.selectOption('select[data-filter="outcome"]', 'fail');
    const criticalFails = result.results.filter((r) => r.severity === 'critical' && r.outcome === 'fail').length;
    expect(await visible().count()).toBe(criticalFails);

    await page.selectOption('select[data-filter="severity"]', '');
    await page.selectOption('select[data-filter="outcome"]', 'unknown');
    await page.selectOption('select[data-filter="category"]', 'scope');
    expect(await visible().count()).toBe(result.results.filter((r) => r.outcome === 'unknown' && r.category === 'scope').length);
    expect(await page.textContent('#filter-state')).toBe('Filtered: category = scope, outcome = unknown');

    await page.selectOption('select[data-filter="outcome"]', '');
    await page.selectOption('select[data-filter="category"]', '');
    await page.selectOption('select[data-filter="provider"]', 'azure-keyvault');
    expect(await visible().count()).toBe(result.results.filter((r) => r.subject.provider === 'azure-keyvault').length);
    await page.selectOption('select[data-filter="provider"]', '');
    expect(await visible().count()).toBe(total);

    // The control matrix and the charts rendered.
    expect(await page.locator('#compliance table tbody tr').count()).toBe(result.compliance?.[0]?.controls.length);
    expect(await page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(3);

    const shot = join(SHOT_DIR, 'keyhygiene-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.byteLength).toBeGreaterThan(50_000);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('filters by rule, environment and trust domain, searches the text and sorts, offline', async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file:') ? route.continue() : route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    expect(requests).toEqual([pathToFileURL(file).href]);
    const visible = () => page.locator('#findings-table tbody tr:visible');
    const total = result.results.length;

    const rule = 'key-material-max-age';
    await page.selectOption('select[data-filter="rule"]', rule);
    expect(await visible().count()).toBe(result.results.filter((r) => r.ruleId === rule).length);
    await page.selectOption('select[data-filter="rule"]', '');

    const env = result.results.find((r) => r.scope?.environment)?.scope?.environment as string;
    const domain = result.results.find((r) => r.scope?.trustDomain)?.scope?.trustDomain as string;
    await page.selectOption('select[data-filter="environment"]', env);
    await page.selectOption('select[data-filter="trustDomain"]', domain);
    const scoped = result.results.filter((r) => r.scope?.environment === env && r.scope?.trustDomain === domain).length;
    expect(scoped).toBeGreaterThan(0);
    expect(await visible().count()).toBe(scoped);
    expect(await page.textContent('#filter-state')).toBe(`Filtered: environment = ${env}, trustDomain = ${domain}`);
    await page.selectOption('select[data-filter="environment"]', '');
    await page.selectOption('select[data-filter="trustDomain"]', '');

    // Search: case-insensitive over the row's text (subject name, id, message).
    const needle = 'MSA-CONSUMER-SIGNING-2016';
    await page.fill('#search', needle);
    const matching = result.results.filter((r) => `${r.subject.name ?? ''} ${r.subject.id} ${r.message}`.toLowerCase().includes(needle.toLowerCase())).length;
    expect(matching).toBeGreaterThan(0);
    expect(await visible().count()).toBe(matching);
    await page.fill('#search', 'no-such-subject-anywhere');
    expect(await visible().count()).toBe(0);
    expect(await page.textContent('#shown')).toBe('0');
    await page.fill('#search', '');
    expect(await visible().count()).toBe(total);

    // Sort by severity: critical first, stable within a severity; back to the report's order.
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    await page.selectOption('#sort', 'severity');
    const sevs = await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity') as string));
    expect(sevs).toEqual([...sevs].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(sevs[0]).toBe('critical');
    await page.selectOption('#sort', 'rule');
    const rules = await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule') as string));
    expect(rules).toEqual([...rules].sort());
    await page.selectOption('#sort', 'report');
    const back = await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule') as string));
    expect(back).toEqual(result.results.map((r) => r.ruleId));
    await page.close();
  }, 60_000);

  it('prints: the filter bar is hidden and the findings table is laid out for paper', async () => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.filters').isVisible()).toBe(false);
    expect(await page.locator('#filter-state').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    writeFileSync(join(SHOT_DIR, 'keyhygiene-report.pdf'), pdf);
    await page.close();
  }, 60_000);

  it('groups failures by root cause: one row per cause with its subjects, "show findings" filters to them, sort by root cause', async () => {
    const shared = sharedCauseResult(30);
    const groupedFile = tmp.write('grouped.html', htmlReporter.render(shared, reportMeta()));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(groupedFile).href);
    const causes = shared.rootCauses ?? [];
    expect(await page.locator('#root-cause-table tbody tr').count()).toBe(causes.length);
    expect(await page.textContent('#root-cause-count')).toBe(String(shared.summary.rootCauses?.total));
    const trail = causes.find((c) => c.resource.id === TRAIL_ARN);
    expect(trail?.subjects).toHaveLength(30);
    const row = page.locator(`#root-cause-table tr[data-cause-row="${trail?.id}"]`);
    expect(await row.getAttribute('data-subjects')).toBe('30');
    // The subjects are listed under the cause (folded), the first of them by id.
    await row.locator('summary').click();
    expect(await row.locator('li code').first().textContent()).toBe(trail?.subjects[0]);

    // "Show findings" sets the root-cause filter: exactly the 30 failures of that trail remain.
    const visible = () => page.locator('#findings-table tbody tr:visible');
    await row.locator('button[data-show-cause]').click();
    expect(await visible().count()).toBe(30);
    expect(await page.textContent('#shown')).toBe('30');
    expect(await page.textContent('#filter-state')).toBe(`Filtered: cause = ${trail?.id}`);
    for (const c of await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-cause')))) expect(c).toBe(trail?.id);
    // Search and the other filters still combine with it.
    await page.fill('#search', 'alias/app-7');
    expect(await visible().count()).toBe(1);
    await page.fill('#search', '');
    await page.selectOption('select[data-filter="cause"]', '');
    expect(await visible().count()).toBe(shared.results.length);

    // Sort by root cause: the failures of one cause are adjacent, in the root-cause table's order, then the rest.
    await page.selectOption('#sort', 'cause');
    const ranks = await visible().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-cause-rank')));
    const failing = ranks.filter((r) => r !== null).map(Number);
    expect(failing).toEqual([...failing].sort((a, b) => a - b));
    expect(ranks.slice(failing.length).every((r) => r === null)).toBe(true);
    expect(new Set(failing).size).toBe(causes.length);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
