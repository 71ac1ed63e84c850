// The student's text read as numbers (web/js/parse.js): one number, a whole number, rows pasted
// from a spreadsheet. Pure: the module imports without a DOM. (The rates list:
// rates-parse.test.mjs; pasteData into the state: state.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNumber, parseWhole, readSpreadsheet } from '../../web/js/parse.js';

const kData = { width: 2, widthNote: '1 inputs, 1 targets', maxRows: 256 };

test('parseNumber reads plain decimals and names the field it refuses', () => {
  assert.deepEqual(parseNumber(' -0.5 ', 'w1'), { value: -0.5 });
  assert.deepEqual(parseNumber('.5', 'w1'), { value: 0.5 });
  assert.deepEqual(parseNumber('1e-3', 'w1'), { value: 0.001 });
  for (const text of ['', 'abc', '1,5', '0x10', 'Infinity', '1e999']) {
    assert.deepEqual(parseNumber(text, 'w1'), { error: `w1: expected a number, got "${text}"` }, text);
  }
  assert.deepEqual(parseNumber(null, 'w1'), { error: 'w1: expected a number, got ""' });
});

test('parseWhole keeps to its range', () => {
  assert.deepEqual(parseWhole('3', 'inputs', 1, 32), { value: 3 });
  assert.deepEqual(parseWhole(' 32 ', 'inputs', 1, 32), { value: 32 });
  for (const text of ['0', '33', '1.5', '-1', '']) {
    assert.deepEqual(parseWhole(text, 'inputs', 1, 32),
      { error: `inputs: expected a whole number from 1 to 32, got "${text}"` }, text);
  }
});

test('readSpreadsheet takes the first line\'s separator: tab, then semicolon, then comma', () => {
  assert.deepEqual(readSpreadsheet('1\t2\n3\t4', kData), { rows: [['1', '2'], ['3', '4']] });
  assert.deepEqual(readSpreadsheet('1;2\r\n3;4', kData), { rows: [['1', '2'], ['3', '4']] });
  assert.deepEqual(readSpreadsheet(' 1 , 2 \r3,4\n', kData), { rows: [['1', '2'], ['3', '4']] });
});

test('readSpreadsheet skips blank lines and a header row with no number in it', () => {
  assert.deepEqual(readSpreadsheet('x,y\n\n1,2\n  \n3,4', kData), { rows: [['1', '2'], ['3', '4']] });
  // A first row with a number in it is data, and here a bad one.
  assert.deepEqual(readSpreadsheet('x,1\n1,2', kData),
    { error: 'pasted data, line 1, column 1: expected a number, got "x"' });
});

test('readSpreadsheet refuses empty text, a header only and too many rows', () => {
  assert.deepEqual(readSpreadsheet(' \n\n', kData), { error: 'pasted data: nothing to read (it is empty)' });
  assert.deepEqual(readSpreadsheet('x,y', kData), { error: 'pasted data: only a header row, no samples' });
  assert.deepEqual(readSpreadsheet('1,2\n3,4\n5,6', { ...kData, maxRows: 2 }),
    { error: 'pasted data: the page allows at most 2 samples, got 3' });
});

test('readSpreadsheet names the line (counting blank ones) and the column it refuses', () => {
  assert.deepEqual(readSpreadsheet('1,2\n\n3,4,5', kData),
    { error: 'pasted data, line 3: expected 2 values (1 inputs, 1 targets), got 3' });
  assert.deepEqual(readSpreadsheet('1;2\n3;2,5', kData),
    { error: 'pasted data, line 2, column 2: expected a number, got "2,5" (write decimals with a point)' });
  assert.deepEqual(readSpreadsheet('1\t2\n3\tabc', kData),
    { error: 'pasted data, line 2, column 2: expected a number, got "abc"' });
});
