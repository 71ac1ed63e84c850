// The learning-rates field (web/js/parse.js parseRates): separators, the decimal rule,
// the limit, and messages that name the entry they refuse. The module imports without a DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kDefaultRatesText, kMaxRates, parseRates } from '../../web/js/parse.js';

const kExpected = 'learning rates: expected numbers greater than 0 separated by commas';

test('parseRates reads the default text as the lecture\'s three rates', () => {
  assert.equal(kDefaultRatesText, '0.1, 1, 10');
  assert.deepEqual(parseRates(kDefaultRatesText), { value: [0.1, 1, 10] });
});

test('parseRates accepts commas, semicolons and spaces as separators', () => {
  for (const text of ['0.1, 1, 10', '0.1 1 10', '0.1;1;10', '0.1,1,10', ' 0.1 ,\t1 ; 10 ', '0.1, 1, 10,']) {
    assert.deepEqual(parseRates(text), { value: [0.1, 1, 10] }, text);
  }
});

test('parseRates accepts every decimal form that parseNumber does', () => {
  assert.deepEqual(parseRates('.5, 2., 1e-3, +3, 2E1'), { value: [0.5, 2, 0.001, 3, 20] });
  assert.deepEqual(parseRates('1'), { value: [1] });
});

test('parseRates keeps the order and repeated rates as typed', () => {
  assert.deepEqual(parseRates('10 0.1 10'), { value: [10, 0.1, 10] });
});

test('parseRates names the entry that is not a number', () => {
  assert.deepEqual(parseRates('abc'), { error: `${kExpected}, got "abc"` });
  assert.deepEqual(parseRates('0.1, abc, 10'), { error: `${kExpected}, got "abc"` });
  for (const bad of ['Infinity', '-Infinity', 'NaN', '0x10', '1.2.3', '1e', '1e999', '.', '-', '½', '1_000']) {
    assert.deepEqual(parseRates(`0.1, ${bad}`), { error: `${kExpected}, got "${bad}"` }, bad);
  }
});

test('parseRates refuses rates that are not greater than 0', () => {
  for (const bad of ['0', '-1', '-0.5', '0.0', '-0', '1e-400']) {
    assert.deepEqual(parseRates(`1, ${bad}`), { error: `${kExpected}, got "${bad}"` }, bad);
  }
});

test('parseRates reads "1,5" as two rates: the comma separates', () => {
  assert.deepEqual(parseRates('1,5'), { value: [1, 5] });
});

test('parseRates wants at least one rate', () => {
  for (const text of ['', '   ', ',', ' ; , ']) {
    assert.deepEqual(parseRates(text), { error: `${kExpected}, got nothing` }, JSON.stringify(text));
  }
});

test('parseRates allows at most 8 rates, as the engine does', () => {
  assert.equal(kMaxRates, 8);
  const eight = Array.from({ length: 8 }, (_, i) => String(i + 1));
  assert.deepEqual(parseRates(eight.join(', ')), { value: eight.map(Number) });
  assert.deepEqual(parseRates([...eight, '9'].join(', ')),
    { error: 'learning rates: expected at most 8 rates, got 9' });
});

test('parseRates takes any value and reads it as text', () => {
  assert.deepEqual(parseRates(2), { value: [2] });
});
