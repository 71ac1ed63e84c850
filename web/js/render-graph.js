// The network graph panel: neurons by layer, connections drawn by the sign and size of their
// weight, each part's numbers on hover and focus, and an in-place editor for weights and
// biases. Computes nothing: it draws the numbers the engine returned. The parts are one tab
// stop (a roving tabindex, as in the WAI-ARIA grid pattern): the arrow keys move between them
// (see graphKeyTarget), so Tab enters and leaves the graph in one press. Every element is built
// with createElement(NS) and every text goes in through textContent (the page's CSP forbids
// inline styles; nothing from the session is ever parsed as markup).
import { downloadBlob, downloadText } from './download.js';
import { formatNumber } from './format.js';
import { biasName, weightName } from './names.js';
import { el } from './dom.js';

const kSvgNs = 'http://www.w3.org/2000/svg';

// How big neurons are drawn and how far apart, by the most nodes in one column: small networks
// show each neuron's numbers under it (`values`), larger ones on hover and focus only.
const kDetails = [
  { name: 'values', most: 4, radius: 22, pitch: 122, minGap: 150, maxStroke: 6, values: true },
  { name: 'medium', most: 12, radius: 13, pitch: 40, minGap: 110, maxStroke: 3.5, values: false },
  { name: 'dense', most: Infinity, radius: 7, pitch: 21, minGap: 88, maxStroke: 2, values: false },
];
const kLine = 14; // px between lines of 12px text
const kCharWidth = 7; // px per character of 12px text (an upper bound for digits)
const kValueLines = 4; // b, z, y, ∂L/∂b under a neuron
const kHeader = 54; // caption and column titles above the nodes
const kFooter = 34; // the legend below them
const kMaxGap = 240;
const kWidthLevels = 16; // steps of stroke width between the thinnest and the thickest edge
const kFewEdges = 64; // layers with at most this many edges get a wide hit path per edge
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

// ---- What is drawn: the numbers of the selected step and sample, as text -----------------

const kActivations = {
  sigmoid: ['σ', 'sigmoid'], tanh: ['tanh', 'tanh'], relu: ['ReLU', 'ReLU'],
  leaky_relu: ['LReLU', 'leaky ReLU'], elu: ['ELU', 'ELU'], linear: ['lin', 'linear'],
  softmax: ['soft', 'softmax'],
};

/// Each layer's parameters (the step's, before its update, or the session's), its neurons'
/// z and y for sample `s` (0-based) and the gradients, or null where no step is computed.
function layerValues(session, step, s) {
  return session.layers.map((layer, l) => {
    const trace = step?.layers?.[l];
    return {
      activation: layer.activation,
      W: trace ? trace.W : layer.weights,
      b: trace ? trace.b : layer.biases,
      z: trace ? trace.z.map((row) => row[s]) : null,
      y: trace ? trace.y.map((row) => row[s]) : null,
      dW: trace ? trace.dW : null,
      db: trace ? trace.db : null,
    };
  });
}

/// The parts of the graph as text. Per edge and neuron: its parameter's name and value and
/// the sentence that reads it out (`text`); per neuron the `lines` printed under it, per edge
/// the formatted weight and gradient `w`, `dw` (see edgeLines). Per input its name and value.
function describe(session, layers, { precision, gradients, sample, samples }) {
  const f = (v) => formatNumber(v, precision);
  const forSample = samples > 1 ? ` for sample ${sample + 1}` : '';
  const edges = [];
  const neurons = [];
  layers.forEach((layer, k) => {
    const l = k + 1;
    const units = layer.W.length;
    const inputs = units > 0 ? layer.W[0].length : 0;
    for (let j = 1; j <= units; j += 1) {
      for (let i = 1; i <= inputs; i += 1) {
        const name = weightName(l, j, i, units, inputs);
        const w = layer.W[j - 1][i - 1];
        const fw = f(w);
        const dw = layer.dW && gradients ? f(layer.dW[j - 1][i - 1]) : null;
        const text = layer.dW
          ? `${name} = ${fw}, ∂L/∂${name} = ${dw ?? f(layer.dW[j - 1][i - 1])}`
          : `${name} = ${fw}`;
        edges.push({ name, value: w, text, w: fw, dw });
      }
      const name = biasName(l, j, units);
      const b = `${name} = ${f(layer.b[j - 1])}`;
      const forward = layer.z ? [`z = ${f(layer.z[j - 1])}`, `y = ${f(layer.y[j - 1])}`] : [];
      const grad = layer.db ? [`∂L/∂${name} = ${f(layer.db[j - 1])}`] : [];
      const reading = forward.length ? [`${forward.join(', ')}${forSample}`, b, ...grad] : [b, ...grad];
      neurons.push({
        name, value: layer.b[j - 1],
        text: `neuron ${j} of layer ${l}: ${reading.join(', ')}`,
        lines: [b, ...forward, ...(gradients ? grad : [])],
      });
    }
  });
  const x = session.inputs[sample] ?? [];
  const inputs = x.map((v, i) => ({ name: x.length === 1 ? 'x' : `x${i + 1}`, value: f(v) }));
  return { inputs, edges, neurons };
}

/// The lines printed by an edge: with its parameter's name (`named`), or the numbers only.
function edgeLines(edge, named) {
  if (named) return edge.dw ? [`${edge.name} = ${edge.w}`, `∂L/∂${edge.name} = ${edge.dw}`] : [`${edge.name} = ${edge.w}`];
  return edge.dw ? [edge.w, `∂ ${edge.dw}`] : [edge.w];
}

/// The line above the graph: which step (or the start values) and which sample it shows.
function caption(step, sample, samples, precision) {
  const which = samples > 1 ? ` · sample ${sample + 1} of ${samples}` : '';
  if (!step) return `Start values (no step computed yet)${which}`;
  return `Step ${step.step}, before its update · L = ${formatNumber(step.loss, precision)}${which}`;
}

// ---- SVG ---------------------------------------------------------------------------------

function svgEl(tag, className) {
  const node = document.createElementNS(kSvgNs, tag);
  if (className) node.setAttribute('class', className);
  return node;
}

const px = (v) => String(Math.round(v * 10) / 10);

/// A text element at (x, y); `lines` after the first start `kLine` lower.
function textAt(x, y, lines, className) {
  const text = svgEl('text', className);
  text.setAttribute('x', px(x));
  text.setAttribute('y', px(y));
  if (lines.length === 1) {
    text.textContent = lines[0];
    return text;
  }
  lines.forEach((line, k) => {
    const span = svgEl('tspan');
    span.setAttribute('x', px(x));
    if (k > 0) span.setAttribute('dy', String(kLine));
    span.textContent = line;
    text.append(span);
  });
  return text;
}

/// A box with `lines` of text in it, its top left corner at (x, y).
function boxAt(x, y, width, lines, className) {
  const group = svgEl('g', className);
  const rect = svgEl('rect');
  rect.setAttribute('x', px(x));
  rect.setAttribute('y', px(y));
  rect.setAttribute('width', px(width));
  rect.setAttribute('height', px(lines.length * kLine + 6));
  rect.setAttribute('rx', '3');
  group.append(rect, textAt(x + width / 2, y + 14, lines));
  return group;
}

// The parameter name of each focusable part of the graph (edges and neurons).
const partNames = new WeakMap();

/// Makes `node` a focusable part, out of the tab order (see setTabStop); its parameter's name
/// goes into partNames, its reading into aria-label.
function makePart(node) {
  node.setAttribute('tabindex', '-1');
  node.setAttribute('role', 'button');
}

/// Makes `element` the graph's one tab stop, and the part that had it a part like any other.
function setTabStop(drawn, element) {
  if (drawn.stop === element) return;
  drawn.stop?.setAttribute('tabindex', '-1');
  element.setAttribute('tabindex', '0');
  drawn.stop = element;
}

/// Caption and column titles (layer number and activation).
function drawHead(group, layout, session, captionText) {
  group.append(textAt(12, 18, [captionText], 'graph-caption'));
  layout.columns.forEach((c, k) => {
    const text = textAt(c.x, 38, [k === 0 ? (c.count === 1 ? 'input' : 'inputs') : `layer ${k}`], 'graph-col');
    if (k > 0) {
      const sub = svgEl('tspan', 'graph-col-sub');
      sub.setAttribute('x', px(c.x));
      sub.setAttribute('dy', '13');
      sub.textContent = kActivations[session.layers[k - 1].activation]?.[1] ?? '';
      text.append(sub);
    }
    group.append(text);
  });
}

const edgeTemplates = new Map();

/// A new edge part of a sign and width `level`: a focusable <path>, or (`few`) a <g> of an
/// invisible band that is easy to point at and the visible path. Cloned from a prepared
/// element, which is faster than setting each attribute of thousands of them.
function edgeElement(few, sign, level, maxStroke) {
  const key = `${few} ${sign} ${level} ${maxStroke}`;
  if (!edgeTemplates.has(key)) {
    const template = svgEl(few ? 'g' : 'path', `graph-part graph-edge ${few ? '' : 'graph-line '}${sign}`);
    makePart(template);
    const line = few ? svgEl('path', 'graph-line') : template;
    line.setAttribute('stroke-width', px(0.75 + (maxStroke - 0.75) * level / kWidthLevels));
    if (few) template.append(svgEl('path', 'graph-hit'), line);
    edgeTemplates.set(key, template);
  }
  return edgeTemplates.get(key).cloneNode(true);
}

/// The edges into one layer (`layout.edges[first…first + count)`), the class naming the sign,
/// the stroke width ∝ |w| relative to the `largest` (in 16 steps). A network of 8 × 32 units
/// has some 8000 edges, so the elements are kept from the draw before (`cache`, same network)
/// and only what changed is set: the paths only when the layout moved (`place`). The
/// aria-labels of a layer with many edges are set after the draw (see setLabelsLater); the
/// edges whose label is due go into `due`. Adds each edge's `element`, `edge` (its index in
/// layout.edges) and `float` (hovering shows a box; true unless drawEdgeLabels prints its label).
function drawEdges(group, cache, layout, edges, { first, count, largest, place, due }) {
  const { nodes, radius: r, maxStroke } = layout;
  const few = count <= kFewEdges;
  const { items } = cache;
  const fresh = document.createDocumentFragment();
  for (let k = first; k < first + count; k += 1) {
    const edge = edges[k];
    const w = Number.isFinite(edge.value) ? edge.value : 0;
    const sign = w > 0 ? 'pos' : w < 0 ? 'neg' : 'zero';
    const level = largest > 0 ? Math.round(kWidthLevels * Math.abs(w) / largest) : 0;
    let item = items[k - first];
    if (!item) {
      const element = edgeElement(few, sign, level, maxStroke);
      partNames.set(element, edge.name);
      item = { element, line: few ? element.lastChild : element, level, sign, text: '', want: '' };
      items.push(item);
      fresh.append(element);
    }
    if (place) {
      const e = layout.edges[k];
      const a = nodes[e.from];
      const b = nodes[e.to];
      const length = Math.hypot(b.x - a.x, b.y - a.y);
      const ux = r * (b.x - a.x) / length;
      const uy = r * (b.y - a.y) / length;
      const [x1, y1, x2, y2] = [a.x + ux, a.y + uy, b.x - ux, b.y - uy];
      item.line.setAttribute('d', `M${px(x1)} ${px(y1)}L${px(x2)} ${px(y2)}`);
      if (few) {
        // A band 12 px wide along the edge: easy to point at, and a box that is never empty.
        const nx = -6 * uy / r;
        const ny = 6 * ux / r;
        item.element.firstChild.setAttribute('d', `M${px(x1 + nx)} ${px(y1 + ny)}L${px(x2 + nx)} ${px(y2 + ny)}`
          + `L${px(x2 - nx)} ${px(y2 - ny)}L${px(x1 - nx)} ${px(y1 - ny)}Z`);
      }
    }
    if (item.level !== level) {
      item.line.setAttribute('stroke-width', px(0.75 + (maxStroke - 0.75) * level / kWidthLevels));
      item.level = level;
    }
    if (item.sign !== sign) {
      item.element.classList.replace(item.sign, sign);
      item.sign = sign;
    }
    item.want = edge.text;
    if (item.text !== item.want) {
      if (few) setLabel(item);
      else due.push(item);
    }
    edge.element = item.element;
    edge.edge = k;
    edge.float = true;
  }
  group.append(fresh);
}

function setLabel(item) {
  if (item.text === item.want) return;
  item.element.setAttribute('aria-label', item.want);
  item.text = item.want;
}

/// Sets the aria-labels of `drawn.due` a few thousand at a time in later tasks, so that a
/// draw of thousands of edges returns at once and the page stays responsive. (A focused edge
/// gets its label at once: see createPanel's focusin.)
function setLabelsLater(drawn) {
  clearTimeout(drawn.timer);
  const next = () => {
    for (const item of drawn.due.splice(0, 2048)) setLabel(item);
    if (drawn.due.length > 0) drawn.timer = setTimeout(next, 0);
  };
  if (drawn.due.length > 0) drawn.timer = setTimeout(next, 0);
}

/// Weight labels printed on the edges of each layer where they fit (small networks): with
/// the weight's name if that fits, else the numbers only.
function drawEdgeLabels(group, layout, edgeTexts) {
  if (!layout.values) return;
  for (let l = 1; l < layout.columns.length; l += 1) {
    const indices = [];
    layout.edges.forEach((e, k) => { if (e.layer === l) indices.push(k); });
    const edges = indices.map((k) => layout.edges[k]);
    for (const named of [true, false]) {
      const labels = indices.map((k) => edgeLines(edgeTexts[k], named));
      const box = {
        width: Math.max(...labels.flat().map((s) => s.length)) * kCharWidth + 8,
        height: labels[0].length * kLine + 6,
      };
      const spots = edgeLabelSpots(layout, edges, box);
      if (!spots) continue;
      indices.forEach((k, m) => {
        const label = boxAt(spots[m].x - box.width / 2, spots[m].y - box.height / 2, box.width, labels[m], 'graph-label');
        if (labels[m].length > 1) label.lastChild.lastChild.setAttribute('class', 'graph-grad');
        group.append(label);
        edgeTexts[k].float = false;
      });
      break;
    }
  }
}

function circleAt(n, r, className) {
  const circle = svgEl('circle', className);
  circle.setAttribute('cx', px(n.x));
  circle.setAttribute('cy', px(n.y));
  circle.setAttribute('r', String(r));
  return circle;
}

/// The input nodes, named x or x1…xn, with their values when they fit.
function drawInputs(group, layout, inputs) {
  const { radius: r, values } = layout;
  for (const n of layout.nodes) {
    if (n.column !== 0) break;
    const input = inputs[n.index - 1] ?? { name: `x${n.index}`, value: '—' };
    group.append(circleAt(n, r, 'graph-node graph-node-input'));
    if (values) {
      group.append(textAt(n.x, n.y + 5, [input.name], 'graph-sym'),
        textAt(n.x, n.y + r + 16, [input.value], 'graph-value'));
    } else {
      group.append(textAt(n.x - r - 4, n.y + 4, [input.name], 'graph-sym graph-side graph-side-left'));
    }
  }
}

/// The neurons of layer `l` (focusable parts; the activation inside when it fits) into
/// `group`, their numbers (when they fit) and, for the output layer, the ŷ marks into `top`,
/// the layer drawn over every edge. Adds each neuron's `element`, `node` (its index in
/// layout.nodes) and `float` (hovering shows a box).
function drawNeurons(group, top, layout, l, { activation, neurons }) {
  const { radius: r, values } = layout;
  const output = l === layout.columns.length - 1;
  const symbol = kActivations[activation]?.[0] ?? '';
  let j = 0;
  layout.nodes.forEach((n, node) => {
    if (n.column !== l) return;
    const info = neurons[j];
    j += 1;
    const g = svgEl('g', 'graph-part graph-neuron');
    makePart(g);
    partNames.set(g, info.name);
    g.setAttribute('aria-label', info.text);
    g.append(circleAt(n, r, 'graph-node'));
    if (values) g.append(textAt(n.x, n.y + 5, [symbol], 'graph-act'));
    group.append(g);
    Object.assign(info, { element: g, node, float: !values });
    if (values) {
      const numbers = textAt(n.x, n.y + r + 16, info.lines, 'graph-value');
      partNames.set(numbers, info.name);
      top.append(numbers);
    }
    if (output) {
      const mark = layout.columns[l].count === 1 ? 'ŷ' : `ŷ${n.index}`;
      const arrow = svgEl('path', 'graph-out-arrow');
      arrow.setAttribute('d', `M${px(n.x + r + 3)} ${px(n.y)}h${values ? 16 : 9}`);
      top.append(arrow, textAt(n.x + r + (values ? 23 : 15), n.y + 5, [mark], 'graph-sym graph-side'));
    }
  });
}

/// The key to the edges: sign by colour and dash, width by |w|; ∂ when gradients are printed.
function drawLegend(group, layout, largest, gradients) {
  const y = layout.height - 14;
  const sample = (x, sign) => {
    const line = svgEl('path', `graph-line ${sign}`);
    line.setAttribute('d', `M${x} ${y - 4}h22`);
    line.setAttribute('stroke-width', '2');
    return line;
  };
  const key = (x, text) => textAt(x, y, [text], 'graph-key');
  group.append(sample(12, 'pos'), key(40, 'w > 0'), sample(86, 'neg'), key(114, 'w < 0'));
  const note = `width ∝ |w|, largest ${largest}`;
  if (gradients) group.append(key(160, '∂ = ∂L/∂w'), key(230, note));
  else group.append(key(160, note));
}

/// The empty SVG with its groups, first (bottom) to last (top): head, inputs, layers (per
/// layer its edges then its neurons, so that the parts read w1, b1, w2, b2 as the lecture does),
/// labels (every printed number), legend, float (the hover box). An application to screen
/// readers, so that they pass the arrow keys on (the keys are in its aria-describedby).
function createSvg() {
  const svg = svgEl('svg', 'graph-svg');
  svg.setAttribute('role', 'application');
  const groups = Object.fromEntries(['head', 'inputs', 'layers', 'labels', 'legend', 'float']
    .map((name) => [name, svgEl('g', `graph-${name}`)]));
  groups.float.setAttribute('visibility', 'hidden');
  svg.append(...Object.values(groups));
  return { svg, groups, key: '', layers: [], due: [], timer: 0, stop: null };
}

/// Draws `model` into the panel's SVG, showing `sample` (0-based) and the gradients or not,
/// spread out to `width` px when there is room. Sets `drawn.layout`, `drawn.parts` (by name)
/// and `drawn.edges`, `drawn.neurons` (in the order of layout.edges and of its neurons).
function drawSvg(drawn, model, { sample, gradients, width }) {
  const { session, step, precision } = model;
  const samples = session.inputs.length;
  const layers = layerValues(session, step, sample);
  const texts = describe(session, layers, { precision, gradients, sample, samples });
  const written = [...texts.neurons.flatMap((n) => n.lines), ...texts.inputs.map((x) => x.value)];
  const labelWidth = Math.max(0, ...written.map((s) => s.length)) * kCharWidth;
  const shape = { inputs: session.inputs[0]?.length ?? 0, units: session.layers.map((l) => l.units) };
  const layout = graphLayout(shape, { width, labelWidth });
  let largest = 0;
  for (const layer of layers) {
    for (const row of layer.W) for (const w of row) if (Number.isFinite(w)) largest = Math.max(largest, Math.abs(w));
  }

  const { svg, groups } = drawn;
  svg.setAttribute('class', `graph-svg graph-${layout.detail}`);
  svg.setAttribute('viewBox', `0 0 ${px(layout.width)} ${px(layout.height)}`);
  svg.setAttribute('width', px(layout.width));
  svg.setAttribute('height', px(layout.height));
  const units = shape.units.map((u, k) => `layer ${k + 1} has ${u} unit${u === 1 ? '' : 's'}`);
  svg.setAttribute('aria-label', `Network graph: ${shape.inputs} input${shape.inputs === 1 ? '' : 's'}; ${units.join(', ')}`);
  // At most a quarter smaller than drawn; a larger network scrolls sideways instead.
  svg.style.minWidth = `${Math.round(layout.width * 0.75)}px`;
  for (const name of ['head', 'inputs', 'labels', 'legend', 'float']) groups[name].replaceChildren();
  // The edges of the same network are kept (see drawEdges); another network starts afresh.
  const key = [shape.inputs, ...shape.units].join(',');
  const fresh = drawn.key !== key;
  if (fresh) {
    drawn.key = key;
    drawn.layers = shape.units.map(() => ({ edges: svgEl('g'), neurons: svgEl('g'), items: [] }));
    groups.layers.replaceChildren(...drawn.layers.flatMap((g) => [g.edges, g.neurons]));
  }
  const place = fresh || drawn.layout?.width !== layout.width || drawn.layout?.height !== layout.height;

  drawHead(groups.head, layout, session, caption(step, sample, samples, precision));
  drawInputs(groups.inputs, layout, texts.inputs);
  let first = 0;
  let unit = 0;
  drawn.due = [];
  drawn.layers.forEach((g, k) => {
    const count = shape.units[k] * layout.columns[k].count;
    drawEdges(g.edges, g, layout, texts.edges, { first, count, largest, place, due: drawn.due });
    g.neurons.replaceChildren();
    drawNeurons(g.neurons, groups.labels, layout, k + 1, {
      activation: session.layers[k].activation, neurons: texts.neurons.slice(unit, unit + shape.units[k]),
    });
    first += count;
    unit += shape.units[k];
  });
  drawEdgeLabels(groups.labels, layout, texts.edges);
  drawLegend(groups.legend, layout, formatNumber(largest, precision), gradients && Boolean(step));
  drawn.layout = layout;
  drawn.parts = new Map([...texts.edges, ...texts.neurons].map((part) => [part.name, part]));
  drawn.edges = texts.edges;
  drawn.neurons = texts.neurons;
  setLabelsLater(drawn);
}

/// Where the box and the editor of a part go: an edge's middle, just under a neuron.
function spotOf(layout, part) {
  if (part.edge !== undefined) {
    const e = layout.edges[part.edge];
    const a = layout.nodes[e.from];
    const b = layout.nodes[e.to];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  const n = layout.nodes[part.node];
  return { x: n.x, y: n.y + layout.radius + 8 };
}

/// Shows the numbers of part `name` next to it in a box on top (unless they are printed
/// already); hides the box for null.
function showFloat(drawn, name) {
  const { float } = drawn.groups;
  const part = name && drawn.parts.get(name);
  float.replaceChildren();
  if (!part || !part.float) {
    float.setAttribute('visibility', 'hidden');
    return;
  }
  const { width: right, height: bottom } = drawn.layout;
  const lines = part.lines ?? edgeLines(part, true);
  const width = Math.max(...lines.map((s) => s.length)) * kCharWidth + 10;
  const height = lines.length * kLine + 6;
  const at = spotOf(drawn.layout, part);
  const x = Math.min(Math.max(at.x - width / 2, 2), right - width - 2);
  const y = Math.min(Math.max(at.y + 6, 2), bottom - height - 2);
  float.append(boxAt(x, y, width, lines, 'graph-label'));
  float.setAttribute('visibility', 'visible');
}

// ---- The panel: toolbar, readout, graph, editor ------------------------------------------

const kHint = 'Point at or focus a connection or a neuron to read its numbers; click it or press Enter to change it.';
const kKeys = 'Keys: ↑ ↓ within a layer, ← → between layers; Shift+← / Shift+→ a neuron\'s incoming / '
  + 'outgoing connections, then ↑ ↓ through them and ← → to their ends; Home / End the ends of a column '
  + '(Ctrl+Home / Ctrl+End of the graph); Enter or Space edits the value, Escape cancels.';
const panels = new WeakMap();
let serial = 0;

/// The part the pointer is over, else the focused one: its numbers in the readout and float.
function showActive(panel) {
  const name = panel.hovered ?? panel.focused;
  const part = name && panel.drawn.parts.get(name);
  panel.readout.textContent = part ? part.text : kHint;
  showFloat(panel.drawn, part ? name : null);
}

/// Where part `name` is, for graphKeyTarget: a connection reached by the keys keeps the end it
/// was seen from (`panel.pivot`), one focused otherwise is seen from the neuron it goes into.
function positionOf(panel, name) {
  const part = panel.drawn.parts.get(name);
  if (part.edge === undefined) return { node: part.node };
  return { edge: part.edge, pivot: panel.pivot?.name === name ? panel.pivot.pivot : 'to' };
}

/// The part at a position of graphKeyTarget.
function partAt(drawn, at) {
  return at.edge === undefined ? drawn.neurons[at.node - drawn.layout.columns[0].count] : drawn.edges[at.edge];
}

/// Gives the tab stop to the part last focused if it is still drawn, else to the first
/// neuron of layer 1.
function placeTabStop(panel) {
  const { drawn } = panel;
  const part = drawn.parts.get(panel.roving) ?? drawn.neurons[0];
  if (part) setTabStop(drawn, part.element);
}

/// The parameter name of the part that `target` is in, or null.
function partName(target) {
  for (let node = target; node instanceof Element; node = node.parentNode) {
    if (partNames.has(node)) return partNames.get(node);
  }
  return null;
}

/// Builds the toolbar, readout, scroll box and key hint once; the SVG inside is redrawn by
/// renderGraph.
function createPanel(container) {
  serial += 1;
  container.classList.add('graph');
  const toolbar = el('div', 'graph-toolbar');
  const gradients = el('input');
  gradients.type = 'checkbox';
  const gradientsLabel = el('label', 'graph-check');
  gradientsLabel.append(gradients, ' show gradients');
  const sample = el('select');
  sample.id = `graph-sample-${serial}`;
  const sampleLabel = el('label', '', 'sample');
  sampleLabel.htmlFor = sample.id;
  const sampleBox = el('div', 'graph-sample');
  sampleBox.append(sampleLabel, sample);
  const exportSvg = el('button', 'graph-export', 'Export SVG');
  const exportPng = el('button', 'graph-export', 'Export PNG');
  exportSvg.type = 'button';
  exportPng.type = 'button';
  const exports = el('div', 'graph-exports');
  exports.append(exportSvg, exportPng);
  toolbar.append(gradientsLabel, sampleBox, exports);
  const readout = el('p', 'graph-readout', kHint);
  const keys = el('p', 'graph-keys', kKeys);
  keys.id = `graph-keys-${serial}`;
  const scroll = el('div', 'graph-scroll');
  const drawn = createSvg();
  drawn.svg.setAttribute('aria-describedby', keys.id);
  scroll.append(drawn.svg);
  // The readout goes below the graph so that its changing height never moves the graph.
  container.replaceChildren(toolbar, scroll, readout, keys);

  // `roving`: the part with the tab stop; `pivot`: see positionOf.
  const panel = {
    container, gradients, sample, sampleBox, readout, scroll, drawn,
    hovered: null, focused: null, roving: null, pivot: null, editor: null, model: null, handlers: {}, width: null,
  };
  // Columns spread to the box's width; watching it (rather than reading it in each draw)
  // spares every draw a forced layout of the page.
  new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width === panel.width) return;
    panel.width = width;
    if (panel.model) redraw(panel);
  }).observe(scroll);
  gradients.addEventListener('change', () => redraw(panel));
  sample.addEventListener('change', () => redraw(panel));
  exportSvg.addEventListener('click', () => downloadText('network.svg', graphSvgText(container), 'image/svg+xml'));
  exportPng.addEventListener('click', () => exportPngFile(panel));
  // Listening on the box, not the <svg>: Chromium makes an <svg> with focus listeners a tab stop.
  scroll.addEventListener('pointerover', (e) => { panel.hovered = partName(e.target); showActive(panel); });
  scroll.addEventListener('pointerleave', () => { panel.hovered = null; showActive(panel); });
  scroll.addEventListener('focusin', (e) => {
    panel.focused = partName(e.target);
    const part = panel.focused && panel.drawn.parts.get(panel.focused);
    if (part) {
      if (e.target.getAttribute('aria-label') !== part.text) e.target.setAttribute('aria-label', part.text);
      panel.roving = panel.focused;
      setTabStop(panel.drawn, part.element);
    }
    showActive(panel);
  });
  scroll.addEventListener('focusout', (e) => {
    if (!partName(e.relatedTarget)) { panel.focused = null; showActive(panel); }
  });
  scroll.addEventListener('click', (e) => {
    const name = partName(e.target);
    if (name) openEditor(panel, name);
  });
  scroll.addEventListener('scroll', () => { if (panel.editor) placeEditor(panel); });
  scroll.addEventListener('keydown', (e) => {
    const name = partName(e.target);
    if (!name) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openEditor(panel, name);
      return;
    }
    if (e.altKey || e.metaKey) return;
    const key = `${e.ctrlKey ? 'Ctrl+' : ''}${e.shiftKey ? 'Shift+' : ''}${e.key}`;
    const at = graphKeyTarget(panel.drawn.layout, positionOf(panel, name), key);
    if (!at) return;
    e.preventDefault();
    const part = partAt(panel.drawn, at);
    panel.pivot = at.edge === undefined ? null : { name: part.name, pivot: at.pivot };
    part.element.focus();
  });
  panels.set(container, panel);
  return panel;
}

/// Draws the SVG for the panel's model and settings, keeping focus and an open editor.
function redraw(panel) {
  const { session } = panel.model;
  const samples = session.inputs.length;
  if (panel.sample.options.length !== samples) {
    const chosen = Math.min(panel.sample.selectedIndex, samples - 1);
    panel.sample.replaceChildren(...session.inputs.map((_, s) => el('option', '', String(s + 1))));
    panel.sample.selectedIndex = Math.max(chosen, 0);
  }
  panel.sampleBox.hidden = samples < 2;

  const { svg } = panel.drawn;
  const focused = svg.contains(document.activeElement) ? partName(document.activeElement) : null;
  drawSvg(panel.drawn, panel.model, {
    sample: Math.max(panel.sample.selectedIndex, 0),
    gradients: panel.gradients.checked,
    width: panel.width ??= panel.scroll.clientWidth,
  });
  placeTabStop(panel);
  // A neuron in focus was drawn anew: focus its successor.
  if (focused && !svg.contains(document.activeElement)) {
    panel.drawn.parts.get(focused)?.element.focus({ preventScroll: true });
  }
  if (panel.editor) {
    if (panel.drawn.parts.has(panel.editor.name)) placeEditor(panel);
    else closeEditor(panel, false);
  }
  showActive(panel);
}

/// Draws the graph panel into `container` (an empty <div>): a toolbar (show gradients, sample,
/// Export SVG, Export PNG), a readout of the part under the pointer or in focus, a line on the
/// keys that move between the parts, and the SVG of `model` = `{ session, step, precision }`:
/// the normalised session, null or one trace step (its parameters are those before its
/// update), and the decimals to show. Later calls update the panel in place, keeping the
/// toolbar's settings, focus, the part with the tab stop and an open editor.
/// `handlers.onEdit(name, text)` is called when the student applies a new value of a weight or
/// bias; if it returns `{ error: message }` the editor stays open and shows the message.
export function renderGraph(container, model, handlers) {
  const panel = panels.get(container) ?? createPanel(container);
  panel.model = model;
  panel.handlers = handlers ?? {};
  redraw(panel);
}

// ---- Editor ------------------------------------------------------------------------------

/// Opens the in-place editor for parameter `name`, pre-filled with its full value.
function openEditor(panel, name) {
  closeEditor(panel, false);
  const part = panel.drawn.parts.get(name);
  serial += 1;
  const form = el('form', 'graph-editor');
  const input = el('input');
  input.type = 'text';
  input.id = `graph-edit-${serial}`;
  input.value = String(part.value);
  input.inputMode = 'decimal';
  input.autocomplete = 'off';
  input.spellcheck = false;
  const label = el('label', '', `new value of ${name}`);
  label.htmlFor = input.id;
  const error = el('p', 'graph-editor-error');
  error.id = `${input.id}-error`;
  error.hidden = true;
  const apply = el('button', 'primary', 'Apply');
  apply.type = 'submit';
  const cancel = el('button', '', 'Cancel');
  cancel.type = 'button';
  const buttons = el('div', 'graph-editor-buttons');
  buttons.append(apply, cancel);
  form.append(label, input, error, buttons);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyEdit(panel, name, input.value);
  });
  cancel.addEventListener('click', () => closeEditor(panel, true));
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeEditor(panel, true);
    }
  });
  panel.container.append(form);
  panel.editor = { form, name, input, error };
  placeEditor(panel);
  input.focus();
  input.select();
}

/// Hands the text to the page; keeps the editor open with the page's message if it refuses.
function applyEdit(panel, name, text) {
  const result = panel.handlers.onEdit?.(name, text);
  const message = result && typeof result === 'object' ? result.error : null;
  if (!message || !panel.editor) {
    closeEditor(panel, true);
    return;
  }
  const { input, error } = panel.editor;
  error.textContent = message;
  error.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', error.id);
  input.focus();
}

/// Closes the editor; with `refocus`, focus goes back to the part it edited.
function closeEditor(panel, refocus) {
  if (!panel.editor) return;
  const { form, name } = panel.editor;
  panel.editor = null;
  form.remove();
  if (refocus) panel.drawn?.parts.get(name)?.element.focus({ preventScroll: true });
}

/// Puts the editor just below its part (above it when the graph ends there), within the
/// panel's width. It sits in the panel, not in the graph's scroll box, which would clip it.
function placeEditor(panel) {
  const { form, name } = panel.editor;
  const { svg, layout, parts } = panel.drawn;
  const { container, scroll } = panel;
  const at = spotOf(layout, parts.get(name));
  const frame = container.getBoundingClientRect();
  const area = svg.getBoundingClientRect();
  const box = scroll.getBoundingClientRect();
  const scale = area.width / layout.width;
  const x = area.left - frame.left + at.x * scale;
  const y = area.top - frame.top + at.y * scale;
  const width = form.offsetWidth;
  const height = form.offsetHeight;
  const left = Math.max(Math.min(x - width / 2, frame.width - width - 4), 4);
  const fitsBelow = y + 10 + height <= box.bottom - frame.top || y - height - 14 < box.top - frame.top;
  form.style.left = `${left}px`;
  form.style.top = `${fitsBelow ? y + 10 : y - height - 14}px`;
}

// ---- Export ------------------------------------------------------------------------------

// The look of the standalone file: the page's light colours, fonts every viewer has.
const kExportCss = `
text { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 12px; fill: #1a1d23; text-anchor: middle; }
.graph-caption { text-anchor: start; font-weight: bold; font-size: 13px; }
.graph-col { font-weight: bold; fill: #555e6b; }
.graph-col-sub { font-weight: normal; font-size: 11px; }
.graph-sym, .graph-act { font-family: "DejaVu Serif", "Times New Roman", serif; font-style: italic; font-size: 15px; }
.graph-act { font-style: normal; font-size: 13px; fill: #3730a3; }
.graph-side { font-size: 12px; text-anchor: start; }
.graph-side-left { text-anchor: end; }
.graph-value { font-size: 11.5px; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
.graph-label text { font-size: 11.5px; }
.graph-label rect { fill: #ffffff; }
.graph-grad { fill: #9a5b00; }
.graph-key { font-size: 11px; text-anchor: start; fill: #555e6b; }
.graph-line { fill: none; stroke: #0a6ebd; }
.graph-line.neg, .neg .graph-line { stroke: #d55e00; stroke-dasharray: 6 3; }
.graph-line.zero, .zero .graph-line { stroke: #8a94a3; }
.graph-dense .graph-line { stroke-opacity: 0.6; }
.graph-node { fill: #eef0fd; stroke: #4338ca; stroke-width: 2px; }
.graph-node-input { fill: #ffffff; stroke: #1a1d23; stroke-width: 1.5px; }
.graph-out-arrow { fill: none; stroke: #555e6b; stroke-width: 1.5px; }
`;

/// A standalone SVG document of what is drawn in `container` (white background, its own
/// styles, no focus or hover state): the text of Export SVG. Empty before the first render.
export function graphSvgText(container) {
  const drawn = panels.get(container)?.drawn;
  if (!drawn) return '';
  const copy = drawn.svg.cloneNode(true);
  copy.querySelector('.graph-float')?.remove();
  for (const hit of copy.querySelectorAll('.graph-hit')) hit.remove();
  for (const part of copy.querySelectorAll('[tabindex]')) {
    for (const attribute of ['tabindex', 'role', 'aria-label']) part.removeAttribute(attribute);
  }
  for (const attribute of ['role', 'aria-label', 'aria-describedby', 'style']) copy.removeAttribute(attribute);
  const title = svgEl('title');
  title.textContent = drawn.svg.getAttribute('aria-label');
  const style = svgEl('style');
  style.textContent = kExportCss;
  const background = svgEl('rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  copy.prepend(title, style, background);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/// Draws the exported SVG onto a canvas at twice its size and offers it as network.png.
async function exportPngFile(panel) {
  const { layout } = panel.drawn;
  const url = URL.createObjectURL(new Blob([graphSvgText(panel.container)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(layout.width * 2);
    canvas.height = Math.ceil(layout.height * 2);
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((done) => canvas.toBlob(done, 'image/png'));
    downloadBlob('network.png', blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}
