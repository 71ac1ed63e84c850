// The trainer page (issue 5) as a student uses it: the lecture's Keras model on the built-in
// spectra, a few epochs, the progress bar to the end, val_loss falling, the test plot; Pause
// and Stop; a CSV with a bad row; a bad field, and a value out of the core's range at its
// field; saving and loading the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { classesCsv } from '../js/classes-csv.mjs';
import { button, field, kPhone, withPage } from './harness.mjs';

/// The trainer page afresh (withPage, which also fails on console errors; `fresh: true` for the
/// tests that expose a function to the page, which a shared tab would keep).
const withTrainer = (body, options = {}) => withPage(body, { ...options, path: '/trainer.html', ready: false });
const ready = (page) => page.getByText('Ready: press Train.').waitFor({ timeout: 20000 });
const trainStatus = (page) => page.locator('#train-status');

async function setField(page, name, value) {
  await field(page, name).fill(value);
  await field(page, name).press('Tab');
}

test('the lecture\'s Keras model trains on the built-in spectra: progress, falling val_loss, test plot',
  () => withTrainer(async (page) => {
    await ready(page);
    assert.match(await page.locator('#summary').innerText(), /Total params: 21,750 \(84\.96 KB\)\s+Trainable params: 21,238 \(82\.96 KB\)\s+Non-trainable params: 512 \(2\.00 KB\)/);
    // Before a training the progress counts the epochs the form asks for.
    assert.equal(await page.locator('#progress-label').innerText(), `epoch 0 of ${await field(page, 'epochs').inputValue()}`);
    await setField(page, 'samples', '2000');
    await setField(page, 'epochs', '5');
    await page.getByText('2000 samples: 1400 for training, 400 for validation, 200 for testing; 9 features → 54 targets.').waitFor();
    await page.locator('#progress-label', { hasText: 'epoch 0 of 5' }).waitFor();
    await button(page, 'Train').click();
    await page.getByText('Training ended after 5 epochs: every epoch ran.').waitFor({ timeout: 30000 });
    const progress = page.getByRole('progressbar');
    assert.equal(await progress.getAttribute('value'), '5');
    assert.equal(await progress.getAttribute('max'), '5');
    assert.equal(await page.locator('#progress-label').innerText(), 'epoch 5 of 5');
    const last = await page.locator('#history-last').innerText();
    assert.match(last, /^Epoch 5: loss [\d.e-]+, val_loss [\d.e-]+, lr 0\.001$/);
    assert.equal(await page.locator('#loss-chart canvas').count() > 0, true, 'the loss curves are drawn');
    // The legends, with the pointer elsewhere, read the last epoch.
    const legend = await page.locator('#loss-chart .u-legend .u-value').allInnerTexts();
    assert.equal(legend[0], '5');
    assert.equal(Number(legend[1]), Number(Number(/loss ([\d.e-]+)/.exec(last)[1]).toPrecision(3)));
    const val = await page.locator('.test-facts').innerText();
    assert.match(val, /test samples\s+200/);
    assert.match(val, /R²\s+0\.\d+/);
    assert.equal(await page.locator('.scatter circle').count(), 2000, '2000 of the 10800 test values');
    assert.equal(await button(page, 'Save model').isEnabled(), true);
  }));

test('val_loss falls from the first epoch to the last, and Pause, Resume and Stop work', () => withTrainer(async (page) => {
  await ready(page);
  await setField(page, 'samples', '3000');
  await setField(page, 'epochs', '400');
  await page.getByText(/^3000 samples/).waitFor();
  const epochs = [];
  await page.exposeFunction('recordEpoch', (text) => epochs.push(text));
  await page.evaluate(() => {
    new MutationObserver(() => globalThis.recordEpoch(document.getElementById('history-last').textContent))
      .observe(document.getElementById('history-last'), { childList: true, characterData: true, subtree: true });
  });
  await button(page, 'Train').click();
  const atLeast = (n) => page.waitForFunction((k) => document.getElementById('progress').value >= k, n, { timeout: 20000 });
  await atLeast(3);
  await button(page, 'Pause').click();
  await page.getByText(/^Paused after epoch \d+/).waitFor({ timeout: 20000 });
  const pausedAt = Number((await trainStatus(page).innerText()).match(/epoch (\d+)/)[1]);
  await page.waitForTimeout(300);
  assert.equal(Number((await page.locator('#progress-label').innerText()).match(/epoch (\d+)/)[1]), pausedAt, 'nothing runs while paused');
  await setField(page, 'samples', '2500');
  await page.locator('#data-status').getByText('The data cannot change during training: stop it first.').waitFor();
  await button(page, 'Resume').click();
  await atLeast(pausedAt + 2);
  await button(page, 'Stop').click();
  await page.getByText(/Training ended after \d+ epochs: stopped by you\./).waitFor({ timeout: 20000 });
  const val = epochs.map((t) => Number(t.match(/val_loss ([\d.e-]+)/)?.[1])).filter(Number.isFinite);
  assert.ok(val.length >= 4, `epochs seen: ${epochs.length}`);
  assert.ok(val.at(-1) < val[0], `val_loss fell: ${val[0]} → ${val.at(-1)}`);
  await page.locator('.scatter').waitFor();
  await setField(page, 'samples', '2600');
  await page.getByText(/^2600 samples: 1820 for training/).waitFor();
}, { fresh: true }));

test('bad input: a field names itself, a CSV names its line, a model file is checked', () => withTrainer(async (page) => {
  await ready(page);
  await setField(page, 'learning rate', '0,01');
  await page.getByText('learning rate: expected a number, got "0,01" (write decimals with a point)').waitFor();
  assert.equal(await button(page, 'Train').isDisabled(), true);
  // The status beside Train says why it is off, not "Ready", and says Ready again once fixed.
  const trainStatus = page.getByRole('status').filter({ hasText: /^(Ready|Train is off)/ });
  assert.equal(await trainStatus.innerText(), 'Train is off until the model is valid: see the message in red under Model.');
  await setField(page, 'learning rate', '0.01');
  await page.getByText('Ready: press Train.').waitFor();
  await setField(page, 'hidden layers (units)', '64, 0');
  // The core's rule, under the field that broke it and in its name (the core says layers[3].units).
  await page.getByText('hidden layers (layer 2 of 2): expected a whole number from 1 to 4096, got 0').waitFor();
  assert.equal(await field(page, 'hidden layers (units)').getAttribute('aria-invalid'), 'true');
  await page.getByText('Train is off until the model is valid: see the message in red under Model.').waitFor();
  await setField(page, 'hidden layers (units)', '16');
  await page.getByText('Ready: press Train.').waitFor();

  await page.getByLabel('a CSV file', { exact: true }).check();
  let csv = 'x1,x2,y\n';
  for (let i = 0; i < 30; i += 1) csv += `${i},${i % 4},${2 * i}\n`;
  csv += '30,2,oops\n';
  await page.locator('#csv-file').setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#data-status').getByText(/mine\.csv line 32/).waitFor();
  assert.match(await page.locator('#csv-columns').innerText(), /Columns: 1 x1, 2 x2, 3 y/);
  await page.locator('#csv-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace('oops', '60')) });
  await page.getByText('31 samples: 21 for training, 6 for validation, 4 for testing; 2 features → 1 target.').waitFor();
  await setField(page, 'epochs', '3');
  await button(page, 'Train').click();
  await page.getByText('Training ended after 3 epochs: every epoch ran.').waitFor({ timeout: 20000 });

  // Save, then load the saved model back: its weights, its summary.
  const download = page.waitForEvent('download');
  await button(page, 'Save model').click();
  const saved = await readFile(await (await download).path(), 'utf8');
  const model = JSON.parse(saved);
  assert.equal(model.inputs, 2);
  assert.equal(model.layers[0].weights.length, 16);
  await page.locator('#model-load').setInputFiles({ name: 'trained.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await page.getByText('Loaded trained.json: Train goes on from its weights; Reset to the lecture\'s model uses the form again.').waitFor();
  await page.locator('#model-load').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"inputs": 2, "layers": []}') });
  await page.locator('#model-file-status').getByText(/^broken\.json: not loaded: /).waitFor();
}));

test('a value out of the core\'s range is marked at its field, in the field\'s name, and cleared once fixed',
  () => withTrainer(async (page) => {
    await ready(page);
    const described = async (name) => {
      const input = field(page, name);
      const id = await input.getAttribute('aria-describedby');
      return { invalid: await input.getAttribute('aria-invalid'), text: id ? await page.locator(`#${id}`).innerText() : '' };
    };
    const cases = [
      ['epochs', '0', 'epochs: expected a whole number from 1 to 10000, got 0', '5'],
      ['plateau factor', '2', 'plateau factor: expected a number from 0 up to (not including) 1, got 2', '0.5'],
      ['samples', '5', 'samples: expected a whole number from 10 to 100000, got 5', '2000'],
    ];
    for (const [name, bad, message, good] of cases) {
      await setField(page, name, bad);
      await page.getByText(message, { exact: true }).waitFor();
      assert.deepEqual(await described(name), { invalid: 'true', text: message }, name);
      assert.equal(await button(page, 'Train').isDisabled(), true, `${name} = ${bad}: Train is off`);
      assert.match(await trainStatus(page).innerText(), /^Train is off until the (model is valid|data can be read)/);
      await setField(page, name, good);
      await ready(page);
      assert.deepEqual(await described(name), { invalid: null, text: '' }, `${name} = ${good}: the message is gone`);
    }
    assert.equal(await page.locator('#model-status').innerText(), '', 'nothing left in the model\'s status');
  }));

test('a learning rate that blows the loss up ends the training with the reason; no NaN, no error', () => withTrainer(async (page) => {
  await ready(page);
  await setField(page, 'learning rate', '1e300');
  await ready(page);
  await button(page, 'Train').click();
  await page.getByText('Training ended after 1 epoch: the loss stopped being a number (the training loss of epoch 1 is not a number; try a smaller learning rate).').waitFor({ timeout: 20000 });
  // The last epoch's line says the loss is not a number with a dash (it threw on the null before).
  assert.equal(await page.locator('#history-last').innerText(), 'Epoch 1: loss —, lr 1e+300');
  assert.doesNotMatch(await page.locator('main').innerText(), /NaN|undefined|Infinity/);
  assert.equal(await button(page, 'Train').isEnabled(), true, 'a new training can start');
}));

test('a CSV over 64 MiB is refused before it is read; the page stays usable', () => withTrainer(async (page) => {
  await ready(page);
  const dir = await mkdtemp(`${tmpdir()}/nntutor-big-`);
  const path = `${dir}/huge.csv`;
  const file = await open(path, 'w');
  await file.write('a,b,y\n');
  await file.truncate(65 * 1024 * 1024);  // sparse: no 65 MB written
  await file.close();
  try {
    await page.getByLabel('a CSV file', { exact: true }).check();
    await page.locator('#csv-file').setInputFiles(path);
    await page.locator('#data-status').getByText(/^huge\.csv: the file is too large \(68157440 bytes; at most 67108864\)$/).waitFor();
    await page.getByLabel('built-in spectra', { exact: true }).check();
    await page.getByText(/^10000 samples: 7000 for training/).waitFor();
    assert.equal(await button(page, 'Train').isEnabled(), true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}));

test('on a phone the trainer fits the width', () => withTrainer(async (page) => {
  await ready(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
}, { viewport: kPhone }));

// Issue 10 item 7: a one-hot CSV with softmax and cross_entropy trains on the 0s and 1s as given
// (targets are standardised for a regression loss only), so the loss stays positive.
test('cross_entropy on one-hot targets: the loss stays positive and the targets are not standardised', () => withTrainer(async (page) => {
  await ready(page);
  await setField(page, 'hidden layers (units)', '8');
  await field(page, 'output activation').selectOption('softmax');
  await field(page, 'loss').selectOption('cross_entropy');
  await setField(page, 'epochs', '8');
  await page.getByLabel('a CSV file', { exact: true }).check();
  const csv = classesCsv({ rows: 60, classes: ['red', 'green', 'blue'] });
  await page.locator('#csv-file').setInputFiles({ name: 'classes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await setField(page, 'feature columns', 'x1,x2');
  await page.getByText('60 samples: 42 for training, 12 for validation, 6 for testing; 2 features → 3 targets.').waitFor();
  await button(page, 'Train').click();
  await page.getByText('Training ended after 8 epochs: every epoch ran.').waitFor({ timeout: 20000 });
  // Every epoch's numbers, from the table under the curves (the line above it shows the last).
  await page.getByText('Every epoch as a table', { exact: true }).click();
  const table = page.getByRole('table', { name: 'loss, val_loss and learning rate per epoch (8 epochs)' });
  const epochs = (await table.locator('tbody tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' ').trim());
  const [losses, val] = [1, 2].map((column) => epochs.map((row) => Number(row.split(' ')[column])).filter(Number.isFinite));
  assert.equal(epochs.length, 8, `the table has every epoch: ${epochs.join(' | ')}`);
  assert.ok(losses.length >= 4, `epochs seen: ${epochs.join(' | ')}`);
  for (const l of [...losses, ...val]) assert.ok(l > 0, `a cross-entropy is never negative: ${epochs.join(' | ')}`);
  const facts = await page.locator('.test-facts').innerText();
  assert.match(facts, /test loss \(targets as given, as trained\)\s+\d/);
  assert.doesNotMatch(facts, /standardised/);
}));
