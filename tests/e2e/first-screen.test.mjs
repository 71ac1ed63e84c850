// The student's first screen (issue 10, item 3): on a 1366 × 900 laptop the lecture's boxes,
// Step / Run 10 steps / Back / Reset, the η presets and the first row of the table are all in
// view without scrolling; on a 390 × 844 phone Step is. A skip link and a table of contents
// lead through the long page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { button, field, kArtifacts, trace, withPage } from './harness.mjs';

const kLaptop = { width: 1366, height: 900 };
const kPhone390 = { width: 390, height: 844 };

/// `locator` is wholly inside the viewport as it is scrolled now.
async function assertInView(page, locator, name) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  assert.ok(box, `${name} is shown`);
  assert.ok(box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width,
    `${name} is in the first screen: ${JSON.stringify(box)} in ${width} × ${height}`);
}

test('on a laptop the lecture\'s boxes, the buttons, the presets and the first row are in the first screen',
  () => withPage(async (page) => {
    await button(page, 'Step').click();
    await trace(page).locator('tbody tr[data-step="1"]').waitFor();
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'nothing scrolled the page');
    for (const name of ['x', 'y', 'w1', 'b1', 'w2', 'b2', 'learning rate']) {
      await assertInView(page, field(page, name), name);
    }
    for (const name of ['Step', 'Run 10 steps', 'Back', 'Reset', 'η = 0.1', 'η = 1', 'η = 10']) {
      await assertInView(page, button(page, name), name);
    }
    // The table scrolls sideways inside its box: its first cells (step, w1, b1, z1) are in view.
    const cells = await trace(page).locator('tbody tr[data-step="1"] > :nth-child(-n+4)').all();
    assert.equal(cells.length, 4);
    for (const [i, cell] of cells.entries()) await assertInView(page, cell, `cell ${i + 1} of the first row`);
    await page.screenshot({ path: `${kArtifacts}first-screen-laptop.png` });
  }, { viewport: kLaptop }));

test('on a phone Step is in the first screen', () => withPage(async (page) => {
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await assertInView(page, button(page, 'Step'), 'Step');
  await assertInView(page, button(page, 'Run 10 steps'), 'Run 10 steps');
  await page.screenshot({ path: `${kArtifacts}first-screen-phone.png` });
}, { viewport: kPhone390 }));

test('the first Tab reaches a skip link to Step; a table of contents links every panel', () => withPage(async (page) => {
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to Step and the table' });
  assert.equal(await skip.evaluate((a) => a === document.activeElement), true, 'the skip link comes first');
  await assertInView(page, skip, 'the focused skip link');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await button(page, 'Step').evaluate((b) => b === document.activeElement), true, 'then Step');
  await page.keyboard.press('Enter');
  assert.equal(await trace(page).locator('tbody tr[data-step]').count(), 1);

  const toc = page.getByRole('navigation', { name: 'Panels on this page' });
  const links = toc.getByRole('link');
  const names = await links.allInnerTexts();
  assert.deepEqual(names, ['Training steps', 'Network', 'Tutor', 'Graph', 'Gradient equations',
    'Learning rates', 'Check my table', 'Assignment 4', 'Report', 'Save and share']);
  for (const link of await links.all()) {
    const target = (await link.getAttribute('href')).slice(1);
    assert.equal(await page.locator(`[id="${target}"]`).count(), 1, `${target} is on the page`);
  }
  await toc.getByRole('link', { name: 'Save and share' }).click();
  await assertInView(page, page.getByRole('heading', { name: 'Save and share' }), 'the panel linked to');
  assert.equal(await page.getByRole('alert').filter({ hasText: /could not be loaded/ }).count(), 0,
    'a link to a panel is not a share link');
}));
