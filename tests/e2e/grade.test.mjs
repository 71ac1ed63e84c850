// The instructor page's grading section as an instructor uses it: a class folder chosen with the
// labelled folder input, Grade the class, the progress bar finishing, the grade table, what the
// class got wrong (an SVG chart), the CSV download, a bad file listed by name; the same from a
// zip; an Assignment 4 report graded; a phone-sized viewport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { button, field, kPhone, withPage } from './harness.mjs';

const kAxe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/// axe-core's violations on the page as it is now (as tests/e2e/axe.test.mjs runs it).
async function violations(page) {
  await page.evaluate(kAxe);
  return page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
  });
}

const kRoot = new URL('../../', import.meta.url).pathname;
const cli = `${kRoot}build/native/nntutor`;
const dir = mkdtempSync(join(tmpdir(), 'nntutor-e2e-grade-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const key = (x) => JSON.stringify({
  inputs: [[x]], targets: [[1]],
  layers: [{ units: 1, activation: 'sigmoid', weights: [[0.5]], biases: [0] },
    { units: 1, activation: 'sigmoid', weights: [[0.8]], biases: [0] }],
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 }, steps: 10,
});

/// class/keys/s1…s6.session.json; class/submissions: s1…s5 exact except s3 (z2 of row 2 off),
/// s4 stopped after 5 rows, s6 unreadable.
const files = {};
for (let i = 1; i <= 6; ++i) {
  files[`class/keys/s${i}.session.json`] = key(0.5 + 0.1 * i);
  writeFileSync(join(dir, 'k.json'), key(0.5 + 0.1 * i));
  let table = spawnSync(cli, ['table', join(dir, 'k.json'), '--steps', '10', '--format', 'csv'], { encoding: 'utf8' }).stdout;
  if (i === 3) {
    const lines = table.split('\n');
    lines[2] = lines[2].split(',').map((v, k) => (k === 9 ? (Number(v) + 0.1).toFixed(4) : v)).join(',');
    table = lines.join('\n');
  }
  if (i === 4) table = table.split('\n').slice(0, 6).join('\n');
  if (i === 6) table = 'step,w1\n1,0,5\n';
  files[`class/submissions/s${i}.csv`] = table;
}
for (const [path, text] of Object.entries(files)) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function zip(entries) {
  const local = [], central = [];
  let offset = 0;
  for (const [path, text] of Object.entries(entries)) {
    const name = Buffer.from(path), data = Buffer.from(text), body = deflateRawSync(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(8, 8);
    head.writeUInt32LE(body.length, 18); head.writeUInt32LE(data.length, 22); head.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0); entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(body.length, 20); entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28); entry.writeUInt32LE(offset, 42);
    local.push(head, name, body);
    central.push(entry, name);
    offset += head.length + name.length + body.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  const count = Object.keys(entries).length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(count, 8); end.writeUInt16LE(count, 10);
  end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

const kPage = { path: '/instructor.html', ready: false };

async function gradeAndCheck(page) {
  await button(page, 'Grade the class').click();
  const progress = page.getByRole('progressbar', { name: 'Grading progress' });
  await page.waitForFunction(() => document.querySelector('#grade-progress')?.getAttribute('aria-valuenow') === '6');
  assert.equal(await progress.getAttribute('aria-valuemax'), '6');  // s6 has a key: graded, found unreadable
  await page.getByText('6 of 6 graded').waitFor();
  const table = page.getByRole('table', { name: 'Grades, one row per student' });
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[2], r[6], r[7]]), [
    ['s1', '10 of 10', '—', '100.00 / 100'],
    ['s2', '10 of 10', '—', '100.00 / 100'],
    ['s3', '10 of 10', 'z2 in row 2', '99.23 / 100'],
    ['s4', '5 of 10', '—', '50.00 / 100'],
    ['s5', '10 of 10', '—', '100.00 / 100'],
  ]);
  // The bad file is listed by name with its line.
  const problems = await page.locator('#grade-problems li').allTextContents();
  assert.deepEqual(problems, ['s6.csv, line 2 (unreadable): line 2: expected 2 cells like the header (line 1), got 3 ' +
    '(decimal commas? write 0.5, not 0,5)']);
  // What the class got wrong: the core's charts.
  const chart = page.getByRole('img', { name: 'First slip by row' });
  await chart.waitFor();
  assert.match(await page.locator('#grade-stopped').textContent(), /Stopped early: s4 \(5 of 10 rows\)/);
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'Download grade sheet (CSV)').click()]);
  assert.equal(download.suggestedFilename(), 'grades.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  const native = spawnSync(cli, ['grade', join(dir, 'class/keys'), join(dir, 'class/submissions')], { encoding: 'utf8' });
  assert.equal(csv, native.stdout);
  const [report] = await Promise.all([page.waitForEvent('download'), button(page, 'Download the report (Markdown)').click()]);
  assert.match(readFileSync(await report.path(), 'utf8'), /^# What the class got wrong/);
}

test('a class folder chosen with the folder input is graded, with a progress bar, table, chart and CSV', () => withPage(async (page) => {
  await field(page, 'Class folder (keys and submissions)').setInputFiles(join(dir, 'class'));
  await page.getByText(/6 keys and 6 submissions/).waitFor();
  await gradeAndCheck(page);
  assert.deepEqual(await violations(page), []);  // with the results, charts and problems shown
}, kPage));

test('a zip of the class folder gives the same', () => withPage(async (page) => {
  writeFileSync(join(dir, 'class.zip'), zip(files));
  await field(page, 'Or a zip of the class folder').setInputFiles(join(dir, 'class.zip'));
  await page.getByText(/class\.zip: 6 keys and 6 submissions/).waitFor();
  await gradeAndCheck(page);
}, kPage));

test('a zip dropped on the drop area gives the same', () => withPage(async (page) => {
  const bytes = [...zip(files)];
  await page.locator('#grade-drop').evaluate((drop, data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'dropped.zip', { type: 'application/zip' }));
    drop.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await page.getByText(/dropped\.zip: 6 keys and 6 submissions/).waitFor();
  await gradeAndCheck(page);
}, kPage));

test('a bad rubric is said at the button; nothing is graded', () => withPage(async (page) => {
  await field(page, 'Class folder (keys and submissions)').setInputFiles(join(dir, 'class'));
  await page.getByText(/6 keys/).waitFor();
  await field(page, 'Rubric (JSON, empty for the default)').fill('{"scheme": "all"}');
  await button(page, 'Grade the class').click();
  await page.getByRole('alert').filter({ hasText: 'rubric.scheme: expected "cells" or "rows", got "all"' }).waitFor();
  assert.equal(await page.locator('#grade-results').isHidden(), true);
}, kPage));

test('an Assignment 4 report is graded part by part, on a phone too', () => withPage(async (page) => {
  const report = spawnSync(cli, ['assignment', `${kRoot}examples/assignment-pass.json`, '--report', 'markdown'],
    { encoding: 'utf8' }).stdout;
  writeFileSync(join(dir, 'report.md'), report);
  await field(page, 'Report (Markdown or LaTeX)').setInputFiles(join(dir, 'report.md'));
  await field(page, "The student's network (session JSON, optional)").setInputFiles(`${kRoot}examples/assignment-pass.json`);
  await button(page, 'Grade the report').click();
  const table = page.getByRole('table', { name: "The report's parts, scored" });
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r.slice(0, 2)), [
    ['Description of the model', '0 / 10'], ['Graph of the network structure', '10 / 10'],
    ['Gradient equations for all neurons', '30 / 30'], ['Table at η = 0.1', '25 / 25'], ['Table at η > 0.1', '25 / 25']]);
  assert.equal(rows[0][2], 'The description part has no text of the student\'s own.');
  assert.match(await page.locator('#grade-report-summary').textContent(), /^Score 90\.0 of 100/);
  assert.deepEqual(await violations(page), []);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= kPhone.width, `the page is ${width} px wide on a ${kPhone.width} px phone`);
}, { ...kPage, viewport: kPhone }));
