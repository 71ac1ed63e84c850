// The wired module (nntutor_wired_wasm.js, docs/graph.md "Wasm"): Wasm = native for the
// generators (the same session, edges and weights as `nntutor graph`), a graph session's steps to
// 1e-12 against `nntutor table --format json`, the schema, statistics, layout, steps, the
// side-by-side training and the refusals. Run after `scripts/build.sh native wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import createWired from '../../build/wasm/nntutor_wired_wasm.js';
import createEngine from '../../build/wasm/nntutor_wasm.js';
import { loadEngine } from '../../web/js/engine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const wired = await createWired();
const value = (r) => { assert.ok(r.ok, r.error); return JSON.parse(r.value); };
const native = (args, input) => {
  const r = spawnSync(cli, args, { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

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

const requests = [
  { family: 'er', nodes: 12, p: 0.3, seed: 7 },
  { family: 'ba', nodes: 16, m: 2, seed: 3, inputs: 2 },
  { family: 'ws', nodes: 32, k: 4, p: 0.25, seed: 1, activation: 'tanh' },
];

test('generate: the same session (edges and weights to the last digit) as nntutor graph', () => {
  for (const r of requests) {
    const args = ['graph', '--family', r.family, '--nodes', String(r.nodes), '--seed', String(r.seed)];
    for (const k of ['p', 'm', 'k', 'inputs', 'activation']) if (r[k] !== undefined) args.push(`--${k}`, String(r[k]));
    const wasm = wired.generate(JSON.stringify(r));
    assert.ok(wasm.ok, wasm.error);
    assert.equal(wasm.value, native(args).trim());
  }
});

test('a graph session steps in Wasm as natively, to 1e-12', () => {
  for (const r of requests) {
    const session = value(wired.generate(JSON.stringify(r)));
    session.steps = 6;
    session.optimizer = { name: 'adam', learning_rate: 0.05 };
    const text = JSON.stringify(session);
    const lines = native(['table', '-', '--format', 'json'], text).trim().split('\n').map((l) => JSON.parse(l));
    const run = value(wired.run(text, '{"session": false}'));
    assert.equal(run.steps.length, 6);
    assertClose(run.steps, lines, r.family);
    assert.equal(run.table.columns[1].name, 'w[1,x1]');
  }
});

test('the schema lists the families, their parameters and the activations', () => {
  const s = value(wired.wiredSchema());
  assert.deepEqual(s.families.map((f) => f.name), ['er', 'ba', 'ws']);
  const ws = s.families[2].parameters;
  assert.deepEqual(ws.map((p) => p.name), ['k', 'p']);
  assert.equal(ws[0].step, 2);
  assert.ok(s.activations.includes('sigmoid') && !s.activations.includes('softmax'));
  assert.equal(s.comparison.defaults.epochs, 50);
});

test('statistics, layout and generator steps of a generated session', () => {
  const text = wired.generate(JSON.stringify({ family: 'ws', nodes: 20, k: 4, p: 0, seed: 2 })).value;
  const stats = value(wired.statistics(text));
  assert.equal(stats.edges, 40);
  assert.ok(Math.abs(stats.clustering - 0.5) < 1e-12);  // 3(K − 2)/(4(K − 1)) at K = 4
  assert.equal(stats.closed_forms.clustering, 0.5);
  const layout = value(wired.layout(text));
  assert.equal(layout.nodes.length, 1 + 21);
  for (const e of layout.edges)
    for (let i = 1; i < e.points.length; ++i) assert.equal(e.points[i][0] - e.points[i - 1][0], 1);
  const steps = value(wired.generatorSteps(JSON.stringify({ family: 'ba', nodes: 6, m: 1, seed: 1 })));
  assert.equal(steps.steps[0].kind, 'start');
  assert.equal(steps.steps.at(-1).edges.length, 5);
});

test('bad requests and sessions come back as messages naming the field', () => {
  assert.deepEqual(wired.generate('{"family":"ws","nodes":8,"k":3}'), { ok: false, error: 'k: WS needs an even K, got 3', value: '' });
  assert.equal(wired.generate('{"family":"ba","nodes":5,"m":5}').error, 'm: expected M from 1 to N − 1 (4), got 5');
  const cyclic = JSON.stringify({ inputs: [[1]], targets: [[1]], graph: { nodes: [{ activation: 'sigmoid' }, { activation: 'sigmoid' }],
    edges: [{ from: 'x1', to: 1 }, { from: 1, to: 2 }, { from: 2, to: 1 }], outputs: [2] } });
  assert.equal(wired.statistics(cyclic).error, 'graph.edges[2]: 2 → 1 closes a cycle 1 → 2 → 1');
  const c = new wired.Comparison('{"nodes": 2}');
  assert.equal(c.error(), 'nodes: expected a whole number from 4 to 64, got 2');
  assert.equal(c.epoch().ok, false);
  c.delete();
});

test('side by side: four models, one epoch per call, losses that fall', () => {
  const c = new wired.Comparison(JSON.stringify({ samples: 64, batch_size: 8, epochs: 5 }));
  assert.equal(c.error(), '');
  const first = value(c.epoch());
  assert.deepEqual(Object.keys(first.losses), ['er', 'ba', 'ws', 'dense']);
  let last;
  for (let e = 0; e < 4; ++e) last = value(c.epoch());
  assert.equal(last.epoch, 5);
  for (const k of Object.keys(first.losses)) assert.ok(last.losses[k] < first.losses[k], k);
  const s = value(c.summary());
  assert.equal(s.models.length, 4);
  assert.equal(s.models[3].name, 'dense');
  c.delete();
});

test("the lecture page's engine opens a graph session: Step, Back, rows, trace and equations", async () => {
  const wasmBinary = readFileSync(`${root}build/wasm/nntutor_wasm.wasm`);
  const engine = await loadEngine(() => createEngine({ wasmBinary }));
  const session = value(wired.generate(JSON.stringify({ family: 'ba', nodes: 6, m: 2, seed: 2 })));
  const book = engine.open(session, { limits: 'page' });
  const first = book.rows(1);
  assert.equal(first.columns[1].name, 'w[1,x1]');
  assert.equal(first.rows.length, 5);
  const s = book.step();
  assert.equal(s.rows, 6);
  assert.equal(book.rows(s.kept + 1).rows.length, 1);
  const trace = book.trace(6);
  assert.equal(trace.nodes.z.length, 7);
  const runAll = value(wired.run(JSON.stringify({ ...session, steps: 6 }), '{"session": false}'));
  assertClose(trace, runAll.steps[5]);
  const eq = book.equations(6, 4);
  assert.ok(eq.latex.includes('\\delta_{7}'));
  book.back();
  assert.equal(book.status().rows, 5);
  book.close();
});
