// The page's state (web/js/state.js): parsing, validation, the session it builds, reducers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  back, buildSession, fieldErrors, initialState, kLectureFields, parseField, parseNumber,
  parsePrecision, preset, reset, setField, setPrecision, step, stopAtDivergence,
} from '../../web/js/state.js';

// The lecture session of docs/engine-api.md.
const kLectureSession = {
  inputs: [[1]], targets: [[1]],
  layers: [{ units: 1, activation: 'sigmoid', weights: [[0.5]], biases: [0] },
           { units: 1, activation: 'sigmoid', weights: [[0.8]], biases: [0] }],
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 }, steps: 5,
};

test('parseNumber accepts finite decimal numbers, trimming spaces', () => {
  assert.deepEqual(parseNumber(' 2 ', 'x'), { value: 2 });
  assert.deepEqual(parseNumber('-0.5', 'x'), { value: -0.5 });
  assert.deepEqual(parseNumber('.25', 'x'), { value: 0.25 });
  assert.deepEqual(parseNumber('1e-3', 'x'), { value: 0.001 });
  assert.deepEqual(parseNumber('+3', 'x'), { value: 3 });
});

test('parseNumber names the field and quotes the text it refuses', () => {
  assert.deepEqual(parseNumber('', 'w1'), { error: 'w1: expected a number, got ""' });
  assert.deepEqual(parseNumber('abc', 'w1'), { error: 'w1: expected a number, got "abc"' });
  assert.deepEqual(parseNumber('1e999', 'w1'), { error: 'w1: expected a number, got "1e999"' });
  assert.deepEqual(parseNumber('1,5', 'w1'), { error: 'w1: expected a number, got "1,5"' });
  for (const text of ['   ', 'Infinity', '-Infinity', 'NaN', '0x10', '1.2.3', '1e', '-', '.']) {
    assert.ok(parseNumber(text, 'b2').error, `"${text}" is refused`);
  }
});

test('the learning rate must be greater than 0', () => {
  assert.deepEqual(parseField('learningRate', '0'), { error: 'learning rate: must be greater than 0, got 0' });
  assert.deepEqual(parseField('learningRate', '-1'), { error: 'learning rate: must be greater than 0, got -1' });
  assert.deepEqual(parseField('learningRate', 'abc'), { error: 'learning rate: expected a number, got "abc"' });
  assert.deepEqual(parseField('learningRate', '10'), { value: 10 });
  assert.deepEqual(parseField('w1', '-1'), { value: -1 }, 'other fields may be negative');
});

test('the default state is the lecture example with no rows and 4 decimals', () => {
  const state = initialState();
  assert.deepEqual(state.fields, {
    x: '1', y: '1', w1: '0.5', b1: '0', w2: '0.8', b2: '0', learningRate: '0.1',
  });
  assert.equal(state.stepsShown, 0);
  assert.equal(state.precision, 4);
  assert.deepEqual(fieldErrors(state.fields), {});
});

test('buildSession gives the lecture session exactly for the default state', () => {
  assert.deepEqual(buildSession({ ...initialState(), stepsShown: 5 }), { value: kLectureSession });
  assert.deepEqual(buildSession(initialState()).value, { ...kLectureSession, steps: 0 });
  assert.equal(JSON.stringify(buildSession({ ...initialState(), stepsShown: 5 }).value),
    '{"inputs":[[1]],"targets":[[1]],"layers":[{"units":1,"activation":"sigmoid","weights":[[0.5]],"biases":[0]},'
    + '{"units":1,"activation":"sigmoid","weights":[[0.8]],"biases":[0]}],"loss":"half_sse",'
    + '"optimizer":{"name":"sgd","learning_rate":0.1},"steps":5}');
});

test('buildSession puts each field where the session expects it', () => {
  const fields = { x: '2', y: '-1', w1: '0.3', b1: '0.1', w2: '-0.7', b2: '0.2', learningRate: '10' };
  const { value } = buildSession({ ...initialState(), fields, stepsShown: 3 });
  assert.deepEqual(value.inputs, [[2]]);
  assert.deepEqual(value.targets, [[-1]]);
  assert.deepEqual(value.layers[0], { units: 1, activation: 'sigmoid', weights: [[0.3]], biases: [0.1] });
  assert.deepEqual(value.layers[1], { units: 1, activation: 'sigmoid', weights: [[-0.7]], biases: [0.2] });
  assert.deepEqual(value.optimizer, { name: 'sgd', learning_rate: 10 });
  assert.equal(value.steps, 3);
});

test('buildSession returns every field error instead of a session', () => {
  let state = setField(initialState(), 'w1', 'abc');
  state = setField(state, 'learningRate', '0');
  assert.deepEqual(buildSession(state), {
    errors: {
      w1: 'w1: expected a number, got "abc"',
      learningRate: 'learning rate: must be greater than 0, got 0',
    },
  });
});

test('setField keeps the text as typed and refuses unknown fields', () => {
  const state = setField(initialState(), 'w1', ' 0.3 ');
  assert.equal(state.fields.w1, ' 0.3 ');
  assert.equal(initialState().fields.w1, '0.5', 'the default is not changed');
  assert.throws(() => setField(initialState(), 'w3', '1'), /unknown field "w3"/);
});

test('step adds one row, run adds ten, back removes one, reset returns to 0', () => {
  let state = initialState();
  state = step(state);
  assert.equal(state.stepsShown, 1);
  state = step(state);
  assert.equal(state.stepsShown, 2);
  state = step(state, 10);
  assert.equal(state.stepsShown, 12);
  state = back(state);
  assert.equal(state.stepsShown, 11);
  const typed = setField(state, 'w1', '0.3');
  state = reset(typed);
  assert.equal(state.stepsShown, 0);
  assert.equal(state.fields.w1, '0.3', 'reset keeps the values typed');
});

test('back at 0 rows stays at 0; steps stop at the engine limit', () => {
  assert.equal(back(initialState()).stepsShown, 0);
  assert.equal(step({ ...initialState(), stepsShown: 9995 }, 10).stepsShown, 10000);
});

test('reducers do not change the state they are given', () => {
  const state = Object.freeze({ ...initialState(), fields: Object.freeze({ ...initialState().fields }) });
  step(state); back(state); reset(state); preset(state, 10); setField(state, 'x', '2');
  setPrecision(state, '6'); stopAtDivergence(state, 1);
  assert.deepEqual(state, initialState());
});

test('preset η = 10 loads the lecture values at that rate with 5 rows', () => {
  let state = setField(step(initialState(), 12), 'w1', 'abc');
  state = preset(state, 10);
  assert.deepEqual(state.fields, { ...kLectureFields, learningRate: '10' });
  assert.equal(state.stepsShown, 5);
  assert.deepEqual(buildSession(state).value, {
    ...kLectureSession, optimizer: { name: 'sgd', learning_rate: 10 },
  });
  assert.equal(preset(initialState(), 0.1).fields.learningRate, '0.1');
  assert.equal(preset(initialState(), 1).fields.learningRate, '1');
});

test('stopAtDivergence shows no more steps than the one that diverged', () => {
  assert.equal(stopAtDivergence({ ...initialState(), stepsShown: 12 }, 3).stepsShown, 3);
  assert.equal(stopAtDivergence({ ...initialState(), stepsShown: 2 }, 3).stepsShown, 2);
});

test('decimals are a whole number from 0 to 12', () => {
  assert.deepEqual(parsePrecision('6'), { value: 6 });
  assert.deepEqual(parsePrecision('0'), { value: 0 });
  assert.deepEqual(parsePrecision('12'), { value: 12 });
  assert.deepEqual(parsePrecision('13'), { error: 'decimals: expected a whole number from 0 to 12, got "13"' });
  for (const text of ['', '-1', '2.5', 'abc']) assert.ok(parsePrecision(text).error, `"${text}"`);
  assert.equal(setPrecision(initialState(), '6').precision, 6);
  assert.equal(setPrecision(initialState(), '13').precision, 4, 'an invalid text changes nothing');
});
