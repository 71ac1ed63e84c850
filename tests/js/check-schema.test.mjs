// The schema's new activations in the checker (issue 9: "adding an activation is one row"): a
// softplus/swish network's table checked by the checker's module, and a hidden layer's output
// typed as f′(z) instead of f(z) explained with the row's own derivative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';
import createEngine from '../../build/wasm/nntutor_wasm.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const checker = await createChecker();
const engine = await createEngine({ wasmBinary: readFileSync(`${root}build/wasm/nntutor_wasm.wasm`) });
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

const session = JSON.stringify({
  inputs: [[1]], targets: [[1]],
  layers: [{ units: 1, activation: 'softplus', weights: [[0.5]], biases: [0] },
    { units: 1, activation: 'swish', weights: [[0.8]], biases: [0] }],
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 }, steps: 2, seed: 1,
});

test('a softplus/swish table checks as right, and y1 = σ(z1) is softplus′, not softplus', () => {
  const table = engine.format(session, 'csv', 6, '{}');
  assert.equal(table.ok, true, table.error);
  const right = JSON.parse(checker.check(session, table.value, 'start').value);
  assert.ok(right.cells.every((c) => c.verdict === 'correct' || c.verdict === 'rounding'), JSON.stringify(right.summary));
  const lines = table.value.trim().split('\n');
  const header = lines[0].split(',');
  const row = lines[1].split(',');
  const y1 = header.indexOf('y1');
  row[y1] = sigmoid(Number(row[header.indexOf('z1')])).toFixed(6);
  const wrong = JSON.parse(checker.check(session, [lines[0], row.join(','), ...lines.slice(2)].join('\n'), 'start').value);
  const cell = wrong.cells.find((c) => c.row === 1 && c.column === 'y1');
  assert.notEqual(cell.verdict, 'correct');
  assert.equal(cell.formula, 'y1 = ln(1 + e^z1)');  // the row's y = f(z)
  assert.equal(cell.slip, 'This is softplus′(z1) = σ(z1), not softplus(z1).');
});
