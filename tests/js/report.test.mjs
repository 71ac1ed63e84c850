// Assignment 4's report from the checker's Wasm module (build/wasm/nntutor_check_wasm.js)
// against the native CLI `nntutor assignment --report`: byte for byte the same documents, the
// same messages for bad input; and engine.js's report() over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';
import { EngineError, loadChecker } from '../../web/js/engine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const checker = await createChecker();
const dir = mkdtempSync(join(tmpdir(), 'nntutor-report-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const kDescription = 'My 2-4-1 net: η = 0.1 → falls; \\end{document} $x$ & 50% #1 ^_^ ~ {}\n\nNaïve ✓ 日本.';

/// `nntutor assignment FILE --report FORMAT --description (a file holding DESCRIPTION)`.
function native(file, format, description, precision = 4) {
  const path = join(dir, 'description.txt');
  writeFileSync(path, description);
  const r = spawnSync(cli, ['assignment', `${root}${file}`, '--report', format, '--description', path,
    '--precision', String(precision)], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr, path };
}

for (const [file, format, status] of [
  ['examples/assignment-pass.json', 'markdown', 0],
  ['examples/assignment-pass.json', 'latex', 0],
  ['examples/lecture.json', 'markdown', 1],
  ['examples/lecture.json', 'latex', 1],
  ['examples/lecture.json', 'json', 1],
]) {
  test(`${file} as ${format}: the same bytes natively and in Wasm`, () => {
    const n = native(file, format, kDescription);
    assert.equal(n.status, status, n.err);
    const w = checker.report(readFileSync(`${root}${file}`, 'utf8'), kDescription, format, 4);
    assert.equal(w.ok, true, w.error);
    assert.equal(w.value, n.out);
  });
}

test('precision reaches the tables and equations in both', () => {
  const n = native('examples/assignment-pass.json', 'markdown', '', 6);
  const w = checker.report(readFileSync(`${root}examples/assignment-pass.json`, 'utf8'), '', 'markdown', 6);
  assert.equal(w.value, n.out);
  assert.match(w.value, /\| 1 \| 0\.500000 \| -0\.300000 \|/);
});

test('bad input: the same message (the CLI adds the file it came from)', () => {
  const lecture = readFileSync(`${root}examples/lecture.json`, 'utf8');
  for (const description of ['x'.repeat(5001), 'bell\u0007', 'é'.repeat(5001)]) {
    const n = native('examples/lecture.json', 'markdown', description);
    assert.equal(n.status, 2);
    const w = checker.report(lecture, description, 'markdown', 4);
    assert.equal(w.ok, false);
    assert.equal(n.err, `nntutor: ${n.path}: ${w.error}\n`);
  }
  assert.equal(checker.report(lecture, '', 'pdf', 4).error, 'format: expected markdown, latex or json, got "pdf"');
  assert.equal(checker.report(lecture, '', 'latex', 18).error, 'precision: expected a whole number from 0 to 17, got 18');
  assert.equal(checker.report('{"inputs": 3}', '', 'latex', 4).error, 'targets: required field is missing');
});

test('engine.js: report() parses JSON, returns the documents as text, throws EngineError', async () => {
  const loaded = await loadChecker(createChecker);
  const session = JSON.parse(readFileSync(`${root}examples/assignment-pass.json`, 'utf8'));
  const parts = loaded.report(session, 'mine', 'json', 4);
  assert.equal(parts.description, 'mine');
  assert.equal(parts.network.structure, '2 inputs → 4 relu → 1 sigmoid (output)');
  assert.deepEqual(parts.tables.runs.map((r) => r.learning_rate), [0.1, 10]);
  assert.equal(parts.tables.runs[1].table.rows.length, 10);
  assert.equal(parts.assignment.passed, true);
  const markdown = loaded.report(session, 'mine', 'markdown', 4);
  assert.match(markdown, /^# Assignment 4 report\n\n## 1\. Description of the network\n\nmine\n/);
  assert.throws(() => loaded.report(session, 'x'.repeat(5001), 'latex', 4),
    (e) => e instanceof EngineError && e.message === 'description: at most 5000 characters, got 5001');
});
