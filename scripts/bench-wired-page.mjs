// Times the randomly wired page in headless Chromium (issue 11): a side-by-side run of ER, BA,
// WS and the dense network for 50 epochs (the schema's defaults: 16 nodes, the built-in
// spectra) in the page's Web Worker, from the click on "Train side by side" to the table of
// final losses (target < 5 s), with the worker's own time for the training; and generating and
// drawing a 64-node WS graph (the page's largest) from a change of a field.
// Usage: node scripts/bench-wired-page.mjs [SITE_DIR]   (default build/site; build it first)
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serve } from './serve.mjs';

const kRuns = 3;
const kSite = process.argv[2] ?? fileURLToPath(new URL('../build/site', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(label, values, target = '') {
  console.log(`wired page: ${label.padEnd(52)} ${median(values).toFixed(0).padStart(7)} ms (median of ${values.length})${target}`);
}

async function main() {
  try {
    await access(`${kSite}/wired.html`);
    await access(`${kSite}/nntutor_wired_wasm.js`);
  } catch {
    throw new Error(`${kSite} has no randomly wired page: run scripts/build.sh wasm site first`);
  }
  const server = await serve(kSite, { port: 0 });
  const url = `http://127.0.0.1:${server.address().port}/wired.html`;
  const browser = await launchChromium();
  const total = [];
  const worker = [];
  const draws = [];
  try {
    for (let i = 0; i < kRuns; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.getByText(/^Ready: choose a family/).waitFor({ timeout: 20000 });
      await page.getByLabel('epochs', { exact: true }).fill('50');
      // From the click to the table of final losses drawn (the worker's messages, the curves
      // filled epoch by epoch, the table).
      const times = await page.evaluate(() => new Promise((done, fail) => {
        const label = document.getElementById('compare-progress-label');
        const t0 = performance.now();
        const watch = new MutationObserver(() => {
          const text = label.textContent;
          if (text.startsWith('done:')) {
            watch.disconnect();
            done({ total: performance.now() - t0, worker: Number(/in ([\d.]+) s/.exec(text)[1]) * 1000 });
          }
        });
        watch.observe(label, { childList: true, characterData: true, subtree: true });
        setTimeout(() => fail(new Error(`no result after 60 s: ${label.textContent}`)), 60000);
        document.getElementById('compare-run').click();
      }));
      const rows = await page.locator('#compare-table tbody tr').count();
      if (rows !== 4) throw new Error(`the table has ${rows} rows, expected 4`);
      total.push(times.total);
      worker.push(times.worker);
      // The largest graph the page draws: WS of 64 nodes, generated, measured, laid out, drawn.
      await page.getByLabel('family', { exact: true }).selectOption('ws');
      draws.push(await page.evaluate(() => {
        const input = document.getElementById('nodes');
        const t0 = performance.now();
        input.value = '64';
        input.dispatchEvent(new Event('input'));
        void document.body.offsetHeight;
        const drawn = document.querySelectorAll('#graph-drawing .dag-node:not(.is-input)').length;
        if (drawn !== 65) throw new Error(`the drawing has ${drawn} neurons, expected 65`);
        return performance.now() - t0;
      }));
      if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join('; ')}`);
      await context.close();
    }
    report('side by side, 4 × 50 epochs: click to table', total, '  (target < 5000 ms)');
    report('side by side, 4 × 50 epochs: training in the worker', worker);
    report('WS(4, 0.25) of 64 nodes: generate, statistics, layout, draw', draws);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(`bench-wired-page: ${e.message}`);
  process.exitCode = 1;
});
