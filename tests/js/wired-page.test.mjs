// The randomly wired page's path through the real modules: the wired module's schema gives the
// page's fields (wired-state.js), a generated graph session goes through the lecture page's
// engine (normalise, then the state and back: state.js's graph branch) and its workbook, and
// the messages of refused requests name the page's fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { EngineError } from '../../web/js/engine.js';
import { loadWired } from '../../web/js/wired-engine.js';
import {
  defaultFields, fieldOfMessage, fieldsForFamily, generateRequest, nodeRows, parameterNames,
} from '../../web/js/wired-state.js';
import { initialState } from '../../web/js/state.js';
import { engine, model } from './schema.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const createWired = createRequire(import.meta.url)(`${root}build/wasm/nntutor_wired_wasm.js`);
const wired = await loadWired(createWired);
const schema = wired.wiredSchema();

test('the page\'s fields start at the wired schema\'s defaults, and every family generates from them', () => {
  const fields = defaultFields(schema);
  assert.ok(schema.families.some((f) => f.name === fields.family));
  assert.ok(schema.activations.includes(fields.activation));
  assert.ok(parameterNames(schema).length >= 3);
  for (const family of schema.families) {
    const session = wired.generate(generateRequest(schema, fieldsForFamily(schema, fields, family.name)));
    assert.equal(session.graph.origin.family, family.name);
    assert.equal(nodeRows(session).length, session.graph.nodes.length);
    const layout = wired.layout(session);
    assert.equal(layout.nodes.filter((n) => typeof n.id === 'number').length, session.graph.nodes.length);
  }
});

test('a refused parameter\'s message names its field', () => {
  const fields = fieldsForFamily(schema, defaultFields(schema), 'ws');
  assert.throws(() => wired.generate(generateRequest(schema, { ...fields, k: '3' })), (e) => {
    assert.ok(e instanceof EngineError);
    assert.equal(fieldOfMessage(schema, e.message), 'k');
    return true;
  });
  assert.throws(() => wired.generate(generateRequest(schema, { ...fields, nodes: 'abc' })),
    (e) => fieldOfMessage(schema, e.message) === 'nodes');
  assert.throws(() => wired.generate(generateRequest(schema, { ...fields, p: '1.5' })),
    (e) => fieldOfMessage(schema, e.message) === 'p');
});

test('a generated graph opens in the lecture page\'s state and workbook, and its session comes back unchanged', () => {
  const fields = fieldsForFamily(schema, { ...defaultFields(schema), nodes: '8' }, 'ba');
  const session = engine.normalise(wired.generate(generateRequest(schema, fields)));
  const state = model.stateFromSession(initialState(), session);
  assert.equal(state.stepsShown, session.steps);
  assert.ok(state.doc.graph, 'the doc keeps the graph');
  assert.deepEqual(state.doc.layers, []);
  assert.equal(model.hasMissing(state.doc), false);
  const built = model.buildSession({ ...state, stepsShown: 0 });
  assert.equal(built.errors, undefined, JSON.stringify(built.errors));
  assert.deepEqual(engine.normalise(built.value), { ...session, steps: 0 });
  const book = engine.open(built.value, { limits: 'page' });
  try {
    book.step();
    const trace = book.trace(1);
    assert.equal(trace.nodes.y.length, session.graph.nodes.length);
    assert.equal(trace.edges.w.length, session.graph.edges.length);
  } finally {
    book.close();
  }
  // A new learning rate typed in the graph's builder reaches the session; the graph stays.
  const faster = model.buildSession({ ...model.setCell(state, 'learningRate', '1'), stepsShown: 0 }).value;
  assert.equal(faster.optimizer.learning_rate, 1);
  assert.deepEqual(faster.graph, session.graph);
});
