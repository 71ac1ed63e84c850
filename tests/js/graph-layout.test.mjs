// The network graph's layout and keyboard moves (web/js/graph-layout.js): pure, no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeLabelSpots, graphKeyTarget, graphLayout } from '../../web/js/graph-layout.js';

const kShapes = [
  { inputs: 1, units: [1, 1] },
  { inputs: 1, units: [1] },
  { inputs: 2, units: [3, 1] },
  { inputs: 4, units: [4, 4, 2] },
  { inputs: 3, units: [12, 5, 2] },
  { inputs: 32, units: [32, 32, 32, 32, 32, 32, 32, 32] },
  { inputs: 1, units: [32, 1] },
];

const sum = (values) => values.reduce((a, b) => a + b, 0);

test('the lecture\'s 1-1-1 network has 3 nodes and 2 edges', () => {
  const layout = graphLayout({ inputs: 1, units: [1, 1] });
  assert.equal(layout.nodes.length, 3);
  assert.deepEqual(layout.edges.map(({ layer, unit, input, from, to }) => [layer, unit, input, from, to]),
    [[1, 1, 1, 0, 1], [2, 1, 1, 1, 2]]);
  assert.equal(layout.values, true);
});

test('one node per input and unit, one edge per weight', () => {
  for (const shape of kShapes) {
    const layout = graphLayout(shape);
    const counts = [shape.inputs, ...shape.units];
    assert.equal(layout.nodes.length, sum(counts), JSON.stringify(shape));
    assert.equal(layout.edges.length, sum(shape.units.map((u, l) => u * counts[l])), JSON.stringify(shape));
    assert.deepEqual(layout.columns.map((c) => c.count), counts);
  }
});

test('edges list row j of W for each layer: unit j, then input i, from the layer before', () => {
  const layout = graphLayout({ inputs: 2, units: [3, 1] });
  const first = layout.edges.filter((e) => e.layer === 1);
  assert.deepEqual(first.map((e) => [e.unit, e.input]), [[1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [3, 2]]);
  for (const e of layout.edges) {
    assert.equal(layout.nodes[e.from].column, e.layer - 1);
    assert.equal(layout.nodes[e.to].column, e.layer);
    assert.equal(layout.nodes[e.from].index, e.input);
    assert.equal(layout.nodes[e.to].index, e.unit);
  }
});

test('nodes do not overlap, and neither do the numbers under them', () => {
  for (const shape of kShapes) {
    const layout = graphLayout(shape, { labelWidth: 110 });
    const { nodes, radius: r, below } = layout;
    for (let a = 0; a < nodes.length; a += 1) {
      for (let b = a + 1; b < nodes.length; b += 1) {
        const dx = Math.abs(nodes[a].x - nodes[b].x);
        const dy = Math.abs(nodes[a].y - nodes[b].y);
        assert.ok(dx >= 2 * r + 4 || dy >= 2 * r + below + 4,
          `${JSON.stringify(shape)}: nodes ${a} and ${b} overlap`);
        if (dy < 2 * r + below + 4) assert.ok(dx >= layout.labelWidth, 'texts side by side overlap');
      }
    }
  }
});

test('everything lies inside the view box', () => {
  for (const shape of kShapes) {
    for (const size of [{}, { width: 320 }, { width: 1400, labelWidth: 160 }]) {
      const layout = graphLayout(shape, size);
      const { radius: r, below } = layout;
      for (const n of layout.nodes) {
        assert.ok(n.x - r >= 0 && n.x + r <= layout.width, `${JSON.stringify(shape)}: x ${n.x}`);
        assert.ok(n.y - r >= 0 && n.y + r + below <= layout.height, `${JSON.stringify(shape)}: y ${n.y}`);
        assert.ok(n.x + layout.labelWidth / 2 <= layout.width && n.x - layout.labelWidth / 2 >= 0);
      }
    }
  }
});

test('columns spread out to the width available, within limits', () => {
  const narrow = graphLayout({ inputs: 1, units: [1, 1] }, { width: 200 });
  const wide = graphLayout({ inputs: 1, units: [1, 1] }, { width: 560 });
  const huge = graphLayout({ inputs: 1, units: [1, 1] }, { width: 5000 });
  assert.ok(narrow.width > 200, 'never squeezed below what the nodes need');
  assert.equal(wide.width, 560);
  assert.ok(huge.width < 1000, 'columns stop spreading');
});

test('big networks draw smaller nodes without their numbers', () => {
  const big = graphLayout({ inputs: 32, units: [32, 32, 32, 32, 32, 32, 32, 32] });
  assert.equal(big.values, false);
  assert.equal(big.below, 0);
  assert.ok(big.radius < graphLayout({ inputs: 1, units: [1, 1] }).radius);
});

test('edge labels go where they do not collide, or nowhere', () => {
  const small = graphLayout({ inputs: 1, units: [1, 1] }, { labelWidth: 80 });
  const spots = edgeLabelSpots(small, small.edges.filter((e) => e.layer === 1), { width: 42, height: 14 });
  assert.equal(spots.length, 1);
  const [a, b] = [small.nodes[0], small.nodes[1]];
  assert.ok(spots[0].x > a.x && spots[0].x < b.x);

  const wide = graphLayout({ inputs: 4, units: [4, 1] }, { labelWidth: 80 });
  const many = edgeLabelSpots(wide, wide.edges.filter((e) => e.layer === 1), { width: 200, height: 28 });
  assert.equal(many, null, 'labels wider than the gap between the columns do not fit');
});

// Keyboard moves, named as the graph names its parts: neurons `[layer, j]`, connections
// `w[layer, j, i]` (into unit j from input i) and the end they are seen from.
const neuronAt = (layout, l, j) => ({ node: layout.nodes.findIndex((n) => n.column === l && n.index === j) });
const edgeAt = (layout, l, j, i, pivot) => ({
  edge: layout.edges.findIndex((e) => e.layer === l && e.unit === j && e.input === i), pivot,
});
/// Where `keys`, pressed one after another from `at`, lead.
const press = (layout, at, ...keys) => keys.reduce((here, key) => graphKeyTarget(layout, here, key), at);

test('↑ ↓ move within a layer and stop at its ends; Home and End go to its ends', () => {
  const layout = graphLayout({ inputs: 2, units: [3, 1] });
  const n = (j) => neuronAt(layout, 1, j);
  assert.deepEqual(press(layout, n(1), 'ArrowDown'), n(2));
  assert.deepEqual(press(layout, n(2), 'ArrowUp'), n(1));
  assert.deepEqual(press(layout, n(3), 'ArrowDown', 'ArrowDown'), n(3));
  assert.deepEqual(press(layout, n(1), 'ArrowUp'), n(1), 'the key is taken, focus stays');
  assert.deepEqual(press(layout, n(2), 'End'), n(3));
  assert.deepEqual(press(layout, n(2), 'Home'), n(1));
  assert.deepEqual(press(layout, n(2), 'Shift+ArrowDown'), n(3), 'Shift does not matter for ↑ ↓');
});

test('← → go to the neuron at the nearest height in the layer before or after', () => {
  const layout = graphLayout({ inputs: 4, units: [4, 1, 3] });
  assert.deepEqual(press(layout, neuronAt(layout, 1, 1), 'ArrowRight'), neuronAt(layout, 2, 1));
  assert.deepEqual(press(layout, neuronAt(layout, 2, 1), 'ArrowRight'), neuronAt(layout, 3, 2), 'the middle one');
  assert.deepEqual(press(layout, neuronAt(layout, 3, 3), 'ArrowLeft'), neuronAt(layout, 2, 1));
  assert.deepEqual(press(layout, neuronAt(layout, 2, 1), 'ArrowLeft'), neuronAt(layout, 1, 2), 'a tie: the upper one');
  assert.deepEqual(press(layout, neuronAt(layout, 1, 3), 'ArrowLeft'), neuronAt(layout, 1, 3), 'inputs are not parts');
  assert.deepEqual(press(layout, neuronAt(layout, 3, 2), 'ArrowRight'), neuronAt(layout, 3, 2), 'nothing after the output');
  const even = graphLayout({ inputs: 2, units: [3, 3] });
  assert.deepEqual(press(even, neuronAt(even, 1, 3), 'ArrowRight'), neuronAt(even, 2, 3), 'layers of one size: same index');
  assert.deepEqual(press(even, neuronAt(even, 1, 3), 'ArrowRight', 'ArrowLeft'), neuronAt(even, 1, 3));
});

test('Shift+← and Shift+→ enter a neuron\'s incoming and outgoing connections', () => {
  const layout = graphLayout({ inputs: 2, units: [3, 1] });
  const b12 = neuronAt(layout, 1, 2);
  assert.deepEqual(press(layout, b12, 'Shift+ArrowLeft'), edgeAt(layout, 1, 2, 1, 'to'));
  assert.deepEqual(press(layout, b12, 'Shift+ArrowRight'), edgeAt(layout, 2, 1, 2, 'from'));
  const output = neuronAt(layout, 2, 1);
  assert.deepEqual(press(layout, output, 'Shift+ArrowRight'), output, 'the output has no outgoing connection');
});

test('on a connection ↑ ↓ step around the end it was entered from, ← → go to its ends', () => {
  const layout = graphLayout({ inputs: 2, units: [3, 2] });
  // Into neuron 2 of layer 1: w1[2,1], w1[2,2] (a row of W1).
  const into = press(layout, neuronAt(layout, 1, 2), 'Shift+ArrowLeft');
  assert.deepEqual(press(layout, into, 'ArrowDown'), edgeAt(layout, 1, 2, 2, 'to'));
  assert.deepEqual(press(layout, into, 'ArrowDown', 'ArrowDown'), edgeAt(layout, 1, 2, 2, 'to'));
  assert.deepEqual(press(layout, into, 'End', 'Home'), into);
  assert.deepEqual(press(layout, into, 'ArrowDown', 'ArrowRight'), neuronAt(layout, 1, 2), '→ back to the neuron');
  assert.deepEqual(press(layout, into, 'ArrowLeft'), into, 'layer 1 comes from the inputs, which are not parts');
  // Out of neuron 2 of layer 1: w2[1,2], w2[2,2] (a column of W2).
  const out = press(layout, neuronAt(layout, 1, 2), 'Shift+ArrowRight');
  assert.deepEqual(press(layout, out, 'ArrowDown'), edgeAt(layout, 2, 2, 2, 'from'));
  assert.deepEqual(press(layout, out, 'ArrowDown', 'ArrowLeft'), neuronAt(layout, 1, 2), '← back to the neuron');
  assert.deepEqual(press(layout, out, 'ArrowDown', 'ArrowRight'), neuronAt(layout, 2, 2));
  // A connection focused by pointer or Tab is seen from the neuron it goes into.
  assert.deepEqual(press(layout, { edge: edgeAt(layout, 2, 1, 1).edge }, 'ArrowDown'), edgeAt(layout, 2, 1, 2, 'to'));
});

test('Ctrl+Home and Ctrl+End go to the first and the last neuron; other keys move nothing', () => {
  const layout = graphLayout({ inputs: 32, units: [32, 32, 32, 32, 32, 32, 32, 32] });
  const middle = edgeAt(layout, 4, 7, 9, 'from');
  assert.deepEqual(press(layout, middle, 'Ctrl+Home'), neuronAt(layout, 1, 1));
  assert.deepEqual(press(layout, middle, 'Ctrl+End'), neuronAt(layout, 8, 32));
  for (const key of ['Enter', ' ', 'Tab', 'a', '+', 'Ctrl+ArrowDown', 'Ctrl+Shift+Home', 'PageDown']) {
    assert.equal(graphKeyTarget(layout, middle, key), null, key);
  }
});

test('every neuron and connection can be reached with the keys', () => {
  for (const shape of kShapes) {
    const layout = graphLayout(shape);
    const keys = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Shift+ArrowLeft', 'Shift+ArrowRight', 'Home', 'End'];
    const part = (at) => (at.edge === undefined ? `neuron ${at.node}` : `edge ${at.edge}`);
    // A connection seen from either end is a different place to move on from.
    const place = (at) => `${part(at)} ${at.pivot ?? ''}`;
    const start = neuronAt(layout, 1, 1);
    const visited = new Set([place(start)]);
    const reached = new Set([part(start)]);
    const queue = [start];
    while (queue.length > 0) {
      const at = queue.pop();
      for (const key of keys) {
        const to = graphKeyTarget(layout, at, key);
        if (to.node !== undefined) assert.ok(layout.nodes[to.node].column >= 1, 'only neurons, not inputs');
        reached.add(part(to));
        if (!visited.has(place(to))) { visited.add(place(to)); queue.push(to); }
      }
    }
    const neurons = layout.nodes.filter((n) => n.column >= 1).length;
    assert.equal(reached.size, neurons + layout.edges.length, JSON.stringify(shape));
  }
});
