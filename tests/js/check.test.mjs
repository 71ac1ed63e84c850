// The checker's Wasm module (build/wasm/nntutor_check_wasm.js) against the native CLI
// `nntutor check`: the same report, cell for cell, and the same messages for bad tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const checker = await createChecker();
const lecture = readFileSync(`${root}examples/lecture.json`, 'utf8');
const slide = readFileSync(`${root}examples/lecture-slide-eta0.1.csv`, 'utf8');

/// `nntutor check SESSION - --mode MODE --format json` with `answer` on stdin.
function native(answer, mode) {
  const r = spawnSync(cli, ['check', `${root}examples/lecture.json`, '-', '--mode', mode, '--format', 'json'],
    { input: answer, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

for (const mode of ['start', 'step']) {
  test(`the slide's table in ${mode} mode: the same report natively and in Wasm`, () => {
    const n = native(slide, mode);
    assert.equal(n.status, 1, 'z2 in row 2 is wrong in both modes: exit 1');
    const w = checker.check(lecture, slide, mode);
    assert.equal(w.ok, true, w.error);
    assert.deepEqual(JSON.parse(w.value), JSON.parse(n.out));
    assert.deepEqual(JSON.parse(w.value).summary.first_wrong, { row: 2, column: 'z2' });
  });
}

test('bad tables and modes give the same message natively and in Wasm', () => {
  for (const answer of ['', 'step,w1\n', 'step,w1,b1\n1,0.5\n', 'step,w1\n1,0,5\n', 'step,q9\n1,2\n']) {
    const n = native(answer, 'start');
    assert.equal(n.status, 2, answer);
    const w = checker.check(lecture, answer, 'start');
    assert.equal(w.ok, false);
    assert.equal(`nntutor: -: ${w.error}\n`, n.err, answer);
  }
  assert.equal(checker.check(lecture, slide, 'sideways').error, 'mode: expected start or step, got "sideways"');
  assert.match(checker.check('{', slide, 'start').error, /^session/);
});

test('assignment(): the same report as `nntutor assignment --format json`', () => {
  for (const file of ['examples/lecture.json', 'examples/assignment-pass.json']) {
    const n = spawnSync(cli, ['assignment', `${root}${file}`, '--format', 'json'], { encoding: 'utf8' });
    const w = checker.assignment(readFileSync(`${root}${file}`, 'utf8'));
    assert.equal(w.ok, true, w.error);
    assert.deepEqual(JSON.parse(w.value), JSON.parse(n.stdout), file);
    assert.equal(n.status, JSON.parse(w.value).passed ? 0 : 1);
  }
  assert.equal(checker.assignment('{"inputs": 3}').error, 'targets: required field is missing');
});
