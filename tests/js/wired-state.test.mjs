// The randomly wired page's state (web/js/wired-state.js): fields → the core's requests, which
// field a message names, the session read as rows, the generator's steps as changes, the
// animation's moves, the comparison's curves and the worked example's link. A schema shaped as
// docs/graph.md's wiredSchema(); the real module's schema is checked in tests/js/wired-page.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  animate, comparisonRequest, defaultFields, fieldOfMessage, fieldsForFamily, generateRequest, lossData, nodeRows,
  nodesLimitError, numberOrText, parameterNames, stepChange, visibleNodes, workedExampleLink,
} from '../../web/js/wired-state.js';
import { readShareHash } from '../../web/js/persist.js';

const kSchema = {
  families: [
    { name: 'er', title: 'ER(P) — Erdős–Rényi', text: 'each pair linked with probability P',
      parameters: [{ name: 'p', label: 'P (link probability)', min: 0, max: 1, default: 0.2, step: 0.01, integer: false, rule: '0 ≤ P ≤ 1' }] },
    { name: 'ba', title: 'BA(M) — Barabási–Albert', text: 'nodes added one at a time',
      parameters: [{ name: 'm', label: 'M (links per new node)', min: 1, max: 63, default: 2, step: 1, integer: true, rule: '1 ≤ M < N' }] },
    { name: 'ws', title: 'WS(K, P) — Watts–Strogatz', text: 'a ring, rewired', parameters: [
      { name: 'k', label: 'K (ring neighbours, even)', min: 2, max: 63, default: 4, step: 2, integer: true, rule: 'K even, 2 ≤ K < N' },
      { name: 'p', label: 'P (rewiring probability)', min: 0, max: 1, default: 0.25, step: 0.01, integer: false, rule: '0 ≤ P ≤ 1' }] },
  ],
  nodes: { name: 'nodes', label: 'N (nodes)', min: 2, max: 64, default: 16, step: 1, integer: true, rule: '2 ≤ N' },
  seed: { name: 'seed', label: 'seed', min: 0, max: 9007199254740992, default: 1, step: 1, integer: true, rule: 'a whole number' },
  activations: ['sigmoid', 'tanh', 'relu', 'linear'],
  default_activation: 'relu',
  comparison: {
    defaults: { nodes: 16, seed: 1, epochs: 50, samples: 256, batch_size: 32, optimizer: { name: 'adam', learning_rate: 0.01 },
      activation: 'relu', er: { p: 0.2 }, ba: { m: 2 }, ws: { k: 4, p: 0.25 } },
    limits: { epochs: { min: 1, max: 500 } }, note: 'about large image models',
  },
};

test('the fields start at the schema\'s defaults, every parameter once', () => {
  assert.deepEqual(parameterNames(kSchema), ['p', 'm', 'k']);
  assert.deepEqual(defaultFields(kSchema), {
    family: 'er', nodes: '16', seed: '1', activation: 'relu', epochs: '50', p: '0.2', m: '2', k: '4',
  });
});

test('a family change gives P the family\'s default unless the student typed another', () => {
  const start = defaultFields(kSchema);
  assert.equal(fieldsForFamily(kSchema, start, 'ws').p, '0.25');
  assert.equal(fieldsForFamily(kSchema, { ...start, p: '0.5' }, 'ws').p, '0.5');
  assert.equal(fieldsForFamily(kSchema, fieldsForFamily(kSchema, start, 'ws'), 'er').p, '0.2');
});

test('the generate request holds only the family\'s own parameters, numbers as numbers, bad text as typed', () => {
  const fields = { ...defaultFields(kSchema), family: 'ws', k: '3', nodes: ' 20 ' };
  assert.deepEqual(generateRequest(kSchema, fields), { family: 'ws', nodes: 20, seed: 1, activation: 'relu', k: 3, p: 0.2 });
  assert.deepEqual(generateRequest(kSchema, { ...fields, family: 'ba', m: 'two' }),
    { family: 'ba', nodes: 20, seed: 1, activation: 'relu', m: 'two' });
  assert.equal(numberOrText(''), '');
  assert.equal(numberOrText('1e999'), '1e999');
});

test('the comparison request takes the graph\'s size, seed, activation, epochs and the chosen family\'s parameters', () => {
  const fields = { ...defaultFields(kSchema), family: 'ba', m: '3', nodes: '24', epochs: '20' };
  const request = comparisonRequest(kSchema, fields);
  assert.equal(request.nodes, 24);
  assert.equal(request.epochs, 20);
  assert.deepEqual(request.ba, { m: 3 });
  assert.deepEqual(request.ws, { k: 4, p: 0.25 });
});

test('the page refuses more nodes than the schema\'s page limit, in the core\'s words', () => {
  assert.equal(nodesLimitError(kSchema, { nodes: '65' }), 'nodes: expected a whole number from 2 to 64, got 65');
  assert.equal(nodesLimitError(kSchema, { nodes: '64' }), null);
  assert.equal(nodesLimitError(kSchema, { nodes: 'abc' }), null, 'the core says what is wrong with text');
});

test('a core message names its field by its first word', () => {
  assert.equal(fieldOfMessage(kSchema, 'k: WS needs an even K, got 3'), 'k');
  assert.equal(fieldOfMessage(kSchema, 'nodes: expected a whole number from 2 to 64, got 1'), 'nodes');
  assert.equal(fieldOfMessage(kSchema, 'p: expected a number from 0 to 1, got 1.5'), 'p');
  assert.equal(fieldOfMessage(kSchema, 'ws.k: WS needs an even K, got 3'), 'k');
  assert.equal(fieldOfMessage(kSchema, 'epochs: expected a whole number from 1 to 500, got 0'), 'epochs');
  assert.equal(fieldOfMessage(kSchema, 'graph.nodes[3]: neuron 4 is reached by no input'), null);
  assert.equal(fieldOfMessage(kSchema, 'something else'), null);
});

const kSession = {
  inputs: [[1, 1]], targets: [[1]],
  graph: {
    nodes: [{ activation: 'relu' }, { activation: 'relu' }, { activation: 'relu' }, { activation: 'linear' }],
    edges: [
      { from: 'x1', to: 1, weight: 0.1 }, { from: 'x2', to: 1, weight: 0.2 }, { from: 1, to: 2, weight: 0.3 },
      { from: 1, to: 3, weight: 0.4 }, { from: 2, to: 4, weight: 0.5 }, { from: 3, to: 4, weight: 0.6 },
    ],
    outputs: [4],
    origin: { family: 'er', nodes: 3, p: 0.5, seed: 1 },
  },
};

test('the session as rows: each neuron\'s predecessors and successors, inputs and the output', () => {
  const rows = nodeRows(kSession);
  assert.deepEqual(rows[0], { id: 1, activation: 'relu', reads: true, output: false, from: ['x1', 'x2'], to: ['2', '3'] });
  assert.deepEqual(rows[3], { id: 4, activation: 'linear', reads: false, output: true, from: ['2', '3'], to: ['ŷ'] });
});

test('a step\'s change: edges added and removed against the step before', () => {
  const steps = [{ edges: [[1, 2], [2, 3], [3, 4], [4, 1]] }, { edges: [[1, 2], [2, 4], [3, 4], [4, 1]] }];
  assert.deepEqual(stepChange(steps, 0), { added: steps[0].edges, removed: [] });
  assert.deepEqual(stepChange(steps, 1), { added: [[2, 4]], removed: [[2, 3]] });
  // The same undirected edge written the other way round is no change.
  assert.deepEqual(stepChange([{ edges: [[1, 2]] }, { edges: [[2, 1]] }], 1), { added: [], removed: [] });
});

test('BA\'s nodes arrive one at a time; the others show every node', () => {
  const ba = { family: 'ba', steps: [{ kind: 'start', edges: [] }, { kind: 'attach', node: 3, targets: [1, 2], edges: [[1, 3], [2, 3]] }] };
  assert.equal(visibleNodes(ba, 0, 10, 2), 2);
  assert.equal(visibleNodes(ba, 1, 10, 2), 3);
  assert.equal(visibleNodes({ family: 'ws', steps: [{ kind: 'ring', edges: [] }] }, 0, 10, 0), 10);
});

test('the animation: play runs to the last step and stops, step and reset stop it', () => {
  let s = { at: 0, playing: false };
  s = animate(s, 'play', 3);
  assert.deepEqual(s, { at: 0, playing: true });
  s = animate(s, 'tick', 3);
  assert.deepEqual(s, { at: 1, playing: true });
  s = animate(s, 'tick', 3);
  assert.deepEqual(s, { at: 2, playing: false });
  assert.deepEqual(animate(s, 'play', 3), { at: 0, playing: true }, 'play at the end starts again');
  assert.deepEqual(animate({ at: 1, playing: true }, 'pause', 3), { at: 1, playing: false });
  assert.deepEqual(animate({ at: 2, playing: false }, 'step', 3), { at: 2, playing: false });
  assert.deepEqual(animate({ at: 2, playing: true }, 'reset', 3), { at: 0, playing: false });
  assert.throws(() => animate(s, 'jump', 3), /unknown action jump/);
});

test('the losses as uPlot\'s columns, a model missing from an epoch a gap', () => {
  const epochs = [{ epoch: 1, losses: { er: 1, ba: 2, ws: 3, dense: 4 } }, { epoch: 2, losses: { er: 0.5, ba: 1, ws: 1.5 } }];
  assert.deepEqual(lossData(epochs, ['er', 'ba', 'ws', 'dense']), [[1, 2], [1, 0.5], [2, 1], [3, 1.5], [4, null]]);
});

test('the worked example\'s link is the lecture page\'s share link of the session', () => {
  const link = workedExampleLink('index.html', { ...kSession, steps: 5 });
  assert.match(link, /^index\.html#session=[A-Za-z0-9_-]+$/);
  const read = readShareHash(link.slice('index.html'.length));
  assert.deepEqual(read.session, { ...kSession, steps: 0 });
});
