// The browser harness of the e2e tests: one local server, one headless Chromium and one tab per
// process (a file run alone, or a lane of scripts/e2e.mjs running several files one after
// another), a tab every test opens the page in afresh (see withPage), and helpers
// that find controls as a person does (labels, button names, the table's caption). Needs
// build/site (scripts/build.sh wasm site) and /usr/bin/chromium-headless-shell (scripts/chromium.mjs).
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { kHeadlessShell, launchChromium } from '../../scripts/chromium.mjs';
import { serve, stop } from '../../scripts/serve.mjs';

const kRoot = fileURLToPath(new URL('../../', import.meta.url));
export const kArtifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
// How long an action waits for its control: not a speed check (speed goals are npm run bench's),
// only a bound on a hang. npm test runs a lane of browser tests per core (two here), and
// under more load a module that loads in 1 s alone took over 5 s once (docs/testing.md).
export const kTimeout = 15000;
export const kDesktop = { width: 1280, height: 900 };
export const kPhone = { width: 375, height: 812 };

let server;
export let browser;
export let origin;

before(async () => {
  // The site does not change during a run: each file is fetched once per browser, not asked for
  // again at every page load (scripts/serve.mjs, maxAge). A test that routes a request still
  // sees it: Playwright turns the cache off while a route is set.
  server = await serve(`${kRoot}build/site`, { port: 0, maxAge: 3600 });
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium([], kHeadlessShell);
  await mkdir(kArtifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  await stop(server);
});

// The tab the tests of a process share. A new browser context costs Chromium a new window, and each
// window of the headless browser loads its own omnibox WebUI (about 1 CPU-second, more than our
// page's load); one tab reused with its origin's storage cleared between tests halves the CPU
// of the suite (docs/testing.md). Each test still gets a new document, an empty localStorage, its
// own viewport and media, and its own listeners.
let shared;
async function sharedTab() {
  if (!shared) {
    const context = await browser.newContext({ viewport: kDesktop, acceptDownloads: true });
    const page = await context.newPage();
    shared = { context, page, cdp: await context.newCDPSession(page) };
  }
  return shared;
}

/// Back to a blank tab that remembers nothing of `at`: no document, no storage, no other tabs.
async function reset({ context, page, cdp }, at, viewport) {
  for (const other of context.pages()) if (other !== page) await other.close();
  await page.goto('about:blank');
  await cdp.send('Storage.clearDataForOrigin', { origin: at, storageTypes: 'all' });
  await context.clearCookies();
  await page.setViewportSize(viewport);
  await page.emulateMedia({ media: null, colorScheme: null, reducedMotion: null, forcedColors: null });
}

/// Opens the page afresh, waits until the engine is ready, runs `body(page)`, then fails on any
/// page error, console error or request that left the local server (`at`: another server's
/// origin, e.g. threads.test.mjs's cross-origin isolated one). The page opens in the file's
/// shared tab, reset (above); `context` gives one of the test's own (touch, several pages), and
/// `fresh: true` a new context for a test that leaves something on a tab (exposeFunction).
export async function withPage(body, { viewport = kDesktop, ready = true, allow = [], path = '/', context: given,
  at = origin, timeout = kTimeout, fresh = false } = {}) {
  const own = !given && fresh ? await browser.newContext({ viewport, acceptDownloads: true }) : null;
  const tab = given || own ? null : await sharedTab();
  if (tab) await reset(tab, at, viewport);
  const page = tab ? tab.page : await (given ?? own).newPage();
  page.setDefaultTimeout(timeout);
  const problems = [];
  const onError = (e) => problems.push(`page error: ${e.message}`);
  const onConsole = (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  };
  const onRequest = (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && url.origin !== at) problems.push(`request to ${r.url()}`);
  };
  page.on('pageerror', onError);
  page.on('console', onConsole);
  page.on('request', onRequest);
  let passed = false;
  try {
    await page.goto(`${at}${path}`);
    if (ready) await waitEnabled(button(page, 'Step'));
    await body(page);
    passed = true;
  } catch (e) {
    // What the page said and showed when the test failed: its errors and a screenshot, beside
    // the test's own error (a failure in a loaded run is often seen once).
    const shot = `${kArtifacts}failed-${Date.now()}.png`;
    const saved = await page.screenshot({ path: shot, fullPage: true, timeout: 5000 }).then(() => shot, () => null);
    console.log(`# withPage: the test failed at ${page.url()}; the page reported ${problems.length ? problems.join('; ') : 'no error'}` +
      `${saved ? `; its screenshot: ${saved}` : ''}`);
    throw e;
  } finally {
    page.off('pageerror', onError);
    page.off('console', onConsole);
    page.off('request', onRequest);
    if (own) await own.close();
    else if (given) await page.close();
    else if (!passed) {
      // A test that failed may have left the tab mid-action: the next test gets a new one.
      shared = null;
      await tab.context.close();
    }
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

/// The page's path for a share link of 4 inputs → 16 tanh → 16 tanh → 1 sigmoid, 2 steps: its
/// layer 2 has 16 × 17 = 272 boxes, past the builder's 150, and is folded; the others are not.
export function foldedLink() {
  const grid = (rows, cols) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (__, c) => ((r + c) % 5) / 5));
  const session = {
    inputs: grid(4, 4), targets: grid(4, 1),
    layers: [{ units: 16, activation: 'tanh' }, { units: 16, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
    loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.5 }, steps: 2, seed: 3,
  };
  return `/#session=${Buffer.from(JSON.stringify(session)).toString('base64url')}`;
}
