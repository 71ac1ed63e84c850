// Building a network in the page and keeping it (issue 3), driven as a person would: the
// builder's labelled boxes, the column chooser, row selection, pasted data, exports, import,
// share links and the autosave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  browser, build231, button, enter, field, foldedLink, kB1, kB2, kW1, kW2, kX, kY, origin, readTable, rowCount,
  trace, withPage,
} from './harness.mjs';


/// Step 1 of the 2-3-1 network by hand: z1 = W1·x + b1, y1 = tanh z1, z2 = w2·y1 + b2,
/// ŷ = σ(z2), L = ½(ŷ − y)².
function handStep1() {
  const z1 = kW1.map((row, j) => row[0] * kX[0] + row[1] * kX[1] + kB1[j]);
  const y1 = z1.map(Math.tanh);
  const z2 = kW2.reduce((sum, w, i) => sum + w * y1[i], kB2);
  const y2 = 1 / (1 + Math.exp(-z2));
  return { z1, y1, z2, y2, L: 0.5 * (y2 - kY) ** 2 };
}

const sessionStatus = (page) => page.locator('#session-status');

test('a 2-3-1 network built with the controls gives the hand-computed first step', () => withPage(async (page) => {
  await build231(page);
  await button(page, 'Step').click();
  const { headers, rows } = await readTable(page);
  assert.equal(rows.length, 1);
  assert.deepEqual(headers.slice(0, 7), ['step', 'w1[1,1]', 'w1[1,2]', 'w1[2,1]', 'w1[2,2]', 'w1[3,1]', 'w1[3,2]']);
  assert.ok(headers.includes('∂L/∂w2[1,3]'));
  const hand = handStep1();
  assert.equal(rows[0]['w1[3,2]'], '0.6000');
  assert.equal(rows[0]['z1[1]'], hand.z1[0].toFixed(4));
  assert.equal(rows[0]['y1[3]'], hand.y1[2].toFixed(4));
  assert.equal(rows[0].z2, hand.z2.toFixed(4));
  assert.equal(rows[0].y2, hand.y2.toFixed(4));
  assert.equal(rows[0].L, hand.L.toFixed(4));
  await button(page, 'Run 10 steps').click();
  assert.equal(await rowCount(page), 11);
}));

test('the column chooser hides and shows kinds of columns', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await page.getByLabel('gradients', { exact: true }).uncheck();
  let { headers } = await readTable(page);
  assert.deepEqual(headers, ['step', 'w1', 'b1', 'z1', 'y1', 'w2', 'b2', 'z2', 'y2', 'L']);
  await page.getByLabel('sums z', { exact: true }).uncheck();
  await page.getByLabel('weights w', { exact: true }).uncheck();
  ({ headers } = await readTable(page));
  assert.deepEqual(headers, ['step', 'b1', 'y1', 'b2', 'y2', 'L']);
  await page.getByLabel('gradients', { exact: true }).check();
  ({ headers } = await readTable(page));
  assert.deepEqual(headers, ['step', 'b1', 'y1', '∂L/∂w1', '∂L/∂b1', 'b2', 'y2', '∂L/∂w2', '∂L/∂b2', 'L']);
}));

test('selecting a row shows that step in the graph and the equations', () => withPage(async (page) => {
  await button(page, 'Run 10 steps').click();
  assert.equal(await page.locator('#graph-step').innerText(), 'at step 10');
  await trace(page).locator('tbody tr[data-step="2"]').click();
  assert.equal(await trace(page).locator('tbody tr[aria-selected="true"]').getAttribute('data-step'), '2');
  assert.equal(await page.locator('#graph-step').innerText(), 'at step 2');
  assert.equal(await page.locator('#equations-step').innerText(), 'at step 2');
  await page.keyboard.press('ArrowDown');
  assert.equal(await trace(page).locator('tbody tr[aria-selected="true"]').getAttribute('data-step'), '3');
  assert.equal(await page.locator('#graph-step').innerText(), 'at step 3');
  await page.keyboard.press('Home');
  assert.equal(await page.locator('#equations-step').innerText(), 'at step 1');
  await button(page, 'Step').click();
  assert.equal(await page.locator('#graph-step').innerText(), 'at step 11', 'a new row is shown');
}));

test('data pasted from a spreadsheet becomes the samples; bad paste names the line', () => withPage(async (page) => {
  await page.getByText('Paste from a spreadsheet').click();
  await field(page, 'pasted data').fill('x\ty\n1\t1\n0.5\t0\n-1\t0.25\n');
  await button(page, 'Use pasted data').click();
  assert.equal(await field(page, 'x[3,1]').inputValue(), '-1');
  assert.equal(await field(page, 'y[2,1]').inputValue(), '0');
  await button(page, 'Step').click();
  const { headers } = await readTable(page);
  assert.ok(headers.includes('z1@3'), 'z per sample');
  await field(page, 'pasted data').fill('1\t1\n2,5\t0');
  await button(page, 'Use pasted data').click();
  const message = page.locator(`#${await field(page, 'pasted data').getAttribute('aria-describedby')}`);
  assert.equal(await message.innerText(),
    'pasted data, line 2, column 1: expected a number, got "2,5" (write decimals with a point)');
  assert.equal(await field(page, 'x[3,1]').inputValue(), '-1', 'the data stays');
}));

test('the page states its limits and refuses more, naming the control', () => withPage(async (page) => {
  await button(page, 'Step').click();
  const before = await trace(page).innerText();
  await enter(page, 'units of layer 1', '40');
  const units = field(page, 'units of layer 1');
  assert.equal(await units.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator(`#${await units.getAttribute('aria-describedby')}`).innerText(),
    'units of layer 1: expected a whole number from 1 to 32, got "40"');
  assert.equal(await trace(page).innerText(), before);
  assert.match(await page.locator('.limit-note').innerText(), /8 layers of 32 units, 256 samples, 1000 steps/);
  for (let i = 0; i < 8; i += 1) {
    const add = button(page, 'Add layer');
    if (await add.isDisabled()) break;
    await add.click();
  }
  assert.equal(await page.getByRole('group', { name: /^Layer \d/ }).count(), 8);
  assert.equal(await button(page, 'Add layer').isDisabled(), true);
}));

test('Randomise draws the weights from the seed, the same seed the same weights', () => withPage(async (page) => {
  await enter(page, 'seed', '7');
  await button(page, 'Randomise').click();
  const first = [await field(page, 'w1').inputValue(), await field(page, 'w2').inputValue()];
  assert.notDeepEqual(first, ['0.5', '0.8']);
  assert.equal(await field(page, 'b1').inputValue(), '0');
  await enter(page, 'seed', '8');
  await button(page, 'Randomise').click();
  assert.notEqual(await field(page, 'w1').inputValue(), first[0]);
  await enter(page, 'seed', '7');
  await button(page, 'Randomise').click();
  assert.deepEqual([await field(page, 'w1').inputValue(), await field(page, 'w2').inputValue()], first);
  await enter(page, 'seed', 'x');
  assert.equal(await field(page, 'seed').getAttribute('aria-invalid'), 'true');
}));

test('the table downloads as CSV, Markdown and LaTeX', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await button(page, 'Step').click();
  const expected = {
    csv: /^step,w1,b1,z1,y1,dL\/dw1,dL\/db1,w2,b2,z2,y2,dL\/dw2,dL\/db2,L\n1,0\.5000,/,
    markdown: /^\| step \| w1 \|/,
    latex: /\\begin\{tabular\}/,
  };
  for (const [format, pattern] of Object.entries(expected)) {
    await page.getByLabel('table format', { exact: true }).selectOption(format);
    const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Download table').click()]);
    const text = await readFile(await download.path(), 'utf8');
    assert.match(text, pattern, format);
    assert.equal(text.includes('0.0703'), true, `${format} holds row 2's loss`);
  }
}));

test('an exported session imports back to the same state; a bad file is refused', () => withPage(async (page) => {
  await build231(page);
  await button(page, 'Run 10 steps').click();
  const before = await trace(page).innerText();
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Export session').click()]);
  const path = await download.path();
  const session = JSON.parse(await readFile(path, 'utf8'));
  assert.equal(session.steps, 10);
  assert.deepEqual(session.layers[0].weights, kW1);
  await button(page, 'Reset to the lecture example').click();
  assert.equal(await field(page, 'w1').inputValue(), '0.5');
  await page.locator('#session-import').setInputFiles(path);
  await sessionStatus(page).getByText(/^Loaded /).waitFor();
  assert.equal(await field(page, 'w1[3,2]').inputValue(), '0.6');
  assert.equal(await trace(page).innerText(), before);

  await page.locator('#session-import').setInputFiles({
    name: 'big.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...session, layers: [{ units: 40, activation: 'relu' }, { units: 1, activation: 'sigmoid' }] })),
  });
  await sessionStatus(page).getByText(/not loaded/).waitFor();
  assert.equal(await sessionStatus(page).innerText(),
    'big.json: not loaded: layers[0].units: the page allows at most 32 units per layer, got 40');
  await page.locator('#session-import').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"inputs": [[1]') });
  await sessionStatus(page).getByText(/not JSON/).waitFor();
  assert.equal(await trace(page).innerText(), before, 'nothing was lost');
}));

test('a share link opens the same session in a new tab', async () => {
  let link;
  let before;
  await withPage(async (page) => {
    await build231(page);
    await button(page, 'Step').click();
    await button(page, 'Step').click();
    before = await trace(page).innerText();
    await button(page, 'Copy share link').click();
    link = await field(page, 'share link').inputValue();
  });
  assert.match(link, /#session=[A-Za-z0-9_-]+$/);
  await withPage(async (page) => {
    await sessionStatus(page).getByText('Loaded the session from the link.').waitFor();
    assert.equal(await field(page, 'w2[1,3]').inputValue(), '0.9');
    assert.equal(await trace(page).innerText(), before);
  }, { path: link.slice(origin.length) });
});

test('a damaged or hostile link shows a message, runs nothing and loads the lecture', async () => {
  const links = {
    '/#<img src=x onerror="window.pwned=1">': "the link's fragment is not a shared session",
    '/#session=<img%20src=x%20onerror=window.pwned=1>': 'it holds characters that are not base64url',
    '/#session=bm90IGpzb24': 'it is not JSON',
    [`/#session=${Buffer.from('{"inputs":[[1]],"targets":[[1]],"layers":[{"units":1,"activation":"<b>x</b>"}]}').toString('base64url')}`]:
      'layers[0].activation: expected one of sigmoid',
  };
  for (const [path, reason] of Object.entries(links)) {
    await withPage(async (page) => {
      const status = sessionStatus(page);
      await status.getByText(/could not be loaded/).waitFor();
      assert.ok((await status.innerText()).includes(reason), `${path}: ${await status.innerText()}`);
      assert.match(await status.innerText(), /The lecture example is shown instead\.$/);
      assert.equal(await page.evaluate(() => window.pwned), undefined);
      assert.equal(await page.locator('main img, main b').count(), 0, 'nothing was inserted as HTML');
      assert.equal(await field(page, 'w1').inputValue(), '0.5');
      assert.equal(await page.evaluate(() => location.hash), '', 'the bad fragment is dropped');
    }, { path });
  }
});

test('a reload restores the session; Reset to the lecture example is always there', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await withPage(async (page) => {
      await enter(page, 'w1', '0.3');
      await page.getByLabel('loss', { exact: true }).selectOption('mse');
      await button(page, 'Step').click();
      await button(page, 'Step').click();
      await field(page, 'decimals').fill('6');
    }, { context });
    await withPage(async (page) => {
      assert.equal(await field(page, 'w1').inputValue(), '0.3');
      assert.equal(await page.getByLabel('loss', { exact: true }).inputValue(), 'mse');
      assert.equal(await rowCount(page), 2);
      assert.equal(await field(page, 'decimals').inputValue(), '6');
      assert.equal((await readTable(page)).rows[0].w1, '0.300000');
      await button(page, 'Reset to the lecture example').click();
      assert.equal(await field(page, 'w1').inputValue(), '0.5');
      assert.equal(await rowCount(page), 0);
    }, { context });
    await withPage(async (page) => {
      assert.equal(await field(page, 'w1').inputValue(), '0.5', 'the reset was saved too');
    }, { context });
  } finally {
    await context.close();
  }
});

test('a large layer\'s weight boxes are folded until opened; a fold with a message in it opens again', () => {
  // harness.mjs foldedLink: layer 2 (272 boxes) is folded, layers 1 and 3 are not.
  const fold = (page) => page.locator('summary', { hasText: 'Layer 2: weights w2 and biases b2 — 272 boxes' });
  return withPage(async (page) => {
    await page.locator('#session-status').getByText('Loaded the session from the link.').waitFor();
    assert.equal(await rowCount(page), 2);
    assert.match(await field(page, 'w1[16,4]').inputValue(), /^-?\d/, 'layer 1 (80 boxes) is open');
    assert.match(await field(page, 'w3[1,16]').inputValue(), /^-?\d/, 'layer 3 (17 boxes) is open');
    assert.equal(await page.getByLabel('w2[1,1]', { exact: true }).count(), 0, 'layer 2 is folded');
    await fold(page).click();
    const w = field(page, 'w2[1,1]');
    assert.match(await w.inputValue(), /^-?\d+\.\d+$/, 'opened, its boxes hold the session\'s weights');
    assert.equal(await page.getByRole('textbox', { name: /^w2\[/ }).count(), 256);
    // A change of the layers draws the builder again: the open fold stays open.
    await page.getByRole('group', { name: 'Layer 3' }).getByLabel('activation').selectOption('tanh');
    await page.getByRole('group', { name: 'Layer 3' }).getByLabel('activation').evaluate((e) => e.blur());
    assert.equal(await w.isVisible(), true, 'still open after the builder was drawn again');
    await w.fill('abc');
    await w.press('Enter');
    const message = 'w2[1,1]: expected a number, got "abc"';
    assert.equal(await page.locator(`#${await w.getAttribute('aria-describedby')}`).innerText(), message);
    // Folded again by hand, the message is hidden; the next change in the builder opens it.
    await fold(page).click();
    assert.equal(await w.isVisible(), false);
    await enter(page, 'w1[1,1]', '0.25');
    assert.equal(await w.isVisible(), true, 'its fold opened for the message');
    assert.equal(await w.inputValue(), 'abc');
    assert.equal(await page.locator(`#${await w.getAttribute('aria-describedby')}`).innerText(), message);
  }, { path: foldedLink() });
});
