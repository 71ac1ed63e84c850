// The threaded trainer module (nntutor_train_mt_wasm.js, docs/threads.md) under Node, its
// pthreads on worker_threads: its thread limits are the core's, bad counts are refused, and the
// lecture's model trains to exactly the same bits on 1, 2 and 3 threads as the single-threaded
// module (nntutor_train_wasm.js), in float32 and float64.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import createTrainer from '../../build/wasm/nntutor_train_wasm.js';
import createThreaded from '../../build/wasm/nntutor_train_mt_wasm.js';
import { kLectureForm, modelFromForm } from '../../web/js/trainer-form.js';

const single = await createTrainer();
const threaded = await createThreaded();

after(() => {
  // The pthreads' workers would keep Node running.
  threaded.PThread?.terminateAllThreads();
});

test('the threaded module takes 1 to 4 threads (its pool + the caller), the single one only 1', () => {
  assert.deepEqual(JSON.parse(threaded.threads()), { threads: 1, min: 1, max: 4 });
  assert.deepEqual(JSON.parse(single.threads()), { threads: 1, min: 1, max: 1 });
  for (const bad of [0, -1, 5]) {
    assert.deepEqual(threaded.setThreads(bad), {
      ok: false, value: '', error: `threads: expected a whole number from 1 to 4 (this build's limit), got ${bad}` });
  }
  assert.deepEqual(single.setThreads(2), {
    ok: false, value: '', error: 'threads: expected a whole number from 1 to 1 (this build has no threads), got 2' });
  assert.equal(JSON.parse(threaded.threads()).threads, 1, 'a refused count keeps the last one');
  const set = threaded.setThreads(2);
  assert.equal(set.ok, true, set.error);
  assert.deepEqual(JSON.parse(set.value), { threads: 2, min: 1, max: 4 });
  assert.equal(threaded.setThreads(1).ok, true);
  assert.equal(JSON.parse(threaded.kernelCheck()).path, 'wasm-simd128');
});

/// The lecture model (the page's form, `dtype`) trained 3 epochs on 1000 built-in spectra in
/// `module` with `threads` threads: every epoch's logs and the trained model's JSON.
function run(module, dtype, threads) {
  if (module === threaded) assert.equal(module.setThreads(threads).ok, true);
  const model = modelFromForm({ ...kLectureForm, dtype, epochs: '3' }, 9, 54).value;
  const t = new module.Trainer();
  try {
    assert.equal(t.loadData(JSON.stringify({ builtin: { samples: 1000, seed: 3 }, split_seed: 5 }), '').ok, true);
    const started = t.start(JSON.stringify(model));
    assert.equal(started.ok, true, started.error);
    const epochs = [];
    for (;;) {
      const logs = JSON.parse(t.epoch().value);
      epochs.push(logs);
      if (logs.done) break;
    }
    return { epochs, finished: t.finish().value, weights: t.model().value };
  } finally {
    t.delete();
  }
}

for (const dtype of ['float32', 'float64']) {
  test(`${dtype}: 1, 2 and 3 threads give the single-threaded module's numbers to the bit`, () => {
    const reference = run(single, dtype, 1);
    assert.equal(reference.epochs.length, 3);
    assert.ok(reference.weights.length > 10000);
    for (const threads of [1, 2, 3]) {
      const got = run(threaded, dtype, threads);
      // JSON numbers are written shortest-round-trip: equal text is equal bits.
      assert.equal(got.weights, reference.weights, `${threads} threads: weights`);
      assert.equal(got.finished, reference.finished, `${threads} threads: result`);
      assert.deepEqual(got.epochs.map((e) => [e.loss, e.val_loss]), reference.epochs.map((e) => [e.loss, e.val_loss]),
        `${threads} threads: losses`);
    }
    threaded.setThreads(1);
  });
}

test('auto mode (the page\'s default): the core gives each training 1 thread or all available, and says why', () => {
  try {
    const auto = threaded.setThreadsAuto(2);
    assert.equal(auto.ok, true, auto.error);
    assert.equal(JSON.parse(auto.value).auto, true);
    const t = new threaded.Trainer();
    try {
      assert.equal(t.loadData(JSON.stringify({ builtin: { samples: 400, seed: 3 }, split_seed: 5 }), '').ok, true);
      const start = (form) => JSON.parse(t.start(JSON.stringify(modelFromForm({ ...kLectureForm, epochs: '1', ...form }, 9, 54).value)).value);
      const small = start({ dtype: 'float32' });  // the lecture model: 1.3 million multiply-adds a batch
      assert.equal(small.threads.threads, 1);
      assert.match(small.threads.reason, /^Auto chose 1 thread: a batch of this model is 1\.3 million multiply-adds, under the 2\.1 million \(float32\)/);
      assert.deepEqual(JSON.parse(threaded.threads()), small.threads);
      const wide = start({ dtype: 'float32', hidden: '128, 256, 128' });  // 4.7 million
      assert.equal(wide.threads.threads, 2);
      assert.match(wide.threads.reason, /^Auto chose 2 threads: a batch of this model is 4\.7 million multiply-adds, at least the 2\.1 million/);
    } finally {
      t.delete();
    }
    assert.deepEqual(threaded.setThreadsAuto(5), {
      ok: false, value: '', error: 'threads: expected a whole number of available threads from 1 to 4, got 5' });
    assert.equal(JSON.parse(threaded.threads()).threads, 2, 'a refused value keeps the count');
    assert.equal(single.setThreadsAuto(1).ok, true);
    assert.equal(single.setThreadsAuto(2).ok, false);
  } finally {
    threaded.setThreads(1);  // by hand again: auto mode off
    single.setThreads(1);
  }
  assert.deepEqual(JSON.parse(threaded.threads()), { threads: 1, min: 1, max: 4 });
});
