// The network graph's geometry, without a DOM: where the nodes and edges of a fully
// connected network go, where edge labels fit, where a part's box and editor sit, and where
// the arrow keys move the focus. Pure (node --test tests/js/graph-layout.test.mjs).

// How big neurons are drawn and how far apart, by the most nodes in one column: small networks
// show each neuron's numbers under it (`values`), larger ones on hover and focus only.
const kDetails = [
  { name: 'values', most: 4, radius: 22, pitch: 122, minGap: 150, maxStroke: 6, values: true },
  { name: 'medium', most: 12, radius: 13, pitch: 40, minGap: 110, maxStroke: 3.5, values: false },
  { name: 'dense', most: Infinity, radius: 7, pitch: 21, minGap: 88, maxStroke: 2, values: false },
];
/// px between lines of 12px text.
export const kLine = 14;
/// px per character of 12px text (an upper bound for digits).
export const kCharWidth = 7;
const kValueLines = 4; // b, z, y, ∂L/∂b under a neuron
const kHeader = 54; // caption and column titles above the nodes
const kFooter = 34; // the legend below them
const kMaxGap = 240;
const kLabelAt = [0.5, 0.38, 0.62, 0.28, 0.72]; // where along an edge its label may sit

/// Positions of the nodes and the list of edges of a fully connected network, without a DOM.
/// `shape` is `{ inputs: n, units: [u1, u2, …] }`; `size` (optional) is `{ width, labelWidth }`:
/// the width available (columns spread to fill it, up to 240 px apart) and the widest text
/// written under a node. Returns `{ width, height, detail, radius, below, values, maxStroke, labelWidth,
/// columns: [{ x, count }], nodes: [{ column, index, x, y }], edges: [{ layer, unit, input,
/// from, to }] }`: column 0 holds the inputs, column l layer l; `index`, `layer`, `unit`,
/// `input` are 1-based; `from`/`to` index `nodes`; `below` is the height of the text under a node.
export function graphLayout(shape, size = {}) {
  const counts = [shape.inputs, ...shape.units];
  const most = Math.max(...counts);
  const detail = kDetails.find((d) => most <= d.most);
  const { radius: r, pitch, values } = detail;
  const labelWidth = values ? size.labelWidth ?? 0 : 0;
  const below = values ? 6 + kValueLines * kLine : 0;
  // Input names and output marks sit beside the nodes when the nodes are too small for them.
  const left = Math.max(values ? r + 16 : r + 30, labelWidth / 2 + 4);
  const right = Math.max(values ? r + 36 : r + 46, labelWidth / 2 + 4);
  const spans = counts.length - 1;
  let gap = Math.max(detail.minGap, labelWidth + 20);
  if (size.width > left + right + spans * gap) {
    gap = Math.min(kMaxGap, (size.width - left - right) / spans);
  }
  const block = (most - 1) * pitch;
  const middle = kHeader + r + block / 2;
  const columns = [];
  const nodes = [];
  counts.forEach((count, column) => {
    const x = left + column * gap;
    // Short columns spread out (up to twice the pitch) so they do not huddle in the middle.
    const step = count > 1 ? Math.min(pitch * (values ? 1 : 2), block / (count - 1)) : 0;
    columns.push({ x, count });
    for (let j = 0; j < count; j += 1) {
      nodes.push({ column, index: j + 1, x, y: middle + (j - (count - 1) / 2) * step });
    }
  });
  const edges = [];
  let first = 0;
  for (let l = 1; l < counts.length; l += 1) {
    const into = first + counts[l - 1];
    for (let j = 1; j <= counts[l]; j += 1) {
      for (let i = 1; i <= counts[l - 1]; i += 1) {
        edges.push({ layer: l, unit: j, input: i, from: first + i - 1, to: into + j - 1 });
      }
    }
    first = into;
  }
  return {
    width: left + spans * gap + right,
    height: kHeader + block + 2 * r + below + kFooter,
    detail: detail.name, radius: r, below, values, maxStroke: detail.maxStroke, labelWidth, columns, nodes, edges,
  };
}

const overlaps = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/// Where the labels of `edges` (one layer's, from `layout.edges`) can be printed: the point at
/// fraction t along each edge, for the first t at which no label overlaps another, a node or
/// the numbers under it, or leaves the gap between the two columns. `box` is a label's
/// `{ width, height }`. Returns one `{ x, y }` per edge, or null when no t fits.
export function edgeLabelSpots(layout, edges, box) {
  if (edges.length === 0) return [];
  const { nodes, radius: r, below, labelWidth } = layout;
  const from = nodes[edges[0].from].column;
  const west = layout.columns[from].x + r + 2;
  const east = layout.columns[from + 1].x - r - 2;
  const obstacles = [];
  for (const n of nodes) {
    if (n.column !== from && n.column !== from + 1) continue;
    obstacles.push([n.x - r, n.y - r, n.x + r, n.y + r]);
    if (below > 0) obstacles.push([n.x - labelWidth / 2, n.y + r, n.x + labelWidth / 2, n.y + r + below]);
  }
  const pad = 2;
  for (const t of kLabelAt) {
    const spots = edges.map((e) => {
      const a = nodes[e.from];
      const b = nodes[e.to];
      return { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
    });
    const boxes = spots.map(({ x, y }) => [
      x - box.width / 2 - pad, y - box.height / 2 - pad, x + box.width / 2 + pad, y + box.height / 2 + pad,
    ]);
    const fits = boxes.every((a, k) => a[0] >= west && a[2] <= east
      && !obstacles.some((o) => overlaps(a, o))
      && !boxes.some((b, m) => m > k && overlaps(a, b)));
    if (fits) return spots;
  }
  return null;
}

/// Where a key moves the keyboard focus between the parts of the graph, without a DOM. `at` is
/// the focused part: `{ node }`, a neuron by its index in `layout.nodes`, or `{ edge, pivot }`,
/// a connection by its index in `layout.edges` and the end it is seen from: 'to' among the
/// connections into one neuron (a row of W), 'from' among those out of one (a column of W).
/// `key` is a KeyboardEvent key, after 'Ctrl+' and 'Shift+' when those are held. On a neuron:
/// ↑/↓ the neuron above/below, ←/→ the nearest one in the layer before/after, Shift+←/Shift+→
/// its first incoming/outgoing connection. On a connection: ↑/↓ the one above/below around the
/// same end, ←/→ the neuron it comes from/goes into. Home/End the first/last of the column or
/// of the connections around the same end; Ctrl+Home/Ctrl+End the first neuron of layer 1 and
/// the last of the output layer. Returns the part to focus (`at` itself where there is none
/// that way, so that the key still does nothing else), or null for a key that moves nothing.
export function graphKeyTarget(layout, at, key) {
  const [, ctrl, shift, name] = /^(Ctrl\+)?(Shift\+)?(.*)$/.exec(key);
  const counts = layout.columns.map((c) => c.count);
  const last = counts.length - 1;
  const nodeStart = [0];
  const edgeStart = [0, 0];
  for (let c = 1; c <= last; c += 1) {
    nodeStart.push(nodeStart[c - 1] + counts[c - 1]);
    edgeStart.push(edgeStart[c] + counts[c] * counts[c - 1]);
  }
  const neuron = (c, j) => ({ node: nodeStart[c] + j - 1 });
  const edge = (l, j, i, pivot) => ({ edge: edgeStart[l] + (j - 1) * counts[l - 1] + i - 1, pivot });
  // The neuron of column c at the height nearest y (columns of different sizes are centred).
  const nearest = (c, y) => {
    const distance = (j) => Math.abs(layout.nodes[nodeStart[c] + j - 1].y - y);
    let best = 1;
    for (let j = 2; j <= counts[c]; j += 1) if (distance(j) < distance(best)) best = j;
    return neuron(c, best);
  };
  // ↑/↓/Home/End along a row of `length` parts, from the one at `place` (1-based).
  const along = (place, length, part) => {
    const to = { ArrowUp: place - 1, ArrowDown: place + 1, Home: 1, End: length }[name];
    if (to === undefined) return null;
    return to >= 1 && to <= length && to !== place ? part(to) : at;
  };

  if (ctrl) {
    if (shift) return null;
    return { Home: neuron(1, 1), End: neuron(last, counts[last]) }[name] ?? null;
  }
  if (at.edge === undefined) {
    const { column: c, index: j, y } = layout.nodes[at.node];
    if (name === 'ArrowLeft' && shift) return counts[c - 1] > 0 ? edge(c, j, 1, 'to') : at;
    if (name === 'ArrowRight' && shift) return c < last ? edge(c + 1, 1, j, 'from') : at;
    if (name === 'ArrowLeft') return c > 1 ? nearest(c - 1, y) : at;
    if (name === 'ArrowRight') return c < last ? nearest(c + 1, y) : at;
    return along(j, counts[c], (k) => neuron(c, k));
  }
  const { layer: l, unit: j, input: i } = layout.edges[at.edge];
  if (name === 'ArrowLeft') return l > 1 ? neuron(l - 1, i) : at;
  if (name === 'ArrowRight') return neuron(l, j);
  return at.pivot === 'from'
    ? along(j, counts[l], (k) => edge(l, k, i, 'from'))
    : along(i, counts[l - 1], (k) => edge(l, j, k, 'to'));
}

/// Where the box and the editor of a part go: an edge's middle, just under a neuron.
export function spotOf(layout, part) {
  if (part.edge !== undefined) {
    const e = layout.edges[part.edge];
    const a = layout.nodes[e.from];
    const b = layout.nodes[e.to];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  const n = layout.nodes[part.node];
  return { x: n.x, y: n.y + layout.radius + 8 };
}
