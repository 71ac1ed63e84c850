// Keras' optimizers and losses in the lecture page (issue 5): adam chosen in the builder, its
// state columns checked against the formulas; softmax with cross_entropy; mini-batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// The engine's schema (the built module's schema()): the lists the page offers.
import { schema } from '../js/schema.mjs';
import {
  button, enter, field, kArtifacts, readTable, rowCount, withPage,
} from './harness.mjs';

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/// The lecture's gradients (section 3) at p = [w1, b1, w2, b2], x = 1, y = 1.
function lectureGradients([w1, b1, w2, b2]) {
  const y1 = sigmoid(w1 + b1);
  const y2 = sigmoid(w2 * y1 + b2);
  const d2 = (y2 - 1) * (1 - y2) * y2;
  const d1 = d2 * w2 * (1 - y1) * y1;
  return [d1, d1, d2 * y1, d2];
}

/// Keras' adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-7) for `steps` steps at η from the lecture's
/// start: the state m and v of w1 after each step.
function adamOfW1(eta, steps) {
  let p = [0.5, 0, 0.8, 0];
  const m = [0, 0, 0, 0];
  const v = [0, 0, 0, 0];
  const out = [];
  for (let t = 1; t <= steps; t += 1) {
    const g = lectureGradients(p);
    p = p.map((theta, k) => {
      m[k] = 0.9 * m[k] + 0.1 * g[k];
      v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
      const alpha = eta * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t);
      return theta - alpha * m[k] / (Math.sqrt(v[k]) + 1e-7);
    });
    out.push({ m: m[0], v: v[0], next: p[0] });
  }
  return out;
}

test('adam in the builder: Step 3 times, m_w1 and v_w1 are Keras\' formulas', () => withPage(async (page) => {
  assert.equal(await page.locator('#state-columns').isVisible(), false, 'sgd keeps no state');
  await field(page, 'optimizer').selectOption('adam');
  assert.equal(await field(page, 'beta_1').getAttribute('placeholder'), '0.9', 'Keras\' default shown');
  assert.equal(await field(page, 'epsilon').getAttribute('placeholder'), '1e-7');
  for (let k = 0; k < 3; k += 1) await button(page, 'Step').click();
  assert.equal(await rowCount(page), 3);
  await enter(page, 'decimals', '12');
  const { headers, rows } = await readTable(page);
  assert.deepEqual(headers.slice(0, 11),
    ['step', 'w1', 'b1', 'z1', 'y1', '∂L/∂w1', '∂L/∂b1', 'm_w1', 'm_b1', 'v_w1', 'v_b1']);
  const expected = adamOfW1(0.1, 3);
  for (let k = 0; k < 3; k += 1) {
    assert.equal(rows[k].m_w1, expected[k].m.toFixed(12), `m_w1 of step ${k + 1}`);
    assert.equal(rows[k].v_w1, expected[k].v.toFixed(12), `v_w1 of step ${k + 1}`);
  }
  assert.equal(rows[2].w1, adamOfW1(0.1, 2)[1].next.toFixed(12), 'row 3 holds w1 after two adam steps');
  // At 4 decimals a v of 6e-7 is written with its digits, not as 0.0000.
  await enter(page, 'decimals', '4');
  assert.equal((await readTable(page)).rows[2].v_w1, expected[2].v.toExponential(2));
  // The column chooser has "optimizer state" for adam; unticked, m and v leave the table.
  const state = page.getByLabel('optimizer state', { exact: true });
  assert.equal(await state.isChecked(), true);
  await state.uncheck();
  assert.equal((await readTable(page)).headers.includes('m_w1'), false);
  await state.check();
  assert.equal((await readTable(page)).headers.includes('v_b2'), true);
  // The equations panel writes the update: w1 of the next step.
  const update = page.getByRole('region', { name: 'update of w1' })
    .or(page.locator('section[aria-label="update of w1"]'));
  await update.first().waitFor();
  assert.match(await update.first().locator('.eqn-value').innerText(), new RegExp(`= ${expected[2].next.toFixed(4)}`));
  await page.locator('.builder-panel').screenshot({ path: `${kArtifacts}adam-builder.png` });
  await page.locator('.trace-panel').screenshot({ path: `${kArtifacts}adam-table.png` });

  // The share link holds the optimizer: a new page opens with adam and the same rows.
  await enter(page, 'beta_2', '0.99');
  await button(page, 'Copy share link').click();
  const link = await field(page, 'share link').inputValue();
  await page.goto(link);
  await page.locator('#step:not([disabled])').waitFor();
  assert.equal(await field(page, 'optimizer').inputValue(), 'adam');
  assert.equal(await field(page, 'beta_2').inputValue(), '0.99');
  assert.equal(await rowCount(page), 3);
}, { allow: [/clipboard/i] }));

test('cross_entropy with a softmax output of 3 classes: ∂L/∂b2[k] = ŷ_k − y_k', () => withPage(async (page) => {
  await field(page, 'loss').selectOption('cross_entropy');
  assert.equal(await page.locator('#net-loss-error').innerText(),
    'loss: cross_entropy needs softmax as the activation of layer 2 (the last)');
  assert.equal(await button(page, 'Step').isDisabled(), true);
  assert.deepEqual(await page.getByLabel('activation of layer 1', { exact: true }).locator('option').allTextContents(),
    schema.activations.filter((a) => !a.last_layer_only).map((a) => a.name), 'softmax only for the last layer');
  await page.getByLabel('activation of layer 2', { exact: true }).selectOption('softmax');
  await enter(page, 'units of layer 2', '3');
  assert.equal(await page.locator('#net-loss-error').isVisible(), false);
  assert.equal(await field(page, 'y1').inputValue(), '1');
  assert.equal(await field(page, 'y2').inputValue(), '0');
  await button(page, 'Step').click();
  const { rows } = await readTable(page);
  assert.equal(rows.length, 1);
  const targets = [1, 0, 0];
  let sum = 0;
  for (let k = 1; k <= 3; k += 1) {
    const yHat = Number(rows[0][`y2[${k}]`]);
    sum += yHat;
    const db = Number(rows[0][`∂L/∂b2[${k}]`]);
    assert.ok(Math.abs(db - (yHat - targets[k - 1])) <= 1.5e-4, `∂L/∂b2[${k}] = ŷ − y: ${db} vs ${yHat}`);
  }
  assert.ok(Math.abs(sum - 1) <= 2e-4, `softmax outputs add up to 1: ${sum}`);
  assert.ok(Number(rows[0].L) > 0);
  // A target row that does not add up to 1 is said at its box.
  await enter(page, 'y2', '0.5');
  assert.match(await page.locator('#cell-y-0-0-error').innerText(),
    /cross_entropy expects the targets of sample 1 to add up to 1, got 1\.5/);
}));

test('mini-batches: batch columns from the shuffle seed; the checker says what it knows', () => withPage(async (page) => {
  await button(page, 'Add sample').click();
  await button(page, 'Add sample').click();
  await enter(page, 'batch size', '2');
  await enter(page, 'shuffle seed', '7');
  await button(page, 'Run 10 steps').click();
  const { headers, rows } = await readTable(page);
  assert.deepEqual(headers.slice(0, 4), ['step', 'batch@1', 'batch@2', 'batch@3']);
  // 3 samples in batches of 2: 2, then 1, every epoch; each epoch uses each sample once.
  const used = rows.map((r) => [1, 2, 3].filter((s) => r[`batch@${s}`] === '1'));
  assert.deepEqual(used.map((u) => u.length), [2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
  for (let e = 0; e < 5; e += 1) assert.deepEqual([...used[2 * e], ...used[2 * e + 1]].sort(), [1, 2, 3]);
  assert.equal(await page.getByLabel('batch', { exact: true }).isChecked(), true);
  await field(page, 'your table').fill('step,w1\n1,0.5\n');
  await button(page, 'Check my table').click();
  await page.locator('#check-result').getByText(/the checker knows plain gradient descent/).waitFor();
  assert.match(await page.locator('#check-result').innerText(),
    /check: the checker knows plain gradient descent \(sgd on every sample\) with the loss half_sse or mse; this session's optimizer\.batch_size is 2 \(of 3 samples\)/);
}));
