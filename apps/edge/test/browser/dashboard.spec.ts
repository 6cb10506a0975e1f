// The dashboard in a real browser: Debian's Chromium driven by playwright-core against the worker running
// in local workerd (wrangler dev) with seeded and live traffic. Screenshots go to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedAbTrafficSql } from '../seedAbTraffic';
import { startEdgeServer, type EdgeServer } from './edgeServer';
import { deploySpamVariants, MODEL, sendRealTraffic } from './seedDashboard';

const TOKEN = 'browser-test-token-0123456789abcdef';
const ARTIFACTS = path.resolve(import.meta.dirname, '../../../../test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIVE_REQUESTS = 12;

let server: EdgeServer;
let context: BrowserContext;
let userDataDir: string;
const consoleErrors: string[] = [];

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

/** Open the dashboard, signing in when the context has no session cookie yet. */
async function signIn(page: Page, token = TOKEN): Promise<void> {
  await page.goto(`${server.url}/dashboard`);
  if ((await page.locator('#token').count()) === 0) return;
  await page.fill('#token', token);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
}

/** Per chart of the model: points with a value, and how many canvas pixels are painted. */
async function chartContents(page: Page): Promise<Record<string, { points: number; painted: number }>> {
  return page.evaluate((model) => {
    const out: Record<string, { points: number; painted: number }> = {};
    const section = document.querySelector(`section.model[data-model="${model}"]`)!;
    for (const canvas of section.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } }).Chart.getChart(canvas);
      const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((p) => (typeof p === 'number' ? p > 0 : p !== null && (p as { y: unknown }).y !== null)).length, 0) : 0;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      out[canvas.dataset.chart!] = { points, painted };
    }
    return out;
  }, MODEL);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (Debian), or set CHROMIUM_PATH.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startEdgeServer({ token: TOKEN, seedSql: seedAbTrafficSql({ model: MODEL, variants: ['fp32', 'int8'], now: Date.now() }) });
  await deploySpamVariants(server.url, TOKEN);
  // Counted from /metrics, which is cumulative: a windowed count (stats?window=15m) drops a whole seeded minute
  // whenever a minute boundary passes during the wait, and then never reaches before + LIVE_REQUESTS.
  const count = async (): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    let n = 0;
    for (const m of text.matchAll(/^pare_inference_requests_total\{([^}]*)\} (\d+)$/gm)) if (m[1]!.includes(`model="${MODEL}"`)) n += Number(m[2]);
    return n;
  };
  const before = await count();
  await sendRealTraffic(server.url, LIVE_REQUESTS);
  // The queue consumer writes events to D1 in ~1 s batches; a loaded 2-core machine can take far longer.
  const deadline = Date.now() + 90_000;
  let stored = before;
  while ((stored = await count()) < before + LIVE_REQUESTS) {
    if (Date.now() > deadline) throw new Error(`live requests did not reach D1: ${stored - before} of ${LIVE_REQUESTS} events stored after 90 s`);
    await new Promise((r) => setTimeout(r, 300));
  }
  userDataDir = mkdtempSync(path.join(tmpdir(), 'pare-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 900 },
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

afterEach(() => {
  const errors = consoleErrors.splice(0);
  expect(errors, 'console errors on the page').toEqual([]);
});

describe('dashboard in Chromium', () => {
  it('shows only a login page without the token', async () => {
    const page = await newPage();
    const response = await page.goto(`${server.url}/dashboard`);
    expect(response!.status()).toBe(200);
    await expect(page.locator('form[action="/dashboard/login"]').count()).resolves.toBe(1);
    expect(await page.content()).not.toContain(`data-model="${MODEL}"`);
    const data = await page.evaluate(async () => (await fetch('/dashboard/data')).status);
    expect(data).toBe(401);
    await page.fill('#token', 'wrong-token');
    await page.click('button[type="submit"]');
    await expect(page.locator('.error').textContent()).resolves.toMatch(/not the admin token/);
    expect(await page.content()).not.toContain(`data-model="${MODEL}"`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-login.png') });
    await page.close();
    // The two refusals above are logged by Chromium as failed loads (401): expected here, and only those.
    const refused = consoleErrors.splice(0);
    expect(refused.every((e) => /status of 401/.test(e))).toBe(true);
  });

  it('signs in and draws every chart with data, the table and the A/B verdict', async () => {
    const page = await newPage();
    await signIn(page);
    await page.waitForSelector('body[data-ready="true"]');
    const rows = await page.locator(`section[data-model="${MODEL}"] table.variants tbody tr`).count();
    expect(rows).toBe(3);
    await expect(page.locator(`tr[data-variant="p50-fp32"] .tag.dominated`).count()).resolves.toBe(1);
    const charts = await chartContents(page);
    expect(Object.keys(charts).sort()).toEqual(['histogram', 'scatter', 'series']);
    for (const [name, c] of Object.entries(charts)) {
      expect(c.points, `${name} has data points`).toBeGreaterThan(0);
      expect(c.painted, `${name} canvas is painted`).toBeGreaterThan(2000);
    }
    const verdict = await page.locator(`section[data-model="${MODEL}"] [data-field="verdict"]`).textContent();
    expect(verdict).toMatch(/^int8 is \d+% faster than fp32 \(95% CI \d+–\d+%\), accuracy [−+]?\d\.\d pt/);
    expect(verdict).toMatch(/more labelled requests would detect a 1-pt loss/);
    await expect(page.locator(`section[data-model="${MODEL}"] [data-field="design"]`).textContent()).resolves.toMatch(/Fixed-horizon design/);
    // One legend entry per variant in the time chart (the dashes say the percentile), the split check, the
    // guardrails in the A/B table, labelled accuracy and Tail Worker CPU (none locally: unavailable) per variant.
    const legend = await page.evaluate((model) => {
      const canvas = document.querySelector(`section.model[data-model="${model}"] canvas[data-chart="series"]`);
      return (window as any).Chart.getChart(canvas).legend.legendItems.map((i: { text: string }) => i.text) as string[];
    }, MODEL);
    expect(legend).toEqual(['fp32', 'int8']);
    await expect(page.locator(`section[data-model="${MODEL}"] [data-field="srm"]`).textContent()).resolves.toMatch(/^Sample ratio (fine|MISMATCH|: not checked)/);
    await expect(page.locator(`section[data-model="${MODEL}"] .ab-table .tag.guardrail-passed`).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator(`section[data-model="${MODEL}"] tr[data-variant="fp32"] td[title$="labelled requests right"]`).count()).resolves.toBe(1);
    await expect(page.locator(`section[data-model="${MODEL}"] tr[data-variant="fp32"] td.unavailable`).textContent()).resolves.toBe('unavailable');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-desktop.png'), fullPage: true });
    await page.close();
  });

  it('switches the window and refreshes without reloading the page', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.url}/dashboard?window=1h`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const read = () =>
      page.evaluate((model) => {
        const section = document.querySelector(`section.model[data-model="${model}"]`)!;
        const series = (window as any).Chart.getChart(section.querySelector('canvas[data-chart="series"]'));
        return {
          requests: Number(section.querySelector('[data-field="requests"]')!.textContent),
          firstX: series.data.datasets[0].data[0].x as number,
          points: series.data.datasets[0].data.length as number,
          slot: section.querySelector('[data-field="slot"]')!.textContent,
          table: section.querySelector('[data-slot="table"]')!.textContent,
        };
      }, MODEL);
    const hour = await read();
    await page.click('button[data-window="7d"]');
    await page.waitForSelector('body[data-window="7d"]');
    const week = await read();
    expect(week.requests).toBeGreaterThan(hour.requests);
    expect(week.firstX).toBeLessThan(hour.firstX - 86_400_000);
    expect(week.slot).toBe('60-min slots; empty slots are gaps');
    expect(hour.slot).toBe('1-min slots; empty slots are gaps');
    expect(week.table).not.toBe(hour.table);
    expect(page.url()).toMatch(/window=7d$/);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    const charts = await chartContents(page);
    for (const c of Object.values(charts)) expect(c.points).toBeGreaterThan(0);
    // The A/B panel follows the window and the minimum effect the user types.
    await page.fill(`section[data-model="${MODEL}"] input[name="minEffectPt"]`, '2');
    await page.click(`section[data-model="${MODEL}"] .ab-form button[type="submit"]`);
    await page.waitForFunction((model) => /2-pt loss/.test(document.querySelector(`section.model[data-model="${model}"] [data-field="verdict"]`)!.textContent ?? ''), MODEL);
    const before = await page.getAttribute('body', 'data-generated-at');
    await page.waitForTimeout(20);
    await page.click('button[data-action="refresh"]');
    await page.waitForFunction((b) => document.body.dataset.generatedAt !== b, before);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page);
    await page.waitForSelector('body[data-ready="true"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    const charts = await chartContents(page);
    for (const c of Object.values(charts)) expect(c.painted).toBeGreaterThan(1000);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    await page.close();
  });

  it('promotes a variant from the table after a confirmation page, and rolls it back the same way', async () => {
    const page = await newPage();
    await signIn(page);
    await page.waitForSelector('body[data-ready="true"]');
    await Promise.all([page.waitForURL('**/dashboard/models/spam/promote'), page.click(`section[data-model="${MODEL}"] tr[data-variant="int8"] button[data-action="promote"]`)]);
    await expect(page.locator('form.confirm p').textContent()).resolves.toMatch(/^Give int8 100% of spam's traffic\? Now: fp32=50 int8=50 p50-fp32=0\./);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-confirm.png') });
    await Promise.all([page.waitForLoadState('load'), page.click('button[data-action="confirm"]')]);
    await expect(page.locator('[data-field="done"]').textContent()).resolves.toMatch(/^spam: traffic int8=100 \(deployment version \d+\)/);
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    await Promise.all([page.waitForURL('**/dashboard/models/spam/rollback'), page.click(`section[data-model="${MODEL}"] button[data-action="rollback"]`)]);
    await Promise.all([page.waitForLoadState('load'), page.click('button[data-action="confirm"]')]);
    await expect(page.locator('[data-field="done"]').textContent()).resolves.toMatch(/traffic fp32=50 int8=50 p50-fp32=0 again/);
    await page.close();
  });

  // Last: signing out ends the session that the tests above share.
  it('signs out by the Sign out form (a POST with the CSRF token)', async () => {
    const page = await newPage();
    await signIn(page);
    await page.waitForSelector('body[data-ready="true"]');
    await Promise.all([page.waitForURL(`${server.url}/dashboard`), page.click('form[action="/dashboard/logout"] button')]);
    await expect(page.locator('form[action="/dashboard/login"]').count()).resolves.toBe(1);
    expect(await page.evaluate(async () => (await fetch('/dashboard/data')).status)).toBe(401);
    await page.close();
    consoleErrors.splice(0).forEach((e) => expect(e).toMatch(/status of 401/));
  });
});
