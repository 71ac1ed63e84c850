// The explorer page (issue 15, part 1) as a student uses it: choose an activation, move z with
// the keyboard and by dragging the point, read f(z) and f′(z); set the chain's depth and see
// the per-layer table and plot change; a bad depth is named at its field and the last good
// table stays; a phone; axe-core finds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { browser, field, kPhone, withPage } from './harness.mjs';

const kAxe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const withExplorer = (body, options = {}) => withPage(async (page) => {
  await page.getByText(/^Ready: choose an activation/).waitFor({ timeout: 20000 });
  await body(page);
}, { ...options, path: '/explorer.html', ready: false });

const number = async (page, id) => Number(await page.locator(`#${id}`).innerText().then((t) => t.split(' ')[0]));
const chainTable = (page) => page.getByRole('table', { name: '∂L/∂W per layer at step 1' });

test('choose tanh, move z with the arrow keys: f(z) = tanh z and f′(z) = 1 − tanh² z', () => withExplorer(async (page) => {
  await field(page, 'activation').selectOption('tanh');
  await page.getByText(/^zero-centred: f\(−z\) = −f\(z\)/).waitFor();
  const z = field(page, 'z');
  await z.focus();
  assert.equal(await number(page, 'point-z'), 0.5);
  for (let i = 0; i < 10; ++i) await z.press('ArrowRight');
  const at = await number(page, 'point-z');
  assert.ok(Math.abs(at - 1) < 1e-9, `z is ${at}`);
  assert.ok(Math.abs(await number(page, 'point-f') - Math.tanh(1)) < 1e-6);
  assert.ok(Math.abs(await number(page, 'point-df') - (1 - Math.tanh(1) ** 2)) < 1e-6);
  assert.match(await page.locator('#formula-df-at').innerText(), /0\.4200/);
  // The chart's legend, with the pointer elsewhere, reads the point too (not uPlot's "--").
  assert.deepEqual((await page.locator('#curve-chart .u-legend .u-value').allInnerTexts()).map(Number),
    [1, await number(page, 'point-f'), await number(page, 'point-df')]);
  // sigmoid: not zero-centred, saturated beyond about ±4.585, drawn as two bands.
  await field(page, 'activation').selectOption('sigmoid');
  await page.getByText('saturated (|f′(z)| < 0.01) where z < -4.585 and 4.585 < z').waitFor();
  await page.getByText(/^not zero-centred: no output is negative/).waitFor();
  await page.getByText(/^output range \(0, 1\)/).waitFor();
  // sigmoid has no α: its box is off and says so.
  assert.equal(await field(page, 'α').isDisabled(), true);
  assert.equal(await field(page, 'α').getAttribute('placeholder'), 'not used');
  assert.equal(await field(page, 'α').getAttribute('title'), 'sigmoid σ has no α');
}));

test('drag the point with the mouse: z follows the pointer and f(z) is σ(z)', () => withExplorer(async (page) => {
  const over = page.locator('#curve-chart .u-over');
  const box = await over.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.9, y, { steps: 5 });
  await page.mouse.up();
  const z = await number(page, 'point-z');
  assert.ok(z > 3 && z < 6, `z after the drag is ${z}`);   // 90 % of −6…6 is 4.8
  assert.ok(Math.abs(await number(page, 'point-f') - 1 / (1 + Math.exp(-z))) < 1e-5);
  assert.equal(Number(await field(page, 'z').inputValue()), z, 'the slider moved with the point');
  assert.match(await page.locator('#point-df').innerText(), /saturated/);
}));

test('a deeper chain: the per-layer table and the plot change; a bad depth is named and the last table stays',
  () => withExplorer(async (page) => {
    const rows = chainTable(page).locator('tbody tr');
    assert.equal(await rows.count(), 11);  // 10 layers and the output
    const firstBefore = await rows.first().locator('td').nth(1).innerText();
    await field(page, 'depth').fill('20');
    await page.waitForFunction(() => document.querySelectorAll('#chain-table tbody tr').length === 21);
    const firstAfter = await rows.first().locator('td').nth(1).innerText();
    assert.notEqual(firstAfter, firstBefore, 'layer 1 is further from the output now');
    assert.match(await page.locator('#chain-explanation').innerText(), /vanishes/);
    assert.ok(await page.locator('#chain-chart canvas').count() > 0);
    // The legend, with the pointer elsewhere, reads layer 1 (the first row of the table).
    const legend = await page.locator('#chain-chart .u-legend .u-value').allInnerTexts();
    assert.equal(legend[0], '1');
    assert.equal(Number(legend[1]).toFixed(3), await rows.first().locator('td').nth(3).innerText());
    const header = await chainTable(page).locator('thead').innerText();
    assert.match(header, /relu log₁₀/);
    await field(page, 'depth').fill('60');
    await page.getByText('depth: expected a whole number from 2 to 50, got 60').waitFor();
    assert.equal(await field(page, 'depth').getAttribute('aria-invalid'), 'true');
    assert.equal(await rows.count(), 21, 'the last good table stays');
    await field(page, 'depth').fill('5');
    await page.waitForFunction(() => document.querySelectorAll('#chain-table tbody tr').length === 6);
    assert.equal(await page.locator('#depth-error').isHidden(), true);
    // Weights of 2 through linear layers: the gradient explodes.
    await field(page, 'chain activation').selectOption('linear');
    await field(page, 'weight scale s').fill('2');
    await page.getByText(/explodes/).first().waitFor();
    await field(page, 'weight scale s').fill('abc');
    await page.getByText('weight scale s: expected a number, got string "abc"').waitFor();  // the core says scale
  }));

test('the explorer works on a phone: no sideways scroll, the slider moves z', () => withExplorer(async (page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await field(page, 'z').focus();
  await field(page, 'z').press('ArrowLeft');
  assert.ok(Math.abs(await number(page, 'point-z') - 0.45) < 1e-9);
}, { viewport: kPhone }));

test('on a touch screen a tap on the plot moves the point there', async () => {
  const context = await browser.newContext({ viewport: kPhone, hasTouch: true, isMobile: true });
  await withExplorer(async (page) => {
    const box = await page.locator('#curve-chart .u-over').boundingBox();
    await page.touchscreen.tap(box.x + box.width * 0.25, box.y + box.height / 2);
    const z = await number(page, 'point-z');
    assert.ok(z > -4 && z < -2, `z after the tap is ${z}`);  // 25 % of −6…6 is −3
    assert.ok(Math.abs(await number(page, 'point-f') - 1 / (1 + Math.exp(-z))) < 1e-5);
  }, { context });
  await context.close();
});

test('the explorer has no axe violations, on a laptop and a phone', async () => {
  for (const viewport of [undefined, kPhone]) {
    await withExplorer(async (page) => {
      await page.evaluate(kAxe);
      const found = await page.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
      });
      assert.deepEqual(found, []);
    }, viewport ? { viewport } : {});
  }
});

test('the worked example links to the explorer and back', () => withPage(async (page) => {
  await page.getByRole('link', { name: 'activations and vanishing gradients →' }).click();
  await page.getByText(/^Ready: choose an activation/).waitFor({ timeout: 20000 });
  await page.getByRole('link', { name: '← the worked example' }).click();
  await page.waitForURL(/index\.html$/);
}));

test('maxout: choose it by its label, move x across the kink with the keys; the winner and dy/dx change; a bad w is named',
  () => withExplorer(async (page) => {
    await field(page, 'activation').selectOption({ label: 'maxout (max of k pieces)' });
    await page.getByText(/^output range \[0\.3333, ∞\) \(convex, piecewise linear\)/).waitFor();
    // The slide's two pieces by default, from the engine's schema.
    assert.equal(await field(page, 'w of piece 1').inputValue(), '1');
    assert.equal(await field(page, 'b of piece 2').inputValue(), '0.5');
    assert.equal(await field(page, 'number of pieces k').inputValue(), '2');
    // x = 0.5: z1 = 0.5 > z2 = 0.25, piece 1 wins, dy/dx = w1 = 1.
    assert.equal(await number(page, 'point-z'), 0.5);
    assert.match(await page.locator('#point-winner').innerText(), /^piece 1 wins/);
    assert.equal(await number(page, 'point-df'), 1);
    // Four steps left (0.05 each) to x = 0.3, past the kink at 1/3: piece 2 wins, dy/dx = −0.5.
    const x = field(page, 'z');
    await x.focus();
    for (let i = 0; i < 4; ++i) await x.press('ArrowLeft');
    assert.ok(Math.abs(await number(page, 'point-z') - 0.3) < 1e-9);
    assert.match(await page.locator('#point-winner').innerText(), /^piece 2 wins/);
    assert.equal(await number(page, 'point-df'), -0.5);
    assert.ok(Math.abs(await number(page, 'point-f') - 0.35) < 1e-9);   // −0.5·0.3 + 0.5
    assert.match(await page.locator('#point-gradients').innerText(),
      /∂y\/∂w1 = 0, ∂y\/∂b1 = 0; ∂y\/∂w2 = 0\.3000, ∂y\/∂b2 = 1/);
    // A bad w: named at its field; the last drawing and its properties stay.
    const range = await page.locator('#prop-range').innerText();
    await field(page, 'w of piece 2').fill('abc');
    await page.getByText('w of piece 2: expected a number, got string "abc"').waitFor();  // the core says pieces[1].w
    assert.equal(await field(page, 'w of piece 2').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#prop-range').innerText(), range);
    assert.equal(await number(page, 'point-df'), -0.5);
    // Fixed, and a third piece: the drawing follows.
    await field(page, 'w of piece 2').fill('-1');
    await page.getByText(/^output range \[0\.2500, ∞\)/).waitFor();
    assert.equal(await field(page, 'w of piece 2').getAttribute('aria-invalid'), null);
    await field(page, 'number of pieces k').selectOption('3');
    await field(page, 'w of piece 3').waitFor();
    assert.match(await page.locator('#point-pieces').innerText(), /z3 = /);
  }));

test('maxout chosen: its piece fields have no axe violations and no sideways scroll on a phone', () => withExplorer(async (page) => {
  await field(page, 'activation').selectOption({ label: 'maxout (max of k pieces)' });
  await field(page, 'number of pieces k').selectOption('4');
  await field(page, 'b of piece 4').waitFor();
  await page.evaluate(kAxe);
  const found = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
  });
  assert.deepEqual(found, []);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
}, { viewport: kPhone }));
