// Times the page in headless Chromium: load to first table, the first Step, one Step; what
// the browser downloads (gzipped as a server would send it); and, for a network of 8 layers ×
// 32 units at 100 steps, issue 9's three figures: load by share link (< 1,000 ms), a row click
// (< 100 ms) and one Step (< 50 ms), each with every panel drawn.
// Usage: node scripts/bench-page.mjs [SITE_DIR]   (default build/site; build it first)
// Prints one line per measure; exits non-zero if the page does not behave.
import { access } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { bigSession } from './bench-session.mjs';
import { serve } from './serve.mjs';

const kLoads = 5;
const kSteps = 20;
const kSite = process.argv[2] ?? fileURLToPath(new URL('../build/site', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(label, values, target = '') {
  console.log(`page: ${label.padEnd(44)} ${median(values).toFixed(1).padStart(7)} ms (median of ${values.length})${target}`);
}

/// In the page: selects rows `steps` one after the other (click), timing each from the click
/// to table, graph, equations and rates drawn and laid out.
function selectRows(steps) {
  const times = { total: [], engine: [], draw: [] };
  const last = (name) => performance.getEntriesByName(name).at(-1).duration;
  for (const k of steps) {
    const row = document.querySelector(`#trace tbody tr[data-step="${k}"]`);
    const t0 = performance.now();
    row.click();
    if (document.getElementById('graph-step').textContent !== `at step ${k}`) throw new Error(`row ${k} was not selected`);
    void document.body.offsetHeight;
    times.total.push(performance.now() - t0);
    times.engine.push(last('nntutor:engine'));
    times.draw.push(last('nntutor:draw'));
    for (const panel of ['table', 'graph', 'equations', 'rates']) (times[panel] ??= []).push(last(`nntutor:draw:${panel}`));
  }
  return times;
}

/// In the page: clicks Step `count` times; each time, the milliseconds from the click to the
/// new row being in the DOM and laid out (the handler runs the engine and renders synchronously;
/// reading the row's height forces style and layout), and the update's engine and draw shares
/// (main.js's measures). Waits a frame between clicks.
function clickSteps(count) {
  const step = document.getElementById('step');
  const rows = () => document.querySelectorAll('#trace tbody tr[data-step]');
  const last = (name) => performance.getEntriesByName(name).at(-1).duration;
  const times = { total: [], engine: [], draw: [] };
  return (async () => {
    for (let i = 0; i < count; i += 1) {
      const before = rows().length;
      const t0 = performance.now();
      step.click();
      const now = rows();
      if (now.length !== before + 1) throw new Error(`Step gave ${now.length} rows, expected ${before + 1}`);
      void now[now.length - 1].offsetHeight;
      times.total.push(performance.now() - t0);
      times.engine.push(last('nntutor:engine'));
      times.draw.push(last('nntutor:draw'));
      for (const panel of ['table', 'graph', 'equations', 'rates']) (times[panel] ??= []).push(last(`nntutor:draw:${panel}`));
      await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    }
    return times;
  })();
}

async function main() {
  try {
    await access(`${kSite}/index.html`);
    await access(`${kSite}/nntutor_wasm.js`);
  } catch {
    throw new Error(`${kSite} is not a built site: run scripts/build.sh wasm site first`);
  }
  const server = await serve(kSite, { port: 0 });
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium();
  try {
    const loads = [];
    const firstSteps = [];
    let steps = [];
    for (let i = 0; i < kLoads; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url);
      // main.js marks the moment the engine is ready and the first table is drawn;
      // the mark's time is measured from navigation start.
      await page.waitForFunction(() => performance.getEntriesByName('nntutor:first-table').length > 0,
        null, { timeout: 15000 });
      loads.push(await page.evaluate(() => performance.getEntriesByName('nntutor:first-table')[0].startTime));
      const header = await page.locator('#trace thead th[scope="col"]').count();
      if (header === 0) throw new Error('the first table has no header');
      firstSteps.push((await page.evaluate(clickSteps, 1)).total[0]);
      if (i === kLoads - 1) steps = (await page.evaluate(clickSteps, kSteps)).total;
      if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join('; ')}`);
      await context.close();
    }
    report('load to first table', loads);
    report('first Step (0 → 1 row)', firstSteps);
    report('one Step to updated table', steps);
    await pageWeight(browser, url);
    await bigNetwork(browser, url);
  } finally {
    await browser.close();
    server.close();
  }
}

/// What Chromium downloads for the lecture page, a Step (the equations bring KaTeX's fonts)
/// and the rates chart: each response's bytes and its gzip -9 size.
async function pageWeight(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const bodies = [];
  page.on('response', (r) => bodies.push(r.body().then((b) => [new URL(r.url()).pathname, b]).catch(() => null)));
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('nntutor:first-table').length > 0);
  await page.evaluate(clickSteps, 2);
  await page.waitForLoadState('networkidle');
  const files = (await Promise.all(bodies)).filter(Boolean);
  let raw = 0;
  let gz = 0;
  const parts = new Map();
  for (const [path, body] of files) {
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += z;
    const part = path.includes('/katex/') ? 'KaTeX (JS, CSS, fonts used)' : path.includes('/uplot/') ? 'uPlot'
      : /nntutor_wasm\.(js|wasm)$/.test(path) ? 'engine (JS + .wasm)' : 'page (HTML, CSS, modules)';
    parts.set(part, (parts.get(part) ?? 0) + z);
  }
  console.log(`page: downloaded ${files.length} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped (target < 400 KB)`);
  for (const [part, bytes] of parts) console.log(`page:   ${part.padEnd(30)} ${(bytes / 1024).toFixed(1).padStart(7)} KB gzipped`);
  await context.close();
}

/// Opens the 8 × 32 network by share link and times its redraws: row clicks, then Steps.
async function bigNetwork(browser, url) {
  const hash = `#session=${Buffer.from(JSON.stringify(bigSession())).toString('base64url')}`;
  const loads = [];
  const kParts = ['total', 'engine', 'draw', 'table', 'graph', 'equations', 'rates'];
  const selects = Object.fromEntries(kParts.map((k) => [k, []]));
  const steps = Object.fromEntries(kParts.map((k) => [k, []]));
  const viewed = Object.fromEntries(kParts.map((k) => [k, []]));
  for (let i = 0; i < 3; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}${hash}`);
    await page.waitForFunction(() => performance.getEntriesByName('nntutor:first-table').length > 0, null, { timeout: 30000 });
    loads.push(await page.evaluate(() => performance.getEntriesByName('nntutor:first-table')[0].startTime));
    const rows = await page.locator('#trace tbody tr[data-step]').count();
    if (rows !== 100) throw new Error(`the 8 × 32 network shows ${rows} rows, expected 100`);
    const times = await page.evaluate(selectRows, [10, 50, 90, 30, 70]);
    for (const key of Object.keys(selects)) selects[key].push(...times[key]);
    const stepTimes = await page.evaluate(clickSteps, 5);
    for (const key of Object.keys(steps)) steps[key].push(...stepTimes[key]);
    // The graph in view (and the equations below it, within a screen): every panel is drawn
    // in the Step's handler, none waits for the page to be idle (offscreen.js).
    await page.evaluate(() => document.getElementById('graph').scrollIntoView());
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const inView = await page.evaluate(clickSteps, 5);
    for (const key of Object.keys(viewed)) viewed[key].push(...inView[key]);
    if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join('; ')}`);
    await context.close();
  }
  report('8×32, 100 steps: load by link to first table', loads, '  (target < 1000 ms)');
  report('8×32, 100 steps: select a row, in all', selects.total, '  (target < 100 ms)');
  report('8×32, 100 steps:   engine (workbook: trace, equations)', selects.engine);
  report('8×32, 100 steps:   draw table + graph + equations', selects.draw);
  for (const panel of ['table', 'graph', 'equations']) report(`8×32, 100 steps:     ${panel}`, selects[panel]);
  report('8×32, 100 steps: one Step (all panels), in all', steps.total, '  (target < 50 ms)');
  report('8×32, 100 steps:   engine (workbook: step, row, trace, eqs)', steps.engine);
  report('8×32, 100 steps:   draw every panel', steps.draw);
  for (const panel of ['table', 'graph', 'equations', 'rates']) report(`8×32, 100 steps:     ${panel}`, steps[panel]);
  report('8×32, 100 steps: one Step, graph + equations in view', viewed.total, '  (target < 50 ms)');
  report('8×32, 100 steps:   engine', viewed.engine);
  report('8×32, 100 steps:   draw every panel', viewed.draw);
  for (const panel of ['table', 'graph', 'equations', 'rates']) report(`8×32, 100 steps:     ${panel}`, viewed[panel]);
}

main().catch((e) => {
  console.error(`bench-page: ${e.message}`);
  process.exitCode = 1;
});
