// The digits page's pure state (web/js/digits-state.js): form texts ↔ the core's digitsModel
// options, which field a core message names, the newest-only queue of drawings, the sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellSentence, fieldOfMessage, formFromModel, LatestOnly, messageAtField, optionsFromForm, sizeText,
} from '../../web/js/digits-state.js';

// The default model as docs/digits.md describes digitsModel("{}").
const kDefault = {
  name: 'sequential', inputs: 784,
  layers: [{ type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }],
  loss: 'cross_entropy', optimizer: { name: 'adam', learning_rate: 0.001 },
  fit: { batch_size: 64, epochs: 5, shuffle: true, seed: 1 }, seed: 1,
};

test('the form shows a model\'s hidden layers, activation, epochs, batch size, learning rate and seed', () => {
  assert.deepEqual(formFromModel(kDefault), {
    hidden: '128', activation: 'relu', epochs: '5', batchSize: '64', learningRate: '0.001', seed: '1',
  });
  const two = { ...kDefault, layers: [{ type: 'dense', units: 256, activation: 'tanh' }, { type: 'dense', units: 64, activation: 'tanh' }, kDefault.layers[1]] };
  assert.equal(formFromModel(two).hidden, '256, 64');
  assert.equal(formFromModel(two).activation, 'tanh');
});

test('the form\'s texts become the options digitsModel takes; a text of the wrong shape names its field', () => {
  const form = { hidden: '256, 64', activation: 'relu', epochs: '3', batchSize: '32', learningRate: '2e-3', seed: '7' };
  assert.deepEqual(optionsFromForm(form).value, {
    hidden: [256, 64], activation: 'relu', epochs: 3, batch_size: 32, learning_rate: 0.002, seed: 7,
  });
  const bad = optionsFromForm({ ...form, hidden: '128, many', learningRate: '0,01', seed: '' });
  assert.deepEqual(bad.errors, {
    hidden: 'hidden layers: expected whole numbers of units separated by commas, got "many"',
    learningRate: 'learning rate: expected a number, got "0,01" (write decimals with a point)',
    seed: 'seed: expected a whole number, got nothing',
  });
});

test('a core message about the options is shown at the field it names', () => {
  assert.equal(fieldOfMessage('hidden[1]: expected a whole number from 1 to 4096, got 0'), 'hidden');
  assert.equal(fieldOfMessage('options.epochs: expected a whole number from 1 to 10000, got 0'), 'epochs');
  assert.equal(fieldOfMessage('batch_size: expected a whole number from 1 to 8192, got 9000'), 'batchSize');
  assert.equal(fieldOfMessage('learning_rate: expected a number > 0, got 0'), 'learningRate');
  assert.equal(fieldOfMessage('the digits need 784 inputs'), null);
  // Shown at the field in the field's own name, as the form's own messages are.
  assert.equal(messageAtField('digits.hidden[1]: expected a whole number from 1 to 4096, got 0'),
    'hidden layers (layer 2): expected a whole number from 1 to 4096, got 0');
  assert.equal(messageAtField('digits.batch_size: expected a whole number from 1 to 8192, got 9000'),
    'batch size: expected a whole number from 1 to 8192, got 9000');
  assert.equal(messageAtField('digits.learning_rate: expected a number greater than 0, got -1'),
    'learning rate: expected a number greater than 0, got -1');
  assert.equal(messageAtField('the digits need 784 inputs'), 'the digits need 784 inputs');
});

test('drawings go one at a time, and only the newest of those that waited', () => {
  const queue = new LatestOnly();
  assert.equal(queue.offer('a'), 'a');
  assert.equal(queue.offer('b'), null);
  assert.equal(queue.offer('c'), null);
  assert.equal(queue.done(), 'c', 'b was out of date before it could be sent');
  assert.equal(queue.offer('d'), null, 'c is being answered');
  assert.equal(queue.done(), 'd');
  assert.equal(queue.done(), null);
  assert.equal(queue.offer('e'), 'e', 'nothing in flight: sent at once');
});

test('the sentences: the data file\'s size and a confusion cell', () => {
  assert.equal(sizeText(7850016), '7,850,016 bytes (7.5 MB)');
  assert.equal(cellSentence(3, 5, 4, 4), '4 test digits 3 the network took for 5.');
  assert.equal(cellSentence(7, 7, 1, 1), '1 test digit 7 the network recognised.');
  assert.equal(cellSentence(1, 1, 120, 100), '120 test digits 1 the network recognised (the first 100).');
});
