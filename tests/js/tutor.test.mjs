// Tutor mode: the checker's Wasm module against the native CLI (`nntutor tutor --format json`,
// byte for byte), its verdicts on typed numbers, and the page's tutor state (web/js/tutor.js):
// what a check or a reveal does, and progress read back from storage, damaged or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';
import {
  afterCheck, afterReveal, currentCell, isComplete, loadTutor, newTutor, progressOf, restoreProgress,
  saveTutor, tally, tutorKey,
} from '../../web/js/tutor.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const checker = await createChecker();
const lecturePath = `${root}examples/lecture.json`;
const lecture = readFileSync(lecturePath, 'utf8');
const net231 = JSON.stringify({
  inputs: [[0.5, -1], [1, 2]], targets: [[0.2], [0.9]],
  layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  optimizer: { name: 'sgd', learning_rate: 0.5 }, seed: 7,
});

function wasm(result) {
  assert.equal(result.ok, true, result.error);
  return result.value;
}

/// Every number within 1e-12 (relative to max(1, |b|)), every text equal.
function assertClose(a, b, path = '') {
  if (typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${path}: ${a} vs ${b}`);
  } else if (b && typeof b === 'object') {
    assert.deepEqual(Object.keys(a), Object.keys(b), path);
    for (const k of Object.keys(b)) assertClose(a[k], b[k], `${path}.${k}`);
  } else {
    assert.equal(a, b, path);
  }
}

test('each step\'s cells and exact values: Wasm and native agree', () => {
  for (const [session, step, decimals] of [[lecture, 1, 4], [lecture, 3, 6], [net231, 2, 4]]) {
    const path = session === lecture ? lecturePath : '-';
    const r = spawnSync(cli, ['tutor', path, '--step', String(step), '--decimals', String(decimals), '--format', 'json'],
      { input: session, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const w = wasm(checker.tutorStep(session, step, decimals));
    // One sample: the same bytes. Two: sums over samples may differ in the last bit (SIMD order).
    if (session === lecture) assert.equal(`${w}\n`, r.stdout);
    else assertClose(JSON.parse(w), JSON.parse(r.stdout));
  }
  const cells = JSON.parse(wasm(checker.tutorStep(net231, 1, 4))).cells;
  assert.equal(cells.length, 2 * 3 * 2 + 2 * 1 * 2 + 1 + 2 * 13, 'z, y per sample, L, 13 gradients, 13 updates');
});

test('typed numbers: right, rounding, more decimals, wrong with its slip, unreadable', () => {
  const check = (column, row, given, decimals = 4) => JSON.parse(wasm(checker.tutorCheck(lecture, 1, column, row, given, decimals)));
  assert.equal(check('y1', 1, '0.6225').verdict, 'correct');
  assert.equal(check('y1', 1, '0.6224').verdict, 'rounding');
  assert.equal(check('y1', 1, '0.62').verdict, 'more_decimals');
  const wrong = check('w1', 2, '0.4983');
  assert.equal(wrong.verdict, 'wrong');
  assert.equal(wrong.slip_id, 'update-sign');
  assert.equal(wrong.expected, undefined, 'a wrong try does not give the value away');
  const bad = checker.tutorCheck(lecture, 1, 'z1', 1, 'abc', 4);
  assert.equal(bad.ok, false);
  assert.equal(bad.error, 'z1 (step 1): expected a number, got "abc"');
  assert.equal(checker.tutorStep(lecture, 0, 4).error, 'tutor: the step must be 1 or more, got 0');
});

const step1 = () => newTutor(tutorKey(JSON.parse(lecture), 1), JSON.parse(wasm(checker.tutorStep(lecture, 1, 4))));

test('the state: a wrong try opens the hint, a right one moves on, reveal counts', () => {
  let t = step1();
  assert.equal(currentCell(t).column, 'z1');
  t = afterCheck(t, '0.4', { verdict: 'wrong', formula: 'z1 = w1·x + b1', why: 'not z1 of step 1' });
  assert.equal(t.tries, 1);
  assert.equal(t.hint, true);
  assert.equal(currentCell(t).column, 'z1');
  t = afterCheck(t, '0.50', { verdict: 'more_decimals', why: '…' });
  assert.equal(t.tries, 1, 'too few decimals is not a try');
  t = afterCheck(t, '0.5000', { verdict: 'correct' });
  assert.deepEqual([t.tries, t.hint, currentCell(t).column], [0, false, 'y1']);
  t = afterReveal(t);
  assert.deepEqual(t.done[1], { status: 'revealed', text: '0.6225' });
  while (!isComplete(t)) t = afterCheck(t, currentCell(t).text, { verdict: 'rounding' });
  assert.deepEqual(tally(t), { correct: 1, rounding: 11, revealed: 1 });
  assert.equal(afterReveal(t), t, 'nothing to reveal after the last cell');
});

test('progress comes back for its own step only; damaged records are ignored', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  let t = afterCheck(step1(), '0.5000', { verdict: 'correct' });
  t = afterCheck(t, '0.7', { verdict: 'wrong' });
  saveTutor(storage, progressOf(true, t));
  const saved = loadTutor(storage);
  assert.equal(saved.on, true);
  const back = restoreProgress(step1(), saved);
  assert.deepEqual([back.done, back.tries, back.hint], [t.done, 1, true]);
  const other = newTutor(tutorKey(JSON.parse(lecture), 2), JSON.parse(wasm(checker.tutorStep(lecture, 2, 4))));
  assert.equal(restoreProgress(other, saved), other, 'another step starts fresh');
  for (const damaged of [
    { ...saved, done: 'x' }, { ...saved, done: [{ status: 'hacked', text: '1' }] },
    { ...saved, done: [{ status: 'correct', text: 5 }] }, { ...saved, done: new Array(99).fill({ status: 'correct', text: '1' }) },
  ]) {
    const fresh = step1();
    assert.equal(restoreProgress(fresh, damaged), fresh);
  }
  store.set('nntutor.tutor.v1', '{not json');
  assert.equal(loadTutor(storage), null);
  store.set('nntutor.tutor.v1', '[1,2]');
  assert.equal(loadTutor(storage), null);
  const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
  assert.equal(loadTutor(broken), null);
  saveTutor(broken, { on: true });  // does not throw
});
