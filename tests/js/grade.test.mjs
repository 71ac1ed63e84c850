// Grading a class in the checker's Wasm module (the page's path) against the native CLI
// `nntutor grade`: the same grade sheet (CSV, JSON), the same analysis, byte for byte, on a small
// class with a planted slip, a rounded table, an unreadable file and an unmatched one; engine.js's
// grader() over it; the page's file sorting and zip reader; `grade-report` both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';
import { EngineError, loadChecker } from '../../web/js/engine.js';
import { classifyFiles } from '../../web/js/instructor-grade.js';
import { readZip } from '../../web/js/unzip.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const module = await createChecker();
const checker = await loadChecker(() => Promise.resolve(module));
const dir = mkdtempSync(join(tmpdir(), 'nntutor-grade-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const key = (x, eta) => JSON.stringify({
  inputs: [[x]], targets: [[1]],
  layers: [{ units: 1, activation: 'sigmoid', weights: [[0.5]], biases: [0] },
    { units: 1, activation: 'sigmoid', weights: [[0.8]], biases: [0] }],
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: eta }, steps: 10,
});

function run(args, input) {
  const r = spawnSync(cli, args, { encoding: 'utf8', input });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/// The class: 4 keys; a's table exact, b's with z2 of row 3 off (no known slip), c's to 3
/// decimals as Markdown, d's unreadable; e has no key; a key for f without a submission.
const keys = { 'a.session.json': key(1, 0.1), 'b.session.json': key(0.7, 0.12), 'c.json': key(0.9, 0.14),
  'd.session.json': key(1.1, 0.16), 'f.session.json': key(1.2, 0.1) };
const table = (name, precision = 4) => {
  writeFileSync(join(dir, 'k.json'), keys[name]);
  return run(['table', join(dir, 'k.json'), '--steps', '10', '--precision', String(precision), '--format', 'csv']).out;
};
const b = table('b.session.json').split('\n');
b[3] = b[3].split(',').map((v, k) => (k === 9 ? (Number(v) + 0.05).toFixed(4) : v)).join(',');
const submissions = {
  'a.csv': table('a.session.json'),
  'b.csv': b.join('\n'),
  'c.md': table('c.json', 3).trim().split('\n').map((line) => `| ${line.split(',').join(' | ')} |`).join('\n'),
  'd.txt': 'step,w1\n1,abc\n',
  'e.csv': table('a.session.json'),
};
mkdirSync(join(dir, 'keys'));
mkdirSync(join(dir, 'subs'));
for (const [name, text] of Object.entries(keys)) writeFileSync(join(dir, 'keys', name), text);
for (const [name, text] of Object.entries(submissions)) writeFileSync(join(dir, 'subs', name), text);

function wasmGrade(mode = 'start', rubric = '') {
  const g = new module.Grader();
  assert.equal(g.setup(rubric, mode).ok, true);
  for (const [name, text] of Object.entries(keys)) g.addKey(name, text);
  for (const [name, text] of Object.entries(submissions)) g.addSubmission(name, text);
  const n = g.plan();
  for (let i = 0; i < n; ++i) assert.equal(g.grade(i).ok, true);
  const out = Object.fromEntries(['csv', 'json', 'markdown', 'analysis'].map((f) => [f, g.result(f).value]));
  g.delete();
  return out;
}

test('the Wasm grader gives the native grade sheet, byte for byte', () => {
  const wasm = wasmGrade();
  const csv = run(['grade', join(dir, 'keys'), join(dir, 'subs'), '--analysis', join(dir, 'analysis.md')]);
  assert.equal(csv.status, 1);  // d, e and f are listed
  assert.equal(wasm.csv, csv.out);
  assert.equal(wasm.analysis, readFileSync(join(dir, 'analysis.md'), 'utf8'));
  const json = run(['grade', join(dir, 'keys'), join(dir, 'subs'), '--format', 'json', '--mode', 'step']);
  assert.equal(wasmGrade('step').json + '\n', json.out);
  const md = run(['grade', join(dir, 'keys'), join(dir, 'subs'), '--format', 'markdown']);
  assert.equal(wasm.markdown, md.out);
});

test('what the small class got wrong', () => {
  const sheet = JSON.parse(wasmGrade().json);
  assert.deepEqual(sheet.students.map((s) => [s.id, s.score]), [['a', 100], ['b', 99.23], ['c', 100]]);
  assert.deepEqual(sheet.students[1].first_slip.column, 'z2');
  assert.equal(sheet.students[1].first_slip.row, 3);
  assert.deepEqual(sheet.problems.map((p) => [p.file, p.kind, p.line]),
    [['d.txt', 'unreadable', 2], ['e.csv', 'no-key', null], ['f.session.json', 'no-submission', null]]);
  assert.deepEqual(sheet.analysis.first_slip_rows, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(sheet.analysis.columns.find((c) => c.column === 'z2').students_slip, 1);
});

test('engine.js grader(): the rubric, results and a bad rubric as EngineError', () => {
  assert.deepEqual(checker.defaultRubric(),
    { scheme: 'cells', points: 100, rounding: 1, follows: 'right',
      weights: { parameters: 1, forward: 1, loss: 1, gradients: 1, other: 1 } });
  const g = checker.grader('{"scheme": "rows", "points": 10}', 'start');
  for (const [name, text] of Object.entries(keys)) g.addKey(name, text);
  for (const [name, text] of Object.entries(submissions)) g.addSubmission(name, text);
  g.addUnreadable('z.csv', 'cannot be read (broken zip entry)');
  const n = g.plan();
  assert.equal(n, 4);  // a, b, c and d (whose table turns out unreadable)
  for (let i = 0; i < n; ++i) g.grade(i);
  const sheet = g.result('json');
  assert.equal(sheet.students[1].score, 9);  // 9 of 10 rows right
  assert.equal(sheet.problems.at(-1).message, 'cannot be read (broken zip entry)');
  const charts = g.result('charts');
  assert.deepEqual(charts.map((c) => c.title),
    ['Students with a wrong number, by column', 'Students who made each slip', 'First slip by row']);
  assert.match(charts[2].svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img"/);
  assert.throws(() => g.result('pdf'), new EngineError('format: expected csv, json, markdown, analysis or charts, got "pdf"'));
  g.close();
  assert.throws(() => checker.grader('{"points": -1}', 'start'),
    new EngineError('rubric.points: expected a number from 0 to 1e+06, got -1'));
  assert.throws(() => checker.grader('', 'exact'), EngineError);
});

test('grade-report: the Wasm module and the CLI agree', () => {
  const report = run(['assignment', `${root}examples/assignment-pass.json`, '--report', 'markdown']).out;
  writeFileSync(join(dir, 'report.md'), report);
  for (const network of [null, readFileSync(`${root}examples/assignment-pass.json`, 'utf8')]) {
    const args = ['grade-report', join(dir, 'report.md'), '--format', 'json'];
    if (network) args.push('--network', `${root}examples/assignment-pass.json`);
    const native = run(args);
    assert.deepEqual(checker.gradeReport(report, network), JSON.parse(native.out));
  }
  const g = checker.gradeReport(report, null);
  assert.equal(g.parts[0].score, 0);  // no description was given
  assert.equal(g.score, 90);
  assert.throws(() => checker.gradeReport(report, '{"inputs": 1}'), EngineError);
});

test('classifyFiles: keys by folder or .json, the rest submissions, hidden files skipped', () => {
  const c = classifyFiles([
    { path: 'class/keys/s1.session.json', text: '{}' },
    { path: 'class/keys/s1.sheet.md', text: '# sheet' },
    { path: 'class/keys/s1.key.csv', text: 'step' },
    { path: 'class/submissions/s1.csv', text: 'step' },
    { path: 'class/s2.json', text: '{}' },
    { path: 'class/s2.md', text: '|step|' },
    { path: 'class/.DS_Store', text: '' },
    { path: '__MACOSX/class/._s1.csv', text: '' },
    { path: 'class/s3.csv', error: 'cannot be read' },
  ]);
  assert.deepEqual(c.keys.map((k) => k.name), ['s1.session.json', 's2.json']);
  assert.deepEqual(c.submissions.map((s) => s.name), ['s1.csv', 's2.md']);
  assert.deepEqual(c.unreadable, [{ name: 's3.csv', message: 'cannot be read', key: false }]);
  assert.deepEqual(c.skipped, ['class/.DS_Store', '__MACOSX/class/._s1.csv']);
});

/// A zip of `files` ({ path: text }), deflated or stored, as a zip tool writes it.
function zip(files, method = 8) {
  const local = [], central = [];
  let offset = 0;
  for (const [path, text] of Object.entries(files)) {
    const name = Buffer.from(path), data = Buffer.from(text);
    const body = method === 8 ? deflateRawSync(data) : data;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(method, 8);
    head.writeUInt32LE(body.length, 18); head.writeUInt32LE(data.length, 22); head.writeUInt16LE(name.length, 26);
    const dirEntry = Buffer.alloc(46);
    dirEntry.writeUInt32LE(0x02014b50, 0); dirEntry.writeUInt16LE(method, 10);
    dirEntry.writeUInt32LE(body.length, 20); dirEntry.writeUInt32LE(data.length, 24);
    dirEntry.writeUInt16LE(name.length, 28); dirEntry.writeUInt32LE(offset, 42);
    local.push(head, name, body);
    central.push(dirEntry, name);
    offset += head.length + name.length + body.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10); end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16);
  const all = Buffer.concat([...local, ...central, end]);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
}

test('readZip: deflated and stored entries, and what is no zip', async () => {
  for (const method of [8, 0]) {
    const { entries, error } = await readZip(zip({ 'class/a.csv': 'step,w1\n1,0.5\n', 'class/keys/a.json': '{"x": 1}' }, method));
    assert.equal(error, undefined);
    assert.deepEqual(entries.map((e) => [e.path, new TextDecoder().decode(e.bytes)]),
      [['class/a.csv', 'step,w1\n1,0.5\n'], ['class/keys/a.json', '{"x": 1}']]);
  }
  assert.deepEqual(await readZip(new TextEncoder().encode('not a zip at all, just text').buffer),
    { entries: [], error: 'not a zip file (no end of central directory)' });
  const { entries } = await readZip(zip({ 'a.csv': 'x' }, 12));
  assert.deepEqual(entries, [{ path: 'a.csv', error: 'compressed with method 12, which the page cannot read (only stored or deflate)' }]);
});
