// The browser harness of the e2e tests: one local server and one headless Chromium per test
// file, a fresh page per test, and helpers that find controls as a person does (labels, button
// names, the table's caption). Needs build/site (scripts/build.sh wasm site) and /usr/bin/chromium.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const kRoot = fileURLToPath(new URL('../../', import.meta.url));
export const kArtifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const kLaunch = {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
// How long an action waits for its control: not a speed check (speed goals are npm run bench's),
// only a bound on a hang. npm test runs three test files at once beside the GoogleTest lane on
// two cores, where a module that loads in 1 s alone took over 5 s once (docs/testing.md).
export const kTimeout = 15000;
export const kDesktop = { width: 1280, height: 900 };
export const kPhone = { width: 375, height: 812 };

let server;
export let browser;
export let origin;

before(async () => {
  server = await serve(`${kRoot}build/site`, { port: 0 });
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch(kLaunch);
  await mkdir(kArtifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done()));
});

/// Opens the page in a fresh context, waits until the engine is ready, runs `body(page)`,
/// then fails on any page error, console error or request that left the local server
/// (`at`: another server's origin, e.g. threads.test.mjs's cross-origin isolated one).
export async function withPage(body, { viewport = kDesktop, ready = true, allow = [], path = '/', context: given,
  at = origin, timeout = kTimeout } = {}) {
  const context = given ?? await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && url.origin !== at) problems.push(`request to ${r.url()}`);
  });
  try {
    await page.goto(`${at}${path}`);
    if (ready) await waitEnabled(button(page, 'Step'));
    await body(page);
  } finally {
    if (!given) await context.close();
    else await page.close();
  }
  assert.deepEqual(problems.filter((p) => !allow.some((pattern) => pattern.test(p))), []);
}

/// The training table (the page has others: data, weights, one per learning rate).
export const trace = (page) => page.getByRole('table', { name: 'Training trace, one row per step' });
export const button = (page, name) => page.getByRole('button', { name, exact: true });
export const field = (page, name) => page.getByLabel(name, { exact: true });

export async function waitEnabled(locator) {
  await locator.waitFor();
  const handle = await locator.elementHandle();
  await handle.waitForElementState('enabled', { timeout: 2 * kTimeout });
}

/// Types into a labelled field and presses Enter (the page applies on Enter).
export async function enter(page, name, text) {
  const input = field(page, name);
  await input.fill(text);
  await input.press('Enter');
}

/// The table as header texts and data rows (objects keyed by header).
export async function readTable(page) {
  const table = trace(page);
  const headers = (await table.locator('thead tr').last().getByRole('columnheader').allTextContents())
    .map((t) => t.trim());
  const rows = [];
  for (const row of await table.locator('tbody tr[data-step]').all()) {
    const cells = (await row.locator('th, td').allTextContents()).map((t) => t.trim());
    rows.push(Object.fromEntries(headers.map((h, i) => [h, cells[i]])));
  }
  return { headers, rows };
}

export const rowCount = (page) => trace(page).locator('tbody tr[data-step]').count();
export const tableText = (page) => trace(page).innerText();

/// `row` has every value of `expected` (by header).
export function assertRow(row, expected) {
  assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, row[k]])), expected);
}

// A 2-3-1 network: tanh hidden layer, sigmoid output, ½(ŷ − y)², one sample.
export const kX = [0.5, -1];
export const kY = 0.2;
export const kW1 = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]];
export const kB1 = [0.05, -0.1, 0];
export const kW2 = [0.7, -0.8, 0.9];
export const kB2 = 0.1;

/// Builds the 2-3-1 network with the builder's controls and types every value.
export async function build231(page) {
  await enter(page, 'inputs', '2');
  await enter(page, 'units of layer 1', '3');
  await page.getByLabel('activation of layer 1', { exact: true }).selectOption('tanh');
  await enter(page, 'x1', String(kX[0]));
  await enter(page, 'x2', String(kX[1]));
  await enter(page, 'y', String(kY));
  for (let j = 0; j < 3; j += 1) {
    for (let i = 0; i < 2; i += 1) await enter(page, `w1[${j + 1},${i + 1}]`, String(kW1[j][i]));
    await enter(page, `b1[${j + 1}]`, String(kB1[j]));
    await enter(page, `w2[1,${j + 1}]`, String(kW2[j]));
  }
  await enter(page, 'b2', String(kB2));
}
