// The activations the engine's schema adds reach the whole product (issue 9: "adding an
// activation is one row plus its tests"): softplus and swish are offered by the builder and the
// trainer because the engine lists them, and a network with them gives its table, its graph and
// its equations; the trainer builds model.summary() with swish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { button, field, readTable, trace, withPage } from './harness.mjs';

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const equationsPanel = (page) => page.getByRole('region', { name: /^Gradient equations\b/ });

test('the builder offers softplus and swish; with them Step gives the hand-computed row and its equations',
  () => withPage(async (page) => {
    const first = page.getByLabel('activation of layer 1', { exact: true });
    const hidden = await first.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(hidden.includes('softplus') && hidden.includes('swish'), hidden.join(', '));
    assert.ok(!hidden.includes('softmax'), 'softmax is for the last layer only');
    await first.selectOption('softplus');
    await page.getByLabel('activation of layer 2', { exact: true }).selectOption('swish');
    await button(page, 'Step').click();
    await trace(page).locator('tbody tr[data-step="1"]').waitFor();
    const { rows } = await readTable(page);
    assert.equal(rows.length, 1);
    // The lecture's network: x = 1, y = 1, w1 = 0.5, w2 = 0.8, biases 0, L = ½(ŷ − y)².
    const z1 = 0.5;
    const y1 = Math.log1p(Math.exp(z1));
    const z2 = 0.8 * y1;
    const y2 = z2 * sigmoid(z2);
    const L = 0.5 * (y2 - 1) ** 2;
    assert.equal(rows[0].y1, y1.toFixed(4));
    assert.equal(rows[0].z2, z2.toFixed(4));
    assert.equal(rows[0].y2, y2.toFixed(4));
    assert.equal(rows[0].L, L.toFixed(4));
    // ∂L/∂w2 = (ŷ − y)·swish′(z2)·y1, swish′ = ŷ + σ(z2)(1 − ŷ).
    const dw2 = (y2 - 1) * (y2 + sigmoid(z2) * (1 - y2)) * y1;
    assert.equal(rows[0]['∂L/∂w2'], dw2.toFixed(4));

    // The equations panel writes the four gradients with this step's numbers.
    const panel = equationsPanel(page);
    const names = await panel.getByRole('region', { name: /^(dL\/d|delta)/ }).evaluateAll(
      (es) => es.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(names, ['dL/dw1', 'dL/db1', 'dL/dw2', 'dL/db2']);
    for (const name of names) {
      const text = await panel.getByRole('region', { name, exact: true }).locator('.eqn-value').innerText();
      assert.equal(text.trim(), `= ${rows[0][name.replace('dL/d', '∂L/∂')]}`, name);
    }

    // The graph names each layer's activation with the engine's title and label.
    const graph = await page.locator('#graph svg').textContent();
    assert.ok(graph.includes('softplus') && graph.includes('swish (SiLU)'), graph.slice(0, 200));
  }));

test('the trainer offers swish as the hidden activation and builds model.summary() with it',
  () => withPage(async (page) => {
    await page.getByText('Ready: press Train.').waitFor({ timeout: 20000 });
    const activation = field(page, 'activation');
    assert.equal(await activation.inputValue(), 'relu', 'the lecture\'s default stays selected');
    const offered = await activation.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes('swish') && offered.includes('softplus'), offered.join(', '));
    assert.ok(!offered.includes('softmax'), 'softmax only as the output activation');
    const summary = page.locator('#summary');
    await activation.selectOption('swish');
    await summary.getByText(/Total params: 21,750/).waitFor();
    assert.match(await summary.innerText(), /activation \(Activation\)/);
    assert.equal(await page.locator('#model-status').innerText(), '');
  }, { path: '/trainer.html', ready: false }));
