// The checker's Wasm module on a graph session (docs/check.md "Graph sessions"): the same entry
// points as for a layered session (check, tutorStep, tutorCheck), so the lecture page's Check and
// Tutor panels work unchanged; their answers are the native CLI's, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const checker = await createChecker();
const dir = mkdtempSync(join(tmpdir(), 'graph-check-'));

// The lecture's 1-1-1 network written as a graph, and a branching graph (a skip 1 → 4).
const lecture = JSON.stringify({
  inputs: [[1]], targets: [[1]],
  graph: {
    nodes: [{ activation: 'sigmoid', bias: 0 }, { activation: 'sigmoid', bias: 0 }],
    edges: [{ from: 'x1', to: 1, weight: 0.5 }, { from: 1, to: 2, weight: 0.8 }],
    outputs: [2],
  },
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 }, steps: 5,
});
const branching = JSON.stringify({
  inputs: [[1, -0.5]], targets: [[0.7]],
  graph: {
    nodes: [{ activation: 'tanh', bias: 0.1 }, { activation: 'sigmoid', bias: -0.2 },
      { activation: 'sigmoid', bias: 0.05 }, { activation: 'sigmoid' }],
    edges: [{ from: 'x1', to: 1, weight: 0.5 }, { from: 'x2', to: 1, weight: -0.25 },
      { from: 'x2', to: 2, weight: 0.75 }, { from: 1, to: 3, weight: 0.8 }, { from: 2, to: 3, weight: -0.6 },
      { from: 1, to: 4, weight: 0.3 }, { from: 3, to: 4, weight: 0.9 }],
    outputs: [4],
  },
  optimizer: { name: 'sgd', learning_rate: 0.5 }, steps: 3,
});

function wasm(result) {
  assert.equal(result.ok, true, result.error);
  return result.value;
}

function run(args, input) {
  const r = spawnSync(cli, args, { input, encoding: 'utf8' });
  return r;
}

function file(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a graph session\'s exact table gets full marks, a slip is found where it is', () => {
  for (const session of [lecture, branching]) {
    const path = file('s.json', session);
    const table = run(['table', path, '--format', 'csv']);
    assert.equal(table.status, 0, table.stderr);
    for (const mode of ['start', 'step']) {
      const report = JSON.parse(wasm(checker.check(session, table.stdout, mode)));
      assert.equal(report.summary.wrong, 0, report.summary.text);
      assert.equal(report.summary.first_wrong, null);
    }
  }
  const path = file('lecture.json', lecture);
  const table = run(['table', path, '--format', 'csv']).stdout;
  const slip = table.split('\n').map((line, i) => (i === 2 ? line.replace(',0.5109,', ',0.5151,') : line)).join('\n');
  assert.notEqual(slip, table);
  const answer = file('slip.csv', slip);
  for (const mode of ['start', 'step']) {
    const native = run(['check', path, answer, '--format', 'json', '--mode', mode]);
    assert.equal(native.status, 1);
    const w = wasm(checker.check(lecture, slip, mode));
    assert.equal(`${w}\n`, native.stdout, 'Wasm and native write the same report');
    const report = JSON.parse(w);
    assert.deepEqual(report.summary.first_wrong, { row: 2, column: 'z[2]' });
    const cell = report.cells.find((c) => c.row === 2 && c.column === 'z[2]');
    assert.equal(cell.verdict, 'wrong');
    assert.equal(cell.formula, 'z[2] = w[2,1]·y[1] + b[2]');
    assert.equal(cell.header, 'z[2]');
  }
});

test('the tutor on a graph: the step\'s cells as the CLI gives them, typed numbers judged', () => {
  for (const [session, step] of [[lecture, 1], [lecture, 3], [branching, 2]]) {
    const path = file('t.json', session);
    const native = run(['tutor', path, '--step', String(step), '--format', 'json']);
    assert.equal(native.status, 0, native.stderr);
    assert.equal(`${wasm(checker.tutorStep(session, step, 4))}\n`, native.stdout);
  }
  const cells = JSON.parse(wasm(checker.tutorStep(branching, 1, 4))).cells;
  assert.deepEqual(cells.slice(0, 9).map((c) => c.column),
    ['z[1]', 'y[1]', 'z[2]', 'y[2]', 'z[3]', 'y[3]', 'z[4]', 'y[4]', 'L']);
  assert.deepEqual([...new Set(cells.map((c) => c.stage))], ['forward', 'loss', 'gradient', 'update']);
  const check = (column, row, given) => JSON.parse(wasm(checker.tutorCheck(lecture, 1, column, row, given, 4)));
  assert.equal(check('y[1]', 1, '0.6225').verdict, 'correct');
  const wrong = check('y[1]', 1, '0.5000');
  assert.equal(wrong.verdict, 'wrong');
  assert.equal(wrong.slip_id, 'no-activation');
  assert.equal(wrong.why, 'not y[1] of step 1');
  assert.equal(check('w[2,1]', 2, '0.8055').verdict, 'correct');
  const bad = checker.tutorCheck(lecture, 1, 'y1', 1, '0.5', 4);
  assert.equal(bad.ok, false);
  assert.equal(bad.error, 'tutor: step 1 does not ask for y1 of row 1');
});
