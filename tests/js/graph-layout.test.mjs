// The network graph's layout (web/js/render-graph.js): pure geometry, no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeLabelSpots, graphLayout } from '../../web/js/render-graph.js';

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
