// The trainer's other kernels in the Wasm module (cpp/kernels below the products: batch
// normalization, relu, the bias gradient, mse, with Wasm SIMD): their self-check against long
// double loops and the portable loops' bits; the lecture model trained in Wasm against the native
// build in float64 (1e-9) and float32 (1e-5, val_loss 3e-5) with batch normalization in every hidden layer; and a
// float32 classifier's training accuracy (its float outputs, counted). Run after
// `scripts/build.sh native wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import createTrainer from '../../build/wasm/nntutor_train_wasm.js';
import { classesCsv } from './classes-csv.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const trainer = await createTrainer();

test('batch normalization, relu, row sums and mse: SIMD kernels agree with long double and give the portable loops\' bits', () => {
  const check = JSON.parse(trainer.kernelCheck());
  assert.equal(check.path, 'wasm-simd128');
  // Sums of at most 300 terms, and a few roundings more for x̂ and ∂L/∂x (tests/cpp/kernels_elementwise_test.cpp).
  assert.ok(check.elementwise_float_error <= 316 * 2 ** -23, `float: ${check.elementwise_float_error}`);
  assert.ok(check.elementwise_float_error > 0, 'float rounding is seen: the check compares with long double');
  assert.ok(check.elementwise_double_error <= 316 * 2 ** -52, `double: ${check.elementwise_double_error}`);
  // One lane per feature, sums left to right: the SIMD path is the portable loops bit for bit.
  assert.equal(check.elementwise_same_bits, true);
});

/// The lecture model (BN after every hidden dense layer, relu, mse) with 3 epochs.
const lecture = (dtype) => ({ ...JSON.parse(readFileSync(`${root}examples/keras-lecture.json`, 'utf8')), dtype, fit: { batch_size: 64, epochs: 3, seed: 1 } });

function wasmHistory(model) {
  const t = new trainer.Trainer();
  assert.equal(t.loadData(JSON.stringify({ builtin: { samples: 1500, seed: 3 }, split_seed: 5 }), '').ok, true);
  const started = t.start(JSON.stringify(model));
  assert.equal(started.ok, true, started.error);
  for (;;) if (JSON.parse(t.epoch().value).done) break;
  const { history } = JSON.parse(t.finish().value);
  t.delete();
  return history;
}

function nativeHistory(model) {
  const dir = mkdtempSync(`${tmpdir()}/nntutor-bn-`);
  writeFileSync(`${dir}/model.json`, JSON.stringify(model));
  const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
  const r = spawnSync(cli, ['train', `${dir}/model.json`, '--builtin', '--samples', '1500', '--data-seed', '3',
    '--split-seed', '5', '--history', `${dir}/history.csv`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(`${dir}/history.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

// val_loss goes through the moving statistics, which carry every batch's rounding from epoch to
// epoch: in float32 it drifts by about 4e-6 an epoch (1.1e-5 after 3; the loss stays near 3e-7),
// on any x86 CPU since the native build's square roots are correctly rounded (docs/model.md).
for (const [dtype, tolerance, valTolerance] of [['float64', 1e-9, 1e-9], ['float32', 1e-5, 3e-5]]) {
  test(`the lecture model (batch normalization, relu, mse) trains in Wasm as natively, ${dtype}: loss within ${tolerance}, val_loss within ${valTolerance}`, () => {
    const model = lecture(dtype);
    const native = nativeHistory(model);
    const wasm = wasmHistory(model);
    assert.equal(wasm.length, native.length);
    wasm.forEach((h, i) => {
      const [epoch, loss, val] = native[i];
      assert.equal(h.epoch, epoch);
      assert.ok(Math.abs(h.loss - loss) <= tolerance * loss, `epoch ${epoch} loss ${h.loss} vs ${loss}`);
      assert.ok(Math.abs(h.val_loss - val) <= valTolerance * val, `epoch ${epoch} val_loss ${h.val_loss} vs ${val}`);
    });
  });
}

test('a float32 classifier\'s training accuracy is counted on its own outputs, as float64\'s', () => {
  const csv = classesCsv();
  const last = (dtype) => {
    const t = new trainer.Trainer();
    assert.equal(t.loadData(JSON.stringify({ csv: { source: 'classes.csv', features: 'x1,x2' } }), csv).ok, true);
    const model = { inputs: 2, dtype, layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }],
      loss: 'cross_entropy', optimizer: { name: 'adam', learning_rate: 0.02 }, fit: { batch_size: 16, epochs: 20, seed: 1 }, seed: 1 };
    assert.equal(t.start(JSON.stringify(model)).ok, true);
    let logs;
    do logs = JSON.parse(t.epoch().value); while (!logs.done);
    t.delete();
    return logs;
  };
  const f32 = last('float32');
  const f64 = last('float64');
  assert.ok(f32.accuracy > 0.85, `float32 accuracy ${f32.accuracy}`);
  // 140 training samples: the two runs' counts differ by a sample or two at most.
  assert.ok(Math.abs(f32.accuracy - f64.accuracy) <= 2 / 140 + 1e-12, `${f32.accuracy} vs ${f64.accuracy}`);
});
