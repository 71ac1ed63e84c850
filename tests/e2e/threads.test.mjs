// Threads where the page allows (issue 13, docs/threads.md): served with COOP/COEP (`npm start`'s
// server, isolate: true) every page still loads and works; the trainer page starts on Auto
// (the core's choice of 1 thread or all, by the model's work per batch, with its reason), trains,
// and 2 threads chosen with its control give the same model to the last bit. The harness's own server sends no such headers, as a static host: its trainer suites
// cover the single-threaded page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { browser, button, field, withPage } from './harness.mjs';
import { serve, stop } from '../../scripts/serve.mjs';

const kSite = fileURLToPath(new URL('../../build/site', import.meta.url));
let server;
let origin;

before(async () => {
  server = await serve(kSite, { port: 0, isolate: true });
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(() => stop(server));

/// Opens `path` on the isolated server: the harness's withPage (a fresh context; fails on any page
/// error, console error or warning, or request that left the server) at this server's origin.
const withIsolated = (path, body) => withPage(body, { path, ready: false, at: origin, timeout: 10000 });

async function setField(page, name, value) {
  await field(page, name).fill(value);
  await field(page, name).press('Tab');
}

test('every page loads and starts under COOP/COEP, cross-origin isolated', async () => {
  const pages = [
    ['/index.html', (page) => page.getByRole('button', { name: 'Step', exact: true }).waitFor()],
    ['/trainer.html', (page) => page.getByText('Ready: press Train.').waitFor({ timeout: 30000 })],
    ['/digits.html', (page) => page.getByRole('heading', { level: 1 }).waitFor()],
    ['/wired.html', (page) => page.getByRole('heading', { level: 1 }).waitFor()],
    ['/explorer.html', (page) => page.getByRole('heading', { level: 1 }).waitFor()],
    ['/instructor.html', (page) => page.getByRole('heading', { level: 1 }).waitFor()],
  ];
  for (const [path, started] of pages) {
    await withIsolated(path, async (page) => {
      await started(page);
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, path);
    });
  }
});

/// Trains the lecture model on 1000 samples for 3 epochs and returns the saved model's JSON.
async function trainAndSave(page) {
  await button(page, 'Train').click();
  await page.getByText('Training ended after 3 epochs: every epoch ran.').waitFor({ timeout: 60000 });
  const last = await page.locator('#history-last').innerText();
  const download = page.waitForEvent('download');
  await button(page, 'Save model').click();
  return { last, model: await readFile(await (await download).path(), 'utf8') };
}

test('the isolated trainer starts on Auto, which gives the lecture model 1 thread and says why; 2 threads chosen give the same bits',
  (t) => withIsolated('/trainer.html', async (page) => {
    await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
    // Auto, then 1 to the module's 4 (this machine: 2 cores); a single core runs the
    // single-threaded module, which the last test covers.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    if (cores < 2) { t.skip('one core: the page runs the single-threaded module'); return; }
    const status = page.locator('#threads-status');
    assert.match(await status.innerText(), new RegExp('^Training on 1 thread \\(this page is cross-origin isolated; ' +
      `${cores} cores\\)\\. Auto: 1 thread for a model whose batch is under 2\\.1 million multiply-adds`));
    const threads = field(page, 'threads');
    assert.equal(await threads.inputValue(), 'auto');
    assert.deepEqual(await threads.locator('option').allTextContents(), ['Auto', '1', '2', '3', '4']);  // the core's limits
    await setField(page, 'samples', '1000');
    await setField(page, 'epochs', '3');
    await page.getByText(/^1000 samples: 700 for training/).waitFor();
    const auto = await trainAndSave(page);
    // The count chosen for this model, and why (the trainer page trains in float32 by default).
    assert.match(await status.innerText(), /^Training on 1 thread \(this page is cross-origin isolated; \d+ cores\)\. Auto chose 1 thread: a batch of this model is 1\.3 million multiply-adds, under the 2\.1 million \(float32\) from which a second thread gains\./);
    await threads.selectOption('2');
    await page.getByText(/^Training on 2 threads \(this page is cross-origin isolated; \d+ cores\)\. The numbers are the same on any count\.$/).waitFor();
    const two = await trainAndSave(page);
    assert.match(two.last, /^Epoch 3: loss [\d.e-]+, val_loss [\d.e-]+/);
    assert.equal(two.last, auto.last);
    assert.ok(two.model.length > 10000, `a model was saved (${two.model.length} bytes)`);
    assert.equal(two.model, auto.model, 'the weights of 1 and 2 threads, to the last digit of every number');
    // Auto again: at once for the model trained last; float64 weighs double and gets both threads.
    await threads.selectOption('auto');
    await page.getByText(/Auto chose 1 thread: a batch of this model is 1\.3 million/).waitFor();
    await page.getByLabel('numbers (dtype)').selectOption('float64');
    await button(page, 'Train').click();
    await page.getByText(/^Training on 2 threads \(this page is cross-origin isolated; \d+ cores\)\. Auto chose 2 threads: a batch of this model is 1\.3 million multiply-adds, at least the 1\.0 million \(float64\)/).waitFor();
    await page.getByText('Training ended after 3 epochs: every epoch ran.').waitFor({ timeout: 60000 });
    assert.match(await status.innerText(), /\(float64\) from which a second thread gains\. Epochs 2–5 run on 2, 1, 1 and 2 threads, and the faster count stays\. The numbers are the same on any count\.$/);
    // Six epochs: Auto timed 2 threads against 1 over epochs 2–5 on this machine and kept the faster.
    await setField(page, 'epochs', '6');
    await button(page, 'Train').click();
    await page.getByText('Training ended after 6 epochs: every epoch ran.').waitFor({ timeout: 60000 });
    assert.match(await status.innerText(), /^Training on (1 thread|2 threads) \(this page is cross-origin isolated; \d+ cores\)\. Auto chose \1, timed on this machine: \d+\.\d ms an epoch on 2 threads against \d+\.\d ms on 1 \(epochs 2–5\)(: here a second thread does not gain)?\. The numbers are the same on any count\.$/);
  }));

test('the digits page uses the threaded worker too and still trains', () => withIsolated('/digits.html', async (page) => {
  await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  await setField(page, 'epochs', '1');
  await page.waitForFunction(() => !document.getElementById('train').disabled);
  await button(page, 'Train').click();
  await page.getByText('Training ended after 1 epoch: every epoch ran.').waitFor({ timeout: 60000 });
  await page.getByText(/^Test accuracy: /).waitFor({ timeout: 10000 });
}));

test('served without COOP/COEP (the harness, as GitHub Pages) the trainer says it runs one thread, and trains',
  () => withPage(async (page) => {
    await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), false);
    assert.match(await page.locator('#threads-status').innerText(),
      /^1 thread — the server does not send COOP\/COEP \(cross-origin isolation\)/);
    const threads = field(page, 'threads');
    assert.equal(await threads.isDisabled(), true);
    assert.deepEqual(await threads.locator('option').allTextContents(), ['1']);
    await setField(page, 'samples', '1000');
    await setField(page, 'epochs', '3');
    await page.getByText(/^1000 samples: 700 for training/).waitFor();
    await button(page, 'Train').click();
    await page.getByText('Training ended after 3 epochs: every epoch ran.').waitFor({ timeout: 60000 });
  }, { path: '/trainer.html', ready: false }));
