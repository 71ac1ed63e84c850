// The lecture page in headless Chromium, driven like a person: labelled fields, named buttons,
// the table's cells (issue 2: the lecture's worked example end to end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertRow, browser, button, enter, field, kArtifacts, kDesktop, kPhone, origin, readTable,
  rowCount, tableText, trace, withPage,
} from './harness.mjs';

// The lecture's rows for η = 0.1 (lecture.md section 3), by column header.
const kRow1 = {
  step: '1', w1: '0.5000', b1: '0.0000', z1: '0.5000', y1: '0.6225', '∂L/∂w1': '-0.0167',
  w2: '0.8000', b2: '0.0000', z2: '0.4980', y2: '0.6220', '∂L/∂w2': '-0.0553', '∂L/∂b2': '-0.0889',
  L: '0.0714',
};
const kRow2 = {
  step: '2', w1: '0.5017', b1: '0.0017', z1: '0.5033', y1: '0.6232', '∂L/∂w1': '-0.0166',
  w2: '0.8055', b2: '0.0089', z2: '0.5109', y2: '0.6250', '∂L/∂w2': '-0.0548', '∂L/∂b2': '-0.0879',
  L: '0.0703',
};
const kHeaders = ['step', 'w1', 'b1', 'z1', 'y1', '∂L/∂w1', '∂L/∂b1',
  'w2', 'b2', 'z2', 'y2', '∂L/∂w2', '∂L/∂b2', 'L'];

test('the page opens on the lecture example with an empty table', () => withPage(async (page) => {
  const expected = { x: '1', y: '1', w1: '0.5', b1: '0', w2: '0.8', b2: '0', 'learning rate': '0.1' };
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(await field(page, name).inputValue(), value, name);
  }
  assert.equal(await field(page, 'decimals').inputValue(), '4');
  const { headers, rows } = await readTable(page);
  assert.deepEqual(headers, kHeaders);
  assert.equal(rows.length, 0);
  assert.match(await tableText(page), /Press Step to compute step 1/);
  assert.equal(await button(page, 'Back').isDisabled(), true);
  assert.equal(await button(page, 'Run 10 steps').isEnabled(), true);
  assert.doesNotMatch(await page.locator('#status').innerText(), /Loading/);
  assert.equal(await trace(page).locator('caption').count(), 1);
  assert.equal(await trace(page).locator('thead th[scope="col"]').count(), kHeaders.length);
  assert.equal(await trace(page).locator('thead th:has(sub)').count(), 12, 'layer numbers are subscripts');
}));

test('Step shows the lecture rows 1 and 2; Run, Back and Reset change the row count',
  () => withPage(async (page) => {
    await button(page, 'Step').click();
    let { rows } = await readTable(page);
    assert.equal(rows.length, 1);
    assertRow(rows[0], kRow1);
    assert.match(await page.locator('#loss-summary').innerText(), /Step 1: L = 0\.0714/);

    await button(page, 'Step').click();
    ({ rows } = await readTable(page));
    assert.equal(rows.length, 2);
    assertRow(rows[0], kRow1);
    assertRow(rows[1], kRow2);
    assert.match(await page.locator('#loss-summary').innerText(), /Step 2: L = 0\.0703 — the loss fell from 0\.0714 at step 1/);

    await button(page, 'Run 10 steps').click();
    assert.equal(await rowCount(page), 12);
    await page.screenshot({ path: `${kArtifacts}page-desktop.png`, fullPage: true });
    await button(page, 'Back').click();
    assert.equal(await rowCount(page), 11);
    assert.equal((await readTable(page)).rows.at(-1).step, '11');
    await button(page, 'Reset').click();
    assert.equal(await rowCount(page), 0);
    assert.match(await tableText(page), /Press Step to compute step 1/);
    assert.equal(await button(page, 'Back').isDisabled(), true);
    assert.equal(await field(page, 'w1').inputValue(), '0.5', 'Reset keeps the values');
  }));

test('typing new values recomputes the table, keeping its rows', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await button(page, 'Step').click();
  await enter(page, 'w1', '0.3');
  await enter(page, 'learning rate', '10');
  const { rows } = await readTable(page);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].w1, '0.3000');
  assert.equal(rows[0].w2, '0.8000');
  assert.notEqual(rows[1].w1, '0.3000', 'step 2 starts from the updated w1');
  assert.notEqual(rows[1].w2, kRow2.w2, 'η = 10 moves w2 further than η = 0.1');

  await button(page, 'Reset').click();
  assert.equal(await rowCount(page), 0);
  assert.equal(await field(page, 'w1').inputValue(), '0.3');
  await button(page, 'Step').click();
  assert.equal((await readTable(page)).rows[0].w1, '0.3000', 'Reset keeps the typed values');
}));

test('leaving a field applies it, as Enter does', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await field(page, 'b1').fill('0.25');
  await button(page, 'Step').click(); // the field's change event comes first
  const { rows } = await readTable(page);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].b1, '0.2500');
}));

test('the η presets load the lecture example at that rate with 5 rows', () => withPage(async (page) => {
  await enter(page, 'w1', 'abc');
  for (const [name, rate] of [['η = 1', '1'], ['η = 10', '10'], ['η = 0.1', '0.1']]) {
    await button(page, name).click();
    assert.equal(await field(page, 'learning rate').inputValue(), rate, name);
    assert.equal(await field(page, 'w1').inputValue(), '0.5');
    assert.equal(await field(page, 'w1').getAttribute('aria-invalid'), null);
    const { rows } = await readTable(page);
    assert.equal(rows.length, 5, name);
    assertRow(rows[0], { w1: '0.5000', w2: '0.8000', L: '0.0714' });
  }
  assertRow((await readTable(page)).rows[1], kRow2);
}));

test('a value that is not a number gets a message; the last good table stays', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await button(page, 'Step').click();
  const before = await tableText(page);
  const w1 = field(page, 'w1');
  for (const text of ['', 'abc', '1e999', '1,5']) {
    await enter(page, 'w1', text);
    assert.equal(await w1.getAttribute('aria-invalid'), 'true', text);
    const messageId = await w1.getAttribute('aria-describedby');
    const message = page.locator(`#${messageId}`);
    assert.equal(await message.isVisible(), true);
    assert.equal(await message.innerText(), `w1: expected a number, got "${text}"`);
    assert.equal(await tableText(page), before, `the table is unchanged after "${text}"`);
    assert.equal(await button(page, 'Step').isDisabled(), true);
    assert.equal(await button(page, 'Run 10 steps').isDisabled(), true);
    assert.match(await page.locator('#controls-note').innerText(), /wait until every field holds a valid value/);
  }
  await enter(page, 'w1', '0.5');
  assert.equal(await w1.getAttribute('aria-invalid'), null);
  assert.equal(await w1.getAttribute('aria-describedby'), null);
  assert.equal(await page.locator('.field-error:visible').count(), 0);
  assert.equal(await page.locator('#controls-note').isVisible(), false);
  assert.equal(await tableText(page), before);
  await button(page, 'Step').click();
  assert.equal(await rowCount(page), 3);
}));

test('the learning rate must be greater than 0', () => withPage(async (page) => {
  const rate = field(page, 'learning rate');
  for (const text of ['0', '-1']) {
    await enter(page, 'learning rate', text);
    assert.equal(await rate.getAttribute('aria-invalid'), 'true');
    const message = page.locator(`#${await rate.getAttribute('aria-describedby')}`);
    assert.equal(await message.innerText(), `learning rate: must be greater than 0, got ${text}`);
    assert.equal(await button(page, 'Step').isDisabled(), true);
  }
  await enter(page, 'learning rate', '1');
  assert.equal(await rate.getAttribute('aria-invalid'), null);
  assert.equal(await button(page, 'Step').isEnabled(), true);
}));

test('divergence is reported at its step, with no rows of NaN', () => withPage(async (page) => {
  await enter(page, 'x', '1e200');
  await enter(page, 'w1', '1e200');
  await button(page, 'Step').click();
  const alert = page.locator('#diverged');
  assert.match(await alert.innerText(), /^Diverged at step 1: \S/);
  assert.equal(await rowCount(page), 0);
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(await tableText(page), /NaN|Infinity|inf/i);
  assert.doesNotMatch(text, /NaN|Infinity/);
  assert.equal(await button(page, 'Step').isDisabled(), true, 'no more steps after divergence');
  await page.screenshot({ path: `${kArtifacts}page-diverged.png`, fullPage: true });

  await enter(page, 'w1', '0.5'); // z1 = 0.5e200 is finite; stays at one step
  assert.equal(await alert.innerText(), '');
  assert.equal(await rowCount(page), 1);
}));

test('divergence after some steps keeps the rows before it', () => withPage(async (page) => {
  // z1 = w1·x = 1 at step 1, but ∂L/∂w1 ∝ x is huge, so the updated w1·x overflows at step 2.
  await enter(page, 'x', '1e300');
  await enter(page, 'w1', '1e-300');
  await button(page, 'Run 10 steps').click();
  assert.match(await page.locator('#diverged').innerText(), /^Diverged at step 2: \S/);
  assert.equal(await rowCount(page), 1);
  assert.doesNotMatch(await tableText(page), /NaN|Infinity/);
  await button(page, 'Back').click();
  assert.equal(await rowCount(page), 1);
  assert.equal(await page.locator('#diverged').innerText(), '');
  assert.equal(await button(page, 'Step').isEnabled(), true);
}));

test('the decimals control sets the digits shown', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await field(page, 'decimals').fill('6');
  const { rows } = await readTable(page);
  assert.equal(rows[0].w1, '0.500000');
  assert.equal(rows[0].L, '0.071449');
  for (const [header, value] of Object.entries(rows[0])) {
    if (header !== 'step') assert.match(value, /^-?\d+\.\d{6}$/, header);
  }
  await field(page, 'decimals').fill('0');
  assert.equal((await readTable(page)).rows[0]['∂L/∂w1'], '0', 'no "-0"');
}));

test('the keyboard reaches Step; Enter and Space press it', () => withPage(async (page) => {
  // The controls before Step are many (the whole network), so come back from the decimals.
  await field(page, 'decimals').focus();
  for (let i = 0; i < 10 && !(await button(page, 'Step').evaluate((b) => b === document.activeElement)); i += 1) {
    await page.keyboard.press('Shift+Tab');
  }
  assert.equal(await button(page, 'Step').evaluate((b) => b === document.activeElement), true);
  await page.keyboard.press('Enter');
  assert.equal(await rowCount(page), 1);
  await page.keyboard.press('Space');
  assert.equal(await rowCount(page), 2);
  assertRow((await readTable(page)).rows[1], kRow2);
}));

test('after Run the newest row is scrolled into view inside the table box', () => withPage(async (page) => {
  for (let i = 0; i < 5; i += 1) await button(page, 'Run 10 steps').click();
  assert.equal(await rowCount(page), 50);
  const box = page.getByRole('region', { name: 'Training trace, one row per step' });
  const last = trace(page).locator('tbody tr[data-step="50"]');
  const [boxRect, rowRect] = await Promise.all([box.boundingBox(), last.boundingBox()]);
  assert.ok(rowRect.y + rowRect.height <= boxRect.y + boxRect.height + 1, 'row 50 is visible');
  assert.ok(rowRect.y >= boxRect.y, 'row 50 is below the top of the box');
}));

test('on a phone the page fits the width and the table scrolls inside its box',
  () => withPage(async (page) => {
    await button(page, 'Run 10 steps').click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    const box = page.getByRole('region', { name: 'Training trace, one row per step' });
    assert.ok(await box.evaluate((e) => e.scrollWidth > e.clientWidth), 'the table scrolls sideways');
    await page.screenshot({ path: `${kArtifacts}page-phone.png`, fullPage: true });
  }, { viewport: kPhone }));

test('if the engine cannot load, the page says so and the buttons stay disabled', async () => {
  const context = await browser.newContext({ viewport: kDesktop });
  const page = await context.newPage();
  try {
    await page.route('**/nntutor_wasm.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(`${origin}/`);
    await page.locator('#status').getByText(/could not be loaded/).waitFor();
    assert.equal(await button(page, 'Step').isDisabled(), true);
    assert.equal(await button(page, 'η = 10').isDisabled(), true);
  } finally {
    await context.close();
  }
});

test('on a phone a wrong number\'s message comes into view under its box, and Step waits', () => withPage(async (page) => {
  await enter(page, 'learning rate', '1e999');
  const message = page.getByText('learning rate: expected a number, got "1e999"');
  await message.waitFor();
  const { bottom, height } = await message.evaluate((el) => ({ bottom: el.getBoundingClientRect().bottom, height: innerHeight }));
  assert.ok(bottom <= height + 1, `the message ends at ${bottom}px, below the screen's ${height}px`);
  assert.equal(await field(page, 'learning rate').getAttribute('aria-invalid'), 'true');
  assert.equal(await button(page, 'Step').isDisabled(), true);
}, { viewport: { width: 390, height: 844 } }));
