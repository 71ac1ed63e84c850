// The graph, the gradient equations and the learning-rate comparison (issue: "Any network, its
// graph and every gradient equation — and the learning rates side by side"), driven as a person
// would: the panels' headings, the graph's parts by their accessible names, buttons and labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  build231, button, enter, field, kArtifacts, kPhone, readTable, rowCount, tableText, trace, withPage,
} from './harness.mjs';

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

// The panels, by their headings (which end in "at step k" once a step is shown).
const graphPanel = (page) => page.getByRole('region', { name: /^Graph\b/ });
const equationsPanel = (page) => page.getByRole('region', { name: /^Gradient equations\b/ });
const ratesPanel = (page) => page.getByRole('region', { name: 'Learning rates side by side', exact: true });
// The drawing, by its accessible name (its role is the graph's business: group or application).
const graphSvg = (page) => graphPanel(page).getByLabel(/^Network graph: /);
// The graph's parts: connections are named by their weight, neurons by their place.
const edges = (page) => graphPanel(page).getByRole('button', { name: /^w\d/ });
const neurons = (page) => graphPanel(page).getByRole('button', { name: /^neuron \d+ of layer \d+: / });
const neuron = (page, j, l) => graphPanel(page).getByRole('button', { name: new RegExp(`^neuron ${j} of layer ${l}: `) });
/// The summary that opens the table of one rate in the rates panel.
const rateSummary = (page, rate) => ratesPanel(page).locator('summary', { has: page.getByText(`η = ${rate}`, { exact: true }) });
/// The loss column of the table at one rate (opening it if it is closed).
async function rateLosses(page, rate) {
  const region = ratesPanel(page).getByRole('region', { name: `table at η = ${rate}`, exact: true });
  if (!(await region.isVisible())) await rateSummary(page, rate).click();
  const table = region.getByRole('table');
  await table.locator('tbody tr').first().waitFor(); // written when first opened
  const headers = (await table.locator('thead tr').last().getByRole('columnheader').allTextContents()).map((t) => t.trim());
  const column = headers.indexOf('L');
  assert.ok(column >= 0, `the table at η = ${rate} has L`);
  return Promise.all((await table.locator('tbody tr').all())
    .map(async (row) => (await row.locator('th, td').nth(column).innerText()).trim()));
}
const accessibleNames = async (locator) => Promise.all((await locator.all()).map((e) => e.getAttribute('aria-label')));
// The equations: one region per parameter, named as the engine names it ("dL/dw1", "delta2[1]").
const equations = (page) => equationsPanel(page).getByRole('region', { name: /^(dL\/d|delta)/ });
const equationNames = async (page) => Promise.all((await equations(page).all()).map((e) => e.getAttribute('aria-label')));
/// The value an equation shows after "=", as a number.
async function equationValue(page, name) {
  const text = await equationsPanel(page).getByRole('region', { name, exact: true }).locator('.eqn-value').innerText();
  const match = /^= (-?\d+\.\d+)$/.exec(text.trim());
  assert.ok(match, `${name} shows "${text}"`);
  return Number(match[1]);
}

async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), button(page, name).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test('the graph has a neuron per unit and a connection per weight; a neuron reads out its row',
  () => withPage(async (page) => {
    const svg = graphSvg(page);
    assert.equal(await svg.getAttribute('aria-label'), 'Network graph: 1 input; layer 1 has 1 unit, layer 2 has 1 unit');
    assert.deepEqual(await accessibleNames(edges(page)), ['w1 = 0.5000', 'w2 = 0.8000']);
    assert.equal(await neurons(page).count(), 2);
    assert.equal(await neuron(page, 1, 1).getAttribute('aria-label'), 'neuron 1 of layer 1: b1 = 0.0000');

    await button(page, 'Step').click();
    const [row] = (await readTable(page)).rows;
    assert.equal(await neuron(page, 1, 1).getAttribute('aria-label'),
      `neuron 1 of layer 1: z = ${row.z1}, y = ${row.y1}, b1 = ${row.b1}, ∂L/∂b1 = ${row['∂L/∂b1']}`);
    assert.equal(await neuron(page, 1, 2).getAttribute('aria-label'),
      `neuron 1 of layer 2: z = ${row.z2}, y = ${row.y2}, b2 = ${row.b2}, ∂L/∂b2 = ${row['∂L/∂b2']}`);

    await build231(page);
    assert.equal(await svg.getAttribute('aria-label'), 'Network graph: 2 inputs; layer 1 has 3 units, layer 2 has 1 unit');
    for (const name of ['x1', 'x2']) assert.equal(await svg.getByText(name, { exact: true }).count(), 1, name);
    assert.equal(await neurons(page).count(), 3 + 1);
    const names = (await accessibleNames(edges(page))).map((n) => n.split(' = ')[0]);
    assert.deepEqual(names, ['w1[1,1]', 'w1[1,2]', 'w1[2,1]', 'w1[2,2]', 'w1[3,1]', 'w1[3,2]',
      'w2[1,1]', 'w2[1,2]', 'w2[1,3]'], '2·3 + 3·1 connections');
    assert.equal(await graphPanel(page).getByRole('button', { name: /^w1\[3,2\] = 0\.6000, ∂L\/∂w1\[3,2\] = / }).count(), 1);
    const [r] = (await readTable(page)).rows;
    assert.equal(r.step, '1', 'the table kept its row');
    for (let j = 1; j <= 3; j += 1) {
      assert.match(await neuron(page, j, 1).getAttribute('aria-label'),
        new RegExp(`^neuron ${j} of layer 1: z = ${r[`z1[${j}]`]}, y = ${r[`y1[${j}]`]}, b1\\[${j}\\] = `));
    }
    assert.match(await neuron(page, 1, 2).getAttribute('aria-label'), new RegExp(`^neuron 1 of layer 2: z = ${r.z2}, y = ${r.y2}, b2 = 0\\.1000, `));
  }));

test('clicking a connection edits its weight: Enter applies, Escape cancels, a bad value is refused',
  () => withPage(async (page) => {
    await button(page, 'Step').click();
    // The student looks at the graph (after Step the page is scrolled down to the table).
    await graphPanel(page).getByRole('heading', { name: /^Graph\b/ }).scrollIntoViewIfNeeded();
    const w2Edge = graphPanel(page).getByRole('button', { name: /^w2 = / });
    const editor = page.getByRole('textbox', { name: 'new value of w2', exact: true });
    await w2Edge.click();
    assert.equal(await editor.inputValue(), '0.8', 'the editor starts at the current value');
    assert.equal(await editor.evaluate((e) => e === document.activeElement), true, 'and has the focus');
    await editor.fill('0.9');
    await editor.press('Enter');
    assert.equal(await editor.count(), 0, 'the editor closed');
    assert.equal(await field(page, 'w2').inputValue(), '0.9');
    const z2 = 0.9 * sigmoid(0.5) + 0;
    let [row] = (await readTable(page)).rows;
    assert.equal(await rowCount(page), 1);
    assert.equal(row.w2, '0.9000');
    assert.equal(row.z2, z2.toFixed(4));
    assert.equal(row.y2, sigmoid(z2).toFixed(4));
    assert.match(await w2Edge.getAttribute('aria-label'), /^w2 = 0\.9000, /);
    assert.equal(await w2Edge.evaluate((e) => e === document.activeElement), true, 'focus is back on the connection');

    const before = await tableText(page);
    await w2Edge.click();
    await editor.fill('0.3');
    await editor.press('Escape');
    assert.equal(await editor.count(), 0, 'Escape closed the editor');
    assert.equal(await field(page, 'w2').inputValue(), '0.9');
    assert.equal(await tableText(page), before);
    await w2Edge.press('Enter'); // the keyboard opens it too
    await editor.fill('0.3');
    await button(page, 'Cancel').click();
    assert.equal(await editor.count(), 0, 'Cancel closed the editor');
    assert.equal(await tableText(page), before);

    // A bad value is refused in the editor itself, with the builder's message; nothing changes.
    await w2Edge.click();
    await editor.fill('abc');
    await editor.press('Enter');
    assert.equal(await editor.count(), 1, 'the editor stays open');
    assert.equal(await editor.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator(`#${await editor.getAttribute('aria-describedby')}`).innerText(),
      'w2: expected a number, got "abc"');
    assert.equal(await field(page, 'w2').inputValue(), '0.9', 'the builder keeps the last good value');
    assert.equal(await tableText(page), before, 'the last good table stays');
    assert.match(await w2Edge.getAttribute('aria-label'), /^w2 = 0\.9000, /, 'and so does the graph');
    await editor.press('Escape');
    assert.equal(await editor.count(), 0);
    await enter(page, 'w2', '0.8');
    [row] = (await readTable(page)).rows;
    assert.equal(row.z2, '0.4980');
  }));

test('pointing at a connection does not move the graph, so a click lands on it', () => withPage(async (page) => {
  await button(page, 'Step').click(); // the page is scrolled down to the Step button
  const svg = graphSvg(page);
  const w2Edge = graphPanel(page).getByRole('button', { name: /^w2 = / });
  await w2Edge.scrollIntoViewIfNeeded();
  const box = await w2Edge.boundingBox();
  // Where the graph is at every frame while the pointer moves onto the connection and rests.
  const watching = svg.evaluate((element) => new Promise((done) => {
    const tops = [];
    const start = performance.now();
    const frame = () => {
      tops.push(Math.round(element.getBoundingClientRect().top));
      if (performance.now() - start < 400) requestAnimationFrame(frame);
      else done([...new Set(tops)]);
    };
    requestAnimationFrame(frame);
  }));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  assert.equal((await watching).length, 1, 'the graph stays where it was');
  await page.mouse.down();
  await page.mouse.up();
  assert.equal(await page.getByRole('textbox', { name: 'new value of w2', exact: true }).count(), 1);
}));

test('on a phone the editor opens by the connection it edits', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await graphPanel(page).getByRole('heading', { name: /^Graph\b/ }).scrollIntoViewIfNeeded();
  await graphPanel(page).getByRole('button', { name: /^w2 = / }).click();
  const editor = page.getByRole('textbox', { name: 'new value of w2', exact: true });
  const [panel, box] = [await graphPanel(page).boundingBox(), await editor.boundingBox()];
  assert.ok(box.y >= panel.y && box.y + box.height <= panel.y + panel.height,
    `the editor (y ${box.y}) is inside the graph panel (y ${panel.y}…${panel.y + panel.height})`);
}, { viewport: kPhone }));

test('the graph exports as SVG and PNG; show gradients prints the gradients on it', () => withPage(async (page) => {
  await build231(page);
  await button(page, 'Step').click();
  const svgFile = await download(page, 'Export SVG');
  assert.equal(svgFile.name, 'network.svg');
  const text = svgFile.bytes.toString('utf8');
  assert.ok(text.startsWith('<?xml') || text.startsWith('<svg'), text.slice(0, 40));
  assert.ok(text.trimEnd().endsWith('</svg>'));
  assert.match(text, /<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // Parsed as XML in a blank tab: the page's CSP would (rightly) refuse the file's <style>.
  const blank = await page.context().newPage();
  const parsed = await blank.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      root: root.localName, ns: root.namespaceURI, errors: doc.getElementsByTagName('parsererror').length,
      neurons: root.querySelectorAll('.graph-neuron').length, edges: root.querySelectorAll('.graph-edge').length,
      width: Number(root.getAttribute('width')), height: Number(root.getAttribute('height')),
      scripts: root.querySelectorAll('script, foreignObject').length,
      text: root.textContent,
    };
  }, text);
  await blank.close();
  assert.equal(parsed.errors, 0);
  assert.equal(parsed.root, 'svg');
  assert.equal(parsed.ns, 'http://www.w3.org/2000/svg');
  assert.equal(parsed.neurons, 4);
  assert.equal(parsed.edges, 9);
  assert.equal(parsed.scripts, 0);
  assert.match(parsed.text, /Step 1, before its update/);

  const png = await download(page, 'Export PNG');
  assert.equal(png.name, 'network.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.bytes.length > 5000, `network.png has ${png.bytes.length} bytes`);
  assert.equal(png.bytes.readUInt32BE(16), Math.ceil(parsed.width * 2), 'drawn at twice the size');
  assert.equal(png.bytes.readUInt32BE(20), Math.ceil(parsed.height * 2));

  // The connections' accessible names always hold the gradient once a step is computed; the
  // checkbox prints the gradients on the graph too (by the connections and under the neurons).
  const graph = graphPanel(page);
  const { rows: [row] } = await readTable(page);
  const edge = graph.getByRole('button', { name: /^w2\[1,3\] = / });
  assert.equal(await edge.getAttribute('aria-label'), `w2[1,3] = 0.9000, ∂L/∂w2[1,3] = ${row['∂L/∂w2[1,3]']}`);
  const svg = graphSvg(page);
  const printed = { innerText: () => svg.textContent() };
  assert.doesNotMatch(await printed.innerText(), /∂L\/∂b2 =/);
  await page.getByLabel('show gradients', { exact: true }).check();
  assert.ok((await printed.innerText()).includes(`∂L/∂b2 = ${row['∂L/∂b2']}`), 'the output neuron prints ∂L/∂b2');
  assert.ok((await printed.innerText()).includes(row['∂L/∂w2[1,3]']), 'the connection prints ∂L/∂w2[1,3]');
  const withGradients = (await download(page, 'Export SVG')).bytes.toString('utf8');
  assert.ok(withGradients.includes(`∂L/∂b2 = ${row['∂L/∂b2']}`), 'the export shows them too');
  await page.getByLabel('show gradients', { exact: true }).uncheck();
  assert.doesNotMatch(await printed.innerText(), /∂L\/∂b2 =/);
}));

test('the equations panel shows the four lecture equations with the selected row\'s gradients',
  () => withPage(async (page) => {
    const panel = equationsPanel(page);
    assert.match(await panel.innerText(), /Press Step to compute step 1/);
    assert.equal(await equations(page).count(), 0);
    assert.equal(await button(page, 'Download LaTeX').isDisabled(), true);

    await button(page, 'Step').click();
    await button(page, 'Step').click();
    const { rows } = await readTable(page);
    const names = ['dL/dw1', 'dL/db1', 'dL/dw2', 'dL/db2'];
    assert.deepEqual(await equationNames(page), names);
    for (const equation of await equations(page).all()) {
      assert.ok(await equation.locator('.katex').count() >= 1, 'typeset by KaTeX');
      assert.equal(await equation.locator('.katex-error').count(), 0);
    }
    const columnOf = (name) => name.replace('dL/d', '∂L/∂');
    for (const step of [2, 1]) {
      if (step === 1) await trace(page).locator('tbody tr[data-step="1"]').click();
      assert.equal(await page.locator('#equations-step').innerText(), `at step ${step}`);
      for (const name of names) {
        assert.equal(await equationValue(page, name), Number(rows[step - 1][columnOf(name)]), `${name} at step ${step}`);
      }
    }
    assert.equal(await equationValue(page, 'dL/dw1'), -0.0167);
    assert.notEqual(rows[0]['∂L/∂w2'], rows[1]['∂L/∂w2'], 'the rows differ, so the check above could fail');
    // The numbers substituted in the formula are the row's too.
    const w1 = panel.getByRole('region', { name: 'dL/dw1', exact: true });
    // As a reader would: a formula far below the view is laid out when it comes near (CSS
    // content-visibility), so scroll to it and wait for its math to have lines.
    await w1.scrollIntoViewIfNeeded();
    await w1.elementHandle().then((el) => page.waitForFunction((e) => e.innerText.split('\n').length > 3, el));
    assert.match(await w1.innerText(), /0\.6220/);

    const tex = await download(page, 'Download LaTeX');
    assert.equal(tex.name, 'equations.tex');
    const latex = tex.bytes.toString('utf8');
    assert.match(latex, /^\\documentclass\{article\}/);
    assert.ok(latex.includes('\\begin{align*}'));
    assert.ok(latex.includes('\\end{align*}'));
    assert.ok(latex.includes('\\frac{\\partial L}{\\partial w_{1}}'));
    assert.ok(latex.includes('\\section*{Gradient equations at step 1}'));
    assert.ok(latex.includes('-0.0167'));
    assert.match(latex, /\\end\{document\}\n$/);
    assert.equal(await panel.getByRole('status').innerText(), 'Saved as equations.tex');
  }));

test('a 2-3-1 network has every chain written out; the choice of layer and unit narrows them',
  () => withPage(async (page) => {
    await build231(page);
    await button(page, 'Step').click();
    const { rows: [row] } = await readTable(page);
    const all = ['dL/dw1[1,1]', 'dL/dw1[1,2]', 'dL/dw1[2,1]', 'dL/dw1[2,2]', 'dL/dw1[3,1]', 'dL/dw1[3,2]',
      'dL/db1[1]', 'dL/db1[2]', 'dL/db1[3]', 'dL/dw2[1,1]', 'dL/dw2[1,2]', 'dL/dw2[1,3]', 'dL/db2'];
    // One output: each parameter has one path to the loss, so no δ is needed.
    assert.deepEqual(await equationNames(page), all);
    for (const name of ['dL/dw1[3,2]', 'dL/db1[2]', 'dL/dw2[1,3]']) {
      assert.equal(await equationValue(page, name), Number(row[name.replace('dL/d', '∂L/∂')]), name);
    }
    const layer = page.getByLabel('equations of', { exact: true });
    const unit = page.getByLabel('unit', { exact: true });
    assert.deepEqual(await layer.locator('option').allTextContents(), ['every layer', 'layer 1', 'layer 2']);
    assert.equal(await unit.isDisabled(), true, 'a unit is chosen within a layer');
    await layer.selectOption({ label: 'layer 2' });
    assert.deepEqual(await equationNames(page), ['dL/dw2[1,1]', 'dL/dw2[1,2]', 'dL/dw2[1,3]', 'dL/db2']);
    await layer.selectOption({ label: 'layer 1' });
    assert.deepEqual(await unit.locator('option').allTextContents(), ['every unit', 'unit 1', 'unit 2', 'unit 3']);
    await unit.selectOption({ label: 'unit 2' });
    assert.deepEqual(await equationNames(page), ['dL/dw1[2,1]', 'dL/dw1[2,2]', 'dL/db1[2]']);
    await layer.selectOption({ label: 'every layer' });
    assert.deepEqual(await equationNames(page), all);
  }));

test('with two outputs the equations go through the δ of each neuron', () => withPage(async (page) => {
  await enter(page, 'units of layer 2', '2');
  await button(page, 'Step').click();
  const names = await equationNames(page);
  const panel = equationsPanel(page);
  // The δ definitions form their own group; open it if the page left it closed.
  const deltas = panel.locator('details', { has: page.getByText('δ definitions', { exact: true }) });
  assert.equal(await deltas.count(), 1);
  if (!names.some((n) => n.startsWith('delta'))) await deltas.locator('summary').click();
  const after = await equationNames(page);
  assert.deepEqual(after.filter((n) => n.startsWith('delta')), ['delta1', 'delta2[1]', 'delta2[2]']);
  assert.deepEqual(after.filter((n) => !n.startsWith('delta')),
    ['dL/dw1', 'dL/db1', 'dL/dw2[1,1]', 'dL/dw2[2,1]', 'dL/db2[1]', 'dL/db2[2]']);
  const delta1 = panel.getByRole('region', { name: 'delta1', exact: true });
  assert.ok(await delta1.locator('.katex').count() >= 1);
  assert.match(await deltas.innerText(), /δ of a neuron is ∂ℓ\/∂z for one sample/);
  const { rows: [row] } = await readTable(page);
  assert.equal(await equationValue(page, 'dL/dw1'), Number(row['∂L/∂w1']));
}));

test('the learning rates side by side: the lecture\'s explanation, chart, legend and tables',
  () => withPage(async (page) => {
    const panel = ratesPanel(page);
    assert.equal(await field(page, 'learning rates').inputValue(), '0.1, 1, 10');
    const text = await panel.innerText();
    assert.match(text, /at every rate/);
    assert.match(text, /σ\(z\), which stays strictly between 0 and 1/);
    assert.match(text, /the target y = 1 lies on its bound/);
    const chart = panel.getByRole('group', { name: 'loss at each step for each learning rate', exact: true });
    assert.ok(await chart.locator('canvas').count() >= 1, 'a uPlot canvas');
    for (const rate of ['η = 0.1', 'η = 1', 'η = 10']) {
      assert.equal(await chart.getByText(rate, { exact: true }).count(), 1, `legend: ${rate}`);
      assert.equal(await panel.getByText(`${rate}: the loss falls at every step`, { exact: true }).count(), 1, rate);
    }
    const losses = (rate) => rateLosses(page, rate);
    const at01 = await losses('0.1');
    assert.equal(at01.length, 10, '10 steps per rate');
    const at10 = await losses('10');
    assert.deepEqual(at10.slice(0, 3), ['0.0714', '0.0095', '0.0059']);
    await button(page, 'Run 10 steps').click();
    const main = (await readTable(page)).rows.map((r) => r.L);
    assert.deepEqual(at01, main, 'η = 0.1 is the main table\'s run');
  }));

test('an edit of the session redraws the rates chart: new curves, and the legend reads the new losses',
  () => withPage(async (page) => {
    const panel = ratesPanel(page);
    const chart = panel.getByRole('group', { name: 'loss at each step for each learning rate', exact: true });
    await chart.scrollIntoViewIfNeeded();
    const before = await chart.screenshot();
    const lossesBefore = await rateLosses(page, '0.1');
    await enter(page, 'w1', '-2');
    await chart.scrollIntoViewIfNeeded();
    const lossesAfter = await rateLosses(page, '0.1');
    assert.notDeepEqual(lossesAfter, lossesBefore, 'the edit changes the losses at η = 0.1');
    assert.equal(await chart.locator('canvas').count(), 1, 'one chart');
    assert.notDeepEqual(await chart.screenshot(), before, 'the curves are drawn anew');
    const legendValue = (label) => chart.locator('.u-legend .u-series').filter({ has: page.getByText(label, { exact: true }) })
      .locator('.u-value').innerText();
    // With the pointer elsewhere the legend gives the last step's losses, the new ones.
    assert.equal(await legendValue('step'), String(lossesAfter.length));
    assert.equal(await legendValue('η = 0.1'), lossesAfter.at(-1));
    // Pointing at a step, the legend gives that step and each rate's loss there.
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    const step = Number(await legendValue('step'));
    assert.ok(step >= 1 && step <= 10, `a step is pointed at (${step})`);
    assert.equal(await legendValue('η = 0.1'), lossesAfter[step - 1]);
  }));

test('Compare finds where the loss first rises; a bad text keeps the last chart; log scale redraws',
  () => withPage(async (page) => {
    await build231(page);
    // With a linear output ŷ can pass y = 0.2, so a large step overshoots.
    await page.getByLabel('activation of layer 2', { exact: true }).selectOption('linear');
    await enter(page, 'learning rates', '0.1, 1, 10, 100');
    const panel = ratesPanel(page);
    const chart = panel.getByRole('group', { name: 'loss at each step for each learning rate', exact: true });
    await chart.getByText('η = 100', { exact: true }).waitFor();
    assert.equal(await panel.getByText('η = 0.1: the loss falls at every step', { exact: true }).count(), 1);
    const rising = panel.getByText(/^η = 1: the loss first rises at step \d+/);
    assert.equal(await rising.count(), 1);
    const k = Number(/at step (\d+)/.exec(await rising.innerText())[1]);
    const L = await rateLosses(page, 1);
    assert.equal(L.length, 10);
    assert.ok(Number(L[k - 1]) > Number(L[k - 2]), `L rises from step ${k - 1} (${L[k - 2]}) to ${k} (${L[k - 1]})`);
    for (let i = 1; i < k - 1; i += 1) assert.ok(Number(L[i]) <= Number(L[i - 1]), `no rise before step ${k}`);

    const findings = await panel.getByRole('listitem').allInnerTexts();
    const pixels = await chart.screenshot();
    await field(page, 'learning rates').fill('abc');
    await button(page, 'Compare').click();
    const input = field(page, 'learning rates');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const [errorId] = (await input.getAttribute('aria-describedby')).split(' ');
    assert.equal(await page.locator(`#${errorId}`).innerText(),
      'learning rates: expected numbers greater than 0 separated by commas, got "abc"');
    assert.equal(await chart.getByText('η = 100', { exact: true }).count(), 1, 'the last chart stays');
    assert.deepEqual(await panel.getByRole('listitem').allInnerTexts(), findings);

    await page.getByLabel('log scale', { exact: true }).check();
    assert.ok(await chart.locator('canvas').count() >= 1);
    assert.notDeepEqual(await chart.screenshot(), pixels, 'the log scale redraws the chart');
    await page.getByLabel('log scale', { exact: true }).uncheck();
    assert.equal(await chart.getByText('η = 100', { exact: true }).count(), 1);

    await enter(page, 'learning rates', '0.1; 1');
    assert.equal(await input.getAttribute('aria-invalid'), null);
    assert.equal(await chart.getByText('η = 100', { exact: true }).count(), 0, 'a good text draws anew');
    assert.equal(await chart.getByText('η = 1', { exact: true }).count(), 1);
  }));

test('on a phone the panels fit the width', () => withPage(async (page) => {
  await button(page, 'Run 10 steps').click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  for (const panel of [graphPanel(page), equationsPanel(page), ratesPanel(page)]) {
    await panel.scrollIntoViewIfNeeded();
    assert.equal(await panel.isVisible(), true);
    const box = await panel.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= kPhone.width + 0.5, `a panel spans ${box.x}…${box.x + box.width}`);
  }
  assert.equal(await edges(page).count(), 2);
  assert.equal(await equations(page).count(), 4);
  assert.ok(await ratesPanel(page).locator('canvas').count() >= 1);
  await page.screenshot({ path: `${kArtifacts}panels-phone.png`, fullPage: true });
}, { viewport: kPhone }));

test('the graph is one tab stop; the arrow keys move between its neurons and connections',
  () => withPage(async (page) => {
    await button(page, 'Step').click();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);
    await button(page, 'Export PNG').focus();
    await page.keyboard.press('Tab');
    assert.match(await focused(), /^neuron 1 of layer 1: /, 'one Tab enters the graph at b1\'s neuron');
    await page.keyboard.press('ArrowRight');
    assert.match(await focused(), /^neuron 1 of layer 2: /);
    await page.keyboard.press('Shift+ArrowLeft');
    assert.match(await focused(), /^w2 = 0\.8000/, 'its incoming connection');
    await page.keyboard.press('Enter');
    const editor = page.getByRole('textbox', { name: 'new value of w2', exact: true });
    assert.equal(await editor.count(), 1);
    await page.keyboard.press('Escape');
    assert.match(await focused(), /^w2 = /, 'Escape returns to the connection');
    await page.keyboard.press('Tab');
    assert.doesNotMatch(await focused() ?? '', /^(w\d|neuron)/, 'one Tab leaves the graph');
    await page.keyboard.press('Shift+Tab');
    assert.match(await focused(), /^w2 = /, 'and Shift+Tab comes back to where it was');
  }));
