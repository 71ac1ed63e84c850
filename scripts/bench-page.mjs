// Times the page in headless Chromium: load to first table, the first Step, and one Step.
// Usage: node scripts/bench-page.mjs [SITE_DIR]   (default build/site; build it first)
// Prints one line per measure; exits non-zero if the page does not behave.
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const kLoads = 5;
const kSteps = 20;
const kLaunch = {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const kSite = process.argv[2] ?? fileURLToPath(new URL('../build/site', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(label, values) {
  console.log(`page: ${label.padEnd(34)} ${median(values).toFixed(1).padStart(7)} ms (median of ${values.length})`);
}

/// In the page: clicks Step `count` times; each time, the milliseconds from the click to the
/// new row being in the DOM and laid out (the handler runs the engine and renders synchronously;
/// reading the row's height forces style and layout). Waits a frame between clicks.
function clickSteps(count) {
  const step = document.getElementById('step');
  const rows = () => document.querySelectorAll('#trace tbody tr[data-step]');
  const times = [];
  return (async () => {
    for (let i = 0; i < count; i += 1) {
      const before = rows().length;
      const t0 = performance.now();
      step.click();
      const now = rows();
      if (now.length !== before + 1) throw new Error(`Step gave ${now.length} rows, expected ${before + 1}`);
      void now[now.length - 1].offsetHeight;
      times.push(performance.now() - t0);
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
  const browser = await chromium.launch(kLaunch);
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
      firstSteps.push((await page.evaluate(clickSteps, 1))[0]);
      if (i === kLoads - 1) steps = await page.evaluate(clickSteps, kSteps);
      if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join('; ')}`);
      await context.close();
    }
    report('load to first table', loads);
    report('first Step (0 → 1 row)', firstSteps);
    report('one Step to updated table', steps);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(`bench-page: ${e.message}`);
  process.exitCode = 1;
});
