// The page's run through the engine's workbook (panel-table.js, issue 9): one book for the
// page's lifetime; Step, Back and Reset move it by one step (or to 0), a row click only reads,
// anything else goes through setSession. What the page shows is compared with the stateless
// run() of the same session, to the last bit. Run after `scripts/build.sh wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createEngine from '../../build/wasm/nntutor_wasm.js';
import { EngineError, loadEngine } from '../../web/js/engine.js';
// state.js bound to the built engine's schema, as the page holds it (page.model).
import { model } from './schema.mjs';
import { createTablePanel } from '../../web/js/panel-table.js';
import { fakeDocument } from './fake-dom.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const wasmBinary = readFileSync(`${root}build/wasm/nntutor_wasm.wasm`);
const engine = await loadEngine(() => createEngine({ wasmBinary }));

/// The engine with its workbooks' calls recorded by name (open included).
function recordingEngine() {
  const calls = [];
  return {
    calls,
    ...engine,
    open(session, options) {
      calls.push('open');
      const book = engine.open(session, options);
      return Object.fromEntries(Object.entries(book).map(([name, f]) => [name, (...args) => {
        calls.push(name);
        return f(...args);
      }]));
    },
  };
}

/// A page as main.js's update drives the table panel: `go(next)` runs the built session of
/// `next` (changed by `edit`) and keeps the result shown, or (refused) the last one with the
/// steps as they were, returning the message.
function fakePage() {
  const page = {
    state: model.initialState(), engine: recordingEngine(), model, shown: null, vendorError: {}, deps: {},
    panels: { tutor: { on: () => false } }, update() {}, autosave() {},
  };
  const table = createTablePanel(page, fakeDocument());
  page.go = (next, edit = (session) => session) => {
    const previous = page.state;
    page.state = next;
    page.engine.calls.length = 0;
    try {
      page.shown = table.run(edit(model.buildSession(page.state).value));
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      page.state = { ...page.state, stepsShown: previous.stepsShown };
      return e.message;
    }
    return null;
  };
  return page;
}

/// What the stateless engine gives for the page's state and the engine's view decision
/// (`described`, book.describe()): table, trace and equations of the step shown (as the page ran
/// it before the workbook).
function stateless(state, described) {
  const session = model.buildSession(state).value;
  const { columns, layers } = described.table;
  const full = engine.run(session, { columns, layers, trace_step: 'none', limits: 'page' });
  const stepShown = Math.min(model.shownStep(state), full.table.rows.length);
  if (stepShown === 0) return { table: full.table, trace: null, equations: null, step: 0, diverged: full.diverged };
  const chosen = model.equationsChoice(described);
  const at = engine.run({ ...session, steps: stepShown }, {
    columns: ['loss'], trace_step: stepShown, session: false,
    equations: chosen.tooMany ? undefined : {
      precision: state.precision, layers: chosen.layer ? [chosen.layer] : [], units: chosen.unit ? [chosen.unit] : [],
    },
  });
  return { table: full.table, trace: at.steps[0], equations: at.equations ?? null, step: stepShown, diverged: full.diverged };
}

/// The page shows what the stateless engine gives, to the last bit.
function assertShownIsStateless(page, what) {
  const { table, trace, equations, step, diverged } = page.shown;
  assert.deepEqual({ table, trace, equations, step, diverged }, stateless(page.state, page.shown.view), what);
}

test('page workbook: Step, Back, Reset move the book by one step; a row click only reads', () => {
  const page = fakePage();
  assert.equal(page.go(page.state), null);
  assert.deepEqual(page.engine.calls, ['open', 'status', 'describe', 'rows', 'session']);
  assertShownIsStateless(page, 'opened at step 0');

  for (let k = 1; k <= 3; k += 1) {
    page.go(model.step(page.state));
    assert.deepEqual(page.engine.calls, ['step', 'describe', 'rows', 'trace', 'equations'], `Step ${k}`);
    assertShownIsStateless(page, `Step ${k}`);
  }
  page.go(model.back(page.state));
  assert.deepEqual(page.engine.calls, ['back', 'describe', 'trace', 'equations'], 'Back: the rows it keeps are shown');
  assertShownIsStateless(page, 'Back');
  assert.equal(page.shown.table.rows.length, 2);

  page.go(model.selectStep(page.state, 1));
  assert.deepEqual(page.engine.calls, ['trace', 'equations']);
  assertShownIsStateless(page, 'row 1');
  page.go(model.setPrecision(page.state, '6'));
  assert.deepEqual(page.engine.calls, ['equations'], 'new decimals: the equations are written again');
  assertShownIsStateless(page, 'row 1 at 6 decimals');

  page.go(model.setCell(page.state, 'w:0:0:0', '0.3'));
  assert.deepEqual(page.engine.calls, ['setSession', 'describe', 'rows', 'session', 'trace', 'equations']);
  assertShownIsStateless(page, 'an edit');

  page.go(model.step(page.state, model.kRunSteps));
  assert.deepEqual(page.engine.calls, ['setSession', 'describe', 'rows', 'trace', 'equations'], 'Run 10 steps');
  assert.equal(page.shown.table.rows.length, 12);
  assertShownIsStateless(page, 'Run 10 steps');

  page.go(model.reset(page.state));
  assert.deepEqual(page.engine.calls, ['reset', 'describe', 'rows']);
  assertShownIsStateless(page, 'Reset');
});

test('page workbook: a column or layer choice reads the rows again; a preset is a new session', () => {
  const page = fakePage();
  page.go(model.step(page.state, 3));
  page.go(model.toggleColumn(page.state, 'z', false));
  assert.deepEqual(page.engine.calls, ['describe', 'rows']);
  assertShownIsStateless(page, 'without z');
  assert.ok(!page.shown.table.columns.some((c) => c.kind === 'z'));
  page.go(model.preset(page.state, 10));
  assert.deepEqual(page.engine.calls, ['setSession', 'describe', 'rows', 'session', 'trace', 'equations']);
  assertShownIsStateless(page, 'the η = 10 preset');
  assert.equal(page.shown.session.optimizer.learning_rate, 10);
});

test('page workbook: divergence stops the steps there; Back drops it; a refused value keeps the book', () => {
  const page = fakePage();
  // z1 = w1·x = 1 at step 1, but ∂L/∂w1 ∝ x is huge, so the updated w1·x overflows at step 2.
  let state = model.setCell(model.setCell(page.state, 'x:0:0', '1e300'), 'w:0:0:0', '1e-300');
  page.go(model.step(state, model.kRunSteps));
  assert.equal(page.state.stepsShown, 2);
  assert.equal(page.shown.diverged.at, 2);
  assert.equal(page.shown.table.rows.length, 1);
  assertShownIsStateless(page, 'diverged at step 2');
  // A Step after a divergence finds the same divergence (as the stateless page did).
  page.go(model.step(page.state));
  assert.deepEqual(page.engine.calls, ['setSession'], 'row 1 and its trace are kept (and the view)');
  assert.equal(page.state.stepsShown, 2);
  page.go(model.back(page.state));
  assert.deepEqual(page.engine.calls, ['back', 'describe']);
  assert.equal(page.shown.diverged, null);
  assertShownIsStateless(page, 'Back from the divergence');

  state = model.setCell(page.state, 'x:0:0', '1');
  page.go(model.step(state, 2));
  assert.equal(page.state.stepsShown, 3);
  const before = page.shown;
  // The page refuses η = 0 itself; the engine is asked here, as for a value only it checks.
  const refused = page.go(model.step(model.setCell(page.state, 'w:0:0:0', '0.3')),
    (s) => ({ ...s, optimizer: { ...s.optimizer, learning_rate: 0 } }));
  assert.match(refused, /learning_rate/);
  assert.equal(page.shown, before, 'the last good result stays');
  assert.equal(page.state.stepsShown, 3);
  // The book is as it was: the doc shown now (w1 = 0.3) is compared with the session it holds.
  page.go(model.step(page.state));
  assert.deepEqual(page.engine.calls, ['setSession', 'describe', 'rows', 'session', 'trace', 'equations']);
  assertShownIsStateless(page, 'after a refused value');
});
