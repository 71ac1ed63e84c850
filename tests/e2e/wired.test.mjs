// The randomly wired page (issue 11) as a student uses it: choose a family and its parameters,
// read the drawing, its table and the statistics against their closed forms; a bad parameter is
// named at its field and the last graph stays; the generator's steps played and stepped; the
// four networks trained side by side; the graph opened in the worked example, where Step works;
// a phone; axe-core finds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { button, field, kPhone, rowCount, withPage } from './harness.mjs';

const kAxe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const withWired = (body, options = {}) => withPage(async (page) => {
  await page.getByText(/^Ready: choose a family/).waitFor({ timeout: 20000 });
  await body(page);
}, { ...options, path: '/wired.html', ready: false });

/// The neurons drawn (each a named image in the drawing).
const neurons = (page) => page.locator('#graph-drawing').getByRole('img', { name: /^neuron \d+/ });
/// A statistic's cells in the statistics table: [this graph, closed form].
async function statistic(page, name) {
  const row = page.getByRole('table', { name: 'Graph statistics' }).getByRole('row', { name: new RegExp(`^${name}`) });
  const cells = await row.locator('td').allTextContents();
  return cells.map((c) => c.trim());
}

async function setField(page, name, text) {
  await field(page, name).fill(text);
}

test('each family draws its graph: ER, then BA with exactly M(N − M) edges, then WS with NK/2', () => withWired(async (page) => {
  // ER(0.2) of 16 nodes by default: 16 random neurons and one output neuron.
  await page.locator('#graph-summary').getByText(/^ER\(P\) — Erdős–Rényi/).waitFor();
  assert.equal(await neurons(page).count(), 17);
  await field(page, 'family').selectOption('ba');
  await page.locator('#graph-summary').getByText(/^BA\(M\) — Barabási–Albert/).waitFor();
  assert.equal((await statistic(page, 'edges'))[0], String(2 * (16 - 2)));
  await field(page, 'family').selectOption('ws');
  await page.locator('#graph-summary').getByText(/^WS\(K, P\) — Watts–Strogatz/).waitFor();
  assert.equal((await statistic(page, 'edges'))[0], String((16 * 4) / 2));
  await setField(page, 'N (nodes)', '24');
  await page.waitForFunction(() => document.querySelectorAll('#graph-drawing .dag-node:not(.is-input)').length === 25);
  assert.equal((await statistic(page, 'edges'))[0], String((24 * 4) / 2));
  // The table for screen readers lists every neuron with its edges.
  await page.getByText('The graph as a table: every node with its predecessors and successors').click();
  const table = page.getByRole('table', { name: 'Nodes of the graph' });
  assert.equal(await table.locator('tbody tr').count(), 25);
  // Keyboard: Tab past the drawing's box reaches the first input; the arrow keys move to the
  // neurons; a node's name lists its edges, focus marks them and the line under the drawing says it.
  await page.getByRole('region', { name: 'drawing of the graph (scrolls sideways)' }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')).then((t) => t.startsWith('input x1')), true);
  await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  assert.match(focused, /^neuron \d+ \(sigmoid\), layer 1: from x1; to .+/);
  assert.equal(await page.locator('#graph-readout').innerText(), focused);
  assert.ok(await page.locator('#graph-drawing .dag-edge.is-marked').count() > 0);
  await page.keyboard.press('ArrowDown');
  assert.notEqual(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), focused);
  await page.keyboard.press('End');
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /^neuron 25 /);
}));

test('a bad parameter is named at its field; the last graph stays; fixed, the graph follows', () => withWired(async (page) => {
  await field(page, 'family').selectOption('ws');
  await page.locator('#graph-summary').getByText(/^WS\(K, P\) — Watts–Strogatz/).waitFor();
  const before = await page.locator('#graph-drawing svg').innerHTML();
  await setField(page, 'K (ring neighbours, even)', '3');
  await page.locator('#param-k-error').getByText('K (ring neighbours, even): WS needs an even K, got 3').waitFor();
  assert.equal(await field(page, 'K (ring neighbours, even)').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#graph-drawing svg').innerHTML(), before, 'the last good drawing stays');
  await page.locator('#graph-summary').getByText(/The last good graph stays/).waitFor();
  await setField(page, 'K (ring neighbours, even)', '6');
  await page.waitForFunction(() => document.getElementById('param-k-error').hidden);
  assert.equal(await field(page, 'K (ring neighbours, even)').getAttribute('aria-invalid'), null);
  assert.equal((await statistic(page, 'edges'))[0], String((16 * 6) / 2));
  await setField(page, 'N (nodes)', '1');
  await page.locator('#nodes-error').getByText(/^N \(nodes\): expected a whole number from 2 to/).waitFor();
  assert.equal(await field(page, 'N (nodes)').getAttribute('aria-invalid'), 'true');
  await setField(page, 'N (nodes)', 'abc');
  await page.locator('#nodes-error').getByText('N (nodes): expected a whole number, got string "abc"').waitFor();
  await setField(page, 'N (nodes)', '65');
  await page.locator('#nodes-error').getByText('N (nodes): expected a whole number from 2 to 64, got 65').waitFor();
}));

test('the statistics tell the families apart and meet their closed forms', () => withWired(async (page) => {
  // ER: mean degree beside P(N − 1) = 0.2 · 15 = 3.
  const [, erForm] = await statistic(page, 'mean degree');
  assert.match(erForm, /(^|= )3$/);
  // WS with P = 0 is the ring lattice: clustering 3(K − 2)/(4(K − 1)) = 0.5 for K = 4, measured the same.
  await field(page, 'family').selectOption('ws');
  await page.locator('#graph-summary').getByText(/^WS\(K, P\) — Watts–Strogatz/).waitFor();
  await setField(page, 'P (rewiring probability)', '0');
  await page.waitForFunction(() => /0\.5$/.test(document.querySelector('#stats-table tbody tr:nth-child(4) td:last-child').textContent));
  const [clustering, form] = await statistic(page, 'clustering coefficient');
  assert.equal(clustering, '0.5');
  assert.match(form, /0\.5$/);
  assert.equal((await statistic(page, 'mean degree'))[0], '4');
  // The ring lattice: every node has degree K, one bar.
  assert.match(await page.locator('#histogram svg').getAttribute('aria-label'), /^degree histogram: degree 4: 16 nodes$/);
  const [path] = await statistic(page, 'average shortest path');
  assert.ok(Number(path) > 1, `average shortest path ${path}`);
  assert.ok(Number((await statistic(page, 'nodes on the longest path'))[0]) >= 2);
}));

test('the generator\'s steps: Step and Reset move through BA\'s attachments, Play runs to the end', () => withWired(async (page) => {
  await field(page, 'family').selectOption('ba');
  await setField(page, 'N (nodes)', '6');
  await page.getByText('step 1 of 5').waitFor();
  const first = await page.locator('#anim-sentence').innerText();
  await button(page, 'Step').click();
  await page.getByText('step 2 of 5').waitFor();
  const second = await page.locator('#anim-sentence').innerText();
  assert.notEqual(second, first);
  assert.match(second, /3/, 'the sentence names the new node');
  assert.equal(await page.locator('#ring-drawing .ring-node:not(.is-future)').count(), 3);
  await button(page, 'Reset').click();
  await page.getByText('step 1 of 5').waitFor();
  await button(page, 'Play').click();
  await button(page, 'Pause').waitFor();
  await page.getByText('step 5 of 5').waitFor({ timeout: 10000 });
  await button(page, 'Play').waitFor();
  assert.equal(await button(page, 'Step').isDisabled(), true);
  // WS: the ring, then each edge kept or rewired.
  await field(page, 'family').selectOption('ws');
  await setField(page, 'N (nodes)', '8');
  await page.getByText(/^step 1 of \d+$/).waitFor();
  await button(page, 'Step').click();
  assert.match(await page.locator('#anim-sentence').innerText(), /kept|rewired/);
}));

test('with reduced motion Play still steps, more slowly', () => withWired(async (page) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await field(page, 'family').selectOption('ba');
  await setField(page, 'N (nodes)', '4');
  await page.getByText('step 1 of 3').waitFor();
  await button(page, 'Play').click();
  await page.getByText('step 2 of 3').waitFor({ timeout: 5000 });
}));

test('trained side by side: four curves filled epoch by epoch, then a table of final loss and parameters', () => withWired(async (page) => {
  await setField(page, 'epochs', '10');
  await button(page, 'Train side by side').click();
  await page.getByText(/^done: 10 epochs of 4 networks/).waitFor({ timeout: 30000 });
  const table = page.getByRole('table', { name: 'Final loss and parameters' });
  assert.equal(await table.locator('tbody tr').count(), 4);
  const names = await table.locator('tbody th').allTextContents();
  assert.equal(names.length, 4);
  for (const cell of await table.locator('tbody td:last-child').allTextContents()) {
    assert.ok(Number.isFinite(Number(cell)) && Number(cell) >= 0, `final loss ${cell}`);
  }
  assert.equal(await page.locator('#compare-chart .u-legend .u-series').count(), 5);  // epoch + 4 curves
  // With the pointer elsewhere the legend reads the last epoch, not "--".
  const legend = await page.locator('#compare-chart .u-legend .u-value').allInnerTexts();
  assert.equal(legend[0], '10');
  for (const v of legend.slice(1)) assert.ok(Number.isFinite(Number(v)), `legend loss ${v}`);
  await page.getByText(/large image models/).waitFor();
  // A bad number of epochs is named at its field.
  await setField(page, 'epochs', '0');
  await button(page, 'Train side by side').click();
  await page.getByText(/^epochs: expected a whole number from 1 to/).waitFor();
  assert.equal(await field(page, 'epochs').getAttribute('aria-invalid'), 'true');
}));

test('Step it in the worked example: the lecture page opens the graph; Step, the table and the Graph panel work on it',
  () => withWired(async (page) => {
    await field(page, 'family').selectOption('ws');
    await setField(page, 'N (nodes)', '8');
    await page.waitForFunction(() => document.querySelectorAll('#graph-drawing .dag-node:not(.is-input)').length === 9);
    await button(page, 'Step it in the worked example').click();
    await page.waitForURL(/index\.html$/);
    await page.getByText('Loaded the session from the link.').first().waitFor({ timeout: 20000 });
    await page.getByRole('heading', { name: 'A graph of neurons, not layers' }).waitFor();
    await button(page, 'Step').click();
    assert.equal(await rowCount(page), 1);
    const headers = await page.getByRole('table', { name: 'Training trace, one row per step' }).locator('thead').innerText();
    assert.match(headers, /w\[1,x1\]/);
    assert.match(headers, /z\[9\]/);
    await page.locator('#graph-dag-box svg').waitFor();
    assert.equal(await page.locator('#graph-dag-box').getByRole('img', { name: /^neuron \d+/ }).count(), 9);
    assert.match(await page.locator('#graph-dag-box').getByRole('img', { name: /^neuron 9/ }).getAttribute('aria-label'), /z = .*, y = /);
    await button(page, 'Step').click();
    assert.equal(await rowCount(page), 2);
    // Back to the lecture example: the layered builder comes back.
    await button(page, 'Reset to the lecture example').click();
    await field(page, 'w1').waitFor();
    await page.locator('#graph svg').first().waitFor();
    assert.equal(await page.locator('#graph-dag').isHidden(), true);
  }));

test('a graph opened over the student\'s own work keeps it one click away', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await button(page, 'Step').click();
  assert.equal(await rowCount(page), 2);
  await page.getByRole('link', { name: 'Randomly wired →' }).click();
  await page.getByText(/^Ready: choose a family/).waitFor({ timeout: 20000 });
  await button(page, 'Step it in the worked example').click();
  await page.getByRole('heading', { name: 'A graph of neurons, not layers' }).waitFor({ timeout: 20000 });
  await button(page, 'Back to my session').click();
  await field(page, 'w1').waitFor();
  assert.equal(await rowCount(page), 2);
}));

test('on a phone: no sideways scroll of the page; the drawing scrolls in its own box', () => withWired(async (page) => {
  await setField(page, 'N (nodes)', '40');
  await page.waitForFunction(() => document.querySelectorAll('#graph-drawing .dag-node:not(.is-input)').length === 41);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  const box = page.getByRole('region', { name: 'drawing of the graph (scrolls sideways)' });
  assert.ok(await box.evaluate((e) => e.scrollWidth > e.clientWidth), 'the drawing is wider than the phone and scrolls');
  await box.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('graph-scroll').scrollLeft > 0);
}, { viewport: kPhone }));

test('the randomly wired page has no axe violations, on a laptop and a phone, after training', async () => {
  for (const viewport of [undefined, kPhone]) {
    await withWired(async (page) => {
      await page.getByText('The graph as a table: every node with its predecessors and successors').click();
      if (!viewport) {
        await setField(page, 'epochs', '3');
        await button(page, 'Train side by side').click();
        await page.getByText(/^done: 3 epochs/).waitFor({ timeout: 30000 });
      }
      await page.evaluate(kAxe);
      const found = await page.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
      });
      assert.deepEqual(found, []);
    }, viewport ? { viewport } : {});
  }
});

test('the lecture page with a graph session has no axe violations', () => withWired(async (page) => {
  await button(page, 'Step it in the worked example').click();
  await page.getByRole('heading', { name: 'A graph of neurons, not layers' }).waitFor({ timeout: 20000 });
  await button(page, 'Step').click();
  await page.locator('#graph-dag-box svg').waitFor();
  await page.evaluate(kAxe);
  const found = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
  });
  assert.deepEqual(found, []);
}));

test('a graph in the worked example: the rates compare it, Assignment 4 says it wants layers, the tutor asks every neuron',
  () => withWired(async (page) => {
    await field(page, 'family').selectOption('ba');
    await setField(page, 'N (nodes)', '4');
    await page.waitForFunction(() => document.querySelectorAll('#graph-drawing .dag-node:not(.is-input)').length === 5);
    await button(page, 'Step it in the worked example').click();
    await page.getByRole('heading', { name: 'A graph of neurons, not layers' }).waitFor({ timeout: 20000 });
    // The rate comparison runs on the graph: one table per rate.
    const rates = page.getByRole('region', { name: 'Learning rates side by side', exact: true });
    await rates.getByText('η = 10', { exact: true }).first().waitFor({ timeout: 20000 });
    assert.doesNotMatch(await rates.innerText(), /error|out of bounds/i);
    // Assignment 4: the core's sentence, not a failure inside the module.
    await button(page, 'Check Assignment 4').click();
    await page.getByText(/Assignment 4 asks for a layered network/).waitFor({ timeout: 20000 });
    // The tutor walks the graph: z of neuron 1 first, then more than the loss alone.
    await button(page, 'Start the tutor').click();
    await field(page, 'z[1] (step 1)').waitFor({ timeout: 20000 });
    assert.ok(await page.locator('.tutor-cell.is-later').count() > 5, 'every neuron\'s numbers are asked');
  }));
