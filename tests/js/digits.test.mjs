// The digit quiz's Wasm functions (docs/digits.md "Wasm API") in the trainer module: the data
// file read from bytes, the default model, preprocessing, the quiz digits, a short training run
// and a prediction that agree with the native CLI, the results, and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createTrainer from '../../build/wasm/nntutor_train_wasm.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'build/native/nntutor');
const bytes = new Uint8Array(readFileSync(join(root, 'build/data/digits.bin')));
const module = await createTrainer();
const tmp = mkdtempSync(join(tmpdir(), 'digits-'));

function ok(result) {
  assert.equal(result.ok, true, result.error);
  return JSON.parse(result.value);
}

/// The first 1-epoch model the native CLI trains and saves: 16 hidden units, seed 2.
const nativeModel = join(tmp, 'model.json');
const nativeOut = execFileSync(cli, ['train', '--builtin', 'digits', '--epochs', '1', '--hidden', '16',
  '--seed', '2', '--save', nativeModel], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

test('the data file is read from its bytes and split 8000/1000/1000', () => {
  const trainer = new module.Trainer();
  assert.deepEqual(ok(trainer.loadDigits(bytes)), {
    samples: 10000, train: 8000, validation: 1000, test: 1000, rows: 28, cols: 28, classes: 10,
  });
  const bad = trainer.loadDigits(bytes.subarray(0, 100));
  assert.equal(bad.ok, false);
  assert.equal(bad.error, 'digits.bin: expected 7850016 bytes for 10000 digits, got 100');
  trainer.delete();
});

test('a short training run in Wasm gives the native numbers; so does a prediction', () => {
  const trainer = new module.Trainer();
  ok(trainer.loadDigits(bytes));
  const model = module.digitsModel(JSON.stringify({ hidden: [16], epochs: 1, seed: 2 }));
  ok(trainer.start(model.value));
  const logs = ok(trainer.epoch());
  assert.equal(logs.done, true);
  const result = ok(trainer.finish());
  const accuracy = result.test.accuracy;
  const line = nativeOut.split('\n').find((l) => l.startsWith('Test accuracy: '));
  assert.equal(line, `Test accuracy: ${(100 * accuracy).toFixed(2)} % (${Math.round(accuracy * 1000)} of 1000)`);
  // The weights agree with the native run's to rounding (SIMD sums differ in the last bits).
  const wasm = ok(trainer.model());
  const native = JSON.parse(readFileSync(nativeModel, 'utf8'));
  let worst = 0;
  native.layers.forEach((layer, l) => {
    layer.weights.forEach((row, j) => row.forEach((w, i) => {
      worst = Math.max(worst, Math.abs(w - wasm.layers[l].weights[j][i]));
    }));
  });
  assert.ok(worst < 1e-9, `largest weight difference ${worst}`);

  // The slide's quiz digit "a", placed on the field, explained by the Wasm module and
  // predicted by the native CLI from the same saved model.
  const quiz = ok(module.digitsQuiz());
  const grid = quiz.a.grid;
  const csv = Array.from({ length: 14 }, (_, r) => grid.slice(r * 17, r * 17 + 17).join(',')).join('\n');
  writeFileSync(join(tmp, 'quiz.csv'), `${csv}\n`);
  const predicted = execFileSync(cli, ['predict', '--model', nativeModel, '--image', join(tmp, 'quiz.csv')],
    { encoding: 'utf8' });
  const loaded = new module.Trainer();
  ok(loaded.loadDigits(bytes));
  ok(loaded.start(readFileSync(nativeModel, 'utf8')));  // a saved model, started without an epoch
  const e = ok(loaded.digitsExplain(JSON.stringify(quiz.a.pixels)));
  assert.ok(predicted.startsWith(`Digit: ${e.digit} `), predicted);
  for (let d = 0; d < 10; d += 1) {
    const native = Number(predicted.split('\n').find((l) => l.startsWith(`${d}: `)).slice(3));
    assert.ok(Math.abs(native - e.probabilities[d]) < 5e-7, `${d}: ${native} vs ${e.probabilities[d]}`);
  }
  assert.equal(e.score, 'logit');
  assert.equal(e.layers.length, 1);
  assert.equal(e.layers[0].units, 16);
  assert.equal(e.saliency.length, 784);
  e.saliency.forEach((s, i) => assert.equal(s, e.gradient[i] * quiz.a.pixels[i]));
  trainer.delete();
  loaded.delete();
});

test('preprocessing: a drawn block fits 20 pixels and its centre of mass is at (14, 14)', () => {
  const width = 60; const height = 40;
  const grey = new Uint8Array(width * height);
  for (let r = 5; r < 35; r += 1) for (let c = 10; c < 25; c += 1) grey[r * width + c] = 255;
  const p = ok(module.digitsPreprocessGrey(width, height, grey));
  assert.deepEqual(p.box, { top: 5, left: 10, height: 30, width: 15 });
  assert.equal(p.scale, 20 / 30);
  assert.ok(Math.abs(p.center_of_mass[0] - 14) < 0.5 && Math.abs(p.center_of_mass[1] - 14) < 0.5);
  assert.equal(p.pixels.length, 784);
  const same = ok(module.digitsPreprocess(JSON.stringify({ width, height, pixels: Array.from(grey, (v) => v / 255) })));
  assert.deepEqual(same.pixels, p.pixels);
  const empty = module.digitsPreprocessGrey(3, 3, new Uint8Array(9));
  assert.equal(empty.ok, false);
  assert.equal(empty.error, 'the image is empty: no pixel has ink (draw a digit first)');
});

test('results: confusion matrix, its cells and the least sure test digits', () => {
  const trainer = new module.Trainer();
  ok(trainer.loadDigits(bytes));
  ok(trainer.start(module.digitsModel(JSON.stringify({ hidden: [8], epochs: 1 })).value));
  ok(trainer.epoch());
  const r = ok(trainer.digitsResults(5));
  assert.equal(r.samples, 1000);
  assert.equal(r.measure, 'max_probability');
  let total = 0; let diagonal = 0;
  r.confusion.forEach((row, t) => row.forEach((n, p) => {
    total += n;
    if (t === p) diagonal += n;
    assert.equal(r.cells[t][p].length, n);
  }));
  assert.equal(total, 1000);
  assert.equal(r.accuracy, diagonal / 1000);
  assert.equal(r.least_sure.length, 5);
  const shown = ok(trainer.digitsTest(JSON.stringify(r.least_sure.map((u) => u.index))));
  shown.forEach((d, j) => {
    assert.equal(d.label, r.least_sure[j].label);
    assert.equal(d.predicted, r.least_sure[j].predicted);
    // One digit alone or in a batch of 1000: the sums may differ in the last bit.
    assert.ok(Math.abs(Math.max(...d.probabilities) - r.least_sure[j].confidence) < 1e-12);
  });
  trainer.delete();
});

test('refusals name the layer; the default model is 784-128-10', () => {
  const model = ok(module.digitsModel('{}'));
  assert.deepEqual(model.layers, [
    { type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }]);
  assert.equal(model.loss, 'cross_entropy');
  assert.deepEqual(ok(module.digitsCheckModel(JSON.stringify(model))).hidden, [{ name: 'dense', units: 128 }]);
  const lecture = readFileSync(join(root, 'examples/keras-lecture.json'), 'utf8');
  assert.equal(module.digitsCheckModel(lecture).error, 'inputs: the digits need 784 inputs (28 × 28 pixels), got 9');
  model.layers[1].units = 54;
  assert.equal(module.digitsCheckModel(JSON.stringify(model)).error,
    'layers[1] (dense_1): the digits need 10 outputs (one per digit), got 54');
  const trainer = new module.Trainer();
  ok(trainer.loadDigits(bytes));
  assert.equal(trainer.start(JSON.stringify(model)).error,
    'layers[1] (dense_1): the digits need 10 outputs (one per digit), got 54');
  assert.equal(module.digitsModel('{"hidden": [0]}').error,
    'digits.hidden[0]: expected a whole number from 1 to 4096, got 0');
  trainer.delete();
});
