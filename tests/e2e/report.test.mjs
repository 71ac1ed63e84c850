// The Assignment report in the page, as a student uses it: type a description, press Check
// Assignment 4, read the four parts side by side, download the Markdown (the same bytes as
// `nntutor assignment --report markdown`) and the LaTeX, print; a too-long description is
// refused at its box while the last report stays; the description survives a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { button, field, kArtifacts, kPhone, waitEnabled, withPage } from './harness.mjs';

const kRoot = fileURLToPath(new URL('../../', import.meta.url));
const kPass = `${kRoot}examples/assignment-pass.json`;
const kDescription = 'A 2-4-1 ReLU network for a toy regression.\n\nIts targets lie inside the sigmoid\'s range, '
  + 'so a large η can overshoot them: $5 & 10% #1.';

const report = (page) => page.locator('#report');
/// The report's export buttons, in their group.
const exportButton = (page, name) => page.getByRole('group', { name: 'Export the report' })
  .getByRole('button', { name, exact: true });
const part = (page, title) => report(page).locator('.report-part').filter({
  has: page.getByRole('heading', { name: title, exact: true }),
});
const tableAt = (page, rate) => report(page).getByRole('table', { name: `Training steps at η = ${rate}, one row per step` });

/// Loads examples/assignment-pass.json as a student would (Import session), with KaTeX ready.
async function loadPassing(page) {
  await page.locator('#session-import').setInputFiles(kPass);
  await page.locator('#session-status').getByText(/^Loaded /).waitFor();
  await page.waitForFunction(() => Boolean(globalThis.katex));
}

/// What the CLI writes for the passing example and `description`.
async function nativeReport(format, description) {
  const dir = await mkdtemp(join(tmpdir(), 'nntutor-e2e-report-'));
  try {
    await writeFile(join(dir, 'description.txt'), description);
    const r = spawnSync(process.env.NNTUTOR_CLI ?? `${kRoot}build/native/nntutor`,
      ['assignment', kPass, '--report', format, '--description', join(dir, 'description.txt')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a description, Check Assignment 4: the four parts side by side; Markdown and LaTeX downloads',
  () => withPage(async (page) => {
    await loadPassing(page);
    assert.equal(await exportButton(page, 'Download Markdown report').isDisabled(), true, 'nothing to download yet');
    await field(page, 'description of your network').fill(kDescription);
    await button(page, 'Check Assignment 4').click();
    await part(page, '4. Tables of 10 steps').waitFor();

    // 1. The description as typed, the network, the requirements.
    const description = part(page, '1. Description of the network');
    assert.equal(await description.locator('.report-description').innerText(), kDescription);
    assert.match(await description.innerText(), /Structure: 2 inputs → 4 relu → 1 sigmoid \(output\)/);
    assert.match(await description.innerText(), /All 4 requirements of Assignment 4 pass\./);
    // 2. The graph: the Graph panel's SVG as an image with a name.
    const graph = part(page, '2. Graph of the network structure').getByRole('img', { name: /^Graph of the network: 2 inputs/ });
    await graph.waitFor();
    assert.ok(await graph.evaluate((img) => img.complete && img.naturalWidth > 100), 'the SVG is drawn');
    // 3. The equations, typeset.
    const equations = part(page, '3. Gradient equations');
    assert.ok(await equations.locator('.katex').count() > 0);
    assert.match(await equations.locator('.katex-mathml annotation').first().textContent(), /\\frac\{\\partial L\}\{\\partial w_\{1\}\[1,1\]\}/);
    // 4. Both tables, 10 rows each; the rising rate's note.
    for (const rate of ['0.1', '10']) assert.equal(await tableAt(page, rate).locator('tbody tr').count(), 10, rate);
    assert.match(await part(page, '4. Tables of 10 steps').innerText(), /at η = 10 the loss first rises at step 8/);
    // Side by side on a laptop: description and graph in one row; the equations below them at
    // full width (issue 10: a third column left the graph a thumbnail with ~4 px labels).
    const boxes = await Promise.all(['1. Description of the network', '2. Graph of the network structure',
      '3. Gradient equations'].map((t) => part(page, t).boundingBox()));
    assert.ok(boxes[0].x < boxes[1].x && Math.abs(boxes[1].y - boxes[0].y) < 2, JSON.stringify(boxes));
    assert.ok(boxes[2].y > boxes[0].y && Math.abs(boxes[2].x - boxes[0].x) < 2, JSON.stringify(boxes));
    await page.locator('.report-panel').screenshot({ path: `${kArtifacts}report-desktop.png` });

    const [markdown] = await Promise.all([page.waitForEvent('download'), exportButton(page, 'Download Markdown report').click()]);
    assert.equal(markdown.suggestedFilename(), 'assignment-report.md');
    const text = await readFile(await markdown.path(), 'utf8');
    assert.ok(text.includes(`## 1. Description of the network\n\n${kDescription}\n`), 'the description as typed');
    assert.match(text, /### Learning rate η = 0\.1\n\n[^\n]+\n\n\| step \| w1\[1,1\] \|/);
    assert.match(text, /### Learning rate η = 10\n\n[^\n]+\n\n\| step \| w1\[1,1\] \|/);
    assert.equal(text, await nativeReport('markdown', kDescription), 'the same bytes as the CLI');
    await page.getByRole('status').filter({ hasText: 'Saved assignment-report.md.' }).waitFor();

    const [latex] = await Promise.all([page.waitForEvent('download'), exportButton(page, 'Download LaTeX report').click()]);
    assert.equal(latex.suggestedFilename(), 'assignment-report.tex');
    const tex = await readFile(await latex.path(), 'utf8');
    assert.equal(tex, await nativeReport('latex', kDescription));
    assert.ok(tex.includes('so a large \\ensuremath{\\eta} can overshoot them: \\$5 \\& 10\\% \\#1.'), 'escaped');

    const [svg] = await Promise.all([page.waitForEvent('download'), button(page, 'Download graph').click()]);
    assert.equal(svg.suggestedFilename(), 'network.svg');
  }));

test('the lecture network: the report says why there is no second table; a too-long description is refused at its box and the last report stays',
  () => withPage(async (page) => {
    await page.waitForFunction(() => Boolean(globalThis.katex));
    const box = field(page, 'description of your network');
    await box.fill('The lecture\'s two neurons.');
    await button(page, 'Check Assignment 4').click();
    await part(page, '4. Tables of 10 steps').waitFor();
    const tables = part(page, '4. Tables of 10 steps');
    assert.match(await tables.innerText(), /No learning rate above 0\.1 makes the loss rise/);
    assert.match(await tables.innerText(), /the target y = 1 lies on its bound/);
    assert.equal(await tableAt(page, '0.1').locator('tbody tr').count(), 10);
    assert.equal(await report(page).getByRole('table').count(), 1, 'one table on screen (the print blocks are hidden)');

    await box.fill('x'.repeat(5001));
    await button(page, 'Check Assignment 4').click();
    const message = page.locator('#report-description-error');
    await message.waitFor();
    assert.equal(await message.innerText(), 'description: at most 5000 characters, got 5001');
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await part(page, '1. Description of the network').locator('.report-description').innerText(),
      'The lecture\'s two neurons.', 'the last report stays');
    assert.equal(await page.locator('#report-stale').isVisible(), true);
    await waitEnabled(exportButton(page, 'Download Markdown report'));

    await box.fill('Kept in this browser.');
    await button(page, 'Check Assignment 4').click();
    await page.locator('#report-description-error').waitFor({ state: 'hidden' });
    assert.equal(await box.getAttribute('aria-invalid'), null);
    assert.equal(await page.locator('#report-stale').isVisible(), false);
  }));

test('the description is autosaved; an older autosave without one still loads', () => withPage(async (page) => {
  await field(page, 'description of your network').fill('Kept across a reload.');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('nntutor.autosave.v1') ?? '{}')
    .reportDescription === 'Kept across a reload.');
  await page.reload();
  await waitEnabled(button(page, 'Step'));
  assert.equal(await field(page, 'description of your network').inputValue(), 'Kept across a reload.');

  // An autosave written before the report existed: no reportDescription field.
  await page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('nntutor.autosave.v1'));
    delete saved.reportDescription;
    saved.session = { ...saved.session, layers: saved.session.layers.map((l) => ({ ...l, biases: [0.25] })) };
    localStorage.setItem('nntutor.autosave.v1', JSON.stringify(saved));
  });
  await page.reload();
  await waitEnabled(button(page, 'Step'));
  assert.equal(await field(page, 'description of your network').inputValue(), '');
  assert.equal(await field(page, 'b1').inputValue(), '0.25', 'the session itself was restored');
}));

test('Print report prints the report only, tables in blocks that fit the page', () => withPage(async (page) => {
  await loadPassing(page);
  await button(page, 'Check Assignment 4').click();
  await part(page, '4. Tables of 10 steps').waitFor();
  await page.evaluate(() => { window.print = () => { window.printed = true; }; });
  await exportButton(page, 'Print report').click();
  assert.equal(await page.evaluate(() => window.printed && document.documentElement.classList.contains('printing-report')), true);
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['.builder-panel', '.trace-panel', '.assignment-panel', '.site-header', '.report-actions', '.report-screen-table']) {
    assert.equal(await page.locator(hidden).first().isVisible(), false, hidden);
  }
  const blocks = page.locator('.report-print-tables table');
  assert.ok(await blocks.count() >= 10, 'each 66-column table in several blocks');
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  for (const box of await Promise.all((await blocks.all()).map((b) => b.boundingBox()))) {
    assert.ok(box.x + box.width <= width + 1, `a block fits across the page: ${JSON.stringify(box)}`);
  }
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('printing-report')), false);
}));

test('on a phone the four parts stack and the page does not scroll sideways', () => withPage(async (page) => {
  await button(page, 'Check Assignment 4').click();
  await part(page, '4. Tables of 10 steps').waitFor();
  const xs = await Promise.all(['1. Description of the network', '2. Graph of the network structure',
    '3. Gradient equations', '4. Tables of 10 steps'].map(async (t) => (await part(page, t).boundingBox()).x));
  assert.ok(xs.every((x) => Math.abs(x - xs[0]) < 2), JSON.stringify(xs));
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
}, { viewport: kPhone }));
