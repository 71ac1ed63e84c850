// The trainer page's form (web/js/trainer-form.js): the lecture's Keras model from the default
// form (the core counts it: 21,750 parameters), every kind of bad text with its field's name,
// the built-in data choice, CSV header names, durations and the time left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createTrainer from '../../build/wasm/nntutor_train_wasm.js';
import {
  builtinFromForm, csvHeader, eta, fieldOfError, formatDuration, kLectureForm, modelFromForm, readHidden, readNumber,
} from '../../web/js/trainer-form.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const trainer = await createTrainer();

test('the default form is the lecture\'s Keras model, as examples/keras-lecture.json', () => {
  const built = modelFromForm(kLectureForm, 9, 54);
  assert.equal(built.errors, undefined);
  const example = JSON.parse(readFileSync(`${root}examples/keras-lecture.json`, 'utf8'));
  assert.deepEqual(built.value.layers, example.layers);
  assert.equal(built.value.loss, 'mse');
  assert.deepEqual(built.value.optimizer, { name: 'adam', learning_rate: 0.001 });
  assert.equal(built.value.fit.batch_size, 64);
  assert.equal(built.value.fit.epochs, 300);
  const summary = trainer.summary(JSON.stringify(built.value));
  assert.equal(summary.ok, true, summary.error);
  const counts = JSON.parse(summary.value);
  assert.deepEqual([counts.total, counts.trainable, counts.non_trainable], [21750, 21238, 512]);
});

test('the form\'s choices change the model: no BN, other activations, callbacks off', () => {
  const built = modelFromForm({
    ...kLectureForm, hidden: '8;4', batchNorm: false, activation: 'tanh', outputActivation: 'sigmoid',
    loss: 'bce', optimizer: 'rmsprop', plateau: false, early: true, restoreBest: true,
  }, 3, 1).value;
  assert.deepEqual(built.layers, [
    { type: 'dense', units: 8 }, { type: 'activation', activation: 'tanh' },
    { type: 'dense', units: 4 }, { type: 'activation', activation: 'tanh' },
    { type: 'dense', units: 1, activation: 'sigmoid' }]);
  assert.deepEqual(built.fit.callbacks, [{ name: 'early_stopping', patience: 50, restore_best_weights: true }]);
  assert.equal(trainer.summary(JSON.stringify(built)).ok, true);
  assert.deepEqual(modelFromForm({ ...kLectureForm, hidden: '' }, 9, 54).value.layers, [{ type: 'dense', units: 54 }]);
});

test('bad texts name their field; the core names the model\'s', () => {
  const errors = modelFromForm({ ...kLectureForm, hidden: '64, x', learningRate: '0,01', epochs: '1.5', plateauFactor: '' }, 9, 54).errors;
  assert.deepEqual(errors, {
    hidden: 'hidden layers: expected whole numbers of units separated by commas, got "x"',
    learningRate: 'learning rate: expected a number, got "0,01" (write decimals with a point)',
    epochs: 'epochs: expected a whole number, got "1.5"',
    plateauFactor: 'plateau factor: expected a number, got nothing',
  });
  assert.equal(readNumber('1e999', 'x').error, 'x: "1e999" is too large for a number');
  assert.equal(readNumber('−0.5', 'x').value, -0.5);
  assert.deepEqual(readHidden('64 128'), { value: [64, 128] });
  const zero = trainer.summary(JSON.stringify(modelFromForm({ ...kLectureForm, hidden: '64, 0' }, 9, 54).value));
  assert.equal(zero.ok, false);
  assert.equal(zero.error, 'layers[3].units: expected a whole number from 1 to 4096, got 0');
});

test('the core\'s message about a value of the form goes back to that field, in its name', () => {
  // Each case: the form's change, the field the core's rule is about, and its message there. The
  // core is the real one (the trainer module), so a path it renames would fail here.
  const cases = [
    [{ epochs: '0' }, 'epochs', 'epochs: expected a whole number from 1 to 10000, got 0'],
    [{ batchSize: '0' }, 'batchSize', 'batch size: expected a whole number from 1 to 8192, got 0'],
    [{ learningRate: '-1' }, 'learningRate', 'learning rate: expected a number greater than 0, got -1'],
    [{ hidden: '64, 0, 8' }, 'hidden', 'hidden layers (layer 2 of 3): expected a whole number from 1 to 4096, got 0'],
    [{ hidden: '64, 0, 8', batchNorm: false }, 'hidden', 'hidden layers (layer 2 of 3): expected a whole number from 1 to 4096, got 0'],
    [{ hidden: Array(40).fill('2').join(',') }, 'hidden', 'hidden layers: expected at most 64 layers, got 121'],
    [{ layerType: 'maxout', pieces: '99' }, 'pieces', 'maxout pieces: expected a whole number from 2 to 16, got 99'],
    [{ plateauPatience: '20000' }, 'plateauPatience', 'plateau patience: expected a whole number from 0 to 10000, got 20000'],
    [{ plateauFactor: '2' }, 'plateauFactor', 'plateau factor: expected a number from 0 up to (not including) 1, got 2'],
    [{ minLr: '-1' }, 'minLr', 'minimum learning rate: expected a number of at least 0, got -1'],
    [{ earlyPatience: '20000' }, 'earlyPatience', 'early stopping patience: expected a whole number from 0 to 10000, got 20000'],
    // Without ReduceLROnPlateau, early stopping is the first callback: fit.callbacks[0].
    [{ earlyPatience: '20000', plateau: false }, 'earlyPatience', 'early stopping patience: expected a whole number from 0 to 10000, got 20000'],
  ];
  for (const [change, key, message] of cases) {
    const built = modelFromForm({ ...kLectureForm, ...change }, 9, 54);
    const reply = trainer.summary(JSON.stringify(built.value));
    assert.equal(reply.ok, false, JSON.stringify(change));
    assert.deepEqual(fieldOfError(reply.error, built.fields), { key, message }, reply.error);
  }
  const data = [
    [{ samples: '5' }, 'samples', 'samples: expected a whole number from 10 to 100000, got 5'],
    [{ noise: '2' }, 'noise', 'noise: expected a number from 0 to 1, got 2'],
    [{ dataSeed: '99999999999999999' }, 'dataSeed', null],  // more than 9 digits: the form's own message
  ];
  for (const [change, key, message] of data) {
    const built = builtinFromForm({ samples: '1000', noise: '0.01', dataSeed: '1', ...change });
    if (message === null) {
      assert.match(built.errors[key], /^data seed: expected a whole number/);
      continue;
    }
    const loader = new trainer.Trainer();
    const reply = loader.loadData(JSON.stringify(built.value), '');
    loader.delete();
    assert.equal(reply.ok, false);
    assert.deepEqual(fieldOfError(reply.error, built.fields), { key, message }, reply.error);
  }
  // No field wrote the output layer (its units are the data's targets), nor a loaded file's paths.
  const fields = modelFromForm(kLectureForm, 9, 54).fields;
  assert.equal(fieldOfError('layers[9].units: expected a whole number from 1 to 4096, got 0', fields), null);
  assert.equal(fieldOfError('fit.epochs: expected a whole number from 1 to 10000, got 0', null), null);
  assert.equal(fieldOfError('the model does not fit the data: inputs 3, features 9', fields), null);
  assert.equal(fieldOfError('toString: expected …', fields), null, 'only the form\'s own paths');
});

test('the built-in data choice, CSV headers, durations', () => {
  assert.deepEqual(builtinFromForm({ samples: '10000', noise: '0.01', dataSeed: '1' }).value,
    { builtin: { samples: 10000, noise: 0.01, seed: 1 } });
  assert.deepEqual(builtinFromForm({ samples: 'many', noise: '0.01', dataSeed: '1' }).errors,
    { samples: 'samples: expected a whole number, got "many"' });
  assert.deepEqual(csvHeader('\uFEFFtemp,"log g","a ""b""",y\r'), ['temp', 'log g', 'a "b"', 'y']);
  assert.equal(formatDuration(800), '0.8 s');
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(eta(1000, 10, 300), 29000);
  assert.equal(eta(1000, 0, 300), 0);
});

test('the Wasm trainer: data, epochs, finish, model — and its messages', () => {
  const t = new trainer.Trainer();
  const bad = t.loadData('{"builtin": {"samples": 5}}', '');
  assert.deepEqual([bad.ok, bad.error], [false, 'data.builtin.samples: expected a whole number from 10 to 100000, got 5']);
  const shape = JSON.parse(t.loadData('{"builtin": {"samples": 300}}', '').value);
  assert.deepEqual([shape.train, shape.validation, shape.test], [210, 60, 30]);
  const model = modelFromForm({ ...kLectureForm, hidden: '16', epochs: '3' }, 9, 54).value;
  const started = JSON.parse(t.start(JSON.stringify(model)).value);
  assert.equal(started.epochs, 3);
  const logs = [];
  for (;;) {
    const r = JSON.parse(t.epoch().value);
    logs.push(r);
    if (r.done) break;
  }
  assert.deepEqual(logs.map((l) => l.epoch), [1, 2, 3]);
  const result = JSON.parse(t.finish().value);
  assert.equal(result.stop, 'completed');
  assert.equal(result.test.samples, 30);
  assert.equal(result.test.points.total, 30 * 54);
  assert.equal(JSON.parse(t.model().value).layers[0].weights.length, 16);
  t.delete();
});

test('the same seeds give the same training natively (nntutor train) and in Wasm (the page)', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/nntutor-train-`);
  // In float64, where native and Wasm agree to 1e-9 (float32: tests/js/kernels.test.mjs).
  const model = modelFromForm({ ...kLectureForm, dtype: 'float64', hidden: '16, 8', epochs: '4', plateauPatience: '1' }, 9, 54).value;
  writeFileSync(`${dir}/model.json`, JSON.stringify(model));
  const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
  const r = spawnSync(cli, ['train', `${dir}/model.json`, '--builtin', '--samples', '500', '--data-seed', '3',
    '--split-seed', '5', '--history', `${dir}/history.csv`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const native = readFileSync(`${dir}/history.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

  const t = new trainer.Trainer();
  assert.equal(t.loadData(JSON.stringify({ builtin: { samples: 500, seed: 3 }, split_seed: 5 }), '').ok, true);
  assert.equal(t.start(JSON.stringify(model)).ok, true);
  for (;;) if (JSON.parse(t.epoch().value).done) break;
  const history = JSON.parse(t.finish().value).history;
  t.delete();
  assert.equal(history.length, native.length);
  // Sums in another order (SIMD natively) differ in the last bits, and training carries them
  // along: within 1e-9 after 4 epochs of Adam.
  history.forEach((h, i) => {
    const [epoch, loss, val, lr] = native[i];
    assert.equal(h.epoch, epoch);
    assert.ok(Math.abs(h.loss - loss) <= 1e-9 * loss, `epoch ${epoch} loss ${h.loss} vs ${loss}`);
    assert.ok(Math.abs(h.val_loss - val) <= 1e-9 * val, `epoch ${epoch} val_loss ${h.val_loss} vs ${val}`);
    assert.equal(h.lr, lr);
  });
});

test('maxout hidden layers: k pieces, no activation layer, counted by the core', () => {
  const model = modelFromForm({ ...kLectureForm, hidden: '8', layerType: 'maxout', pieces: '3', batchNorm: false }, 2, 1).value;
  assert.deepEqual(model.layers, [{ type: 'maxout', units: 8, pieces: 3 }, { type: 'dense', units: 1 }]);
  const counts = JSON.parse(trainer.summary(JSON.stringify(model)).value);
  assert.equal(counts.total, 8 * 3 * 2 + 8 * 3 + 8 + 1);
  assert.equal(modelFromForm({ ...kLectureForm, layerType: 'maxout', pieces: 'two' }, 2, 1).errors.pieces,
    'maxout pieces: expected a whole number, got "two"');
});
