// Maxout in the worked example (issue 15) through the Wasm module: the same numbers as the
// native build to 1e-12, the per-piece and winner columns in run()'s table, the workbook's rows
// and equations, and the same messages for bad maxout sessions.
// Run after `scripts/build.sh native wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createEngine from '../../build/wasm/nntutor_wasm.js';
import { EngineError, loadEngine } from '../../web/js/engine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const wasmBinary = readFileSync(`${root}build/wasm/nntutor_wasm.wasm`);
const raw = await createEngine({ wasmBinary });
const engine = await loadEngine(() => createEngine({ wasmBinary }));

const example = JSON.parse(readFileSync(`${root}examples/maxout.json`, 'utf8'));

/// Runs `nntutor COMMAND - ARGS…` with the session on standard input.
function native(command, session, ...args) {
  const r = spawnSync(cli, [command, '-', ...args], { input: session, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

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

const sessions = [
  ['the 1-2(maxout k = 2)-1 example', { ...example, steps: 12 }],
  ['3-4(maxout k = 3)-2(maxout) weights from seed, adam on batches of 2', {
    inputs: [[0.2, -1.1, 0.7], [1.5, 0.3, -0.4], [-0.9, 0.8, 1.2]],
    targets: [[0.1, 0.9], [0.7, 0.2], [0.4, 0.5]],
    layers: [{ units: 4, activation: 'maxout', pieces: 3 }, { units: 2, activation: 'maxout' }],
    loss: 'mse', optimizer: { name: 'adam', learning_rate: 0.05, batch_size: 2, shuffle_seed: 3 }, steps: 15, seed: 7,
  }],
  ['2-3(maxout k = 4)-1 sigmoid + bce', {
    inputs: [[0.3, -1.2], [1.1, 0.4], [-0.7, 0.9]], targets: [[1], [0], [0.25]], loss: 'bce',
    layers: [{ units: 3, activation: 'maxout', pieces: 4 }, { units: 1, activation: 'sigmoid' }],
    optimizer: { name: 'sgd', learning_rate: 0.5 }, steps: 15, seed: 4,
  }],
];

for (const [name, session] of sessions) {
  test(`Wasm agrees with native on maxout: ${name}`, () => {
    const text = JSON.stringify(session);
    const n = native('table', text, '--format', 'json');
    assert.equal(n.status, 0, n.stderr);
    const w = raw.format(text, 'json', 4, '{}');
    assert.ok(w.ok, w.error);
    assertClose(lines(w.value), lines(n.stdout));
    for (const format of ['csv', 'markdown', 'latex']) {
      const f = raw.format(text, format, 6, '{}');
      assert.equal(f.value, native('table', text, '--format', format, '--precision', '6').stdout, format);
    }
    const e = native('equations', text, '--step', '3', '--format', 'json');
    assert.equal(e.status, 0, e.stderr);
    assertClose(engine.equations(session, 3, 4, {}).equations, JSON.parse(e.stdout));
  });
}

test('run() has each piece\'s z, the winning piece and y, and only the winners get a gradient', () => {
  const r = engine.run({ ...example, steps: 1 }, { columns: ['z', 'y', 'dw'], layers: [1] });
  assert.deepEqual(r.table.columns.map((c) => c.name),
    ['step', 'z1p1[1]', 'z1p2[1]', 'z1p1[2]', 'z1p2[2]', 'win1[1]', 'win1[2]', 'y1[1]', 'y1[2]',
      'dL/dw1p1[1,1]', 'dL/dw1p2[1,1]', 'dL/dw1p1[2,1]', 'dL/dw1p2[2,1]']);
  assert.deepEqual(r.table.columns[2], { name: 'z1p2[1]', kind: 'z', layer: 1, unit: 1, input: 0, sample: 1, piece: 2 });
  assert.deepEqual(r.table.columns[5], { name: 'win1[1]', kind: 'winner', layer: 1, unit: 1, input: 0, sample: 1 });
  const row = r.table.rows[0].map((v) => v.toFixed(4));
  const y2 = 1 / (1 + Math.exp(-0.27)), d2 = (y2 - 1) * (1 - y2) * y2;
  assert.deepEqual(row, ['1.0000', '0.6000', '-0.1000', '0.2000', '0.5000', '1.0000', '2.0000', '0.6000', '0.5000',
    (0.7 * d2).toFixed(4), '0.0000', '0.0000', (-0.4 * d2).toFixed(4)]);
  assert.deepEqual(r.session.layers[0].weights, [[[0.5], [-0.3]], [[0.2], [0.4]]]);
  assert.equal(r.session.layers[0].pieces, 2);
});

test('the workbook steps a maxout session as run() does; its equations name the winning piece', () => {
  const book = engine.open({ ...example, steps: 0 }, { limits: 'page' });
  try {
    for (let k = 1; k <= 4; k += 1) {
      const status = book.step();
      const run = engine.run({ ...example, steps: k }, { trace_step: k, equations: { precision: 4 } });
      assert.deepStrictEqual(book.rows(status.kept + 1).rows, [run.table.rows[k - 1]]);
      assert.deepStrictEqual(book.equations(k, 4), run.equations);
    }
    const eq = book.equations(1, 4);
    const losing = eq.equations.find((e) => e.name === 'dL/dw1p2[1,1]');
    assert.equal(losing.value, 0);
    assert.match(losing.latex, /\\mathbb\{1\}\[z_\{1,p2\}\[1\] = y_\{1\}\[1\]\]/);
    assert.match(losing.substituted[0], /winner: piece 1/);
  } finally {
    book.close();
  }
});

test('schema() lists maxout apart from the element-wise activations', () => {
  const schema = JSON.parse(raw.schema());
  assert.ok(!schema.activations.some((a) => a.name === 'maxout'));
  assert.deepEqual(schema.piecewise_activations.map((a) => [a.name, a.pieces]),
    [['maxout', { default: 2, min: 2, max: 16 }]]);
});

const bad = [
  { ...example, layers: [{ ...example.layers[0], pieces: 1 }, example.layers[1]] },
  { ...example, layers: [{ ...example.layers[0], pieces: 17 }, example.layers[1]] },
  { ...example, layers: [example.layers[0], { ...example.layers[1], pieces: 2 }] },
  { ...example, layers: [{ ...example.layers[0], weights: [[[0.5], [-0.3]]] }, example.layers[1]] },
  { ...example, layers: [{ ...example.layers[0], biases: [[0.1, 0.2], [0, 0.1, 0.3]] }, example.layers[1]] },
];

test('bad maxout sessions give the same message natively and in Wasm, naming the field', () => {
  const messages = [];
  for (const session of bad) {
    const text = JSON.stringify(session);
    const n = native('table', text);
    assert.equal(n.status, 2);
    assert.throws(() => engine.run(session, {}), (e) => {
      assert.ok(e instanceof EngineError);
      assert.equal(`nntutor: -: ${e.message}\n`, n.stderr);
      messages.push(e.message);
      return true;
    });
  }
  assert.deepEqual(messages, [
    'layers[0].pieces: expected a whole number from 2 to 16, got 1',
    'layers[0].pieces: expected a whole number from 2 to 16, got 17',
    'layers[1].pieces: only maxout takes pieces, not sigmoid',
    'layers[0].weights: expected 2 units of 2 pieces of 1 number ([unit][piece][input]), got 1 unit',
    'layers[0].biases[1]: expected 2 numbers (one per piece), got 3',
  ]);
});

// ---- The page's state (state.js) with a maxout layer, bound to this engine's schema ----
import { stateModel } from '../../web/js/state.js';

const m = stateModel(JSON.parse(raw.schema()));

test('state.js: maxout is offered after the element-wise rows, with its pieces\' range', () => {
  assert.deepEqual(m.choosers.piecewiseActivations, ['maxout']);
  assert.deepEqual(m.choosers.pieces, { maxout: { default: 2, min: 2, max: 16 } });
  assert.ok(!m.choosers.activations.includes('maxout'));
  assert.equal(m.choosers.labels.activation.maxout, 'maxout (max of k pieces)');
});

test('state.js: a maxout layer has a row per piece, named as the engine\'s columns, and goes to the session as [unit][piece]', () => {
  let s = m.setUnits(m.initialState(), 0, 2);
  s = m.setActivation(s, 0, 'maxout');
  const layer = s.doc.layers[0];
  assert.equal(layer.pieces, 2);
  assert.equal(layer.weights.length, 4);
  assert.ok(m.hasMissing(s.doc));
  // The engine draws the start values as it does for a session without weights.
  const init = engine.run(m.initSession(s.doc), { trace_step: 'none', columns: ['loss'], limits: 'page' });
  s = m.fillMissing(s, init.session.layers);
  assert.ok(!m.hasMissing(s.doc));
  assert.deepEqual(m.cellKeys(s.doc).filter((k) => k.startsWith('w:0')).map((k) => m.cellName(s.doc, k)),
    ['w1p1[1,1]', 'w1p2[1,1]', 'w1p1[2,1]', 'w1p2[2,1]']);
  assert.deepEqual(m.cellKeys(s.doc).filter((k) => k.startsWith('b:0')).map((k) => m.cellName(s.doc, k)),
    ['b1p1[1]', 'b1p2[1]', 'b1p1[2]', 'b1p2[2]']);
  assert.equal(m.keyOfParameter(s.doc, 'w1p2[2,1]'), 'w:0:3:0');
  for (const [key, text] of [['w:0:0:0', '0.5'], ['w:0:1:0', '-0.3'], ['w:0:2:0', '0.2'], ['w:0:3:0', '0.4'],
    ['b:0:0', '0.1'], ['b:0:1', '0.2'], ['b:0:2', '0'], ['b:0:3', '0.1'], ['w:1:0:0', '0.7'], ['w:1:0:1', '-0.4'],
    ['b:1:0', '0.05']]) s = m.setCell(s, key, text);
  const built = m.buildSession(m.step(s, 2));
  assert.equal(built.errors, undefined);
  assert.deepEqual(built.value.layers[0], {
    units: 2, activation: 'maxout', weights: [[[0.5], [-0.3]], [[0.2], [0.4]]], biases: [[0.1, 0.2], [0, 0.1]], pieces: 2,
  });
  // The page's session runs as examples/maxout.json does, and comes back to the same doc.
  const run = engine.run(built.value, { trace_step: 'none' });
  const file = engine.run({ ...example, steps: 2 }, { trace_step: 'none' });
  assert.deepStrictEqual(run.table, file.table);
  assert.deepEqual(m.docFromSession(run.session).layers[0],
    { units: 2, activation: 'maxout', alpha: '', weights: [['0.5'], ['-0.3'], ['0.2'], ['0.4']], biases: ['0.1', '0.2', '0', '0.1'], pieces: 2 });
  // Back to sigmoid: one row per unit again.
  const back = m.setActivation(s, 0, 'sigmoid');
  assert.equal(back.doc.layers[0].pieces, undefined);
  assert.equal(back.doc.layers[0].weights.length, 2);
});

test('state.js: setPieces takes the row\'s range and draws the weights again', () => {
  let s = m.setActivation(m.initialState(), 0, 'maxout');
  s = m.setPieces(s, 0, 3);
  assert.equal(s.doc.layers[0].weights.length, 3);
  assert.ok(m.hasMissing(s.doc));
  assert.throws(() => m.setPieces(s, 0, 17), /pieces of layer 1: must be a whole number from 2 to 16/);
  assert.throws(() => m.setPieces(s, 1, 2), /layer 2: only maxout takes pieces, not sigmoid/);
});
