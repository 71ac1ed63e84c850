// Tutor mode in the page (issue 4), as a student uses it: start the tutor, type the next
// step's numbers in the lecture's order, get a slip and the formula after a wrong try, reveal
// one, reload and find the progress kept, finish the step and add it to the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { button, field, rowCount, waitEnabled, withPage } from './harness.mjs';

const feedback = (page) => page.locator('#tutor-feedback');

/// Types `text` into the tutor's box labelled `label` and presses Enter.
async function answer(page, label, text) {
  const input = field(page, label);
  await input.fill(text);
  await input.press('Enter');
}

/// Types a right value and waits for the next cell's box.
async function right(page, label, text, next) {
  await answer(page, label, text);
  if (next) await field(page, next).waitFor();
}

test('the lecture\'s step 1 worked out cell by cell: wrong, hint, reveal, reload, done', () => withPage(async (page) => {
  await button(page, 'Start the tutor').click();
  await field(page, 'z1 (step 1)').waitFor();
  assert.equal(await button(page, 'Step').isDisabled(), true, 'Step would show the hidden row');
  assert.match(await page.locator('#controls-note').innerText(), /The tutor is hiding step 1/);
  assert.match(await page.locator('#rates').innerText(), /Hidden while the tutor is on/);
  assert.match(await page.locator('.tutor-given').innerText(), /w1 = 0\.5000, b1 = 0\.0000, w2 = 0\.8000, b2 = 0\.0000; η = 0\.1/);
  assert.equal(await page.locator('.tutor-cell.is-later').count(), 12, 'the other 12 numbers are hidden');

  // A wrong try: the verdict, no value given away, and the formula as a hint.
  await answer(page, 'z1 (step 1)', '0.4');
  await feedback(page).getByText('z1 = 0.4 is not right.').waitFor();
  assert.match(await page.locator('.tutor-hint').innerText(), /Hint: z1 = w1·x \+ b1/);
  assert.doesNotMatch(await feedback(page).innerText(), /0\.5000/);
  await right(page, 'z1 (step 1)', '0.5000', 'y1 (step 1)');
  assert.match(await feedback(page).innerText(), /z1 = 0\.5000: right\./);
  assert.equal(await page.locator('.tutor-hint').count(), 0, 'the hint goes with the wrong try');

  // y1 written as z1: the slip is named.
  await answer(page, 'y1 (step 1)', '0.5000');
  await feedback(page).getByText(/is not right/).waitFor();
  assert.match(await feedback(page).innerText(), /σ|activation/i);
  assert.match(await page.locator('.tutor-hint').innerText(), /y1 = σ\(z1\)/);
  await button(page, 'Reveal').click();
  await field(page, 'z2 (step 1)').waitFor();
  assert.match(await feedback(page).innerText(), /y1 = 0\.6225, revealed/);
  await right(page, 'z2 (step 1)', '0.4980', 'y2 (step 1)');

  // Reload: the page comes back with the tutor on this very cell.
  await page.reload();
  await field(page, 'y2 (step 1)').waitFor({ timeout: 10000 });
  assert.equal(await button(page, 'Stop the tutor').getAttribute('aria-pressed'), 'true');
  const done = await page.locator('.tutor-cell:not(.is-later):not(.is-current)').allInnerTexts();
  assert.deepEqual(done.map((t) => t.replace(/\s+/g, ' ').trim()),
    ['z1 = 0.5000 ✓ right', 'y1 = 0.6225 ◐ revealed', 'z2 = 0.4980 ✓ right']);

  await right(page, 'y2 (step 1)', '0.6220', 'L (step 1)');
  await right(page, 'L (step 1)', '0.0714', '∂L/∂w2 (step 1)');
  await right(page, '∂L/∂w2 (step 1)', '-0.0553', '∂L/∂b2 (step 1)');
  await right(page, '∂L/∂b2 (step 1)', '-0.0889', '∂L/∂w1 (step 1)');
  await right(page, '∂L/∂w1 (step 1)', '−0.0167', '∂L/∂b1 (step 1)');  // a typeset minus
  await right(page, '∂L/∂b1 (step 1)', '-0.0168', 'w1 for step 2');  // within rounding
  assert.match(await feedback(page).innerText(), /right within rounding/);
  await right(page, 'w1 for step 2', '0.5017', 'b1 for step 2');
  await right(page, 'b1 for step 2', '0.0017', 'w2 for step 2');
  await right(page, 'w2 for step 2', '0.8055', 'b2 for step 2');
  await right(page, 'b2 for step 2', '0.0089');
  await page.locator('.tutor-summary').waitFor();
  assert.equal(await page.locator('.tutor-summary').innerText(),
    'Step 1 is worked out: 11 right, 1 within rounding, 1 revealed.');
  assert.equal(await rowCount(page), 0, 'the table still hides step 1');

  await button(page, 'Add step 1 to the table').click();
  await field(page, 'z1 (step 2)').waitFor();
  assert.equal(await rowCount(page), 1);
  assert.match(await page.locator('.tutor-given').innerText(), /w1 = 0\.5017, b1 = 0\.0017, w2 = 0\.8055, b2 = 0\.0089/);

  await button(page, 'Stop the tutor').click();
  await waitEnabled(button(page, 'Step'));
  assert.equal(await page.locator('.tutor-cell').count(), 0);
}));

test('bad input in the tutor: said at the box, not counted, nothing lost', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await button(page, 'Start the tutor').click();
  await field(page, 'z1 (step 2)').waitFor();
  await answer(page, 'z1 (step 2)', 'abc');
  await feedback(page).getByText('z1 (step 2): expected a number, got "abc".').waitFor();
  assert.equal(await page.locator('.tutor-hint').count(), 0, 'not a try: no hint');
  await answer(page, 'z1 (step 2)', '0,5034');
  await feedback(page).getByText(/decimal comma; use a decimal point \(0\.5034\)/).waitFor();
  await answer(page, 'z1 (step 2)', '0.50');
  await feedback(page).getByText(/write 4 decimals, as the table does/).waitFor();
  assert.equal(await rowCount(page), 1, 'the table keeps its row');
  // Fewer decimals in the table: the tutor asks for as many.
  await field(page, 'decimals').fill('2');
  await field(page, 'z1 (step 2)').waitFor();
  await right(page, 'z1 (step 2)', '0.50', 'y1 (step 2)');
}));

// Issue 10 item 5: started from the keyboard, the tutor puts the caret in its first box, so the
// first number and Enter are checked (not "Stop the tutor" pressed); the equations panel says
// why there are no equations yet instead of asking for a Step that is disabled.
test('Enter on "Start the tutor", type the first number, Enter: it is checked and the tutor stays on', () => withPage(async (page) => {
  await button(page, 'Start the tutor').focus();
  await page.keyboard.press('Enter');
  await field(page, 'z1 (step 1)').waitFor();
  assert.equal(await field(page, 'z1 (step 1)').evaluate((box) => box === document.activeElement), true,
    'the first answer box has the focus');
  await page.keyboard.type('0.5000');
  await page.keyboard.press('Enter');
  await feedback(page).getByText('z1 = 0.5000: right.').waitFor();
  assert.equal(await button(page, 'Stop the tutor').getAttribute('aria-pressed'), 'true');
  await field(page, 'y1 (step 1)').waitFor();

  const equations = page.getByRole('region', { name: /^Gradient equations/ });
  const text = await equations.innerText();
  assert.doesNotMatch(text, /Press Step/, 'Step is disabled while the tutor is on');
  assert.match(text, /The tutor is hiding step 1/);
  assert.equal(await button(page, 'Step').isDisabled(), true);

  await button(page, 'Stop the tutor').click();
  await waitEnabled(button(page, 'Step'));
  assert.match(await equations.innerText(), /Press Step to compute step 1/);
}));
