// The Instructor page (issue 14) as an instructor uses it: five variants by the labels, a
// sheet's preview, the zip of every file, one sheet, a student's link opening the lecture page
// on that variant, a bad count named at its box with the list kept; a phone; axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { button, field, origin, rowCount, waitEnabled, withPage } from './harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const kPhone390 = { width: 390, height: 844 };
const kAxe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const withInstructor = (body, options = {}) => withPage(async (page) => {
  await page.getByText('Ready: choose a template and press Generate.').waitFor({ timeout: 20000 });
  await body(page);
}, { ...options, path: '/instructor.html', ready: false });
const list = (page) => page.getByRole('table', { name: 'Variants, one per student' });
const status = (page) => page.locator('#variants-status');

/// What `nntutor variant ARGS` writes, by file name (the native twin of the page's variants).
function native(args) {
  const dir = mkdtempSync(`${tmpdir()}/nntutor-e2e-variants-`);
  try {
    const r = spawnSync(cli, ['variant', ...args, '--out', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(`${dir}/${name}`, 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/// The files in a zip, read by Python's zipfile (an independent reader): [[name, text]].
function unzip(path) {
  const r = spawnSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, z.read(i).decode('utf-8')] for i in z.infolist()]))`, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function generate(page, { seed, count }) {
  await field(page, 'seed').fill(seed);
  await field(page, 'count').fill(count);
  await button(page, 'Generate').click();
}

test('five variants: the list, a sheet, the zip of every file, one sheet, and a student\'s link', async () => {
  const expected = native(['--seed', '7', '--count', '5']);
  let link;
  await withInstructor(async (page) => {
    assert.equal(await page.getByRole('radio', { name: /the lecture's worked example/ }).isChecked(), true);
    await generate(page, { seed: '7', count: '5' });
    await page.getByText('5 variants from seed 7, 5 steps each.').waitFor();
    const rows = list(page).locator('tbody tr');
    assert.equal(await rows.count(), 5);
    // Each row: id, x, y, η, L at step 1 — the native variant's numbers.
    const v2 = JSON.parse(expected['v002.session.json']);
    const cells = await rows.nth(1).locator('th, td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 4), ['v002', String(v2.inputs[0][0]), String(v2.targets[0][0]),
      String(v2.optimizer.learning_rate)]);
    assert.equal(cells[4], expected['v002.key.csv'].split('\n')[1].split(',').at(-1), 'L at step 1 is the key\'s');
    // The first variant is previewed; pressing v003 previews its sheet, word for word the CLI's.
    assert.equal(await page.locator('#sheet-preview').textContent(), expected['v001.sheet.md']);
    await button(page, 'v003').click();
    assert.equal(await page.locator('#sheet-preview').textContent(), expected['v003.sheet.md']);
    assert.equal(await page.getByRole('heading', { name: 'Sheet of v003' }).count(), 1);
    // One sheet, then everything as a zip: 5 files per variant and the index.
    const [sheet] = await Promise.all([page.waitForEvent('download'), button(page, 'Download sheet (Markdown)').click()]);
    assert.equal(sheet.suggestedFilename(), 'v003.sheet.md');
    assert.equal(readFileSync(await sheet.path(), 'utf8'), expected['v003.sheet.md']);
    const [tex] = await Promise.all([page.waitForEvent('download'), button(page, 'Download sheet (LaTeX)').click()]);
    assert.equal(readFileSync(await tex.path(), 'utf8'), expected['v003.sheet.tex']);
    const [zip] = await Promise.all([page.waitForEvent('download'), button(page, 'Download all (zip)').click()]);
    assert.equal(zip.suggestedFilename(), 'variants-seed7.zip');
    const files = unzip(await zip.path());
    assert.equal(files.length, 5 * 5 + 1);
    const site = `${origin}/index.html`;
    for (const [name, text] of files) {
      // The page's links start with the page's own address, the CLI's with index.html.
      assert.equal(text, name === 'index.csv' ? expected[name].replaceAll(',index.html#', `,${site}#`) : expected[name], name);
    }
    link = await page.getByRole('link', { name: 'open v002' }).getAttribute('href');
    assert.ok(link.startsWith(`${site}#session=`), link);
    // A bad count: named at its box, nothing else changes.
    await generate(page, { seed: '7', count: '0' });
    await page.getByText('count: expected a whole number from 1 to 1000, got 0').waitFor();
    assert.equal(await field(page, 'count').getAttribute('aria-invalid'), 'true');
    assert.equal(await rows.count(), 5, 'the last good list stays');
    await generate(page, { seed: '7', count: 'five' });
    await page.getByText('count: expected a whole number, got "five"').waitFor();
    await generate(page, { seed: '7', count: '2' });
    await page.getByText('2 variants from seed 7, 5 steps each.').waitFor();
    assert.equal(await field(page, 'count').getAttribute('aria-invalid'), null);
    assert.equal(await page.locator('#variant-count-error').isHidden(), true);
  });
  // The student opens the link: the lecture page shows the variant's numbers.
  const v2 = JSON.parse(expected['v002.session.json']);
  await withPage(async (page) => {
    await waitEnabled(button(page, 'Step'));
    assert.equal(await field(page, 'learning rate').inputValue(), String(v2.optimizer.learning_rate));
    assert.equal(await field(page, 'w1').inputValue(), String(v2.layers[0].weights[0][0]));
    assert.equal(await field(page, 'b2').inputValue(), String(v2.layers[1].biases[0]));
    assert.equal(await rowCount(page), 5);
    const firstRow = await page.getByRole('table', { name: 'Training trace, one row per step' }).locator('tbody tr').first().innerText().then((t) => t.replaceAll('\u2212', '-'));
    const key = expected['v002.key.csv'].split('\n')[1].split(',');
    for (const number of key.slice(1)) assert.ok(firstRow.includes(number), `${number} in the lecture page's row 1: ${firstRow}`);
  }, { path: link.slice(origin.length), ready: false });
});

test('a template that is not a session, and an Assignment 4 template', () => withInstructor(async (page) => {
  await page.getByRole('radio', { name: 'a session file or pasted JSON' }).check();
  await field(page, 'session JSON').fill('{"inputs": [[1]]}');
  await generate(page, { seed: '1', count: '3' });
  await page.getByText('template: targets: required field is missing').waitFor();
  assert.equal(await list(page).isVisible(), false);
  await page.getByRole('radio', { name: /an Assignment 4 network/ }).check();
  await field(page, 'steps').fill('3');
  await generate(page, { seed: '2', count: '3' });
  await page.getByText('3 variants from seed 2, 3 steps each (Assignment 4 style: each passes Assignment 4 and has a rate that makes the loss rise).').waitFor();
  assert.match(await list(page).locator('tbody tr').first().innerText(), /0\.1 \(rises at \d+(\.\d+)?\)/);
  assert.match(await page.locator('#sheet-preview').innerText(), /## Your table at η = \d+(\.\d+)? \(the same start; the loss rises within 10 steps\)/);
}));

test('the lecture page links to the Instructor page and back; its saved session is a template', () => withPage(async (page) => {
  await field(page, 'w1').fill('0.3');
  await field(page, 'w1').press('Enter');
  await page.getByRole('link', { name: 'Instructor →' }).click();
  await page.getByRole('heading', { name: 'Instructor', level: 1 }).waitFor();
  await page.getByText('Ready: choose a template and press Generate.').waitFor({ timeout: 20000 });
  // The lecture page's autosave (w1 = 0.3) is offered; its variants keep its network.
  await page.getByRole('radio', { name: 'the session of the lecture page (saved in this browser)' }).check();
  await generate(page, { seed: '1', count: '2' });
  // Its steps are the rows the lecture page had computed: none yet.
  await page.getByText('template: steps is 0, but a variant\'s sheet has 1 to 50 rows (filled by hand); give the number of steps').waitFor();
  await field(page, 'steps').fill('4');
  await generate(page, { seed: '1', count: '2' });
  await page.getByText('2 variants from seed 1, 4 steps each.').waitFor();
  assert.match(await page.locator('#sheet-preview').textContent(), /Layer 2: 1 neuron, sigmoid σ/);
  await page.getByRole('link', { name: '← the worked example' }).click();
  await waitEnabled(button(page, 'Step'));
}));

for (const viewport of [undefined, kPhone390]) {
  const where = viewport ? ' on a phone' : '';
  test(`the Instructor page fits and has no axe violations${where}`, () => withInstructor(async (page) => {
    await generate(page, { seed: '3', count: '4' });
    await page.getByText('4 variants from seed 3, 5 steps each.').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no sideways scrolling of the page');
    await page.evaluate(kAxe);
    const found = await page.evaluate(async () => {
      const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
    });
    assert.deepEqual(found, []);
  }, viewport ? { viewport } : {}));
}
