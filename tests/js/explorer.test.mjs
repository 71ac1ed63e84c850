// The explorer's bindings (activationCurve, chainGradients, explorerSchema) through engine.js,
// against hand formulas and against the native CLI (`nntutor gradients`), and the page's pure
// request building (explorer-state.js). Run after `scripts/build.sh native wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import createExplorer from '../../build/wasm/nntutor_explorer_wasm.js';
import { EngineError, loadExplorer } from '../../web/js/engine.js';
import {
  chainRequest, curveRequest, defaultFields, fieldOfMessage, messageForField, numberOrText, sliderStep,
} from '../../web/js/explorer-state.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const engine = await loadExplorer(createExplorer);
const schema = engine.explorerSchema();

/// Every number in `a` within 1e-12 (relative to max(1e-300, |b|)) of the one in `b`; the rest
/// equal, but the texts that print a norm to 7 digits (`text`, `mean_text`), which may differ in
/// the last digit when the norms do in the last bit (Eigen's sums run in another order in Wasm).
function assertClose(a, b, path = '') {
  if (typeof b === 'number') {
    assert.equal(typeof a, 'number', `${path}: expected a number`);
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${path}: ${a} vs ${b}`);
  } else if (Array.isArray(b)) {
    assert.ok(Array.isArray(a) && a.length === b.length, `${path}: length differs`);
    b.forEach((v, i) => assertClose(a[i], v, `${path}[${i}]`));
  } else if (b && typeof b === 'object') {
    assert.deepEqual(Object.keys(a), Object.keys(b), `${path}: keys differ`);
    for (const k of Object.keys(b)) if (!['text', 'mean_text'].includes(k)) assertClose(a[k], b[k], `${path}.${k}`);
  } else {
    assert.equal(a, b, path);
  }
}

test('activationCurve: sigmoid against 1/(1 + e^−z) and σ(1 − σ), with its saturated ends', () => {
  const c = engine.activationCurve({ activation: 'sigmoid', from: -6, to: 6, points: 13, at: 0.5 });
  assert.deepEqual(c.z, [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6]);
  c.z.forEach((z, i) => {
    const s = 1 / (1 + Math.exp(-z));
    assert.ok(Math.abs(c.f[i] - s) < 1e-15, `f(${z})`);
    assert.ok(Math.abs(c.df[i] - s * (1 - s)) < 1e-15, `f'(${z})`);
  });
  const edge = Math.log((1 - Math.sqrt(0.96)) / 2 / (1 - (1 - Math.sqrt(0.96)) / 2));
  assert.equal(c.saturated.length, 2);
  assert.ok(Math.abs(c.saturated[0].to - edge) < 1e-9);
  assert.equal(c.point.latex_f, 'f(0.5000) = 0.6225');
  assert.equal(c.zero_centred, false);
});

test('activationCurve refuses a bad range with the field named', () => {
  assert.throws(() => engine.activationCurve({ activation: 'tanh', from: 3, to: 1 }),
    new EngineError('to: expected a number greater than from (3), got 1'));
  assert.throws(() => engine.activationCurve({ activation: 'relu', alpha: 0.1 }),
    new EngineError('alpha: only leaky_relu and elu take alpha, not relu'));
});

test('chainGradients: the Wasm module gives the native CLI\'s numbers (to 1e-12)', () => {
  const request = { depth: 6, width: 3, activation: 'tanh', init: 'glorot_uniform', seed: 5, x: 0.3, y: -0.2 };
  const wasm = engine.chainGradients(request);
  const r = spawnSync(cli, ['gradients', '--depth', '6', '--width', '3', '--activation', 'tanh', '--init',
    'glorot_uniform', '--seed', '5', '--x', '0.3', '--y', '-0.2', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assertClose(wasm, JSON.parse(r.stdout));
  assert.equal(wasm.layers.length, 7);
  assert.deepEqual(wasm.comparison.map((c) => c.activation), ['sigmoid', 'relu']);
});

test('chainGradients with He normal (Box–Muller: log and cos) agrees with the native CLI to 1e-12', () => {
  const wasm = engine.chainGradients({ depth: 8, width: 16, activation: 'relu', init: 'he_normal', seed: 3 });
  const r = spawnSync(cli, ['gradients', '--depth', '8', '--width', '16', '--activation', 'relu', '--init',
    'he_normal', '--seed', '3', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const native = JSON.parse(r.stdout);
  native.layers.forEach((l, i) => {
    const w = wasm.layers[i];
    assert.equal(w.status, l.status);
    if (l.frobenius !== null) assert.ok(Math.abs(w.frobenius - l.frobenius) <= 1e-12 * l.frobenius, `layer ${i + 1}`);
  });
});

test('chainGradients: sigmoid vanishes layer by layer; bad depth is named', () => {
  const r = engine.chainGradients({ depth: 10, activation: 'sigmoid', init: 'constant', scale: 0.5 });
  const logs = r.layers.map((l) => l.log10_frobenius);
  for (let i = 0; i + 1 < logs.length; ++i) assert.ok(logs[i] < logs[i + 1], `layer ${i + 1}`);
  assert.throws(() => engine.chainGradients({ depth: 60 }),
    new EngineError('depth: expected a whole number from 2 to 50, got 60'));
  assert.throws(() => engine.chainGradients({ scale: 'abc' }),
    new EngineError('scale: expected a number, got string "abc"'));
});

test('explorer-state builds the requests from the schema and maps messages to fields', () => {
  const fields = defaultFields(schema);
  assert.equal(fields.depth, String(schema.chain.depth.default));
  assert.deepEqual(curveRequest(schema, { ...fields, activation: 'elu', alpha: '2' }, { points: 2, at: 1 }),
    { activation: 'elu', from: -6, to: 6, points: 2, at: 1, alpha: 2 });
  const glorot = chainRequest(schema, { ...fields, init: 'glorot_uniform', scale: 'junk' });
  assert.equal('scale' in glorot, false, 'Glorot reads no scale');
  assert.equal(glorot.seed, 1);
  assert.equal(chainRequest(schema, { ...fields, depth: '2.5x' }).depth, '2.5x');
  assert.equal(numberOrText(' 3 '), 3);
  assert.equal(numberOrText(''), '');
  assert.equal(fieldOfMessage('depth: expected a whole number from 2 to 50, got 60', 'chain'), 'depth');
  assert.equal(fieldOfMessage('alpha: only leaky_relu and elu take alpha, not relu', 'chain'), 'chainAlpha');
  assert.equal(fieldOfMessage('alpha: x', 'curve'), 'alpha');
  assert.equal(fieldOfMessage('internal error: x', 'chain'), null);
  assert.equal(messageForField('scale: expected a number, got string "abc"', ' weight scale s '),
    'weight scale s: expected a number, got string "abc"');
  assert.equal(messageForField('to: expected a number greater than from (10), got 6', 'z to'),
    'z to: expected a number greater than from (10), got 6');
  assert.equal(messageForField('depth: x', undefined), 'depth: x', 'no label: the core\'s name');
  assert.equal(sliderStep(-6, 6), 0.05);
});

test('activationCurve: maxout of one input x against max(w1·x + b1, w2·x + b2) and the winning w', () => {
  const row = schema.piecewise.find((a) => a.name === 'maxout');
  assert.ok(row.curve && !row.chain, 'maxout is drawn, not a chain layer');
  assert.deepEqual(row.pieces.defaults.slice(0, row.pieces.default), [{ w: 1, b: 0 }, { w: -0.5, b: 0.5 }]);
  const fields = { ...defaultFields(schema), activation: 'maxout', pieceCount: '3',
    piece1w: '1', piece1b: '0', piece2w: '-0.5', piece2b: '0.5', piece3w: '0.25', piece3b: '1' };
  const request = curveRequest(schema, { ...fields, from: '-4', to: '4' }, { points: 9, at: -1 });
  assert.deepEqual(request.pieces, [{ w: 1, b: 0 }, { w: -0.5, b: 0.5 }, { w: 0.25, b: 1 }]);
  assert.equal(request.alpha, undefined);
  const c = engine.activationCurve(request);
  const pieces = request.pieces;
  c.z.forEach((x, i) => {
    const z = pieces.map((p) => p.w * x + p.b);
    const best = z.indexOf(Math.max(...z));  // indexOf: the first of the largest
    assert.equal(c.f[i], z[best], `y at x = ${x}`);
    assert.equal(c.df[i], pieces[best].w, `dy/dx at x = ${x}`);
    assert.equal(c.winner[i], best + 1, `winner at x = ${x}`);
    pieces.forEach((p, q) => assert.equal(c.lines[q][i], z[q]));
  });
  // x = −1: z = (−1, 1, 0.75), piece 2 wins; ∂y/∂w2 = x = −1.
  assert.deepEqual(c.point.z_pieces, [-1, 1, 0.75]);
  assert.equal(c.point.winner, 2);
  assert.equal(c.point.df, -0.5);
  assert.match(c.point.gradients_text, /∂y\/∂w2 = -1\.0000, ∂y\/∂b2 = 1/);
  // A bad w is named at its field.
  const bad = curveRequest(schema, { ...fields, piece2w: 'abc' });
  assert.throws(() => engine.activationCurve(bad), (e) => e instanceof EngineError &&
    e.message === 'pieces[1].w: expected a number, got string "abc"' && fieldOfMessage(e.message, 'curve') === 'piece2w');
});
