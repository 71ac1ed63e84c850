// The trainer page (issue 10, item 6) when the data goes wrong: a CSV that cannot be read turns
// Train off and says why, the results on screen stay but are marked as not current; CSV mode
// hides the built-in fields; a CSV's column names cannot turn the page's text around or widen
// the panel; the log-scale axes label only the ticks that have room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, button, field, kDesktop, kPhone, withPage } from './harness.mjs';

const withTrainer = (body, options = {}) => withPage(body, { ...options, path: '/trainer.html', ready: false });
const ready = (page) => page.getByText('Ready: press Train.').waitFor({ timeout: 20000 });
const trainStatus = (page) => page.locator('#train-status');
const dataStatus = (page) => page.locator('#data-status');
const csvFile = (page, name, text) => page.locator('#csv-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

async function setField(page, name, value) {
  await field(page, name).fill(value);
  await field(page, name).press('Tab');
}

/// A CSV of `rows` rows: x1, x2 → y = 2·x1.
function goodCsv(rows) {
  let csv = 'x1,x2,y\n';
  for (let i = 0; i < rows; i += 1) csv += `${i},${i % 4},${2 * i}\n`;
  return csv;
}

test('a CSV that cannot be read turns Train off and says why; the old results stay, marked not current',
  () => withTrainer(async (page) => {
    await ready(page);
    await page.getByLabel('a CSV file', { exact: true }).check();
    await csvFile(page, 'good.csv', goodCsv(31));
    await page.getByText('31 samples: 21 for training, 6 for validation, 4 for testing; 2 features → 1 target.').waitFor();
    await setField(page, 'hidden layers (units)', '8');
    await setField(page, 'epochs', '3');
    await button(page, 'Train').click();
    await trainStatus(page).getByText('Training ended after 3 epochs: every epoch ran.').waitFor({ timeout: 20000 });
    await page.locator('.scatter').waitFor();
    assert.equal(await page.getByText(/^Not current/).count(), 0, 'fresh results are current');

    for (const [name, text, reason] of [
      ['empty.csv', '', 'empty.csv: expected a header row of column names, got no text'],
      ['bad.csv', 'hello world\nthis is not, a table of numbers at all\n', /^bad\.csv line 1: /],
    ]) {
      await csvFile(page, name, text);
      await dataStatus(page).getByText(reason).waitFor();
      assert.equal(await dataStatus(page).getAttribute('class'), 'status is-error');
      // The file control is described by that message (a screen reader reads it with the control).
      assert.equal(await page.locator('#csv-file').getAttribute('aria-describedby'), 'data-status');
      await page.waitForFunction(() => document.getElementById('train').disabled);
      assert.equal(await button(page, 'Train').isDisabled(), true, `${name}: Train is off`);
      assert.equal(await trainStatus(page).innerText(), 'Train is off until the data can be read: see the message under Data.');
      // The results are not wiped, but say they are not current.
      await page.getByText('Not current: these curves are from the last training, on data other than the data chosen now.').waitFor();
      await page.getByText('Not current: this test plot is from the last training, on data other than the data chosen now.').waitFor();
      assert.equal(await page.locator('.scatter').count(), 1, 'the test plot is still there');
      assert.match(await page.locator('#history-last').innerText(), /^Epoch 3: loss /);
    }

    // Readable data again: Train is on, the status the block replaced comes back.
    await csvFile(page, 'good.csv', goodCsv(31));
    await page.getByText('31 samples: 21 for training, 6 for validation, 4 for testing; 2 features → 1 target.').waitFor();
    await page.waitForFunction(() => !document.getElementById('train').disabled);
    assert.equal(await trainStatus(page).innerText(), 'Training ended after 3 epochs: every epoch ran.');
    // A file chosen again is other data (as far as the page can tell) until trained on.
    assert.equal(await page.getByText(/^Not current/).count(), 2);
    await button(page, 'Train').click();
    // Train is off while training: on again with the notes gone, the new results are current.
    await page.waitForFunction(() => !document.getElementById('train').disabled
      && document.getElementById('run-stale').hidden && document.getElementById('test-stale').hidden, null, { timeout: 20000 });
    assert.equal(await trainStatus(page).innerText(), 'Training ended after 3 epochs: every epoch ran.');

    // CSV mode without a file: Train is off too, and says so.
    await page.getByLabel('built-in spectra', { exact: true }).check();
    await page.getByText(/^10000 samples: 7000 for training/).waitFor();
    await page.getByText('Not current: these curves are from the last training, on data other than the data chosen now.').waitFor();
  }));

test('a large CSV chosen and its feature columns typed before it is read: the status answers the typed columns',
  () => withTrainer(async (page) => {
    await ready(page);
    await page.getByLabel('a CSV file', { exact: true }).check();
    // 200,000 rows take the worker a moment to read: the typed columns are asked for meanwhile,
    // and their answer, not the first one (every column but the last as features), stays.
    let csv = 'x1,x2,y1,y2\n';
    for (let i = 0; i < 200000; i += 1) csv += `${i % 97},${i % 13},${i % 7},${i % 5}\n`;
    await csvFile(page, 'large.csv', csv);
    await setField(page, 'feature columns', 'x1');
    await dataStatus(page).getByText(/; 1 feature → 3 targets\.$/).waitFor({ timeout: 30000 });
    await page.getByText('Ready: press Train.').waitFor();
    assert.match(await dataStatus(page).innerText(), /^200000 samples: .*; 1 feature → 3 targets\.$/);
    assert.equal(await button(page, 'Train').isEnabled(), true);
  }));

test('in CSV mode the built-in data fields are hidden, and come back with the built-in data', () => withTrainer(async (page) => {
  await ready(page);
  for (const name of ['samples', 'noise', 'data seed']) assert.equal(await field(page, name).isVisible(), true, name);
  await page.getByLabel('a CSV file', { exact: true }).check();
  for (const name of ['samples', 'noise', 'data seed']) assert.equal(await field(page, name).isVisible(), false, `${name} is hidden in CSV mode`);
  assert.equal(await field(page, 'feature columns').isVisible(), true);
  await dataStatus(page).getByText('Choose a CSV file.').waitFor();
  assert.equal(await button(page, 'Train').isDisabled(), true, 'no file: nothing to train on');
  await page.getByLabel('built-in spectra', { exact: true }).check();
  for (const name of ['samples', 'noise', 'data seed']) assert.equal(await field(page, name).isVisible(), true, name);
  assert.equal(await field(page, 'feature columns').isVisible(), false);
}));

/// Whether the first two letters of `text` (in the element `id`) are laid out left to right.
const readsLeftToRight = (page, text, id = 'csv-columns') => page.evaluate(([needle, where]) => {
  const box = document.getElementById(where);
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const x = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().left;
    };
    return x(at) < x(at + 1);
  }
  throw new Error(`${needle} not found`);
}, [text, id]);

for (const viewport of [kDesktop, kPhone]) {
  test(`a CSV header cannot turn the page's text around or widen the panel (${viewport.width} px)`, () => withTrainer(async (page) => {
    await ready(page);
    await page.getByLabel('a CSV file', { exact: true }).check();
    // U+202E (right-to-left override) in a column name and in the file's name, never closed.
    await csvFile(page, '\u202Erlo.csv', '\u202Eabc,x2,y\n1,2\n');
    await page.locator('#csv-columns').getByText(/Give names, numbers or ranges/).waitFor();
    assert.equal(await readsLeftToRight(page, 'Give names'), true, 'the page\'s help text reads left to right');
    assert.equal(await readsLeftToRight(page, 'Columns'), true);
    assert.match(await page.locator('#csv-columns').innerText(), /^Columns: 1 \u202Eabc, 2 x2, 3 y\. Give names, numbers or ranges \(2-10\)\.$/);
    assert.equal(await readsLeftToRight(page, 'bytes', 'csv-name'), true, 'the file\'s size reads left to right');
    // The core's message about the file quotes its name: the rest of the message reads as written.
    await dataStatus(page).getByText(/^\u202Erlo\.csv line 2: /).waitFor();
    const message = await dataStatus(page).innerText();
    const words = message.slice('\u202Erlo.csv'.length).match(/[a-z]{3,}/)[0];
    assert.equal(await readsLeftToRight(page, words, 'data-status'), true, `"${words}" in "${message}" reads left to right`);

    // A 5,000-character column name: cut on screen, whole on hover; the panel keeps its width.
    const long = 'n'.repeat(5000);
    await csvFile(page, 'long.csv', `${long},y\n1,2\n2,4\n`);
    await page.locator('#csv-columns').getByText(/Give names/).waitFor();
    const named = page.locator('#csv-columns').getByTitle(long, { exact: true });
    assert.equal(await named.count(), 1, 'the full name is the title of the shown one');
    assert.ok((await named.innerText()).length < 100, 'the name on screen is cut');
    const overflow = await page.evaluate(() => {
      const panel = document.getElementById('data-title').closest('section');
      return { panel: panel.scrollWidth - panel.clientWidth,
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    assert.deepEqual(overflow, { panel: 0, page: 0 });
  }, { viewport }));
}

test('log-scale axes label only the ticks that have room (no marks printed over the labels)', async () => {
  const context = await browser.newContext({ viewport: kDesktop });
  // Keep every uPlot the page makes, to read the labels it drew on its canvas.
  await context.addInitScript(() => {
    let made;
    Object.defineProperty(globalThis, 'uPlot', {
      configurable: true,
      get: () => made,
      set(real) {
        made = function uPlot(...args) {
          const plot = new real(...args);
          (globalThis.plots ??= []).push(plot);
          return plot;
        };
        Object.assign(made, real);
      },
    });
  });
  try {
    await withTrainer(async (page) => {
      await ready(page);
      await page.getByLabel('a CSV file', { exact: true }).check();
      await csvFile(page, 'line.csv', goodCsv(200));
      await page.getByText(/^200 samples/).waitFor();
      await setField(page, 'hidden layers (units)', '16');
      await setField(page, 'learning rate', '0.01');
      await setField(page, 'batch size', '8');
      await setField(page, 'epochs', '60');
      await button(page, 'Train').click();
      await trainStatus(page).getByText(/^Training ended after \d+ epochs/).waitFor({ timeout: 60000 });
      const axes = await page.evaluate(() => globalThis.plots.map((plot) => {
        const axis = plot.axes[1];
        return {
          decades: Math.log10(plot.scales.y.max / plot.scales.y.min),
          labels: axis._splits.map((v, i) => [axis._values[i], plot.valToPos(v, 'y')]).filter(([t]) => t !== null && t !== ''),
        };
      }));
      assert.equal(axes.length, 2, 'the loss and the learning-rate charts');
      assert.ok(axes[0].decades >= 1, `the loss spans ${axes[0].decades} decades (minor ticks without labels)`);
      for (const { labels } of axes) {
        assert.ok(labels.length >= 2, JSON.stringify(labels));
        assert.deepEqual(labels.filter(([t]) => !/^[\d.e+-]+$/.test(t)), [], 'every label is a number');
        const ys = labels.map(([, y]) => y).sort((a, b) => a - b);
        for (let i = 1; i < ys.length; i += 1) assert.ok(ys[i] - ys[i - 1] >= 12, `labels ${JSON.stringify(labels)} overlap`);
      }
    }, { context });
  } finally {
    await context.close();
  }
});
