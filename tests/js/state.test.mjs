// The page's state (web/js/state.js): parsing, cell names, the session it builds, shape
// changes, pasted data, steps and selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// state.js bound to the built engine's schema, as the page holds it.
import { model as m, engine } from './schema.mjs';

// The lecture session of docs/engine-api.md, as the page builds it at 5 rows.
const kLectureSession = {
  inputs: [[1]], targets: [[1]],
  layers: [{ units: 1, activation: 'sigmoid', weights: [[0.5]], biases: [0] },
           { units: 1, activation: 'sigmoid', weights: [[0.8]], biases: [0] }],
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 }, steps: 5, seed: 1,
};

/// A 2-3-1 network's state (2 inputs, 3 tanh units, 1 sigmoid output), 2 samples.
function state231() {
  let s = m.setFeatures(m.initialState(), 2);
  s = m.addLayer(s);
  s = m.setUnits(s, 1, 1);
  s = m.setUnits(s, 0, 3);
  s = m.setActivation(s, 0, 'tanh');
  s = m.addSample(s);
  // Fill the weights the way the page does after asking the engine for the seed's values.
  const layers = s.doc.layers.map((layer, l) => ({
    weights: Array.from({ length: layer.units }, (_, j) => Array.from(
      { length: m.layerInputs(s.doc, l) }, (_, i) => 0.1 * (j + 1) - 0.05 * i)),
  }));
  return m.fillMissing(s, layers);
}

test('parseNumber accepts finite decimal numbers, trimming spaces', () => {
  assert.deepEqual(m.parseNumber(' 2 ', 'x'), { value: 2 });
  assert.deepEqual(m.parseNumber('-0.5', 'x'), { value: -0.5 });
  assert.deepEqual(m.parseNumber('.25', 'x'), { value: 0.25 });
  assert.deepEqual(m.parseNumber('1e-3', 'x'), { value: 0.001 });
});

test('parseNumber names the field and quotes the text it refuses', () => {
  assert.deepEqual(m.parseNumber('', 'w1'), { error: 'w1: expected a number, got ""' });
  assert.deepEqual(m.parseNumber('abc', 'w1'), { error: 'w1: expected a number, got "abc"' });
  assert.deepEqual(m.parseNumber('1e999', 'w1'), { error: 'w1: expected a number, got "1e999"' });
  assert.deepEqual(m.parseNumber('1,5', 'w1'), { error: 'w1: expected a number, got "1,5"' });
  for (const text of ['   ', 'Infinity', 'NaN', '0x10', '1.2.3', '1e', '-', '.', null]) {
    assert.ok(m.parseNumber(text, 'b2').error, `"${text}" is refused`);
  }
});

test('parseWhole takes whole numbers in a range and names the field', () => {
  assert.deepEqual(m.parseWhole('3', 'units of layer 1', 1, 32), { value: 3 });
  for (const text of ['0', '33', '1.5', '-1', '', 'two']) {
    assert.equal(m.parseWhole(text, 'units of layer 1', 1, 32).error,
      `units of layer 1: expected a whole number from 1 to 32, got "${text}"`);
  }
});

test('the lecture state builds the lecture session, with the lecture\'s names', () => {
  const s = m.step(m.initialState(), 5);
  assert.deepEqual(m.buildSession(s), { value: kLectureSession });
  assert.deepEqual(m.cellKeys(s.doc).map((k) => m.cellName(s.doc, k)),
    ['x', 'y', 'w1', 'b1', 'w2', 'b2', 'learning rate', 'seed']);
});

test('cell names follow the engine\'s columns for larger networks', () => {
  const s = state231();
  const names = m.cellKeys(s.doc).map((k) => m.cellName(s.doc, k));
  assert.deepEqual(names.slice(0, 6), ['x[1,1]', 'x[1,2]', 'x[2,1]', 'x[2,2]', 'y[1,1]', 'y[2,1]']);
  assert.ok(names.includes('w1[3,2]'));
  assert.ok(names.includes('b1[3]'));
  assert.ok(names.includes('w2[1,3]'));
  assert.ok(names.includes('b2'));
  assert.equal(m.keyOfParameter(s.doc, 'w2[1,3]'), 'w:1:0:2');
  assert.equal(m.keyOfParameter(s.doc, 'b1[2]'), 'b:0:1');
  assert.equal(m.keyOfParameter(s.doc, 'w9'), null);
});

test('a bad cell is kept as typed and named in the errors; the session waits for it', () => {
  let s = m.setCell(m.initialState(), 'w:0:0:0', 'abc');
  s = m.setCell(s, 'learningRate', '0');
  assert.equal(s.doc.layers[0].weights[0][0], 'abc');
  assert.deepEqual(m.buildSession(s), {
    errors: {
      'w:0:0:0': 'w1: expected a number, got "abc"',
      learningRate: 'learning rate: must be greater than 0, got 0',
    },
  });
  s = m.setCell(s, 'seed', '1.5');
  assert.equal(m.buildSession(s).errors.seed, `seed: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "1.5"`);
});

test('alpha is sent only for leaky_relu and elu, and only when typed', () => {
  let s = m.setActivation(m.initialState(), 0, 'leaky_relu');
  assert.equal(m.buildSession(s).value.layers[0].alpha, undefined);
  assert.ok(m.cellKeys(s.doc).includes('alpha:0'));
  s = m.setCell(s, 'alpha:0', '0.2');
  assert.equal(m.buildSession(s).value.layers[0].alpha, 0.2);
  s = m.setActivation(s, 0, 'relu');
  assert.equal(m.buildSession(s).value.layers[0].alpha, undefined);
  assert.throws(() => m.setActivation(s, 0, 'softmax'), /unknown activation/);
});

test('shape changes keep the values that still fit and leave new weights to be drawn', () => {
  let s = m.setFeatures(m.initialState(), 2);
  assert.deepEqual(s.doc.inputs, [['1', '0']]);
  assert.deepEqual(s.doc.layers[0].weights, [['0.5', null]]);
  assert.ok(m.hasMissing(s.doc));
  assert.ok(m.buildSession(s).errors['w:0:0:1']);
  s = m.fillMissing(s, [{ weights: [[9, 0.123456]] }, { weights: [[9]] }]);
  assert.deepEqual(s.doc.layers[0].weights, [['0.5', '0.1235']], 'only the missing one, rounded');
  assert.equal(m.hasMissing(s.doc), false);
  s = m.setUnits(s, 1, 2);
  assert.deepEqual(s.doc.targets, [['1', '0']], 'the output layer sets the targets\' columns');
  assert.deepEqual(s.doc.layers[1].biases, ['0', '0']);
});

test('layers are added before the output and removed, within the limits', () => {
  let s = m.addLayer(m.initialState());
  assert.deepEqual(s.doc.layers.map((l) => l.units), [1, 2, 1]);
  assert.deepEqual(s.doc.layers[1].weights, [[null], [null]]);
  assert.deepEqual(s.doc.layers[2].weights, [[null, null]]);
  s = m.removeLayer(s, 2);
  assert.deepEqual(s.doc.layers.map((l) => l.units), [1, 2]);
  assert.deepEqual(s.doc.targets, [['1', '0']]);
  for (let i = 0; i < 20; ++i) s = m.addLayer(s);
  assert.equal(s.doc.layers.length, m.kPageLimits.layers);
  let one = m.removeLayer(m.initialState(), 0);
  one = m.removeLayer(one, 0);
  assert.equal(one.doc.layers.length, 1, 'a network keeps one layer');
});

test('samples are added and removed; one always stays', () => {
  let s = m.addSample(m.initialState());
  assert.deepEqual(s.doc.inputs, [['1'], ['0']]);
  assert.deepEqual(s.doc.targets, [['1'], ['0']]);
  s = m.removeSample(s, 0);
  assert.deepEqual(s.doc.inputs, [['0']]);
  assert.equal(m.removeSample(s, 0), s);
});

test('the fill of Randomise replaces every weight and zeroes the biases', () => {
  const s = m.fillMissing(m.setCell(m.initialState(), 'b:0:0', '3'),
    [{ weights: [[-0.25]] }, { weights: [[1.00004]] }], { all: true });
  assert.deepEqual(s.doc.layers.map((l) => [l.weights, l.biases]),
    [[[['-0.25']], ['0']], [[['1']], ['0']]]);
  assert.deepEqual(m.initSession(s.doc), {
    inputs: [[0]], targets: [[0]], steps: 0, seed: 1,
    layers: [{ units: 1, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }],
  });
});

test('pasted data: tabs, commas or semicolons, an optional header', () => {
  const s = state231();
  const pasted = m.pasteData(s, 'x1\tx2\ty\n1\t2\t0.5\n-1\t0.5\t1\n3\t4\t0\n');
  assert.deepEqual(pasted.state.doc.inputs, [['1', '2'], ['-1', '0.5'], ['3', '4']]);
  assert.deepEqual(pasted.state.doc.targets, [['0.5'], ['1'], ['0']]);
  assert.deepEqual(m.pasteData(s, '1,2,3\r\n4,5,6').state.doc.inputs, [['1', '2'], ['4', '5']]);
  assert.deepEqual(m.pasteData(s, '1;2;3').state.doc.targets, [['3']]);
});

test('pasted data that cannot be used is refused with the line and column', () => {
  const s = state231();
  assert.equal(m.pasteData(s, '  \n').error, 'pasted data: nothing to read (it is empty)');
  assert.equal(m.pasteData(s, 'a\tb\tc').error, 'pasted data: only a header row, no samples');
  assert.equal(m.pasteData(s, '1\t2\t3\n4\t5').error,
    'pasted data, line 2: expected 3 values (2 inputs, 1 targets), got 2');
  assert.equal(m.pasteData(s, '1\t2\t3\n4\tx\t6').error,
    'pasted data, line 2, column 2: expected a number, got "x"');
  assert.equal(m.pasteData(s, '1;2,5;3').error,
    'pasted data, line 1, column 2: expected a number, got "2,5" (write decimals with a point)');
  const many = Array.from({ length: 10000 }, () => '1\t2\t3').join('\n');
  assert.equal(m.pasteData(s, many).error, 'pasted data: the page allows at most 256 samples, got 10000');
});

test('a session from the engine becomes the doc, and builds back to the same session', () => {
  const session = {
    ...kLectureSession, layers: [{ ...kLectureSession.layers[0], activation: 'elu', alpha: 0.5 },
      kLectureSession.layers[1]], steps: 7, seed: 3,
  };
  const s = m.stateFromSession(m.initialState(), session);
  assert.equal(s.stepsShown, 7);
  assert.equal(s.doc.layers[0].alpha, '0.5');
  assert.deepEqual(m.buildSession(s).value, session);
});

test('Step, Run, Back, Reset and the presets move the rows; the selection follows', () => {
  let s = m.step(m.initialState());
  assert.equal(s.stepsShown, 1);
  s = m.step(s, m.kRunSteps);
  assert.equal(s.stepsShown, 11);
  s = m.selectStep(s, 4);
  assert.equal(m.shownStep(s), 4);
  assert.equal(m.selectStep(s, 12), s, 'no row 12');
  s = m.back(s);
  assert.equal(s.stepsShown, 10);
  assert.equal(m.shownStep(s), 10, 'Back drops the selection: the last row is shown');
  assert.equal(m.reset(s).stepsShown, 0);
  assert.equal(m.back(m.reset(s)).stepsShown, 0);
  assert.equal(m.step(s, 5000).stepsShown, m.kMaxSteps);
  const p = m.preset(m.setCell(s, 'w:0:0:0', '9'), 10);
  assert.equal(p.stepsShown, 5);
  assert.equal(p.doc.learningRate, '10');
  assert.equal(p.doc.layers[0].weights[0][0], '0.5');
  assert.equal(m.stopAtDivergence(m.step(s, 5), 3).stepsShown, 3);
  assert.deepEqual(m.lecture(state231()).doc, m.lectureDoc());
});

test('columns and decimals', () => {
  let s = m.toggleColumn(m.initialState(), 'dw', false);
  s = m.toggleColumn(s, 'db', false);
  assert.deepEqual(s.columns, ['w', 'b', 'z', 'y', 'loss']);
  assert.deepEqual(m.toggleColumn(s, 'dw', true).columns, ['w', 'b', 'z', 'y', 'dw', 'loss']);
  assert.throws(() => m.toggleColumn(s, 'x', true), /unknown column kind/);
  assert.equal(m.setPrecision(s, '6').precision, 6);
  assert.equal(m.setPrecision(s, '13').precision, 4);
  assert.equal(m.parsePrecision('x').error, 'decimals: expected a whole number from 0 to 12, got "x"');
});

// What the table and the equations show is the engine's decision (the Workbook's describe(),
// core page_view.hpp); state.js keeps the student's choices (viewChoices). These tests ask the
// engine as the page does.
/// The session of `s` for the engine's view decision, which reads the shapes and the optimizer
/// only: the built session, or (boxes left empty) the seed's weights and zeros for the data.
function shapeSession(s) {
  const built = m.buildSession(s);
  if (built.value) return { ...built.value, steps: 0 };
  const { name, batch_size: batch } = s.doc.optimizer;
  return { ...m.initSession(s.doc), optimizer: { name, ...(batch ? { batch_size: Number(batch) } : {}) } };
}
function described(s) {
  const book = engine.open(shapeSession(s), { limits: 'page' });
  try {
    return book.describe(m.viewChoices(s));
  } finally {
    book.close();
  }
}
const tableView = (s) => {
  const { columns, layers, note } = described(s).table;
  return { columns, layers, note };
};
const equationsView = (s) => m.equationsChoice(described(s));

test('a large network\'s table starts with the output layer; a huge one shows the loss only', () => {
  assert.deepEqual(tableView(m.initialState()), { columns: m.kColumnKinds, layers: [1, 2], note: '' });
  assert.equal(described(m.initialState()).table.all_columns, 14, 'the lecture\'s 14 columns');
  let s = m.setFeatures(m.initialState(), 32);
  s = m.setUnits(s, 0, 32);
  for (let i = 0; i < 6; i += 1) s = m.addLayer(s);
  for (let l = 1; l < 7; l += 1) s = m.setUnits(s, l, 32);
  const view = tableView(s);
  assert.deepEqual(view.layers, [8]);
  assert.match(view.note, /^This network's table would have [\d,]+ columns: it shows layer 8 \(the output\) only/);
  assert.equal(described(s).table.cells, 1 + 1 + 32 + 1 + 1 + 1 + 32 + 1);
  s = m.toggleTableLayer(s, view.layers, 3, true);
  assert.deepEqual(tableView(s).layers, [3, 8]);
  assert.equal(tableView(s).note, '');
  s = m.toggleTableLayer(s, tableView(s).layers, 8, false);
  assert.deepEqual(tableView(s).layers, [3]);
  s = m.step({ ...s, tableLayers: [1, 2, 3, 4] }, 1000);
  assert.deepEqual(tableView(s).columns, ['loss']);
  assert.match(tableView(s).note, /the page draws at most 200,000\): it shows the loss only/);
  assert.equal(m.setUnits(s, 0, 3).tableLayers, null, 'a new shape chooses again');
});

test('which equations are written: all for small networks, one layer or unit for large', () => {
  assert.deepEqual(equationsView(m.initialState()), { layer: 0, unit: 0, tooMany: false });
  assert.equal(described(m.initialState()).equations.cost, 4, 'the lecture\'s four equations');
  let s = m.setFeatures(m.initialState(), 8);
  s = m.setUnits(s, 0, 32);
  for (let i = 0; i < 6; i += 1) s = m.addLayer(s);
  for (let l = 1; l < 8; l += 1) s = m.setUnits(s, l, 32);
  for (let i = 0; i < 15; i += 1) s = m.addSample(s);
  assert.deepEqual(equationsView(s), { layer: 8, unit: 1, tooMany: false });
  assert.equal(described(s).equations.cost, 33 * 16);
  s = m.chooseEquations(s, 3, 0);
  assert.deepEqual(equationsView(s), { layer: 3, unit: 0, tooMany: true });
  s = m.chooseEquations(s, 7, 2);
  assert.equal(equationsView(s).tooMany, false);
  assert.equal(m.setUnits(s, 0, 2).equationsOf, null, 'a new shape chooses again');
});

test('the optimizer: its boxes, the session it builds, and a session back into the boxes', () => {
  let s = m.setOptimizer(m.step(m.initialState(), 3), 'adam');
  assert.deepEqual(m.optimizerKeys(s.doc).map((k) => m.cellName(s.doc, k)),
    ['beta_1', 'beta_2', 'epsilon', 'batch size', 'shuffle seed']);
  // Empty boxes are the engine's (Keras') defaults: only the name and η are sent.
  assert.deepEqual(m.buildSession(s).value.optimizer, { name: 'adam', learning_rate: 0.1 });
  s = m.setCell(s, 'opt:beta_1', '0.8');
  s = m.setCell(s, 'opt:batch_size', '1');
  assert.deepEqual(m.buildSession(s).value.optimizer, { name: 'adam', learning_rate: 0.1, beta_1: 0.8, batch_size: 1 });
  // A box of another optimizer is kept but not sent.
  s = m.setCell(m.setOptimizer(s, 'rmsprop'), 'opt:rho', '0.5');
  assert.deepEqual(m.buildSession(s).value.optimizer, { name: 'rmsprop', learning_rate: 0.1, rho: 0.5, batch_size: 1 });
  assert.equal(m.setOptimizer(s, 'adam').doc.optimizer.beta_1, '0.8');
  assert.throws(() => m.setOptimizer(s, 'adamw'), /unknown optimizer/);
  // The engine's normalised session fills the boxes and builds back to itself.
  const session = {
    ...kLectureSession, optimizer: { name: 'adagrad', learning_rate: 0.5, initial_accumulator_value: 0.1, epsilon: 1e-7 },
  };
  const back = m.stateFromSession(m.initialState(), session);
  assert.equal(back.doc.optimizer.epsilon, '1e-7');
  assert.deepEqual(m.buildSession(back).value, session);
  assert.deepEqual(m.stateFromSession(m.initialState(), kLectureSession).doc.optimizer, m.emptyOptimizer());
});

test('a bad optimizer box gets its message at the box', () => {
  let s = m.setOptimizer(m.initialState(), 'adam');
  const errors = (key, text) => m.buildSession(m.setCell(s, key, text)).errors?.[key];
  assert.equal(errors('opt:beta_1', '1'), 'beta_1: must be from 0 up to (not including) 1, got 1');
  assert.equal(errors('opt:beta_2', 'x'), 'beta_2: expected a number, got "x"');
  assert.equal(errors('opt:epsilon', '0'), 'epsilon: must be greater than 0, got 0');
  assert.equal(errors('opt:batch_size', '0'), 'batch size: expected a whole number from 1 to 256, got "0"');
  assert.equal(errors('opt:shuffle_seed', '-1'), `shuffle seed: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "-1"`);
  s = m.setOptimizer(s, 'rmsprop');
  assert.equal(errors('opt:rho', '1.5'), 'rho: must be from 0 to 1, got 1.5');
  s = m.setOptimizer(s, 'adagrad');
  assert.equal(errors('opt:initial_accumulator_value', '-1'), 'initial_accumulator_value: must be at least 0, got -1');
  assert.equal(errors('opt:beta_1', '7'), undefined, 'not adagrad\'s: not checked, not sent');
});

test('softmax only last, with cross_entropy; bce and cross_entropy targets are probabilities', () => {
  let s = m.setLoss(m.initialState(), 'cross_entropy');
  assert.equal(m.buildSession(s).errors.loss, 'loss: cross_entropy needs softmax as the activation of layer 2 (the last)');
  s = m.setActivation(s, 1, 'softmax');
  assert.equal(m.buildSession(s).errors, undefined);
  s = m.setUnits(s, 1, 3);
  assert.deepEqual(s.doc.targets, [['1', '0', '0']], 'one-hot: the new classes are 0');
  s = m.setCell(s, 'y:0:1', '0.5');
  assert.equal(m.buildSession(s).errors['y:0:0'], 'y1: cross_entropy expects the targets of sample 1 to add up to 1, got 1.5');
  s = m.setLoss(s, 'mse');
  assert.equal(m.buildSession(s).errors['activation:1'], 'activation of layer 2: softmax goes with the loss cross_entropy, not mse');
  s = m.setCell(m.setLoss(m.initialState(), 'bce'), 'y:0:0', '2');
  assert.equal(m.buildSession(s).errors['y:0:0'], 'y: bce expects targets from 0 to 1, got 2');
  assert.throws(() => m.setActivation(m.initialState(), 0, 'softmax'), /unknown activation "softmax" for layer 1/);
  assert.deepEqual(m.initSession(m.setActivation(m.initialState(), 1, 'softmax').doc).layers[1],
    { units: 1, activation: 'linear' }, 'the weights are drawn as for any layer of this shape');
});

test('the optimizer\'s columns: state for adam, rmsprop and adagrad; batch with mini-batches', () => {
  const lecture = m.initialState();
  assert.deepEqual(m.optimizerColumnKinds(lecture.doc), []);
  let s = m.setOptimizer(lecture, 'adam');
  assert.deepEqual(m.optimizerColumnKinds(s.doc), ['state']);
  assert.deepEqual(tableView(s).columns, [...m.kColumnKinds, 'state']);
  assert.equal(described(s).table.all_columns, 14 + 8, 'm and v of 4 parameters');
  s = m.toggleColumn(s, 'state', false);
  assert.deepEqual(tableView(s).columns, m.kColumnKinds);
  assert.deepEqual(s.columns, m.kColumnKinds, 'the other kinds are untouched');
  s = m.toggleColumn(m.addSample(m.setCell(s, 'opt:batch_size', '1')), 'state', true);
  assert.deepEqual(m.optimizerColumnKinds(s.doc), ['state', 'batch']);
  assert.deepEqual(tableView(s).columns, [...m.kColumnKinds, 'state', 'batch']);
  assert.equal(described({ ...s, columns: [], optimizerColumns: ['batch'] }).table.all_columns, 1 + 2);
  assert.deepEqual(m.optimizerColumnKinds(m.setCell(s, 'opt:batch_size', '2').doc), ['state'], 'a batch of every sample');
});
