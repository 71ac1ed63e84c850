// Times the engine's workbook (engine.open) in Node against today's stateless run(), on the
// page's largest network: 8 layers × 32 units, 16 samples, 100 steps, with the page's table
// view and equations (the Workbook's describe(), as the page asks). Every figure goes through engine.js,
// JSON parsing included, as the page would call it. Prints figures; asserts nothing about time.
// Usage: node scripts/bench-workbook.mjs   (after scripts/build.sh wasm)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createEngine from '../build/wasm/nntutor_wasm.js';
import { loadEngine } from '../web/js/engine.js';
import { stateModel } from '../web/js/state.js';
import { bigSession } from './bench-session.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const engine = await loadEngine(() => createEngine({ wasmBinary: readFileSync(`${root}build/wasm/nntutor_wasm.wasm`) }));
// state.js bound to the engine's schema, as the page holds it (page.model).
const model = stateModel(engine.schema());

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/// Times `f` `n` times (after one untimed call unless `warm` is false); prints the median.
function time(label, n, f, target = '', warm = true) {
  if (warm) f(-1);
  const times = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    f(i);
    times.push(performance.now() - t0);
  }
  console.log(`  ${label.padEnd(52)} ${median(times).toFixed(1).padStart(7)} ms (median of ${n})${target}`);
  return median(times);
}

// The page's view of this network: its table columns and layers, and its equations.
const session = bigSession();
const normalised = engine.run(session, { trace_step: 'none', columns: ['loss'], limits: 'page' }).session;
const state = model.stateFromSession(model.initialState(), normalised);
// What the page shows of it: the engine's decision (the Workbook's describe), as the page asks.
const probe = engine.open(normalised, { limits: 'page' });
const described = probe.describe(model.viewChoices(state));
probe.close();
const { columns, layers } = described.table;
const chosen = model.equationsChoice(described);
const view = { columns, layers, limits: 'page' };
const equationsView = { layers: chosen.layer ? [chosen.layer] : [], units: chosen.unit ? [chosen.unit] : [] };
const precision = state.precision;
console.log(`Workbook vs stateless run (Wasm in Node): 8 layers × 32 units, 16 samples, 100 steps;`);
console.log(`  table: columns ${columns.join(',')} of layers ${layers.join(',')}; equations of layer ${chosen.layer || 'all'}, unit ${chosen.unit || 'all'}`);

// Today: every call replays from step 0 (main.js runSession).
const runOptions = (k, extra) => ({
  ...view, trace_step: k, equations: { precision, ...equationsView }, ...extra,
});
time('stateless: one Step (run to 101, table + trace + eqs)', 5,
  () => engine.run({ ...normalised, steps: 101 }, runOptions(101)));
time('stateless: select a row (run to k, trace + eqs)', 5,
  (i) => engine.run({ ...normalised, steps: [10, 50, 90, 30, 70][Math.max(0, i) % 5] },
    runOptions([10, 50, 90, 30, 70][Math.max(0, i) % 5], { columns: ['loss'], session: false })));

// The workbook. Open: what a load by link needs (whole table, session, last step shown).
let book = null;
time('open: open + rows(1) + session + trace + equations', 5, () => {
  book?.close();
  book = engine.open(normalised, view);
  book.rows(1);
  book.session();
  book.trace(100);
  book.equations(100, precision, equationsView);
}, '  (part of < 1000 ms load by link)');
time('step: step() + rows(new) + trace(new) + equations(new)', 20, () => {
  const { kept } = book.step();
  book.rows(kept + 1);
  book.trace(kept + 1);
  book.equations(kept + 1, precision, equationsView);
}, '  (target < 50 ms)');
time('back then step (replays from a checkpoint, ≤ 7 steps)', 10, () => {
  book.back();
  const { kept } = book.step();
  book.rows(kept + 1);
  book.trace(kept + 1);
  book.equations(kept + 1, precision, equationsView);
});
time('row read: trace(k) + equations(k)', 20, (i) => {
  const k = [10, 50, 90, 30, 70][Math.max(0, i) % 5];
  book.trace(k);
  book.equations(k, precision, equationsView);
}, '  (target < 100 ms)');
time('edit a weight: setSession (restart) + rows(1)', 5, (i) => {
  const edited = structuredClone(normalised);
  edited.layers[0].weights[0][0] = 0.25 + i / 1000;
  book.setSession(edited);
  book.rows(1);
});
time('more steps: setSession(steps + 10) + rows(new)', 5, (i) => {
  const { kept } = book.setSession({ ...normalised, steps: 100 + 10 * (i + 2) });
  book.rows(kept + 1);
});
book.close();
