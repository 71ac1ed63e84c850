// The network graph panel: neurons by layer, connections drawn by the sign and size of their
// weight, each part's numbers on hover and focus. Computes nothing: it draws the numbers the
// engine returned. Its geometry is graph-layout.js (pure), its keyboard and in-place editor
// graph-editor.js, its SVG and PNG files graph-export.js. Every element is built with
// createElement(NS) and every text goes in through textContent (the page's CSP forbids inline
// styles; nothing from the session is ever parsed as markup).
import { downloadText } from './download.js';
import { formatNumber } from './format.js';
import { biasName, weightName } from './names.js';
import { el } from './dom.js';
import { edgeLabelSpots, graphLayout, kCharWidth, kLine, spotOf } from './graph-layout.js';
import {
  closeEditor, nextSerial, onPartKey, openEditor, placeEditor, placeTabStop, setTabStop,
} from './graph-editor.js';
import { exportPng as exportPngFile, standaloneSvg } from './graph-export.js';

const kSvgNs = 'http://www.w3.org/2000/svg';

const kWidthLevels = 16; // steps of stroke width between the thinnest and the thickest edge
const kFewEdges = 64; // layers with at most this many edges get a wide hit path per edge

// ---- What is drawn: the numbers of the selected step and sample, as text -----------------

/// The schema's row of activation `name` in `rows` (model.activations: the engine's schema()
/// activations, each with its `label` on a neuron and its `title` over the layer), or {}.
function activationRow(rows, name) {
  return rows?.find((a) => a.name === name) ?? {};
}

/// Each layer's parameters (the step's, before its update, or the session's), its neurons'
/// z and y for sample `s` (0-based) and the gradients, or null where no step is computed.
function layerValues(session, step, s) {
  return session.layers.map((layer, l) => {
    const trace = step?.layers?.[l];
    const values = {
      activation: layer.activation,
      W: trace ? trace.W : layer.weights,
      b: trace ? trace.b : layer.biases,
      z: trace ? trace.z.map((row) => row[s]) : null,
      y: trace ? trace.y.map((row) => row[s]) : null,
      dW: trace ? trace.dW : null,
      db: trace ? trace.db : null,
    };
    return layer.pieces ? maxoutValues(layer, values) : values;
  });
}

/// A maxout layer (k pieces per unit; the trace's rows j·k + p, the session's [unit][piece]) as
/// one neuron per unit: its edges and bias are the winning piece's (piece 1 before a step, or
/// the winner the trace's z give: the first of the largest), and `pieces` keeps every piece's
/// numbers, listed in the texts ("max of k").
function maxoutValues(layer, v) {
  const k = layer.pieces;
  const W = Array.isArray(v.W[0]?.[0]) ? v.W.flat(1) : v.W;  // the session's [unit][piece][input]
  const b = Array.isArray(v.b[0]) ? v.b.flat(1) : v.b;
  const winner = Array.from({ length: layer.units }, (_, j) => {
    if (!v.z) return 0;
    let best = 0;
    for (let p = 1; p < k; p += 1) if (v.z[j * k + p] > v.z[j * k + best]) best = p;
    return best;
  });
  const pick = (m, j) => (m ? m[j * k + winner[j]] : null);
  return {
    activation: v.activation,
    W: winner.map((_, j) => pick(W, j)),
    b: winner.map((_, j) => pick(b, j)),
    z: v.z ? winner.map((_, j) => pick(v.z, j)) : null,
    y: v.y,
    dW: v.dW ? winner.map((_, j) => pick(v.dW, j)) : null,
    db: v.db ? winner.map((_, j) => pick(v.db, j)) : null,
    pieces: { k, winner, W, b, z: v.z },
  };
}

/// An edge of the graph as text: its parameter's `name` and `value`, and written when first
/// read (a network of 8 × 32 units has 8192 edges, whose sentences are set in later tasks and
/// whose boxes show on hover) the sentence that reads it out (`text`) and the formatted weight
/// and gradient `w`, `dw` (see edgeLines; `dw` only when the gradients are printed); `extra` ends
/// the sentence (a maxout edge's other pieces).
class EdgePart {
  constructor(name, value, grad, precision, gradients, extra = '') {
    Object.assign(this, { name, value, grad, precision, gradients, extra });
  }

  get w() {
    return formatNumber(this.value, this.precision);
  }

  get dw() {
    return this.grad && this.gradients ? formatNumber(this.grad.value, this.precision) : null;
  }

  get text() {
    return (this.grad
      ? `${this.name} = ${this.w}, ∂L/∂${this.name} = ${formatNumber(this.grad.value, this.precision)}`
      : `${this.name} = ${this.w}`) + this.extra;
  }

  /// Whether `other` reads the same (the same parameter, numbers and decimals).
  readsAs(other) {
    return other.name === this.name && other.extra === this.extra && Object.is(other.value, this.value) && other.precision === this.precision
      && Boolean(other.grad) === Boolean(this.grad) && (!this.grad || Object.is(other.grad.value, this.grad.value));
  }
}

/// The parts of the graph as text. Per edge and neuron: its parameter's name and value and
/// the sentence that reads it out (`text`); per neuron the `lines` printed under it, per edge
/// the formatted weight and gradient `w`, `dw` (an EdgePart). Per input its name and value.
function describe(session, layers, { precision, gradients, sample, samples }) {
  const f = (v) => formatNumber(v, precision);
  const forSample = samples > 1 ? ` for sample ${sample + 1}` : '';
  const edges = [];
  const neurons = [];
  layers.forEach((layer, k) => {
    const l = k + 1;
    const units = layer.W.length;
    const inputs = units > 0 ? layer.W[0].length : 0;
    const P = layer.pieces;  // maxout: the edge and the neuron show the winning piece
    const win = (j) => (P ? P.winner[j - 1] + 1 : 0);
    for (let j = 1; j <= units; j += 1) {
      for (let i = 1; i <= inputs; i += 1) {
        const name = weightName(l, j, i, units, inputs, win(j));
        const grad = layer.dW ? { value: layer.dW[j - 1][i - 1] } : null;
        let extra = '';
        if (P) {  // every piece's weight on this connection
          const others = Array.from({ length: P.k }, (_, p) => p + 1).filter((p) => p !== win(j))
            .map((p) => `${weightName(l, j, i, units, inputs, p)} = ${f(P.W[(j - 1) * P.k + p - 1][i - 1])}`);
          extra = ` (winning piece ${win(j)} of ${P.k}${layer.z ? '' : ' before a step'}; ${others.join(', ')})`;
        }
        edges.push(new EdgePart(name, layer.W[j - 1][i - 1], grad, precision, gradients, extra));
      }
      const name = biasName(l, j, units, win(j));
      const b = `${name} = ${f(layer.b[j - 1])}`;
      const forward = layer.z ? [`z = ${f(layer.z[j - 1])}`, `y = ${f(layer.y[j - 1])}`] : [];
      if (P) {  // "max of k": each piece's z, and which one won
        forward.unshift(`max of ${P.k}`);
        if (P.z) forward.splice(1, 1, ...Array.from({ length: P.k }, (_, p) => `z${p + 1} = ${f(P.z[(j - 1) * P.k + p])}`),
          `winner: piece ${win(j)}`);
      }
      const grad = layer.db ? [`∂L/∂${name} = ${f(layer.db[j - 1])}`] : [];
      const reading = forward.length ? [`${forward.join(', ')}${forSample}`, b, ...grad] : [b, ...grad];
      neurons.push({
        name, value: layer.b[j - 1],
        text: `neuron ${j} of layer ${l}: ${reading.join(', ')}`,
        // maxout: as many lines as another neuron's — the winner in place of z (each piece's z is read out)
        lines: [b, ...(P ? [P.z ? `max of ${P.k}: piece ${win(j)}` : `max of ${P.k}`, ...forward.slice(-1).filter(() => P.z)]
          : forward), ...(gradients ? grad : [])],
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

/// Caption and column titles (layer number and activation).
function drawHead(group, layout, session, captionText, activations) {
  group.append(textAt(12, 18, [captionText], 'graph-caption'));
  layout.columns.forEach((c, k) => {
    const text = textAt(c.x, 38, [k === 0 ? (c.count === 1 ? 'input' : 'inputs') : `layer ${k}`], 'graph-col');
    if (k > 0) {
      const sub = svgEl('tspan', 'graph-col-sub');
      sub.setAttribute('x', px(c.x));
      sub.setAttribute('dy', '13');
      sub.textContent = activationRow(activations, session.layers[k - 1].activation).title ?? '';
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
      item = { element, line: few ? element.lastChild : element, level, sign, labelled: null, part: null };
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
    item.part = edge;
    if (!item.labelled?.readsAs(edge)) {
      if (few) setLabel(item);
      else due.push(item);
    }
    edge.element = item.element;
    edge.edge = k;
    edge.float = true;
  }
  group.append(fresh);
}

/// Sets the aria-label of an edge to the sentence of its part, unless it reads so already.
function setLabel(item) {
  if (item.labelled?.readsAs(item.part)) return;
  item.element.setAttribute('aria-label', item.part.text);
  item.labelled = item.part;
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
function drawNeurons(group, top, layout, l, { activation, neurons, activations }) {
  const { radius: r, values } = layout;
  const output = l === layout.columns.length - 1;
  const symbol = activationRow(activations, activation).label ?? '';
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
  // The same shape in the same room is the same layout (8192 edges for 8 × 32 units).
  const layoutKey = [shape.inputs, ...shape.units, width, labelWidth].join(',');
  const layout = drawn.layoutKey === layoutKey ? drawn.layout : graphLayout(shape, { width, labelWidth });
  drawn.layoutKey = layoutKey;
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

  drawHead(groups.head, layout, session, caption(step, sample, samples, precision), model.activations);
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
      activations: model.activations,
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

/// The part the pointer is over, else the focused one: its numbers in the readout and float.
function showActive(panel) {
  const name = panel.hovered ?? panel.focused;
  const part = name && panel.drawn.parts.get(name);
  panel.readout.textContent = part ? part.text : kHint;
  showFloat(panel.drawn, part ? name : null);
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
  const serial = nextSerial();
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
  exportPng.addEventListener('click', () => exportPngFile(document, graphSvgText(container), panel.drawn.layout));
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
    if (name) onPartKey(panel, name, e);
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
/// keys that move between the parts, and the SVG of `model` = `{ session, step, precision,
/// activations }`: the normalised session, null or one trace step (its parameters are those
/// before its update), the decimals to show, and the schema's activation rows (their labels). Later calls update the panel in place, keeping the
/// toolbar's settings, focus, the part with the tab stop and an open editor.
/// `handlers.onEdit(name, text)` is called when the student applies a new value of a weight or
/// bias; if it returns `{ error: message }` the editor stays open and shows the message.
export function renderGraph(container, model, handlers) {
  const panel = panels.get(container) ?? createPanel(container);
  panel.model = model;
  panel.handlers = handlers ?? {};
  redraw(panel);
}

/// A standalone SVG document of what is drawn in `container` (white background, its own
/// styles, no focus or hover state): the text of Export SVG. Empty before the first render.
export function graphSvgText(container) {
  const drawn = panels.get(container)?.drawn;
  return drawn ? standaloneSvg(drawn.svg) : '';
}
