// The panels' engine calls through a stand-in engine (each panel takes the engine the page
// holds, so another engine can be put in): which calls the page's run makes and when it reuses
// the last one, the rates comparison's cache, weights from the seed. No browser: the panels get
// a document of inert elements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// state.js bound to the built engine's schema, as the page holds it (page.model).
import { model } from './schema.mjs';
import { EngineError } from '../../web/js/engine.js';
import { createBuilderPanel } from '../../web/js/panel-builder.js';
import { createRatesPanel } from '../../web/js/panel-rates.js';
import { createTablePanel } from '../../web/js/panel-table.js';

/// An element that takes listeners, text and attributes and does nothing with them.
function inert() {
  return {
    dataset: {}, style: {}, hidden: false, textContent: '', value: '', listeners: {},
    addEventListener(type, f) { this.listeners[type] = f; },
    classList: { add() {}, remove() {}, toggle() {} },
    setAttribute() {}, querySelector: () => null,
  };
}

function fakeDocument() {
  const elements = new Map();
  const byId = (id) => {
    if (!elements.has(id)) elements.set(id, inert());
    return elements.get(id);
  };
  return { getElementById: byId, querySelectorAll: () => [], querySelector: () => inert(), elements };
}

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

test('the page\'s run: one engine run for the table with the shown step\'s trace and equations', () => {
  const engine = fakeEngine();
  const page = fakePage(engine, model.step(model.initialState(), 2));
  const table = createTablePanel(page, fakeDocument());
  const session = { ...model.buildSession(page.state).value, steps: 2 };
  const shown = table.run(session);
  assert.equal(engine.calls.length, 1);
  const [, sent, options] = engine.calls[0];
  assert.equal(sent.steps, 2);
  assert.equal(options.trace_step, 2);
  assert.equal(options.limits, 'page');
  assert.equal(options.session, true);
  assert.deepEqual(options.equations, { precision: 4, layers: [], units: [] });
  assert.equal(shown.step, 2);
  assert.deepEqual(shown.trace, { step: 2 });
  assert.equal(shown.table.rows.length, 2);
});

test('selecting another row reuses the table: a run to that step for its trace only', () => {
  const engine = fakeEngine();
  const page = fakePage(engine, model.step(model.initialState(), 2));
  const table = createTablePanel(page, fakeDocument());
  const session = { ...model.buildSession(page.state).value, steps: 2 };
  page.shown = table.run(session);
  page.state = model.selectStep(page.state, 1);
  const shown = table.run(session);
  assert.equal(engine.calls.length, 2);
  const [, sent, options] = engine.calls[1];
  assert.equal(sent.steps, 1);
  assert.deepEqual(options.columns, ['loss']);
  assert.equal(options.session, false);
  assert.equal(shown.table, page.shown.table);
  assert.equal(shown.step, 1);
});

test('the rates comparison runs 10 steps at each rate, once per network and rates', () => {
  const engine = fakeEngine();
  const page = fakePage(engine);
  const rates = createRatesPanel(page, fakeDocument());
  page.shown = { session: { ...model.buildSession(page.state).value, steps: 3 } };
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
