// The Wasm module against the native build of the same core: the same sessions must give the
// same numbers (to 1e-12) and bad sessions the same messages. Run after `scripts/build.sh native wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createEngine from '../../build/wasm/nntutor_wasm.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
// The engine's Wasm is a file of its own: Node's fetch cannot read a path, so it is given here.
const engine = await createEngine({ wasmBinary: readFileSync(`${root}build/wasm/nntutor_wasm.wasm`) });

/// Runs `nntutor table - ARGS…` with the session on standard input.
function native(session, ...args) {
  const r = spawnSync(cli, ['table', '-', ...args], { input: session, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/// Every number in `a` within 1e-12 (relative to max(1, |b|)) of the one in `b`, same shape.
function assertClose(a, b, path = '') {
  if (typeof b === 'number') {
    assert.equal(typeof a, 'number', `${path}: expected a number`);
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${path}: ${a} vs ${b}`);
  } else if (Array.isArray(b)) {
    assert.ok(Array.isArray(a) && a.length === b.length, `${path}: length differs`);
    b.forEach((v, i) => assertClose(a[i], v, `${path}[${i}]`));
  } else if (b && typeof b === 'object') {
    assert.deepEqual(Object.keys(a), Object.keys(b), `${path}: keys differ`);
    for (const k of Object.keys(b)) assertClose(a[k], b[k], `${path}.${k}`);
  } else {
    assert.equal(a, b, path);
  }
}

const lines = (text) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

const lecture = JSON.parse(readFileSync(`${root}examples/lecture.json`, 'utf8'));
const sessions = [];
for (const eta of [0.1, 1, 10])
  sessions.push([`lecture η = ${eta}`, { ...lecture, optimizer: { name: 'sgd', learning_rate: eta }, steps: 10 }]);
for (const activation of ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'linear'])
  for (const loss of ['half_sse', 'mse'])
    sessions.push([`3-4-2, ${activation}, ${loss}, weights from seed`, {
      inputs: [[0.2, -1.1, 0.7], [1.5, 0.3, -0.4], [-0.9, 0.8, 1.2]],
      targets: [[0.1, 0.9], [0.7, 0.2], [0.4, 0.5]],
      layers: [{ units: 4, activation }, { units: 2, activation: activation === 'relu' ? 'sigmoid' : activation }],
      loss, optimizer: { name: 'sgd', learning_rate: 0.3 }, steps: 20, seed: 7,
    }]);
// Keras' losses and optimizers, mini-batches (docs/engine-api.md).
const data3 = { inputs: [[0.3, -1.2], [1.1, 0.4], [-0.7, 0.9]] };
sessions.push(['2-3-3 softmax + cross_entropy, adam', {
  ...data3, targets: [[1, 0, 0], [0, 0, 1], [0, 1, 0]], loss: 'cross_entropy',
  layers: [{ units: 3, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  optimizer: { name: 'adam', learning_rate: 0.05 }, steps: 12, seed: 3,
}]);
sessions.push(['2-2-1 sigmoid + bce, rmsprop on batches of 2', {
  ...data3, targets: [[1], [0], [0.25]], loss: 'bce',
  layers: [{ units: 2, activation: 'elu' }, { units: 1, activation: 'sigmoid' }],
  optimizer: { name: 'rmsprop', learning_rate: 0.01, rho: 0.8, batch_size: 2, shuffle_seed: 9 }, steps: 12, seed: 4,
}]);
sessions.push(['2-3-2 mae, adagrad', {
  ...data3, targets: [[2, -1], [0.5, 0.5], [-3, 1]], loss: 'mae',
  layers: [{ units: 3, activation: 'relu' }, { units: 2, activation: 'linear' }],
  optimizer: { name: 'adagrad', learning_rate: 0.3, initial_accumulator_value: 0.5 }, steps: 12, seed: 5,
}]);
sessions.push(['2-3-2 msle, sgd on batches of 1', {
  ...data3, targets: [[2, 0.1], [0.5, 3], [1, 1]], loss: 'msle',
  layers: [{ units: 3, activation: 'sigmoid' }, { units: 2, activation: 'sigmoid' }],
  optimizer: { name: 'sgd', learning_rate: 0.5, batch_size: 1, shuffle_seed: 2 }, steps: 12, seed: 6,
}]);
sessions.push(['linear network that overflows', {
  inputs: [[1]], targets: [[2]], layers: [{ units: 1, activation: 'linear', weights: [[1]] }],
  optimizer: { name: 'sgd', learning_rate: 3 }, steps: 1000,
}]);

for (const [name, session] of sessions) {
  test(`Wasm agrees with native: ${name}`, () => {
    const text = JSON.stringify(session);
    const n = native(text, '--format', 'json');
    assert.equal(n.status, 0, n.stderr);
    const w = engine.format(text, 'json', 4, '{}');
    assert.ok(w.ok, w.error);
    const nativeLines = lines(n.stdout), wasmLines = lines(w.value);
    assert.ok(nativeLines.length > 0);
    assertClose(wasmLines, nativeLines);
  });
}

test('the divergence is reported at the same step with the same reason', () => {
  const [, session] = sessions.at(-1);
  const w = JSON.parse(engine.run(JSON.stringify(session), '{}').value);
  assert.equal(w.diverged.at, 222);
  assert.equal(w.diverged.reason, 'L overflowed to +inf');
  assert.equal(w.steps.length, 221);
  assert.ok(w.table.rows.flat().every(Number.isFinite));
  const last = lines(native(JSON.stringify(session), '--format', 'json').stdout).at(-1);
  assert.deepEqual(last, { diverged_at: 222, reason: 'L overflowed to +inf' });
});

test('run() gives the lecture table with the lecture column names', () => {
  const r = engine.run(JSON.stringify({ ...lecture, steps: 2 }), '');
  assert.ok(r.ok, r.error);
  const { table, diverged, session } = JSON.parse(r.value);
  assert.equal(diverged, null);
  assert.deepEqual(table.columns.map((c) => c.name),
    ['step', 'w1', 'b1', 'z1', 'y1', 'dL/dw1', 'dL/db1', 'w2', 'b2', 'z2', 'y2', 'dL/dw2', 'dL/db2', 'L']);
  assert.deepEqual(table.columns[5], { name: 'dL/dw1', kind: 'dw', layer: 1, unit: 1, input: 1, sample: 1 - 1 });
  const row2 = table.rows[1].map((v) => v.toFixed(4));
  assert.deepEqual(row2, ['2.0000', '0.5017', '0.0017', '0.5033', '0.6232', '-0.0166', '-0.0166',
    '0.8055', '0.0089', '0.5109', '0.6250', '-0.0548', '-0.0879', '0.0703']);
  assert.equal(session.loss, 'half_sse');
});

test('every text format is the same text as the CLI prints', () => {
  const text = JSON.stringify({ ...lecture, steps: 3 });
  for (const format of ['csv', 'markdown', 'latex']) {
    const w = engine.format(text, format, 6, '{}');
    assert.ok(w.ok, w.error);
    assert.equal(w.value, native(text, '--format', format, '--precision', '6').stdout, format);
  }
});

const bad = [
  '',
  '{bad',
  '[1, 2]',
  '{"inputs": [[1]], "targets": [[1]]}',
  '{"inputs": [[1, 2], [3]], "targets": [[1], [1]], "layers": [{"units": 1, "activation": "linear"}]}',
  '{"inputs": [["a"]], "targets": [[1]], "layers": [{"units": 1, "activation": "linear"}]}',
  '{"inputs": [[1e999]], "targets": [[1]], "layers": [{"units": 1, "activation": "linear"}]}',
  '{"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "sigmoid"}, {"units": 1, "activation": "sigmoid", "weights": [[0.8], [1]]}]}',
  '{"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "gelu"}]}',
  '{"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "linear"}], "optimizer": {"name": "sgd", "learning_rate": 0}}',
  '{"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "linear"}], "steps": 100000}',
  '{"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "linear"}], "lerning_rate": 1}',
];

test('bad sessions give the same message natively and in Wasm, and the module keeps working', () => {
  for (const text of bad) {
    const w = engine.run(text, '{}');
    assert.equal(w.ok, false, text);
    assert.equal(w.value, '');
    const n = native(text);
    assert.equal(n.status, 2, text);
    assert.equal(n.stderr.trim(), `nntutor: -: ${w.error}`);
  }
  assert.equal(engine.run('{"inputs": [[1]], "targets": [[1]], "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.8], [1]]}]}', '{}').error,
    'layers[0].weights: expected 1 row of 1 number, got 2 rows');
  assert.ok(engine.run(JSON.stringify(lecture), '{}').ok);
});

test('format() rejects an unknown format and a bad precision with a message', () => {
  const text = JSON.stringify(lecture);
  assert.equal(engine.format(text, 'xml', 4, '{}').error, 'format: expected json, csv, markdown or latex, got "xml"');
  assert.equal(engine.format(text, 'csv', 40, '{}').error, 'precision: expected a whole number from 0 to 17, got 40');
});

test('benchSteps trains without a trace and ends at the traced run\'s next loss', () => {
  const text = JSON.stringify(lecture);
  const w = JSON.parse(engine.benchSteps(text, 3).value);
  const traced = JSON.parse(engine.run(JSON.stringify({ ...lecture, steps: 3 }), '{}').value);
  assert.ok(Math.abs(w.loss - traced.steps[2].loss) < 1e-15);
  assert.equal(typeof engine.version(), 'string');
});

test('equations(): the same LaTeX and factors as `nntutor equations`, and products equal the gradients', () => {
  for (const [name, session] of sessions.slice(0, 8)) {
    const text = JSON.stringify(session);
    const w = engine.equations(text, 3, 4, '{}');
    assert.ok(w.ok, `${name}: ${w.error}`);
    const { latex, equations } = JSON.parse(w.value);
    const n = spawnSync(cli, ['equations', '-', '--step', '3'], { input: text, encoding: 'utf8' });
    assert.equal(n.status, 0, n.stderr);
    assert.equal(latex, n.stdout, name);
    const j = spawnSync(cli, ['equations', '-', '--step', '3', '--format', 'json'], { input: text, encoding: 'utf8' });
    assertClose(equations, JSON.parse(j.stdout), name);
    const trace = JSON.parse(engine.run(JSON.stringify({ ...session, steps: 3 }), '{}').value).steps[2];
    const grads = trace.layers.flatMap((l) => [...l.dW.flat(), ...l.db]);
    grads.forEach((g, i) => assert.ok(Math.abs(equations[i].value - g) <= 1e-12 * Math.max(1, Math.abs(g)),
      `${name} ${equations[i].name}: ${equations[i].value} vs ${g}`));
  }
  assert.equal(engine.equations(JSON.stringify(lecture), 0, 4, '{}').error, 'step: expected a whole number from 1 to 10000, got 0');
});

test('run() options cut the table to the chosen kinds and the trace to one step', () => {
  const text = JSON.stringify({ ...lecture, steps: 4 });
  const r = JSON.parse(engine.run(text, JSON.stringify({ columns: ['y', 'loss'], trace_step: 3 })).value);
  assert.deepEqual(r.table.columns.map((c) => c.name), ['step', 'y1', 'y2', 'L']);
  assert.equal(r.table.rows.length, 4);
  assert.deepEqual(r.steps.map((s) => s.step), [3]);
  assert.equal(JSON.parse(engine.run(text, '{"trace_step": "none"}').value).steps.length, 0);
  assert.equal(engine.run(text, '{"columns": ["q"]}').error,
    'options.columns[0]: expected one of w, b, z, y, dw, db, loss, state, batch, got "q"');
  assert.equal(engine.run(text, '{"trace_step": 0}').error,
    'options.trace_step: expected "all", "none" or a step from 1 to 10000, got 0');
  assert.equal(engine.run(text, '[1]').error, 'options: expected a JSON object like {"columns": ["y", "loss"]}');
});

test('run() with the page\'s limits refuses a session the page cannot show, naming the field', () => {
  const page = JSON.stringify({ limits: 'page', trace_step: 'none' });
  assert.equal(engine.run(JSON.stringify(lecture), page).ok, true);
  const wide = {
    ...lecture, layers: [{ units: 40, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
  };
  assert.equal(engine.run(JSON.stringify(wide), '{}').ok, true, 'the engine itself allows 40 units');
  assert.equal(engine.run(JSON.stringify(wide), page).error,
    'layers[0].units: the page allows at most 32 units per layer, got 40');
  assert.equal(engine.run(JSON.stringify({ ...lecture, steps: 1500 }), page).error,
    'steps: the page allows at most 1000 steps, got 1500');
  assert.deepEqual(JSON.parse(engine.limits()).page,
    { layers: 8, units: 32, features: 32, samples: 256, steps: 1000 });
});

test('compareRates(): each rate\'s losses are the run\'s, tables cut to the chosen columns', () => {
  const text = JSON.stringify({ ...lecture, steps: 10 });
  const r = JSON.parse(engine.compareRates(text, '[0.1, 1, 10]', '{"columns": ["y", "loss"], "layers": [2]}').value);
  assert.deepEqual(r.rates.map((x) => x.learning_rate), [0.1, 1, 10]);
  assert.equal(r.all_fall, true);
  assert.match(r.explanation, /σ\(z\), which stays strictly between 0 and 1/);
  for (const rate of r.rates) {
    const run = JSON.parse(engine.run(JSON.stringify({ ...lecture, steps: 10, optimizer: { name: 'sgd', learning_rate: rate.learning_rate } }), '{"columns": ["loss"]}').value);
    assert.deepEqual(rate.losses, run.table.rows.map((row) => row[1]));
    assert.deepEqual(rate.table.columns.map((c) => c.name), ['step', 'y2', 'L']);
  }
  assert.equal(engine.compareRates(text, '[0.1, -1]', '{}').error, 'rates[1]: expected a number greater than 0, got -1');
  assert.equal(engine.compareRates(text, '[1]', '{"layers": [0]}').error,
    'options.layers[0]: expected a layer number from 1 to 16, got 0');
});

test('equations() can keep one layer\'s parameters and the δ they use', () => {
  const session = JSON.stringify({
    inputs: [[1, 2], [-0.5, 0.25]], targets: [[1], [0]], steps: 3, seed: 5,
    layers: [{ units: 3, activation: 'tanh' }, { units: 2, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
  });
  const all = JSON.parse(engine.equations(session, 2, 4, '{}').value).equations;
  const last = JSON.parse(engine.equations(session, 2, 4, '{"layers": [3]}').value).equations;
  assert.deepEqual(last.map((e) => e.name), ['dL/dw3[1,1]', 'dL/dw3[1,2]', 'dL/db3']);
  for (const e of last) assert.deepEqual(e, all.find((a) => a.name === e.name));
  const first = JSON.parse(engine.equations(session, 2, 4, '{"layers": [1]}').value).equations;
  assert.ok(first.some((e) => e.name === 'delta2[1]'), 'layer 1 refers to the δ of the layers after it');
  assert.equal(first.filter((e) => e.name.startsWith('dL/')).length, 9);
});

test('format() keeps the columns and layers the page shows', () => {
  const text = JSON.stringify({ ...lecture, steps: 2 });
  const csv = engine.format(text, 'csv', 4, '{"columns": ["y", "loss"], "layers": [2]}').value;
  assert.equal(csv, 'step,y2,L\n1,0.6220,0.0714\n2,0.6250,0.0703\n');
  assert.equal(engine.format(text, 'csv', 4, '{"layers": "x"}').error, 'options.layers: expected an array of layer numbers');
});

test('the optimizer\'s state and the batch come back as columns, and the equations write the update', () => {
  const adam = { ...lecture, optimizer: { name: 'adam', learning_rate: 0.1 }, steps: 3 };
  const r = JSON.parse(engine.run(JSON.stringify(adam), '{"trace_step": 2, "equations": {"precision": 4}}').value);
  assert.deepEqual(r.table.columns.slice(7, 11).map((c) => [c.name, c.kind, c.slot, c.input]),
    [['m_w1', 'state', 'm', 1], ['m_b1', 'state', 'm', 0], ['v_w1', 'state', 'v', 1], ['v_b1', 'state', 'v', 0]]);
  assert.deepEqual(r.session.optimizer, { name: 'adam', learning_rate: 0.1, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
  assert.equal(r.equations.optimizer, 'adam');
  assert.equal(r.equations.updates.length, 4);
  // The update of step 2 gives row 3's w1.
  assert.ok(Math.abs(r.equations.updates[0].lines[2].value - r.table.rows[2][1]) < 1e-15);
  // The same LaTeX (gradients, then the update) as `nntutor equations`.
  const text = JSON.stringify(adam);
  const n = spawnSync(cli, ['equations', '-', '--step', '2'], { input: text, encoding: 'utf8' });
  assert.equal(n.status, 0, n.stderr);
  assert.equal(JSON.parse(engine.equations(text, 2, 4, '{}').value).latex, n.stdout);
  assert.match(n.stdout, /m_\{w_\{1\}\} &\\leftarrow \\beta_1/);

  const batched = { ...sessions.find(([name]) => name.startsWith('2-3-2 msle'))[1], steps: 4 };
  const b = JSON.parse(engine.run(JSON.stringify(batched), '{"columns": ["batch", "loss"], "trace_step": 2, "equations": {"precision": 4}}').value);
  assert.deepEqual(b.table.columns.map((c) => c.name), ['step', 'batch@1', 'batch@2', 'batch@3', 'L']);
  assert.deepEqual(b.table.rows.map((row) => row.slice(1, 4).reduce((x, y) => x + y)), [1, 1, 1, 1]);
  assert.deepEqual(b.equations.equations[0].samples, b.steps[0].batch);
  const csv = engine.format(JSON.stringify(batched), 'csv', 4, '{}');
  assert.equal(csv.value, native(JSON.stringify(batched), '--format', 'csv').stdout);
});

test('the new bad inputs give the same message natively and in Wasm', () => {
  const one = { inputs: [[1]], targets: [[1]], layers: [{ units: 1, activation: 'sigmoid' }] };
  const cases = [
    [{ ...one, optimizer: { name: 'adamw' } }, 'optimizer.name: expected sgd, adagrad, rmsprop or adam, got "adamw"'],
    [{ ...one, optimizer: { name: 'sgd', beta_1: 0.9 } }, 'optimizer.beta_1: only adam takes beta_1, not sgd'],
    [{ ...one, optimizer: { name: 'adam', beta_2: 1 } }, 'optimizer.beta_2: expected a number from 0 up to (not including) 1, got 1'],
    [{ ...one, optimizer: { name: 'sgd', batch_size: 0 } }, 'optimizer.batch_size: expected a whole number from 1 to 1024, got 0'],
    [{ ...one, loss: 'cross_entropy' }, 'loss: cross_entropy needs softmax in the last layer (layers[0].activation is sigmoid)'],
    [{ ...one, layers: [{ units: 1, activation: 'softmax' }] }, 'layers[0].activation: softmax goes with the loss cross_entropy (then ∂L/∂z = ŷ − y), not half_sse'],
    [{ ...one, targets: [[3]], loss: 'bce' }, 'targets[0][0]: bce expects targets from 0 to 1 (probabilities), got 3'],
  ];
  for (const [session, message] of cases) {
    const text = JSON.stringify(session);
    assert.equal(engine.run(text, '{}').error, message);
    const n = native(text);
    assert.equal(n.status, 2, text);
    assert.equal(n.stderr.trim(), `nntutor: -: ${message}`);
  }
});
