// state.js takes its choosers, defaults, limits and rules from the engine's schema (issue 9):
// the lists come from the built engine's schema() rows, and a schema with one more row offers
// that row everywhere without a line of the page changing. Also the trainer form's choices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as state from '../../web/js/state.js';
import { trainerChoices } from '../../web/js/trainer-form.js';
import { model as m, schema } from './schema.mjs';

const names = (rows) => rows.map((r) => r.name);

/// The built schema with `edit` applied to a deep copy (a fixture generated from the engine's).
function schemaWith(edit) {
  const copy = structuredClone(schema);
  edit(copy);
  return copy;
}

test('the builder\'s choosers are the schema\'s rows, softplus and swish included', () => {
  const c = state.choosers(schema);
  assert.deepEqual(c.lastActivations, names(schema.activations));
  assert.deepEqual(c.activations, names(schema.activations.filter((a) => !a.last_layer_only)));
  assert.ok(c.activations.includes('softplus') && c.activations.includes('swish'));
  assert.ok(c.lastActivations.includes('softmax') && !c.activations.includes('softmax'));
  assert.deepEqual(c.losses, names(schema.losses));
  assert.deepEqual(c.optimizers, names(schema.optimizers));
  for (const a of schema.activations) assert.equal(c.labels.activation[a.name], a.title);
  for (const l of schema.losses) assert.equal(c.labels.loss[l.name], l.title);
  assert.deepEqual(c.alphaDefaults, Object.fromEntries(schema.activations.filter((a) => a.alpha !== null).map((a) => [a.name, a.alpha])));
  assert.deepEqual(c.pageLimits, schema.limits.page);
  for (const o of schema.optimizers) {
    assert.deepEqual(c.optimizerFields[o.name], o.worked_example.hyperparameters);
    for (const h of o.hyperparameters) assert.equal(c.optimizerDefaults[h.name], h.default);
  }
  assert.deepEqual(m.choosers, c);
  assert.equal(m.kMaxSteps, schema.limits.page.steps);
});

test('a session with softplus and swish: no α box, and the session names them', () => {
  let s = m.setActivation(m.initialState(), 0, 'softplus');
  s = m.setActivation(s, 1, 'swish');
  assert.deepEqual(m.cellKeys(s.doc).filter((k) => k.startsWith('alpha')), []);
  const built = m.buildSession(m.step(s, 2));
  assert.equal(built.errors, undefined);
  assert.deepEqual(built.value.layers.map((l) => l.activation), ['softplus', 'swish']);
  assert.equal(built.value.steps, 2);
  assert.deepEqual(m.initSession(s.doc).layers.map((l) => l.activation), ['softplus', 'swish']);
});

test('one more activation row in the schema is offered, accepted and sent, with its α', () => {
  const extended = schemaWith((copy) => {
    const swish = copy.activations.find((a) => a.name === 'swish');
    copy.activations.splice(copy.activations.length - 1, 0, { ...swish, name: 'mish', title: 'mish', alpha: 0.5 });
  });
  const x = state.stateModel(extended);
  assert.ok(x.choosers.activations.includes('mish'));
  assert.equal(x.choosers.alphaDefaults.mish, 0.5);
  const s = x.setActivation(x.initialState(), 0, 'mish');
  assert.deepEqual(x.cellKeys(s.doc).filter((k) => k.startsWith('alpha')), ['alpha:0']);
  assert.equal(x.buildSession(s).value.layers[0].activation, 'mish');
  assert.throws(() => m.setActivation(m.initialState(), 0, 'mish'), /unknown activation "mish"/);
});

test('the pairing and target rules come from the rows: last_layer_only, requires_output, targets', () => {
  // The built schema: softmax is last-layer only, cross_entropy requires it.
  assert.throws(() => m.setActivation(m.addLayer(m.initialState()), 0, 'softmax'), /only for the last layer/);
  // A schema where msle's targets are probabilities: msle now checks them, with its own name.
  const strict = state.stateModel(schemaWith((copy) => {
    copy.losses.find((l) => l.name === 'msle').targets = 'probabilities';
  }));
  const s = strict.setCell(strict.setLoss(strict.initialState(), 'msle'), 'y:0:0', '2');
  assert.deepEqual(strict.lossErrors(s.doc), { 'y:0:0': 'y: msle expects targets from 0 to 1, got 2' });
  assert.deepEqual(m.lossErrors(m.setCell(m.setLoss(m.initialState(), 'msle'), 'y:0:0', '2').doc), {});
});

test('the optimizer boxes, their rules and the state columns are the schema\'s', () => {
  const adam = schema.optimizers.find((o) => o.name === 'adam');
  const s = m.setOptimizer(m.initialState(), 'adam');
  assert.deepEqual(m.optimizerKeys(s.doc), [...adam.worked_example.hyperparameters, ...state.kBatchFields].map((f) => `opt:${f}`));
  assert.deepEqual(m.stateSlots(s.doc), adam.worked_example.state);
  // A narrower range in the schema is the box's rule.
  const narrow = state.stateModel(schemaWith((copy) => {
    const beta = copy.optimizers.find((o) => o.name === 'adam').hyperparameters.find((h) => h.name === 'beta_1');
    Object.assign(beta, { max: 0.5, max_open: false, rule: 'a number from 0 to 0.5' });
  }));
  const t = narrow.setCell(narrow.setOptimizer(narrow.initialState(), 'adam'), 'opt:beta_1', '0.6');
  assert.equal(narrow.parseCell(t.doc, 'opt:beta_1').error, 'beta_1: must be from 0 to 0.5, got 0.6');
  assert.equal(m.parseCell(t.doc, 'opt:beta_1').value, 0.6);
});

test('the trainer\'s choices: hidden activations without softmax, Keras losses, the schema\'s optimizers', () => {
  const c = trainerChoices(schema);
  assert.deepEqual(names(c.activations), names(schema.activations.filter((a) => !a.last_layer_only)));
  assert.deepEqual(names(c.outputActivations), names(schema.activations));
  assert.deepEqual(names(c.losses), names(schema.losses.filter((l) => l.keras)));
  assert.ok(!names(c.losses).includes('half_sse'));
  assert.deepEqual(names(c.optimizers), names(schema.optimizers));
  assert.ok(names(c.activations).includes('swish'));
});
