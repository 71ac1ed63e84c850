// The trainer module's epoch() for a classifier (softmax + cross_entropy): "accuracy" and
// "val_accuracy" (the core's categorical accuracy, EpochLogs) between "lr" and "done", the
// digits page's live curves; none for a regression loss. Run after `scripts/build.sh wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrainer from '../../build/wasm/nntutor_train_wasm.js';
import { classesCsv } from './classes-csv.mjs';

const trainer = await createTrainer();


const model = (loss, activation, epochs) => ({
  inputs: 2,
  layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3, ...(activation ? { activation } : {}) }],
  loss, optimizer: { name: 'adam', learning_rate: 0.02 }, fit: { batch_size: 16, epochs, seed: 1 }, seed: 1,
});

function epochs(t) {
  const logs = [];
  for (;;) {
    const r = t.epoch();
    assert.equal(r.ok, true, r.error);
    logs.push(JSON.parse(r.value));
    if (logs.at(-1).done) return logs;
  }
}

test('a classifier\'s epochs carry accuracy and val_accuracy, which rise as it learns', () => {
  const t = new trainer.Trainer();
  assert.equal(t.loadData(JSON.stringify({ csv: { source: 'classes.csv', features: 'x1,x2' } }), classesCsv()).ok, true);
  assert.equal(t.start(JSON.stringify(model('cross_entropy', 'softmax', 40))).ok, true);
  const logs = epochs(t);
  assert.deepEqual(Object.keys(logs[0]), ['epoch', 'loss', 'val_loss', 'lr', 'accuracy', 'val_accuracy', 'done']);
  for (const l of logs) {
    // 140 training and 40 validation samples: accuracies are whole counts over them.
    assert.ok(Number.isInteger(Math.round(l.accuracy * 140 * 1e9) / 1e9), `accuracy ${l.accuracy}`);
    assert.ok(Number.isInteger(Math.round(l.val_accuracy * 40 * 1e9) / 1e9), `val_accuracy ${l.val_accuracy}`);
  }
  assert.ok(logs.at(-1).accuracy > 0.85, `accuracy ${logs.at(-1).accuracy}`);
  assert.ok(logs.at(-1).val_accuracy > logs[0].val_accuracy);
  t.delete();
});

test('a regression\'s epochs have no accuracy', () => {
  const t = new trainer.Trainer();
  assert.equal(t.loadData(JSON.stringify({ builtin: { samples: 300 } }), '').ok, true);
  const regression = { ...model('mse', null, 2), inputs: 9, layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 54 }] };
  assert.equal(t.start(JSON.stringify(regression)).ok, true);
  assert.deepEqual(Object.keys(epochs(t)[0]), ['epoch', 'loss', 'val_loss', 'lr', 'done']);
  t.delete();
});
