// "Check my table" in the page (issue 4), as a student uses it: paste the slide's table (or
// upload it), press the button, read the marks and the first slip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { button, field, withPage } from './harness.mjs';

const kSlide = await readFile(new URL('../../examples/lecture-slide-eta0.1.csv', import.meta.url), 'utf8');

const checked = (page) => page.getByRole('table', { name: 'Your table, each cell checked' });
/// The accessible description of the checked cell of `column` in `row` (the engine's names).
const cell = (page, row, column) => checked(page).getByRole('cell', { name: new RegExp(`^${column.replace(/[/[\]]/g, '\\$&')}.*, row ${row}: `) });

test('the slide\'s table: rounding in row 1, the slip at z2 in row 2, marked with colour and symbol',
  () => withPage(async (page) => {
    await field(page, 'your table').fill(kSlide);
    await button(page, 'Check my table').click();
    const summary = page.locator('.check-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /^1 of 65 cells is wrong and 3 follow from it\. The first slip is z2 in row 2: 0\.5151, expected 0\.5109 \(z2 = w2·y1 \+ b2\)/);
    assert.match(await page.locator('.check-counts').innerText(),
      /51 correct\s+≈\s+10 rounding\s+✗\s+1 wrong\s+↳\s+3 follow from the slip/, 'counts add up to 65');
    const z2 = cell(page, 2, 'z2');
    assert.match(await z2.getAttribute('aria-label'), /0\.5151 is wrong\. expected 0\.5109\. z2 = w2·y1 \+ b2/);
    assert.equal(await z2.locator('.check-symbol').innerText().then((t) => t.trim()), '✗', 'a symbol, not only a colour');
    assert.equal(await cell(page, 1, 'L').locator('.check-symbol').innerText().then((t) => t.trim()), '≈');
    assert.match(await cell(page, 1, 'dL/dw1').getAttribute('aria-label'), /your ∇L\(w\/b1\)\), row 1: -0\.0168 is rounding/);
    assert.equal(await cell(page, 1, 'z2').locator('.check-symbol').innerText().then((t) => t.trim()), '✓');
    // From the start, y2 in row 2 is wrong too; step by step it follows from the slip.
    assert.equal(await cell(page, 2, 'y2').locator('.check-symbol').innerText().then((t) => t.trim()), '↳');
    await cell(page, 2, 'z2').focus();
    assert.equal(await cell(page, 2, 'z2').evaluate((e) => e === document.activeElement), true, 'cells are reachable by keyboard');
  }));

test('step by step, a slip is reported once; a bad table names its line; nothing else changes',
  () => withPage(async (page) => {
    await field(page, 'check', { exact: true });
    await page.getByLabel('check', { exact: true }).selectOption('step');
    await field(page, 'your table').fill(kSlide);
    await button(page, 'Check my table').click();
    await page.locator('.check-summary').waitFor();
    assert.match(await page.locator('.check-summary').innerText(), /3 cells follow correctly from slips/);
    assert.match(await cell(page, 2, 'y2').getAttribute('aria-label'), /follows from row 2's z2/);

    await field(page, 'your table').fill('step,w1,b1\n1,0.5\n');
    await button(page, 'Check my table').click();
    const error = page.getByRole('alert').filter({ hasText: 'line 2' });
    await error.waitFor();
    assert.match(await error.innerText(), /line 2/);
    assert.equal(await page.locator('#diverged').innerText(), '', 'the training table is untouched');

    await field(page, 'your table').fill('step,w1\n1,0,5\n');
    await button(page, 'Check my table').click();
    await page.getByRole('alert').filter({ hasText: /decimal/ }).waitFor();
  }));

test('a table can be uploaded as a file', () => withPage(async (page) => {
  await page.locator('#check-file').setInputFiles({
    name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(kSlide),
  });
  await page.locator('.check-summary').waitFor();
  assert.equal(await field(page, 'your table').inputValue(), kSlide, 'the text is shown to edit');
  assert.match(await page.locator('.check-summary').innerText(), /The first slip is z2 in row 2/);
}));

test('Assignment 4: the lecture network fails two requirements and says why; a 2-4-1 passes',
  () => withPage(async (page) => {
    await button(page, 'Check Assignment 4').click();
    const list = page.getByRole('list').filter({ has: page.getByRole('listitem', { name: /^At least 5 neurons/ }) });
    await list.waitFor();
    const item = (title) => list.getByRole('listitem', { name: new RegExp(`^${title}`) });
    assert.match(await item('At least 5 neurons').getAttribute('aria-label'), /failed$/);
    assert.match(await item('At least 5 neurons').innerText(), /2 neurons/);
    assert.match(await item('ReLU or sigmoid used').getAttribute('aria-label'), /passed$/);
    assert.match(await item('The loss falls monotonically').getAttribute('aria-label'), /passed$/);
    const rises = item('Some learning rate > 0.1 makes the loss rise');
    assert.match(await rises.getAttribute('aria-label'), /failed$/);
    assert.match(await rises.innerText(), /target y = 1 lies on its bound/);

    // The passing example, loaded as a student would: Import session.
    await page.locator('#session-import').setInputFiles(new URL('../../examples/assignment-pass.json', import.meta.url).pathname);
    await page.locator('#session-status').getByText(/^Loaded /).waitFor();
    await button(page, 'Check Assignment 4').click();
    await page.locator('.check-summary.all-good').waitFor();
    assert.match(await item('Some learning rate > 0.1 makes the loss rise').innerText(), /At η = 9\.58\d? the loss first rises at step 10/);
  }));
