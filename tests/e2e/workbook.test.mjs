// The page keeps its session open in the engine's workbook (issue 9): Step computes one step,
// Back drops one, a row click reads the stored trace, an edit recomputes from the first step it
// changes. Driven by buttons and labels; the table and equations are checked against the
// lecture's numbers, against the same network worked out here, and against the page's CSV
// download (the stateless engine replays the session from step 0 for it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  assertRow, build231, button, enter, field, readTable, rowCount, trace, withPage,
} from './harness.mjs';

// The lecture's rows for η = 0.1 (lecture.md section 3).
const kRow1 = { step: '1', w1: '0.5000', '∂L/∂w1': '-0.0167', w2: '0.8000', y2: '0.6220', L: '0.0714' };
const kRow2 = { step: '2', w1: '0.5017', z2: '0.5109', y2: '0.6250', '∂L/∂w1': '-0.0166', L: '0.0703' };

const graphPanel = (page) => page.getByRole('region', { name: /^Graph\b/ });
/// The accessible name of the graph's part (a connection or a neuron) whose name starts with `start`.
const graphPart = (page, start) => graphPanel(page).getByRole('button', { name: new RegExp(`^${start}`) }).getAttribute('aria-label');
const equationsPanel = (page) => page.getByRole('region', { name: /^Gradient equations\b/ });
/// The value an equation shows after "=", as its text.
async function equationText(page, name) {
  const text = await equationsPanel(page).getByRole('region', { name, exact: true }).locator('.eqn-value').innerText();
  const match = /^= (-?\d+\.\d+)$/.exec(text.trim());
  assert.ok(match, `${name} shows "${text}"`);
  return match[1];
}

/// The cells of one CSV line (a cell in quotes may hold commas; "" is a quote).
function csvCells(line) {
  const cells = [];
  const pattern = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (const [, cell, comma] of line.matchAll(pattern)) {
    cells.push(cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);
    if (comma === '') break;
  }
  return cells;
}

/// The table as the page's CSV download gives it: rows keyed by the page's headers.
async function csvRows(page) {
  await page.getByLabel('table format', { exact: true }).selectOption('csv');
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Download table').click()]);
  const [header, ...lines] = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  const headers = csvCells(header).map((h) => h.replace('dL/d', '∂L/∂'));
  return lines.map((line) => Object.fromEntries(csvCells(line).map((cell, i) => [headers[i], cell])));
}

/// The page's table equals its CSV download, cell by cell.
async function assertTableIsStateless(page, what) {
  const { rows } = await readTable(page);
  assert.deepEqual(rows, await csvRows(page), what);
  return rows;
}

/// The lecture's 1-1-1 network (x = 1, y = 1, sigmoid, L = ½(y2 − y)², η = 0.1, biases 0) from
/// w1, w2, step by step: each row's w1, ∂L/∂w1, w2, y2 and L at 4 decimals.
function lectureRows(w1, w2, steps) {
  const sigmoid = (z) => 1 / (1 + Math.exp(-z));
  let b1 = 0;
  let b2 = 0;
  const rows = [];
  for (let k = 1; k <= steps; k += 1) {
    const y1 = sigmoid(w1 + b1);
    const y2 = sigmoid(w2 * y1 + b2);
    const d2 = (y2 - 1) * y2 * (1 - y2);
    const d1 = d2 * w2 * y1 * (1 - y1);
    rows.push({
      step: String(k), w1: w1.toFixed(4), '∂L/∂w1': d1.toFixed(4), w2: w2.toFixed(4), y2: y2.toFixed(4),
      L: (0.5 * (y2 - 1) ** 2).toFixed(4),
    });
    [w1, b1, w2, b2] = [w1 - 0.1 * d1, b1 - 0.1 * d1, w2 - 0.1 * d2 * y1, b2 - 0.1 * d2];
  }
  return rows;
}

test('Step three times, Back, a row click and an edit keep the table and equations right',
  () => withPage(async (page) => {
    for (let k = 0; k < 3; k += 1) await button(page, 'Step').click();
    assert.equal(await rowCount(page), 3);
    await button(page, 'Back').click();
    let { rows } = await readTable(page);
    assert.equal(rows.length, 2);
    assertRow(rows[0], kRow1);
    assertRow(rows[1], kRow2);
    assert.equal(await page.locator('#equations-step').innerText(), 'at step 2');
    assert.equal(await equationText(page, 'dL/dw1'), '-0.0166');

    await trace(page).locator('tbody tr[data-step="1"]').click();
    assert.equal(await page.locator('#graph-step').innerText(), 'at step 1');
    assert.equal(await page.locator('#equations-step').innerText(), 'at step 1');
    for (const name of ['dL/dw1', 'dL/db1', 'dL/dw2', 'dL/db2']) {
      assert.equal(await equationText(page, name), rows[0][name.replace('dL/d', '∂L/∂')], name);
    }
    assert.equal(await equationText(page, 'dL/dw1'), '-0.0167');
    assert.equal(await graphPart(page, 'w1 = '), 'w1 = 0.5000, ∂L/∂w1 = -0.0167');
    assert.match(await graphPart(page, 'neuron 1 of layer 2: '), /, y = 0\.6220,/);
    assert.equal(await rowCount(page), 2, 'a row click keeps the rows');

    // An edit recomputes from step 1; the row selected stays selected.
    await enter(page, 'w1', '0.3');
    ({ rows } = await readTable(page));
    assert.equal(rows.length, 2);
    const expected = lectureRows(0.3, 0.8, 4);
    for (const k of [0, 1]) assertRow(rows[k], expected[k]);
    await assertTableIsStateless(page, 'after the edit');
    assert.equal(await page.locator('#equations-step').innerText(), 'at step 1');
    assert.equal(await equationText(page, 'dL/dw1'), expected[0]['∂L/∂w1']);
    assert.equal(await graphPart(page, 'w1 = '), `w1 = 0.3000, ∂L/∂w1 = ${expected[0]['∂L/∂w1']}`);
    assert.match(await graphPart(page, 'neuron 1 of layer 2: '), new RegExp(`, y = ${expected[0].y2},`));

    // More steps after the edit continue from it; Back and Step again give the same row.
    await button(page, 'Step').click();
    await button(page, 'Step').click();
    await button(page, 'Back').click();
    await button(page, 'Step').click();
    rows = await assertTableIsStateless(page, 'after Step, Step, Back, Step');
    assert.equal(rows.length, 4);
    for (const k of [0, 1, 2, 3]) assertRow(rows[k], expected[k]);
    await trace(page).locator('tbody tr[data-step="3"]').click();
    assert.equal(await equationText(page, 'dL/dw1'), expected[2]['∂L/∂w1']);
    assert.equal(await page.locator('#graph-step').innerText(), 'at step 3');
    assert.equal(await graphPart(page, 'w1 = '), `w1 = ${expected[2].w1}, ∂L/∂w1 = ${expected[2]['∂L/∂w1']}`);
  }));

test('a 2-3-1 network: Run, Back, Step and an edit give the stateless table; rows read their equations',
  () => withPage(async (page) => {
    await build231(page);
    await button(page, 'Run 10 steps').click();
    await button(page, 'Back').click();
    await button(page, 'Back').click();
    await button(page, 'Step').click();
    let rows = await assertTableIsStateless(page, 'after Run, Back, Back, Step');
    assert.equal(rows.length, 9);
    for (const k of [5, 2, 9]) {
      await trace(page).locator(`tbody tr[data-step="${k}"]`).click();
      assert.equal(await page.locator('#equations-step').innerText(), `at step ${k}`);
      for (const name of ['dL/dw1[3,2]', 'dL/db1[2]', 'dL/dw2[1,3]', 'dL/db2']) {
        assert.equal(await equationText(page, name), rows[k - 1][name.replace('dL/d', '∂L/∂')], `${name} at step ${k}`);
      }
    }
    // An edit of a layer-2 weight changes every row from step 1 on.
    await enter(page, 'w2[1,2]', '-0.5');
    rows = await assertTableIsStateless(page, 'after an edit');
    assert.equal(rows.length, 9);
    assert.equal(rows[0]['w2[1,2]'], '-0.5000');
    await field(page, 'decimals').fill('6');
    rows = await assertTableIsStateless(page, 'at 6 decimals');
    assert.match(rows[8].L, /^\d+\.\d{6}$/);
  }));
