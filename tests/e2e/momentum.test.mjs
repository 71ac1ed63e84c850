// sgd with momentum and Nesterov in the lecture page (issue 15): a student sets momentum 0.9
// and ticks Nesterov in the builder, steps twice, and reads the velocity columns (Keras 3's
// formulas, written out here); the update equations, the share link and a bad momentum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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

/// Keras 3's SGD(momentum = 0.9, nesterov = True) at η = 0.1: m ← μ·m − η·g, θ ← θ + μ·m − η·g.
/// Per step: the parameters before the update and the velocity after it.
function nesterovRows(steps) {
  let p = [0.5, 0, 0.8, 0];
  const m = [0, 0, 0, 0];
  const rows = [];
  for (let t = 0; t < steps; t += 1) {
    const before = [...p];
    const g = lectureGradients(p);
    p = p.map((theta, k) => {
      m[k] = 0.9 * m[k] - 0.1 * g[k];
      return theta + (0.9 * m[k] - 0.1 * g[k]);
    });
    rows.push({ p: before, m: [...m], next: [...p] });
  }
  return rows;
}

test('sgd with momentum 0.9 and Nesterov ticked: Step twice, the velocity columns are Keras\'', () => withPage(async (page) => {
  assert.equal(await field(page, 'optimizer').inputValue(), 'sgd');
  assert.equal(await field(page, 'momentum').getAttribute('placeholder'), '0', 'Keras\' default shown');
  const nesterov = page.getByLabel('Nesterov', { exact: true });
  assert.equal(await nesterov.isChecked(), false);
  assert.equal(await page.locator('#state-columns').isVisible(), false, 'momentum 0 keeps no state');
  await enter(page, 'momentum', '0.9');
  await nesterov.check();
  await button(page, 'Step').click();
  await button(page, 'Step').click();
  assert.equal(await rowCount(page), 2);
  await enter(page, 'decimals', '10');
  const { headers, rows } = await readTable(page);
  assert.deepEqual(headers.slice(0, 9), ['step', 'w1', 'b1', 'z1', 'y1', '∂L/∂w1', '∂L/∂b1', 'm_w1', 'm_b1']);
  assert.ok(headers.includes('m_w2') && headers.includes('m_b2'));
  const expected = nesterovRows(2);
  const names = ['w1', 'b1', 'w2', 'b2'];
  for (let k = 0; k < 2; k += 1) {
    names.forEach((p, i) => {
      assert.equal(rows[k][p], expected[k].p[i].toFixed(10), `${p} of step ${k + 1}`);
      assert.equal(rows[k][`m_${p}`], expected[k].m[i].toFixed(10), `m_${p} of step ${k + 1}`);
    });
  }
  // The hand-derived step 2 (momentum_test.cpp): w1 = 0.503175, m_w1 = 0.003158.
  assert.equal(Number(rows[1].w1).toFixed(6), '0.503175');
  assert.equal(Number(rows[1].m_w1).toFixed(6), '0.003158');
  assert.equal(await page.getByLabel('optimizer state', { exact: true }).isChecked(), true);
  // The equations panel writes the Nesterov update: w1 of step 3.
  const update = page.locator('section[aria-label="update of w1"]');
  await update.first().waitFor();
  assert.match(await update.first().locator('.eqn-value').innerText(), new RegExp(`= ${expected[1].next[0].toFixed(10)}`));
  await page.locator('.builder-panel').screenshot({ path: `${kArtifacts}momentum-builder.png` });

  // The share link holds momentum and Nesterov: a new page opens with both and the same rows.
  await button(page, 'Copy share link').click();
  const link = await field(page, 'share link').inputValue();
  await page.goto(link);
  await page.locator('#step:not([disabled])').waitFor();
  assert.equal(await field(page, 'momentum').inputValue(), '0.9');
  assert.equal(await page.getByLabel('Nesterov', { exact: true }).isChecked(), true);
  assert.equal(await rowCount(page), 2);
  assert.equal((await readTable(page)).rows[1].m_w1, expected[1].m[0].toFixed(10), 'the decimals are kept too');

  // Unticked, the update is plain momentum: row 2 moves to w1 + m_w1.
  await page.getByLabel('Nesterov', { exact: true }).uncheck();
  const plain = (await readTable(page)).rows;
  assert.equal(Number(plain[1].w1).toFixed(4), '0.5017');
  // A momentum above 1 is said at its box; Step waits.
  await enter(page, 'momentum', '1.5');
  assert.equal(await page.locator('#cell-opt-momentum-error').innerText(), 'momentum: must be from 0 to 1, got 1.5');
  assert.equal(await button(page, 'Step').isDisabled(), true);
  // Another optimizer has no momentum box nor Nesterov.
  await enter(page, 'momentum', '0.5');
  await field(page, 'optimizer').selectOption('adam');
  assert.equal(await page.getByLabel('momentum', { exact: true }).count(), 0);
  assert.equal(await page.getByLabel('Nesterov', { exact: true }).count(), 0);
}, { allow: [/clipboard/i] }));

test('the momentum field and Nesterov box on a phone', () => withPage(async (page) => {
  const nesterov = page.getByLabel('Nesterov', { exact: true });
  await nesterov.focus();
  await page.keyboard.press('Space');
  assert.equal(await nesterov.isChecked(), true, 'the keyboard ticks it');
  const box = await nesterov.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, 'on screen');
}, { viewport: { width: 390, height: 844 } }));

test('Check my table knows the velocity: a planted sign slip in m_w1 is named', () => withPage(async (page) => {
  await enter(page, 'momentum', '0.9');
  // m_w1 of row 2 is μ·m − η·∂L/∂w1 = 0.9·0.0017 + 0.1·0.0166 = 0.0032; −0.0001 has η·g's sign flipped.
  await field(page, 'your table').fill('step,w1,m_w1\n1,0.5000,0.0017\n2,0.5017,-0.0001\n');
  await button(page, 'Check my table').click();
  const summary = page.locator('.check-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /^1 of 4 cells is wrong\. The first slip is m_w1 in row 2: -0\.0001, expected 0\.0032/);
  assert.match(await page.locator('#check-result').innerText(),
    /The velocity has the wrong sign: μ·m_w1 \+ η·dL\/dw1 instead of μ·m_w1 − η·dL\/dw1\./);
  // The exact numbers are all correct.
  await field(page, 'your table').fill('step,w1,m_w1\n1,0.5000,0.0017\n2,0.5017,0.0032\n');
  await button(page, 'Check my table').click();
  await page.locator('.check-summary').getByText('All 4 cells are correct.').waitFor();
}));

test('the tutor gives the velocity before the update and asks the new one after the gradients', () => withPage(async (page) => {
  await enter(page, 'momentum', '0.9');
  await button(page, 'Start the tutor').click();
  await field(page, 'z1 (step 1)').waitFor();
  assert.match(await page.locator('.tutor-given').innerText(),
    /Velocity before the update: m_w1 = 0\.0000, m_b1 = 0\.0000, m_w2 = 0\.0000, m_b2 = 0\.0000; μ = 0\.9\./);
  // The forward pass, the loss and the four gradients revealed: then m_w1 is asked.
  for (let k = 0; k < 9; k += 1) await button(page, 'Reveal').click();
  await field(page, 'm_w1 (step 1)').waitFor();
  assert.ok((await page.locator('.tutor-stage').allTextContents()).includes('Velocity m ← μ·m − η·∂L/∂w (momentum)'));
  // m = 0.9·0 − 0.1·(−0.0167) = 0.0017; with the sign of η·g flipped, the slip is named.
  const input = field(page, 'm_w1 (step 1)');
  await input.fill('-0.0017');
  await input.press('Enter');
  await page.locator('#tutor-feedback').getByText(/is not right/).waitFor();
  assert.match(await page.locator('#tutor-feedback').innerText(), /The velocity has the wrong sign/);
  await input.fill('0.0017');
  await input.press('Enter');
  await field(page, 'm_b1 (step 1)').waitFor();
  assert.match(await page.locator('#tutor-feedback').innerText(), /m_w1 = 0\.0017: right\./);
}));
