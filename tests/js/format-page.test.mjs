// How the page writes numbers and column headers (web/js/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  columnGroups, columnHeader, formatNumber, lossTrend, tableShape,
} from '../../web/js/format.js';

// The lecture's 1-1-1 network, as docs/engine-api.md describes its columns.
function col(name, kind, layer = 0, unit = 0, input = 0, sample = 0) {
  return { name, kind, layer, unit, input, sample };
}
const kLectureColumns = [
  col('step', 'step'),
  col('w1', 'w', 1, 1, 1), col('b1', 'b', 1, 1), col('z1', 'z', 1, 1, 0, 1), col('y1', 'y', 1, 1, 0, 1),
  col('dL/dw1', 'dw', 1, 1, 1), col('dL/db1', 'db', 1, 1),
  col('w2', 'w', 2, 1, 1), col('b2', 'b', 2, 1), col('z2', 'z', 2, 1, 0, 1), col('y2', 'y', 2, 1, 0, 1),
  col('dL/dw2', 'dw', 2, 1, 1), col('dL/db2', 'db', 2, 1),
  col('L', 'loss'),
];

test('formatNumber rounds to the decimals asked for', () => {
  assert.equal(formatNumber(0.0714, 4), '0.0714');
  assert.equal(formatNumber(-0.016741, 4), '-0.0167');
  assert.equal(formatNumber(0.5, 6), '0.500000');
  assert.equal(formatNumber(2.5, 0), '3');
  assert.equal(formatNumber(12, 2), '12.00');
});

test('formatNumber writes a negative value that rounds to zero without its sign', () => {
  assert.equal(formatNumber(-0.00001, 4), '0.0000');
  assert.equal(formatNumber(-0, 4), '0.0000');
  assert.equal(formatNumber(-0.4, 0), '0');
  assert.equal(formatNumber(-0.00005, 4), '-0.0001');
});

test('formatNumber uses exponents for huge values and a dash for non-numbers', () => {
  assert.equal(formatNumber(1e200, 4), '1.0000e+200');
  assert.equal(formatNumber(-3e25, 2), '-3.00e+25');
  assert.equal(formatNumber(NaN, 4), '—');
  assert.equal(formatNumber(Infinity, 4), '—');
  assert.equal(formatNumber(null, 4), '—');
});

test('the lecture network gets the lecture headers, layer as subscript, no brackets', () => {
  const shape = tableShape(kLectureColumns);
  const texts = kLectureColumns.map((c) => columnHeader(c, shape).text);
  assert.deepEqual(texts, ['step', 'w1', 'b1', 'z1', 'y1', '∂L/∂w1', '∂L/∂b1',
    'w2', 'b2', 'z2', 'y2', '∂L/∂w2', '∂L/∂b2', 'L']);
  assert.deepEqual(columnHeader(kLectureColumns[5], shape),
    { prefix: '∂L/∂', symbol: 'w', sub: '1', suffix: '', text: '∂L/∂w1' });
});

test('bigger networks get [j,i] and [j] indices and @s for samples', () => {
  const columns = [
    col('step', 'step'),
    col('w1[1,1]', 'w', 1, 1, 1), col('w1[1,2]', 'w', 1, 1, 2), col('b1', 'b', 1, 1),
    col('z1@1', 'z', 1, 1, 0, 1), col('z1@2', 'z', 1, 1, 0, 2),
    col('w2[1,1]', 'w', 2, 1, 1), col('w2[2,1]', 'w', 2, 2, 1), col('b2[2]', 'b', 2, 2),
    col('y2[2]@2', 'y', 2, 2, 0, 2), col('dL/dw2[2,1]', 'dw', 2, 2, 1), col('dL/db2[1]', 'db', 2, 1),
    col('L', 'loss'),
  ];
  const shape = tableShape(columns);
  assert.deepEqual(columns.map((c) => columnHeader(c, shape).text), ['step',
    'w1[1,1]', 'w1[1,2]', 'b1', 'z1@1', 'z1@2',
    'w2[1,1]', 'w2[2,1]', 'b2[2]', 'y2[2]@2', '∂L/∂w2[2,1]', '∂L/∂b2[1]', 'L']);
  assert.deepEqual(columnHeader(columns[9], shape),
    { prefix: '', symbol: 'y', sub: '2', suffix: '[2]@2', text: 'y2[2]@2' });
});

test('columnGroups groups consecutive columns of a layer', () => {
  assert.deepEqual(columnGroups(kLectureColumns), [
    { layer: 0, span: 1 }, { layer: 1, span: 6 }, { layer: 2, span: 6 }, { layer: 0, span: 1 },
  ]);
});

test('lossTrend compares the last two losses the engine returned', () => {
  const row = (step, loss) => [step, ...Array(12).fill(0), loss];
  assert.equal(lossTrend(kLectureColumns, []), null);
  assert.deepEqual(lossTrend(kLectureColumns, [row(1, 0.0714)]),
    { step: 1, loss: 0.0714, previousStep: null, previous: null, trend: 'first' });
  assert.deepEqual(lossTrend(kLectureColumns, [row(1, 0.0714), row(2, 0.0703)]),
    { step: 2, loss: 0.0703, previousStep: 1, previous: 0.0714, trend: 'fell' });
  assert.equal(lossTrend(kLectureColumns, [row(1, 0.1), row(2, 0.2)]).trend, 'rose');
  assert.equal(lossTrend(kLectureColumns, [row(1, 0.1), row(2, 0.1)]).trend, 'same');
});

test('the optimizer\'s state and the batch: headers from the structure, small state numbers readable', async () => {
  const { formatCell } = await import('../../web/js/format.js');
  const shape = tableShape([col('w2[1,3]', 'w', 2, 1, 3)]);
  const m = { ...col('m_w1', 'state', 1, 1, 1), slot: 'm' };
  assert.deepEqual(columnHeader(m, tableShape([m])), { prefix: 'm_', symbol: 'w', sub: '1', suffix: '', text: 'm_w1' });
  assert.equal(columnHeader({ ...col('v_w2[1,3]', 'state', 2, 1, 3), slot: 'v' }, shape).text, 'v_w2[1,3]');
  assert.equal(columnHeader({ ...col('a_b2', 'state', 2, 1, 0), slot: 'a' }, shape).text, 'a_b2');
  assert.equal(columnHeader(col('batch@3', 'batch', 0, 0, 0, 3), shape).text, 'batch@3');
  assert.equal(formatCell(col('batch@3', 'batch'), 1, 4), '1');
  assert.equal(formatCell(m, 2.79213e-7, 4), '2.79e-7');
  assert.equal(formatCell(m, -0.0016710, 4), '-0.0017');
  assert.equal(formatCell(m, 0, 4), '0.0000');
  assert.equal(formatCell(col('dL/dw1', 'dw', 1, 1, 1), 2.79213e-7, 4), '0.0000', 'only the state');
});
