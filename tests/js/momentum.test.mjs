// sgd with momentum and Nesterov (issue 15): the Wasm engine against the native build (the same
// table, equations and messages) and against Keras 3's formulas written here; the page's state
// (state.js) reads the momentum box and the Nesterov flag from the schema's rows.
// Run after `scripts/build.sh native wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import createEngine from '../../build/wasm/nntutor_wasm.js';
import createChecker from '../../build/wasm/nntutor_check_wasm.js';
import { schema } from './schema.mjs';
import * as state from '../../web/js/state.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const engine = await createEngine({ wasmBinary: readFileSync(`${root}build/wasm/nntutor_wasm.wasm`) });
const checker = await createChecker();
const lecture = JSON.parse(readFileSync(`${root}examples/lecture.json`, 'utf8'));

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
/// The lecture's gradients (section 3) at p = [w1, b1, w2, b2], x = 1, y = 1.
function lectureGradients([w1, b1, w2, b2]) {
  const y1 = sigmoid(w1 + b1);
  const y2 = sigmoid(w2 * y1 + b2);
  const d2 = (y2 - 1) * (1 - y2) * y2;
  const d1 = d2 * w2 * (1 - y1) * y1;
  return [d1, d1, d2 * y1, d2];
}

/// Keras 3's SGD(momentum = mu, nesterov) at η = 0.1 from the lecture's start: per step the
/// parameters before the update and the velocity m after it.
function kerasSgd(mu, nesterov, steps) {
  let p = [0.5, 0, 0.8, 0];
  const m = [0, 0, 0, 0];
  const rows = [];
  for (let t = 0; t < steps; t += 1) {
    const before = [...p];
    const g = lectureGradients(p);
    p = p.map((theta, k) => {
      m[k] = mu * m[k] - 0.1 * g[k];
      return nesterov ? theta + (mu * m[k] - 0.1 * g[k]) : theta + m[k];
    });
    rows.push({ p: before, m: [...m] });
  }
  return rows;
}

for (const nesterov of [false, true]) {
  test(`sgd, momentum 0.9${nesterov ? ', Nesterov' : ''}: Keras' formulas, and Wasm = native`, () => {
    const session = { ...lecture, optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov }, steps: 4 };
    const text = JSON.stringify(session);
    const r = JSON.parse(engine.run(text, '{"trace_step": 2, "equations": {"precision": 4}}').value);
    const names = r.table.columns.map((c) => c.name);
    assert.deepEqual(names, ['step', 'w1', 'b1', 'z1', 'y1', 'dL/dw1', 'dL/db1', 'm_w1', 'm_b1',
      'w2', 'b2', 'z2', 'y2', 'dL/dw2', 'dL/db2', 'm_w2', 'm_b2', 'L']);
    assert.deepEqual(r.session.optimizer, { name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov });
    const at = (n) => names.indexOf(n);
    kerasSgd(0.9, nesterov, 4).forEach((want, k) => {
      const row = r.table.rows[k];
      ['w1', 'b1', 'w2', 'b2'].forEach((p, i) => {
        assert.ok(Math.abs(row[at(p)] - want.p[i]) < 1e-14, `${p} of step ${k + 1}: ${row[at(p)]} vs ${want.p[i]}`);
        assert.ok(Math.abs(row[at(`m_${p}`)] - want.m[i]) < 1e-15, `m_${p} of step ${k + 1}`);
      });
    });
    // The equations write the velocity and the update, the same LaTeX as `nntutor equations`.
    assert.equal(r.equations.optimizer, 'sgd');
    assert.equal(r.equations.updates[0].lines[0].lhs, 'm_{w_{1}}');
    assert.equal(r.equations.updates[0].lines[1].value, r.table.rows[2][at('w1')]);
    const n = spawnSync(cli, ['equations', '-', '--step', '2'], { input: text, encoding: 'utf8' });
    assert.equal(n.status, 0, n.stderr);
    assert.equal(JSON.parse(engine.equations(text, 2, 4, '{}').value).latex, n.stdout);
    const csv = spawnSync(cli, ['table', '-', '--format', 'csv', '--precision', '17'], { input: text, encoding: 'utf8' });
    assert.equal(engine.format(text, 'csv', 17, '{}').value, csv.stdout);
  });
}

test('momentum 0 is the lecture\'s table, and bad momentum or nesterov say which field', () => {
  const plain = JSON.stringify({ ...lecture, steps: 5 });
  const zero = JSON.stringify({ ...lecture, optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0 }, steps: 5 });
  assert.equal(engine.format(zero, 'csv', 17, '{}').value, engine.format(plain, 'csv', 17, '{}').value);
  for (const [optimizer, message] of [
    [{ name: 'sgd', momentum: 1.5 }, 'optimizer.momentum: expected a number from 0 to 1, got 1.5'],
    [{ name: 'sgd', nesterov: 'yes' }, 'optimizer.nesterov: expected true or false, got string "yes"'],
    [{ name: 'rmsprop', nesterov: true }, 'optimizer.nesterov: only sgd takes nesterov, not rmsprop'],
  ]) {
    const text = JSON.stringify({ ...lecture, optimizer });
    assert.equal(engine.run(text, '{}').error, message);
    const n = spawnSync(cli, ['table', '-'], { input: text, encoding: 'utf8' });
    assert.equal(n.stderr.trim(), `nntutor: -: ${message}`);
  }
});

test('state.js: the momentum box and the Nesterov flag from the schema, into the session and back', () => {
  const m = state.stateModel(schema);
  let s = state.initialState();
  assert.deepEqual(m.optimizerKeys(s.doc).slice(0, 2), ['opt:momentum', 'opt:nesterov']);
  assert.deepEqual(m.stateSlots(s.doc), [], 'plain sgd keeps no state');
  s = state.setCell(s, 'opt:momentum', '0.9');
  s = state.setCell(s, 'opt:nesterov', 'true');
  assert.deepEqual(m.stateSlots(s.doc), ['m']);
  assert.deepEqual(m.optimizerColumnKinds(s.doc), ['state']);
  const built = m.buildSession(s);
  assert.deepEqual(built.value.optimizer, { name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true });
  // The engine's normalised session (share link, import) gives the same boxes back.
  const normal = JSON.parse(engine.run(JSON.stringify({ ...built.value, steps: 1 }), '{}').value).session;
  const doc = m.docFromSession(normal);
  assert.equal(doc.optimizer.momentum, '0.9');
  assert.equal(doc.optimizer.nesterov, 'true');
  assert.deepEqual(m.parseCell(doc, 'opt:nesterov'), { value: true });
  assert.deepEqual(m.parseCell({ ...doc, optimizer: { ...doc.optimizer, nesterov: 'yes' } }, 'opt:nesterov'),
    { error: 'nesterov: must be true or false, got yes' });
  assert.deepEqual(m.cellErrors({ ...doc, optimizer: { ...doc.optimizer, momentum: '1.5' } })['opt:momentum'],
    'momentum: must be from 0 to 1, got 1.5');
  // Momentum 0 again: no state columns offered; adam never shows sgd's boxes.
  assert.deepEqual(m.stateSlots(state.setCell(s, 'opt:momentum', '0').doc), []);
  assert.equal(m.optimizerKeys(m.setOptimizer(s, 'adam').doc).includes('opt:momentum'), false);
});

test('the checker and the tutor in Wasm: the same verdicts and steps as natively', () => {
  const session = JSON.stringify({ ...lecture, optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true }, steps: 3 });
  const table = spawnSync(cli, ['table', '-', '--format', 'csv', '--precision', '4'], { input: session, encoding: 'utf8' }).stdout;
  // A velocity with the sign of η·g flipped in row 2.
  const lines = table.trim().split('\n').map((l) => l.split(','));
  const m = lines[0].indexOf('m_w1');
  lines[2][m] = '-0.0001';
  const answer = `${lines.map((l) => l.join(',')).join('\n')}\n`;
  const w = checker.check(session, answer, 'step');
  assert.equal(w.ok, true, w.error);
  const report = JSON.parse(w.value);
  const cell = report.cells.find((c) => c.row === 2 && c.column === 'm_w1');
  assert.equal(cell.verdict, 'wrong');
  assert.equal(cell.slip_id, 'velocity-sign');
  // The same report natively (`nntutor check SESSION -` with the answer on standard input).
  const dir = mkdtempSync(`${tmpdir()}/momentum-`);
  const path = `${dir}/session.json`;
  writeFileSync(path, session);
  const n = spawnSync(cli, ['check', path, '-', '--format', 'json', '--mode', 'step'], { input: answer, encoding: 'utf8' });
  assert.equal(n.status, 1, n.stderr);
  assert.deepEqual(JSON.parse(n.stdout), report);
  const tutor = JSON.parse(checker.tutorStep(session, 2, 4).value);
  assert.deepEqual(tutor.state.map((g) => g.column), ['m_w1', 'm_b1', 'm_w2', 'm_b2']);
  assert.equal(tutor.momentum, 0.9);
  assert.deepEqual([...new Set(tutor.cells.map((c) => c.stage))], ['forward', 'loss', 'gradient', 'velocity', 'update']);
  const native = spawnSync(cli, ['tutor', path, '--step', '2', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(native.status, 0, native.stderr);
  assert.deepEqual(JSON.parse(native.stdout), tutor);
  rmSync(dir, { recursive: true });
});
