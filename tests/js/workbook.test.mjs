// The workbook (engine.open) against the stateless run() of the same module: every row, trace
// and equation to the last bit (deepStrictEqual compares numbers with Object.is), errors as
// EngineError with the core's message, and a refused call that changes nothing.
// Run after `scripts/build.sh wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createEngine from '../../build/wasm/nntutor_wasm.js';
import { EngineError, loadEngine } from '../../web/js/engine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const wasmBinary = readFileSync(`${root}build/wasm/nntutor_wasm.wasm`);
const engine = await loadEngine(() => createEngine({ wasmBinary }));

const lecture = JSON.parse(readFileSync(`${root}examples/lecture.json`, 'utf8'));
const twoThreeOne = {
  inputs: [[0.5, -0.2], [0.1, 0.9], [-0.7, 0.3]], targets: [[1], [0], [0.5]],
  layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  loss: 'mse', optimizer: { name: 'adam', learning_rate: 0.05, batch_size: 2, shuffle_seed: 3 }, seed: 4,
};
const diverging = {
  inputs: [[1]], targets: [[2]], layers: [{ units: 1, activation: 'linear', weights: [[1]] }],
  optimizer: { name: 'sgd', learning_rate: 1e20 },
};

/// Throws-check: an EngineError whose message is exactly `message`.
const engineError = (message) => (e) => {
  assert.ok(e instanceof EngineError, `expected EngineError, got ${e}`);
  assert.equal(e.message, message);
  return true;
};

for (const [name, session] of [['lecture 1-1-1', lecture], ['2-3-1, adam on batches of 2', twoThreeOne]]) {
  test(`workbook: step by step gives run()'s rows, trace and equations (${name})`, () => {
    const book = engine.open({ ...session, steps: 0 }, { limits: 'page' });
    try {
      assert.deepEqual(book.status(), { steps: 0, rows: 0, kept: 0, diverged: null });
      for (let k = 1; k <= 12; k += 1) {
        const status = book.step();
        assert.deepEqual(status, { steps: k, rows: k, kept: k - 1, diverged: null });
        const run = engine.run({ ...session, steps: k }, { trace_step: k, equations: { precision: 4 } });
        const added = book.rows(status.kept + 1);
        assert.deepStrictEqual(added.rows, [run.table.rows[k - 1]]);
        assert.equal('columns' in added, k === 1);  // only the whole table has them
        assert.deepStrictEqual(book.trace(k), run.steps[0]);
        assert.deepStrictEqual(book.equations(k, 4), run.equations);
        assert.deepStrictEqual(book.equations(k, 6, { layers: [1] }),
          engine.equations({ ...session, steps: k }, k, 6, { layers: [1] }));
      }
      const run = engine.run({ ...session, steps: 12 }, { trace_step: 'none' });
      assert.deepStrictEqual(book.rows(1), { ...run.table, diverged: null });
      assert.deepStrictEqual(book.session(), run.session);
      // Back twice and step twice: the same rows again.
      book.back();
      assert.deepEqual(book.back(), { steps: 10, rows: 10, kept: 10, diverged: null });
      book.step();
      book.step();
      assert.deepStrictEqual(book.rows(1), { ...run.table, diverged: null });
      // A row read of an earlier step.
      assert.deepStrictEqual(book.trace(3), engine.run({ ...session, steps: 12 }, { trace_step: 3 }).steps[0]);
    } finally {
      book.close();
    }
  });
}

test('workbook: the table view of open() is the default of rows(), another can be asked', () => {
  const view = { columns: ['w', 'state', 'loss'], layers: [2] };
  const book = engine.open({ ...twoThreeOne, steps: 5 }, { ...view, limits: 'page' });
  try {
    const run = engine.run({ ...twoThreeOne, steps: 5 }, { ...view, trace_step: 'none' });
    assert.deepStrictEqual(book.rows(), { ...run.table, diverged: null });
    const all = engine.run({ ...twoThreeOne, steps: 5 }, { trace_step: 'none' });
    assert.deepStrictEqual(book.rows(4, {}).rows, all.table.rows.slice(3));
  } finally {
    book.close();
  }
});

test('workbook: setSession keeps the common prefix, a changed weight restarts', () => {
  const book = engine.open({ ...lecture, steps: 4 });
  try {
    assert.deepEqual(book.setSession({ ...lecture, steps: 9 }), { steps: 9, rows: 9, kept: 4, diverged: null });
    assert.deepEqual(book.setSession({ ...lecture, steps: 6 }).kept, 6);
    const edited = structuredClone(lecture);
    edited.layers[0].weights = [[0.6]];
    assert.deepEqual(book.setSession({ ...edited, steps: 6 }), { steps: 6, rows: 6, kept: 0, diverged: null });
    assert.deepStrictEqual(book.rows(1).rows, engine.run({ ...edited, steps: 6 }).table.rows);
  } finally {
    book.close();
  }
});

test('workbook: a divergence stops the steps with the core\'s message', () => {
  const book = engine.open({ ...diverging, steps: 20 });
  try {
    const run = engine.run({ ...diverging, steps: 20 });
    const { at, reason } = run.diverged;
    assert.deepEqual(book.status(), { steps: at, rows: at - 1, kept: at - 1, diverged: run.diverged });
    assert.deepStrictEqual(book.rows(1), { ...run.table, diverged: run.diverged });
    assert.throws(() => book.step(), engineError(`step: the run diverged at step ${at} (${reason}), so there is no next step`));
    assert.throws(() => book.equations(at, 4),
      engineError(`step: the run diverged at step ${at} (${reason}), so step ${at} has no numbers`));
    assert.deepEqual(book.back(), { steps: at - 1, rows: at - 1, kept: at - 1, diverged: null });
    assert.deepEqual(book.step().diverged, run.diverged);
  } finally {
    book.close();
  }
});

test('workbook: errors are EngineError with the core\'s message; a refused call changes nothing', () => {
  const bad = { ...lecture, layers: [{ units: 1, activation: 'sigmoid', weights: [[1, 2]] }, lecture.layers[1]] };
  let runMessage = '';
  try {
    engine.run(bad);
  } catch (e) {
    runMessage = e.message;
  }
  assert.equal(runMessage, 'layers[0].weights[0]: expected 1 number (one per input), got 2');
  assert.throws(() => engine.open(bad), engineError(runMessage));
  const wide = { inputs: [[1]], targets: [[1]], layers: [{ units: 40, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] };
  assert.throws(() => engine.open(wide, { limits: 'page' }),
    engineError('layers[0].units: the page allows at most 32 units per layer, got 40'));

  const book = engine.open({ ...lecture, steps: 3 }, { limits: 'page' });
  try {
    const before = book.rows(1);
    assert.throws(() => book.setSession(bad), engineError(runMessage));
    assert.throws(() => book.setSession(wide),
      engineError('layers[0].units: the page allows at most 32 units per layer, got 40'));
    assert.throws(() => book.trace(4), engineError('step: expected a computed step from 1 to 3, got 4'));
    assert.throws(() => book.rows(9), engineError('from: expected a row from 1 to 4, got 9'));
    assert.throws(() => book.equations(1, 4, { layers: [0] }),
      engineError('options.layers[0]: expected a layer number from 1 to 16, got 0'));
    assert.deepEqual(book.status(), { steps: 3, rows: 3, kept: 3, diverged: null });
    assert.deepStrictEqual(book.rows(1), before);
    assert.deepStrictEqual(book.session(), engine.run({ ...lecture, steps: 3 }).session);
  } finally {
    book.close();
  }
  book.close();  // twice: nothing
  assert.throws(() => book.step(), engineError('step: the workbook is closed'));
});
