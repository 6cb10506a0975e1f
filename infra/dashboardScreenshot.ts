// `npx tsx infra/dashboardScreenshot.ts [--endpoint http://127.0.0.1:8787] [--requests 600] [--minutes 5]` while
// `npm run dev` runs: sends held-out SpamAssassin emails to the spam model from 80 units, spread over a few minutes
// so the time chart has a line, returns the true label of most of
// them through POST /v1/feedback, then signs in to /dashboard with Debian's Chromium (playwright-core) and
// writes docs/dashboard.png. What README.md and docs/dashboard.md show comes from this.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { loadSpamAssassin, LABELS } from '@pare/distill';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { endpoint: { type: 'string', default: 'http://127.0.0.1:8787' }, requests: { type: 'string', default: '600' }, minutes: { type: 'string', default: '5' } } });
const endpoint = values.endpoint!.replace(/\/+$/, '');
const token = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(path.join(root, '.dev.vars'), 'utf8'))?.[1]?.trim();
if (!token) throw new Error('No ADMIN_TOKEN in .dev.vars: run `npm run dev` first.');

const examples = loadSpamAssassin().test;
const total = Number(values.requests);
const spreadMs = Number(values.minutes) * 60_000;
const started = Date.now();
let sent = 0;
for (let i = 0; i < total; i++) {
  const due = started + (spreadMs * i) / total;
  if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  const example = examples[i % examples.length]!;
  const response = await fetch(`${endpoint}/v1/models/spam/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-pare-unit': `user-${i % 80}` },
    body: JSON.stringify({ text: example.text.slice(0, 2000) }),
  });
  const requestId = response.headers.get('x-pare-request-id');
  await response.arrayBuffer();
  // Four in five answers get their true label back, as a labelling queue would.
  if (requestId && i % 5 !== 4) {
    await fetch(`${endpoint}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, label: LABELS[example.label] }) });
  }
  sent++;
}
process.stdout.write(`sent ${sent} requests; waiting for the metrics queue\n`);
await new Promise((r) => setTimeout(r, 5000));

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
await page.goto(`${endpoint}/dashboard?window=15m`);
await page.fill('#token', token);
await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
await page.goto(`${endpoint}/dashboard?window=15m`);
await page.waitForSelector('body[data-ready="true"]');
const file = path.join(root, 'docs', 'dashboard.png');
await page.screenshot({ path: file, fullPage: true });
await browser.close();
process.stdout.write(`wrote ${path.relative(root, file)}\n`);
