// The digits page (issue 12) as a student uses it: the MNIST digits load when the page opens;
// a short training gives a test accuracy and a confusion matrix whose cells open the digits;
// a digit drawn with the mouse, with a finger (touch: the page does not scroll) or taken from
// the slide's quiz is shown as the 28 × 28 grid the network sees, with the ten probabilities,
// the hidden layers and the saliency; an empty pad says so; a model file that does not fit the
// digits is refused and the model in use stays; the page fits a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { browser, button, field, withPage } from './harness.mjs';

const kPhone390 = { width: 390, height: 844 };
const withDigits = (body, options = {}) => withPage(body, { ...options, path: '/digits.html', ready: false });
const ready = (page) => page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });

async function setField(page, name, value) {
  await field(page, name).fill(value);
  await field(page, name).press('Tab');
}

/// Trains the default model for `epochs` epochs and waits for the test digits' results.
async function trainBriefly(page, epochs = 1) {
  await setField(page, 'epochs', String(epochs));
  await page.waitForFunction(() => !document.getElementById('train').disabled);
  await button(page, 'Train').click();
  await page.getByText(`Training ended after ${epochs} epoch${epochs === 1 ? '' : 's'}: every epoch ran.`).waitFor({ timeout: 60000 });
  await page.getByText(/^Test accuracy: /).waitFor({ timeout: 10000 });
}

/// How many of a canvas's pixels are darker than mid-grey (ink) and how many are coloured
/// (red or blue: the saliency map).
const canvasInk = (page, id) => page.evaluate((which) => {
  const c = document.getElementById(which);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let dark = 0;
  let red = 0;
  let blue = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 128 && d[i + 1] < 128 && d[i + 2] < 128) dark += 1;
    if (d[i] > 200 && d[i + 1] < 180 && d[i + 2] < 180) red += 1;
    if (d[i + 2] > 200 && d[i] < 180) blue += 1;
  }
  return { dark, red, blue };
}, id);

/// Draws a "7" on the pad with the mouse.
async function drawSeven(page) {
  const pad = page.getByRole('img', { name: 'drawing pad: draw one digit here' });
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = (x, y) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [[0.45, 0.2], [0.7, 0.2], [0.62, 0.4], [0.55, 0.6], [0.48, 0.82]]) {
    await page.mouse.move(...at(x, y), { steps: 6 });
  }
  await page.mouse.up();
  // The answer shown is the whole stroke's once nothing waits (the answers to its parts came first).
  await page.locator('#answer[aria-busy="false"]').waitFor();
}

/// The ten bars' texts: "0: 1.2 %" … (their accessible names).
const barLabels = (page) => page.locator('#bars [role="listitem"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));

test('the digits load when the page opens; a short training gives the test accuracy and a confusion matrix whose cells open the digits',
  () => withDigits(async (page) => {
    await ready(page);
    await page.getByText(/^10,000 MNIST digits loaded \(data\/digits\.bin, 7,850,016 bytes \(7\.5 MB\), fetched when this page opened\): 8,000 for training, 1,000 for validation, 1,000 for testing\.$/).waitFor();
    // The defaults are the core's (digitsModel("{}")).
    assert.equal(await field(page, 'hidden layers (units)').inputValue(), '128');
    assert.match(await page.locator('#summary').textContent(), /Total params: 101,770/);
    await trainBriefly(page, 2);
    const progress = page.getByRole('progressbar');
    assert.equal(await progress.getAttribute('value'), '2');
    assert.match(await page.locator('#history-last').innerText(), /^Epoch 2: loss [\d.]+/);
    assert.equal(await page.locator('#loss-chart canvas').count() > 0, true, 'the loss curves are drawn');
    // The curves' numbers, every epoch, as the line shows the last one.
    await page.getByText('Every epoch as a table', { exact: true }).click();
    const history = page.getByRole('table', { name: 'loss and accuracy per epoch (2 epochs)' });
    assert.deepEqual((await history.locator('thead th').allInnerTexts()).map((h) => h.trim()),
      ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy']);
    const rows = await Promise.all((await history.locator('tbody tr').all())
      .map(async (row) => (await row.locator('th, td').allInnerTexts()).map((t) => t.trim())));
    assert.deepEqual(rows.map((r) => r[0]), ['1', '2']);
    const [, loss, accuracy2, valLoss, valAccuracy] = rows[1];
    assert.equal(await page.locator('#history-last').innerText(),
      `Epoch 2: loss ${loss}, accuracy ${accuracy2}, val_loss ${valLoss}, val_accuracy ${valAccuracy}`);
    // The curves' legends, with the pointer elsewhere, read epoch 2 (not "--").
    assert.equal((await page.locator('#loss-chart .u-legend .u-value').allInnerTexts())[0], '2');
    assert.equal((await page.locator('#accuracy-chart .u-legend .u-value').allInnerTexts())[0], '2');
    const accuracy = Number((await page.getByText(/^Test accuracy: /).innerText()).match(/([\d.]+) %/)[1]);
    assert.ok(accuracy > 85, `two epochs reach more than 85 %: ${accuracy}`);

    // Every confusion cell with digits is a button; the counts add up to the 1,000 test digits.
    const matrix = page.getByRole('table', { name: /Confusion matrix/ });
    const labels = await matrix.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
    const cells = labels.map((l) => l.match(/^true (\d), answer (\d): (\d+)$/).slice(1).map(Number));
    assert.equal(cells.reduce((s, c) => s + c[2], 0), 1000);
    const wrong = cells.filter(([t, p]) => t !== p).sort((a, b) => b[2] - a[2])[0];
    assert.ok(wrong, 'some test digit is misclassified after two epochs');
    const [t, p, n] = wrong;
    await matrix.getByRole('button', { name: `true ${t}, answer ${p}: ${n}`, exact: true }).click();
    await page.getByText(`${n} test digit${n === 1 ? '' : 's'} ${t} the network took for ${p}`).waitFor();
    const shown = page.getByRole('list', { name: 'Misclassified digits' }).getByRole('img');
    assert.equal(await shown.count(), Math.min(n, 100));
    assert.match(await shown.first().getAttribute('aria-label'), new RegExp(`^test digit \\d+: a ${t}, answered ${p} with [\\d.]+ %$`));
    // The least sure digits, each with its answer and how sure.
    const unsure = page.getByRole('list', { name: 'The digits the network is least sure of' }).getByRole('img');
    assert.equal(await unsure.count(), 12);
    assert.equal(await button(page, 'Save model').isEnabled(), true);
  }));

test('a field the core refuses says why at the field, and Train waits', () => withDigits(async (page) => {
  await ready(page);
  await setField(page, 'hidden layers (units)', '256, 0');
  // The core's rule, in the field's own name (the core says digits.hidden[1]).
  await page.locator('#hidden-error').getByText(/^hidden layers \(layer 2\): expected a whole number from 1 to 4096, got 0$/).waitFor();
  assert.equal(await field(page, 'hidden layers (units)').getAttribute('aria-invalid'), 'true');
  assert.equal(await button(page, 'Train').isDisabled(), true);
  await page.getByText('Train is off until the model is valid: see the message in red above.').waitFor();
  await setField(page, 'learning rate', '0,01');
  await page.getByText('learning rate: expected a number, got "0,01" (write decimals with a point)').waitFor();
  await setField(page, 'learning rate', '0.001');
  await setField(page, 'hidden layers (units)', '256, 64');
  await setField(page, 'learning rate', '-1');
  await page.locator('#learningRate-error').getByText('learning rate: expected a number greater than 0, got -1', { exact: true }).waitFor();
  await setField(page, 'learning rate', '0.001');
  await page.waitForFunction(() => !document.getElementById('train').disabled);
  await page.getByText('Ready: press Train.').waitFor();
  assert.match(await page.locator('#summary').textContent(), /Total params: 218,058/);
}));

test('Pause, Resume and Stop; each epoch shows loss and accuracy for training and validation', () => withDigits(async (page) => {
  await ready(page);
  await setField(page, 'epochs', '50');
  await page.waitForFunction(() => !document.getElementById('train').disabled);
  await button(page, 'Train').click();
  await page.waitForFunction(() => document.getElementById('progress').value >= 1, null, { timeout: 30000 });
  await button(page, 'Pause').click();
  await page.getByText(/^Paused after epoch \d+: Resume goes on, Stop ends here\.$/).waitFor({ timeout: 30000 });
  assert.equal(await field(page, 'epochs').isDisabled(), true, 'the form waits while training is paused');
  assert.match(await page.locator('#history-last').innerText(),
    /^Epoch \d+: loss [\d.]+, accuracy [\d.]+ %, val_loss [\d.]+, val_accuracy [\d.]+ %$/);
  assert.ok(await page.locator('#accuracy-chart canvas').count() > 0, 'the accuracy curves are drawn');
  await button(page, 'Resume').click();
  await button(page, 'Stop').click();
  await page.getByText(/^Training ended after \d+ epochs?: stopped by you\.$/).waitFor({ timeout: 30000 });
  await page.getByText(/^Test accuracy: /).waitFor({ timeout: 10000 });
  assert.equal(await button(page, 'Train').isEnabled(), true);
}));

test('a digit drawn with the mouse: the 28 × 28 grid, ten probabilities, the hidden layer, the saliency; an empty pad says so',
  () => withDigits(async (page) => {
    await ready(page);
    // The empty pad: the core's message, no guess.
    await page.getByText('the image is empty: no pixel has ink (draw a digit first)').waitFor();
    await drawSeven(page);
    await page.getByText(/^Ink fitted into 20 × 20 \(scale [\d.]+\), centre of mass at row 1[34]\.\d, column 1[34]\.\d\.$/).waitFor();
    assert.ok((await canvasInk(page, 'grid')).dark > 500, 'the grid shows the ink');
    assert.match(await page.locator('#prediction').innerText(), /No trained network yet/);
    // The grid's numbers: in the table, and one cell on hover.
    await page.getByText('the 784 numbers as a table').click();
    const numbers = page.getByRole('table', { name: /grey level of each of the 28 × 28 inputs/ });
    await numbers.locator('tbody td').nth(784).waitFor();  // filled on the details' toggle event, a task later
    assert.equal(await numbers.locator('tbody td').count(), 784 + 1);
    assert.ok(await numbers.locator('td.ink').count() > 30);
    const grid = page.getByRole('img', { name: 'the 28 × 28 input the network sees' });
    await page.mouse.move(0, 0);  // the pointer away from the grid: only the keys read it
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    assert.match(await page.locator('#grid-cell').innerText(), /^Row 14, column 15: (0|1|0\.\d\d)$/);

    await trainBriefly(page, 1);
    await page.getByText(/^The network answers \d, with [\d.]+ %\.$/).waitFor();
    const bars = await barLabels(page);
    assert.equal(bars.length, 10);
    const sum = bars.reduce((s, l) => s + Number(l.match(/: ([\d.]+) %/)?.[1] ?? 0), 0);
    assert.ok(Math.abs(sum - 100) < 1, `the probabilities add up to 100 %: ${sum}`);
    assert.equal(bars.filter((l) => l.endsWith('(the answer)')).length, 1);
    const ink = await canvasInk(page, 'saliency');
    assert.ok(ink.red + ink.blue > 100, `the saliency map is coloured: ${JSON.stringify(ink)}`);
    assert.match(await page.locator('.legend').innerText(), /−[\d.e-]+ \(down\)\s+\+[\d.e-]+ \(up\)/);
    assert.match(await page.getByRole('img', { name: /^dense: \d+ of 128 units active/ }).getAttribute('aria-label'), /largest/);

    await button(page, 'Clear').click();
    await page.getByText('the image is empty: no pixel has ink (draw a digit first)').waitFor();
    assert.equal(await page.locator('#prediction').innerText(), 'No answer: there is no digit to read.');
    assert.equal((await barLabels(page)).length, 0);
    assert.equal((await canvasInk(page, 'grid')).dark, 0);
  }));

test('the slide\'s quiz digits are one click each, placed on the 28 × 28 field', () => withDigits(async (page) => {
  await ready(page);
  await trainBriefly(page, 1);
  for (const which of ['a', 'b']) {
    await button(page, `Quiz digit ${which}`).click();
    await page.getByText(`Quiz digit ${which}: the slide's 14 × 17 grid, placed on the 28 × 28 field as MNIST would.`).waitFor();
    await page.getByText(/^The network answers \d, with [\d.]+ %\.$/).waitFor();
    assert.ok((await canvasInk(page, 'grid')).dark > 200);
  }
  // A stroke after a quiz digit starts on a clean pad.
  await drawSeven(page);
  await page.getByText(/^Ink fitted into 20 × 20/).waitFor();
}));

test('a model file that does not fit the digits is refused naming the layer; the model in use stays', () => withDigits(async (page) => {
  await ready(page);
  await trainBriefly(page, 1);
  await drawSeven(page);
  await page.getByText(/^The network answers \d/).waitFor();
  const before = await barLabels(page);
  const download = page.waitForEvent('download');
  await button(page, 'Save model').click();
  const saved = JSON.parse(await readFile(await (await download).path(), 'utf8'));
  assert.equal(saved.inputs, 784);

  const spectra = { ...saved, inputs: 9 };
  delete spectra.layers;
  spectra.layers = [{ type: 'dense', units: 64, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }];
  await page.locator('#model-load').setInputFiles({ name: 'spectra.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(spectra)) });
  await page.getByText('spectra.json: not loaded: inputs: the digits need 784 inputs (28 × 28 pixels), got 9. The current model stays.').waitFor();
  const wide = { ...saved, layers: [{ type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 54 }] };
  await page.locator('#model-load').setInputFiles({ name: 'wide.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wide)) });
  await page.locator('#model-file-status').getByText(/^wide\.json: not loaded: layers\[1\] \(dense_1\): the digits need 10 outputs \(one per digit\), got 54\. The current model stays\.$/).waitFor();
  await page.locator('#model-load').setInputFiles({ name: 'text.json', mimeType: 'application/json', buffer: Buffer.from('not json') });
  await page.getByText('text.json: not loaded: the file is not JSON. The current model stays.').waitFor();
  // The drawing is answered by the same model as before.
  await button(page, 'Clear').click();
  await drawSeven(page);
  await page.getByText(/^The network answers \d/).waitFor();
  assert.deepEqual(await barLabels(page), before);

  // The saved model loads back and answers the same.
  await page.locator('#model-load').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
  await page.getByText(/^Loaded mine\.json: /).waitFor();
  await page.waitForFunction((b) => JSON.stringify([...document.querySelectorAll('#bars [role="listitem"]')].map((r) => r.getAttribute('aria-label'))) === b, JSON.stringify(before));
}));

test('on a phone a finger draws without scrolling the page, and the page fits the width', async () => {
  const context = await browser.newContext({ viewport: kPhone390, hasTouch: true, isMobile: true });
  try {
    await withDigits(async (page) => {
      await ready(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      const pad = page.getByRole('img', { name: 'drawing pad: draw one digit here' });
      await pad.scrollIntoViewIfNeeded();
      const box = await pad.boundingBox();
      const scrollBefore = await page.evaluate(() => window.scrollY);
      const cdp = await page.context().newCDPSession(page);
      const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', {
        type, touchPoints: type === 'touchEnd' ? [] : [{ x: box.x + x * box.width, y: box.y + y * box.height }],
      });
      await touch('touchStart', 0.5, 0.15);
      for (let i = 1; i <= 12; i += 1) await touch('touchMove', 0.5, 0.15 + 0.06 * i);
      await touch('touchEnd');
      await page.getByText(/^Ink fitted into 20 × 20/).waitFor();
      assert.equal(await page.evaluate(() => window.scrollY), scrollBefore, 'drawing downwards did not scroll the page');
      assert.ok((await canvasInk(page, 'grid')).dark > 100, 'the finger\'s stroke is on the grid');
    }, { context });
  } finally {
    await context.close();
  }
});
