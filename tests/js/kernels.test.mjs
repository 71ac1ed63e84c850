// The trainer's kernels in the Wasm module (cpp/kernels, Wasm SIMD) against plain loops, and
// float32 training in Wasm against the native build (nntutor train) and against float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import createTrainer from '../../build/wasm/nntutor_train_wasm.js';
import { kLectureForm, modelFromForm } from '../../web/js/trainer-form.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const trainer = await createTrainer();

test('the Wasm module runs the SIMD kernels, and they agree with plain loops on every shape', () => {
  const check = JSON.parse(trainer.kernelCheck());
  assert.equal(check.path, 'wasm-simd128');
  // A sum of at most 300 terms in another order: within 300 ε of the exact one, relative to Σ|terms|.
  assert.ok(check.float_error <= 300 * 2 ** -23, `float: ${check.float_error}`);
  assert.ok(check.float_error > 0, 'float rounding is seen: the check compares with exact sums');
  assert.ok(check.double_error <= 300 * 2 ** -52, `double: ${check.double_error}`);
});

/// The history of `model` trained in Wasm on the built-in data (500 samples, seed 3, split 5).
function wasmHistory(model) {
  const t = new trainer.Trainer();
  assert.equal(t.loadData(JSON.stringify({ builtin: { samples: 500, seed: 3 }, split_seed: 5 }), '').ok, true);
  const started = t.start(JSON.stringify(model));
  assert.equal(started.ok, true, started.error);
  for (;;) if (JSON.parse(t.epoch().value).done) break;
  const { history } = JSON.parse(t.finish().value);
  t.delete();
  return history;
}

const model = (dtype) => modelFromForm({ ...kLectureForm, dtype, hidden: '16, 8', epochs: '4', plateauPatience: '1' }, 9, 54).value;

test('float32: the same seeds give the same training natively and in Wasm, to float32 tolerance', () => {
  const dir = mkdtempSync(`${tmpdir()}/nntutor-f32-`);
  writeFileSync(`${dir}/model.json`, JSON.stringify(model('float32')));
  const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
  const r = spawnSync(cli, ['train', `${dir}/model.json`, '--builtin', '--samples', '500', '--data-seed', '3',
    '--split-seed', '5', '--history', `${dir}/history.csv`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const native = readFileSync(`${dir}/history.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const history = wasmHistory(model('float32'));
  assert.equal(history.length, native.length);
  // Sums in another order (Eigen natively, Wasm SIMD tiles) differ in float's last bits (~6e-8),
  // and 6 Adam steps per epoch carry them along: within 1e-5 after 4 epochs (seen: 1.2e-6).
  history.forEach((h, i) => {
    const [epoch, loss, val, lr] = native[i];
    assert.equal(h.epoch, epoch);
    assert.ok(Math.abs(h.loss - loss) <= 1e-5 * loss, `epoch ${epoch} loss ${h.loss} vs ${loss}`);
    assert.ok(Math.abs(h.val_loss - val) <= 1e-5 * val, `epoch ${epoch} val_loss ${h.val_loss} vs ${val}`);
    assert.equal(h.lr, lr);
  });
});

test('float32 follows float64 in Wasm (the page\'s default against the exact run)', () => {
  const f32 = wasmHistory(model('float32'));
  const f64 = wasmHistory(model('float64'));
  assert.equal(f32.length, f64.length);
  f32.forEach((h, i) => {
    // Seen: 1.3e-6 after 4 epochs.
    assert.ok(Math.abs(h.loss - f64[i].loss) <= 1e-4 * f64[i].loss, `epoch ${h.epoch}: ${h.loss} vs ${f64[i].loss}`);
    assert.ok(Math.abs(h.val_loss - f64[i].val_loss) <= 1e-4 * f64[i].val_loss, `epoch ${h.epoch}`);
    assert.notEqual(h.loss, f64[i].loss, 'float32 is not float64');
  });
});
