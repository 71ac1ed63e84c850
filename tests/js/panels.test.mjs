// The panels' engine calls through a stand-in engine (each panel takes the engine the page
// holds, so another engine can be put in): which workbook calls the page's run makes (one step
// per Step, a row click reads one step), the rates comparison's cache, weights from the seed. No browser: the panels get
// a document of inert elements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// state.js bound to the built engine's schema, as the page holds it (page.model).
import { model } from './schema.mjs';
import { EngineError } from '../../web/js/engine.js';
import { createBuilderPanel } from '../../web/js/panel-builder.js';
import { createRatesPanel } from '../../web/js/panel-rates.js';
import { createTablePanel } from '../../web/js/panel-table.js';
import { fakeDocument } from './fake-dom.mjs';

/// An engine that records its calls and answers `run` with `rows` rows and one trace step.
function fakeEngine({ rows = 2 } = {}) {
  const calls = [];
  return {
    calls,
    run(session, options) {
      calls.push(['run', session, options]);
      const steps = options.trace_step === 'none' ? [] : [{ step: options.trace_step }];
      return {
        session: { ...session, layers: model.buildSession(model.initialState()).value.layers },
        table: { columns: ['step'], rows: Array.from({ length: Math.min(rows, session.steps ?? 0) }, (_, k) => [k + 1]) },
        steps, diverged: null, equations: options.equations ? { step: options.trace_step } : undefined,
      };
    },
    compareRates(session, rates, options) {
      calls.push(['compareRates', session, rates, options]);
      return { rates: rates.map((r) => ({ learning_rate: r })) };
    },
  };
}

function fakePage(engine, state = model.initialState()) {
  const page = {
    state, engine, model, shown: null, vendorError: {}, deps: {}, panels: { tutor: { on: () => false } },
    updates: [], update(next) { page.updates.push(next); }, autosave() {},
  };
  return page;
}

/// A workbook stand-in (engine.open) that records its calls; it holds `steps` rows of 'step'.
function fakeBook(engine, session) {
  let steps = session.steps ?? 0;
  const status = (kept) => ({ steps, rows: steps, kept, diverged: null });
  const record = (...call) => engine.calls.push(call);
  return {
    status() { record('status'); return status(steps); },
    step() { record('step'); steps += 1; return status(steps - 1); },
    back() { record('back'); steps -= 1; return status(steps); },
    reset() { record('reset'); steps = 0; return status(0); },
    setSession(next) { record('setSession', next); steps = next.steps; return status(0); },
    rows(from, view) {
      record('rows', from, view);
      const rows = Array.from({ length: Math.max(0, steps - from + 1) }, (_, k) => [from + k]);
      return from === 1 ? { columns: ['step'], rows, diverged: null } : { rows, diverged: null };
    },
    trace(k) { record('trace', k); return { step: k }; },
    equations(k, precision, options) { record('equations', k, precision, options); return { step: k }; },
    session() { record('session'); return { ...session, steps }; },
    describe(choices) {
      record('describe', choices);
      return {
        table: { columns: choices.columns, layers: [1, 2], all_columns: 14, cells: 14, note: '' },
        equations: { layer: 0, unit: 0, too_many: false, cost: 4 },
      };
    },
  };
}

test('the page\'s first run opens a workbook and reads the table, the shown step\'s trace and equations', () => {
  const engine = fakeEngine();
  engine.open = (session, options) => { engine.calls.push(['open', session, options]); return fakeBook(engine, session); };
  const page = fakePage(engine, model.step(model.initialState(), 2));
  const table = createTablePanel(page, fakeDocument());
  const session = { ...model.buildSession(page.state).value, steps: 2 };
  const shown = table.run(session);
  const names = engine.calls.map((c) => c[0]);
  assert.deepEqual(names, ['open', 'status', 'describe', 'rows', 'session', 'trace', 'equations']);
  assert.equal(engine.calls[0][2].limits, 'page');
  assert.deepEqual(engine.calls[6].slice(1), [2, 4, { layers: [], units: [] }]);
  assert.equal(shown.step, 2);
  assert.deepEqual(shown.trace, { step: 2 });
  assert.equal(shown.table.rows.length, 2);
});

test('Step computes one step and reads only the new row; a row click reads only that step', () => {
  const engine = fakeEngine();
  engine.open = (session) => fakeBook(engine, session);
  const page = fakePage(engine, model.step(model.initialState(), 2));
  const table = createTablePanel(page, fakeDocument());
  page.shown = table.run({ ...model.buildSession(page.state).value, steps: 2 });
  engine.calls.length = 0;
  page.state = model.step(page.state);
  page.shown = table.run({ ...model.buildSession(page.state).value, steps: 3 });
  assert.deepEqual(engine.calls.map((c) => c[0]), ['step', 'describe', 'rows', 'trace', 'equations']);
  assert.equal(engine.calls[2][1], 3);  // rows from 3 on: the new row only
  assert.equal(page.shown.table.rows.length, 3);
  engine.calls.length = 0;
  page.state = model.selectStep(page.state, 1);
  const shown = table.run({ ...model.buildSession(page.state).value, steps: 3 });
  assert.deepEqual(engine.calls.map((c) => c[0]), ['trace', 'equations']);
  assert.equal(shown.table, page.shown.table);
  assert.equal(shown.step, 1);
});

test('the rates comparison runs 10 steps at each rate, once per network and rates', () => {
  const engine = fakeEngine();
  const page = fakePage(engine);
  const rates = createRatesPanel(page, fakeDocument());
  page.shown = {
    session: { ...model.buildSession(page.state).value, steps: 3 },
    view: { table: { columns: model.kColumnKinds, layers: [1, 2] } },  // the engine's decision
  };
  rates.refresh();
  rates.refresh();
  assert.equal(engine.calls.length, 1);
  const [name, session, values] = engine.calls[0];
  assert.equal(name, 'compareRates');
  assert.equal(session.steps, 10);
  assert.deepEqual(values, [0.1, 1, 10]);
  assert.equal(rates.text(), '0.1, 1, 10');
  // Another rates text: no comparison until it is compared.
  rates.setText('0.5');
  rates.forget();
  rates.refresh();
  assert.equal(engine.calls.length, 1);
});

test('weights from the seed come from the engine; a refusal is said in the status line', () => {
  const engine = fakeEngine();
  const page = fakePage(engine);
  const document = fakeDocument();
  const builder = createBuilderPanel(page, document);
  const filled = builder.fillFromSeed(page.state, true);
  assert.equal(engine.calls[0][2].trace_step, 'none');
  assert.equal(filled.doc.layers.length, page.state.doc.layers.length);
  engine.run = () => { throw new EngineError('layers[0].units: too many'); };
  assert.equal(builder.fillFromSeed(page.state, true), null);
  assert.equal(document.elements.get('status').textContent, 'The engine refused this network: layers[0].units: too many');
});
