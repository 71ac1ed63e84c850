// Accessibility (issue 10, item 11): axe-core's rules on both pages once they have loaded, and
// on the states that add tables (a learning rate given twice, every rate table open; a trained
// model on the trainer). Zero violations of any impact. axe is injected as text with
// page.evaluate: the pages' CSP refuses an added <script> from elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { button, enter, field, foldedLink, kPhone, withPage } from './harness.mjs';

const kAxe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/// Rules not checked yet, each with the part of the page (and its owner) that must fix it.
/// Empty: both pages pass every rule.
const kSkipped = [];

/// axe's violations on the page as it is now: `rule (impact): selector` lines.
async function violations(page) {
  await page.evaluate(kAxe);
  const found = await page.evaluate(async (skipped) => {
    const rules = Object.fromEntries(skipped.map((id) => [id, { enabled: false }]));
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'], rules });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
  }, kSkipped);
  return found;
}

for (const viewport of [undefined, kPhone]) {
  const where = viewport ? ' on a phone' : '';
  test(`the worked example has no axe violations once loaded${where}`, () => withPage(async (page) => {
    assert.deepEqual(await violations(page), []);
  }, viewport ? { viewport } : {}));

  test(`the trainer has no axe violations once ready${where}`, () => withPage(async (page) => {
    await page.getByText('Ready: press Train.').waitFor({ timeout: 20000 });
    assert.deepEqual(await violations(page), []);
  }, { path: '/trainer.html', ready: false, ...(viewport ? { viewport } : {}) }));
}

test('the builder\'s grids name their corner header cell, for screen readers only', () => withPage(async (page) => {
  for (const name of ['Training data: inputs x and targets y, one row per sample', 'Layer 1: weights w1 and biases b1']) {
    const corner = page.getByRole('table', { name, exact: true }).locator('thead th').first();
    assert.notEqual((await corner.textContent()).trim(), '', `${name}: the corner has text`);
    const shown = await corner.evaluate((th) => [...th.children].map((c) => c.getBoundingClientRect().width));
    assert.ok(shown.length === 1 && shown[0] <= 1, `${name}: not shown (${shown})`);
  }
  assert.deepEqual(await violations(page), []);
}));

test('a learning rate given twice: each rate table is a region with its own name', () => withPage(async (page) => {
  await enter(page, 'learning rates', '1, 0.1, 1');
  const panel = page.getByRole('region', { name: 'Learning rates side by side', exact: true });
  await panel.getByText('η = 0.1: ', { exact: false }).first().waitFor();
  for (const summary of await panel.locator('summary').all()) {
    if (!(await summary.evaluate((s) => s.parentElement.open))) await summary.click();
  }
  const names = await panel.getByRole('region').evaluateAll((regions) => regions.map((r) => r.getAttribute('aria-label')));
  assert.deepEqual(names, ['table at η = 1 (rate 1 of the list)', 'table at η = 0.1', 'table at η = 1 (rate 3 of the list)']);
  assert.deepEqual(await violations(page), []);
}));

test('the trainer after training (every epoch as a table open) and after a CSV that cannot be read has no axe violations', () => withPage(async (page) => {
  await page.getByText('Ready: press Train.').waitFor({ timeout: 20000 });
  await field(page, 'samples').fill('1000');
  await field(page, 'samples').press('Tab');
  await field(page, 'epochs').fill('2');
  await field(page, 'epochs').press('Tab');
  await page.getByText(/^1000 samples/).waitFor();
  await button(page, 'Train').click();
  await page.getByText('Training ended after 2 epochs: every epoch ran.').waitFor({ timeout: 30000 });
  await page.getByText('Every epoch as a table', { exact: true }).click();
  await page.getByRole('table', { name: / per epoch \(2 epochs\)$/ }).waitFor();
  assert.deepEqual(await violations(page), []);
  await page.getByLabel('a CSV file', { exact: true }).check();
  await page.locator('#csv-file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.getByText('Train is off until the data can be read: see the message under Data.').waitFor();
  assert.deepEqual(await violations(page), []);
}, { path: '/trainer.html', ready: false }));

// Issue 12: the digits page once ready (the empty pad's message shown), on a phone too, and
// after a short training with a drawn digit, the confusion matrix and a cell's digits shown.
for (const viewport of [undefined, kPhone]) {
  test(`the digits page has no axe violations once ready${viewport ? ' on a phone' : ''}`, () => withPage(async (page) => {
    await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
    await page.getByText('the image is empty: no pixel has ink (draw a digit first)').waitFor();
    assert.deepEqual(await violations(page), []);
  }, { path: '/digits.html', ready: false, ...(viewport ? { viewport } : {}) }));
}

test('the digits page after training, with a drawn digit, every epoch as a table and a confusion cell open, has no axe violations', () => withPage(async (page) => {
  await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
  await field(page, 'epochs').fill('1');
  await field(page, 'epochs').press('Tab');
  await page.waitForFunction(() => !document.getElementById('train').disabled);
  await button(page, 'Train').click();
  await page.getByText(/^Test accuracy: /).waitFor({ timeout: 60000 });
  await button(page, 'Quiz digit a').click();
  await page.getByText(/^The network answers \d/).waitFor();
  await page.getByText('the 784 numbers as a table').click();
  await page.getByText('Every epoch as a table', { exact: true }).click();
  await page.getByRole('table', { name: 'loss and accuracy per epoch (1 epoch)' }).waitFor();
  // A cell off the diagonal: misclassified digits.
  await page.getByRole('table', { name: /Confusion matrix/ }).locator('td:not(.diagonal)').getByRole('button').first().click();
  await page.getByRole('list', { name: /^Misclassified digits: \d taken for \d$/ }).getByRole('img').first().waitFor();
  assert.deepEqual(await violations(page), []);
}, { path: '/digits.html', ready: false }));

test('a large network\'s folded weight grid has no axe violations, folded and opened', () => withPage(async (page) => {
  await page.locator('#session-status').getByText('Loaded the session from the link.').waitFor();
  assert.deepEqual(await violations(page), []);
  await page.locator('summary', { hasText: /^Layer 2: weights w2 and biases b2 — / }).click();
  await field(page, 'w2[16,16]').waitFor();
  assert.deepEqual(await violations(page), []);
}, { path: foldedLink() }));
