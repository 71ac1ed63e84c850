// Maxout in the page (issue 15), as a person builds it: the layer's maxout box, the
// pieces box, each piece's weights by their labels, Step, the winning-piece column, the graph's
// "max of 2" and the equations that name the winning piece.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { button, enter, field, readTable, withPage } from './harness.mjs';

/// The 1-2(maxout k = 2)-1 network of examples/maxout.json, entered box by box.
async function buildMaxout(page) {
  await enter(page, 'units of layer 1', '2');
  await page.getByLabel('maxout of layer 1', { exact: true }).check();
  assert.equal(await field(page, 'pieces of layer 1').inputValue(), '2');
  const start = {
    'w1p1[1,1]': '0.5', 'w1p2[1,1]': '-0.3', 'w1p1[2,1]': '0.2', 'w1p2[2,1]': '0.4',
    'b1p1[1]': '0.1', 'b1p2[1]': '0.2', 'b1p1[2]': '0', 'b1p2[2]': '0.1',
    'w2[1,1]': '0.7', 'w2[1,2]': '-0.4', b2: '0.05',
  };
  for (const [name, value] of Object.entries(start)) await enter(page, name, value);
}

test('a maxout layer built by labels steps to the hand-derived row with its winning pieces', () => withPage(async (page) => {
  await buildMaxout(page);
  await button(page, 'Step').click();
  const { headers, rows } = await readTable(page);
  for (const h of ['z1p1[1]', 'z1p2[1]', 'win1[1]', 'win1[2]', 'y1[1]', '∂L/∂w1p2[1,1]']) assert.ok(headers.includes(h), h);
  const y2 = 1 / (1 + Math.exp(-0.27));
  const d2 = (y2 - 1) * (1 - y2) * y2;
  const row = rows[0];
  assert.equal(row['z1p1[1]'], '0.6000');
  assert.equal(row['z1p2[1]'], '-0.1000');
  assert.equal(row['win1[1]'], '1');
  assert.equal(row['win1[2]'], '2');
  assert.equal(row['y1[2]'], '0.5000');
  assert.equal(row['∂L/∂w1p1[1,1]'], (0.7 * d2).toFixed(4));
  assert.equal(row['∂L/∂w1p2[1,1]'], '0.0000');
  assert.equal(row.y2, y2.toFixed(4));
  // The graph draws each maxout unit as "max of 2" with its pieces' z and the winner.
  const unit2 = page.locator('svg.graph-svg [aria-label^="neuron 2 of layer 1"]');
  assert.match(await unit2.getAttribute('aria-label'), /max of 2, z1 = 0\.2000, z2 = 0\.5000, winner: piece 2, y = 0\.5000/);
  assert.equal(await page.locator('svg.graph-svg [aria-label^="w1p1[1,1] = 0.5000"]').count(), 1);
  // The equations name the winning piece.
  const panel = page.getByRole('region', { name: /^Gradient equations\b/ });
  const losing = panel.getByRole('region', { name: 'dL/dw1p2[1,1]', exact: true });
  assert.match(await losing.textContent(), /winner: piece 1/);
  assert.ok(await losing.locator('.katex').count() >= 1, 'typeset by KaTeX');
  assert.equal(await panel.locator('.katex-error').count(), 0);
}));

test('the pieces box takes 2…16 and redraws the weights; a bad count is named at the box; unticked, the layer is sigmoid again', () => withPage(async (page) => {
  await enter(page, 'units of layer 1', '2');
  await page.getByLabel('maxout of layer 1', { exact: true }).check();
  await enter(page, 'pieces of layer 1', '3');
  assert.ok(await field(page, 'w1p3[2,1]').isVisible());
  await enter(page, 'pieces of layer 1', '17');
  const pieces = field(page, 'pieces of layer 1');
  assert.equal(await pieces.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator(`#${await pieces.getAttribute('aria-describedby')}`).innerText(),
    'pieces of layer 1: expected a whole number from 2 to 16, got "17"');
  assert.ok(await field(page, 'w1p3[2,1]').isVisible(), 'the last good state stays');
  await button(page, 'Step').click();
  const { headers } = await readTable(page);
  assert.ok(headers.includes('z1p3[2]'));
  assert.equal(await page.getByLabel('activation of layer 1', { exact: true }).count(), 0, 'maxout in place of f(z)');
  await page.getByLabel('maxout of layer 1', { exact: true }).uncheck();
  assert.equal(await page.getByLabel('activation of layer 1', { exact: true }).inputValue(), 'sigmoid');
  assert.ok(await field(page, 'w1[2,1]').isVisible());
  assert.equal(await field(page, 'pieces of layer 1').count(), 0);
}));
