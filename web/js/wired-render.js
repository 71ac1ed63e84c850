// The randomly wired page's drawings: the DAG from the core's layout (layer and slot of every
// node and of every dummy point), the table of nodes for screen readers, the statistics and the
// degree histogram (SVG bars), the generator's ring, step by step, and the four loss curves
// (uPlot). Computes nothing: positions are the core's layer/slot scaled; every text goes in
// through textContent. The lecture page's Graph panel draws a graph session with drawDag too.
import { latestInLegend, themedAxis } from './dom.js';

const kSvgNs = 'http://www.w3.org/2000/svg';
const kDx = 96;      // px between layers
const kDy = 52;      // px between slots
const kMargin = 34;  // px around the drawing
const kRadius = 14;  // a neuron's circle

/// An SVG element `tag` with attributes `attrs` (and `text` as its text, if given).
function svgEl(doc, tag, attrs = {}, text) {
  const e = doc.createElementNS(kSvgNs, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/// A number as the page shows it: 4 significant digits (6 with `long`).
export function showNumber(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
}

const idKey = (id) => String(id);
const isInput = (id) => typeof id === 'string';

/// Where the layout's point (layer x, slot y) is drawn, in px.
const at = (x, y) => ({ x: kMargin + x * kDx, y: kMargin + y * kDy });

/// Draws the DAG of `session` (a graph session) at the core's `layout` into `container`,
/// replacing what was there; `values` (optional, the lecture page): `{ z: [per neuron], y: [per
/// neuron], w: [per edge] }` shown on the nodes and as the edges' colour and width. Every node
/// is a tab stop whose name lists its edges; focus or hover marks its edges. Returns the SVG.
export function drawDag(container, layout, session, values = null, { title = 'graph', onFocusNode } = {}) {
  const doc = container.ownerDocument;
  const { graph } = session;
  const outputs = new Map(graph.outputs.map((j, k) => [j, graph.outputs.length > 1 ? `ŷ${k + 1}` : 'ŷ']));
  const width = 2 * kMargin + Math.max(0, layout.layers - 1) * kDx + 28;
  const height = 2 * kMargin + Math.max(0, layout.slots - 1) * kDy;
  const svg = svgEl(doc, 'svg', {
    class: 'dag', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': `${title}: ${graph.nodes.length} neurons, ${graph.edges.length} edges, ${layout.layers} layers`,
  });
  const defs = svgEl(doc, 'defs');
  const marker = svgEl(doc, 'marker', {
    id: `${container.id || 'dag'}-arrow`, viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 7, markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.append(svgEl(doc, 'path', { d: 'M0,0 L8,4 L0,8 z', class: 'dag-arrowhead' }));
  defs.append(marker);
  svg.append(defs);

  const position = new Map(layout.nodes.map((n) => [idKey(n.id), at(n.x ?? n.layer, n.y ?? n.slot)]));
  const edgesOf = new Map();
  const edgeLayer = svgEl(doc, 'g', { class: 'dag-edges' });
  const maxW = values?.w ? Math.max(1e-12, ...values.w.map(Math.abs)) : 1;
  layout.edges.forEach((edge) => {
    const from = position.get(idKey(edge.from));
    const to = position.get(idKey(edge.to));
    if (!from || !to) return;
    // The layout's points may hold the edge's own ends: only the dummy points between them count.
    const same = (p, q) => Math.abs(p.x - q.x) < 0.5 && Math.abs(p.y - q.y) < 0.5;
    const inner = (edge.points ?? []).map(([x, y]) => at(x, y)).filter((p) => !same(p, from) && !same(p, to));
    const pts = [from, ...inner, to];
    // The line ends at the circle's rim (a neuron) or the box's side (an input).
    const last = pts[pts.length - 2];
    const dx = to.x - last.x, dy = to.y - last.y, len = Math.hypot(dx, dy) || 1;
    const end = { x: to.x - (dx / len) * (kRadius + 2), y: to.y - (dy / len) * (kRadius + 2) };
    const d = smoothPath([from, ...pts.slice(1, -1), end]);
    const cls = ['dag-edge'];
    const attrs = { d, 'data-from': idKey(edge.from), 'data-to': idKey(edge.to), 'marker-end': `url(#${marker.id})` };
    if (values?.w && edge.edge >= 0) {
      const w = values.w[edge.edge];
      cls.push(w < 0 ? 'is-negative' : 'is-positive');
      attrs['stroke-width'] = (0.8 + 3.2 * Math.abs(w) / maxW).toFixed(2);
    }
    attrs.class = cls.join(' ');
    const path = svgEl(doc, 'path', attrs);
    edgeLayer.append(path);
    for (const end2 of [idKey(edge.from), idKey(edge.to)]) {
      if (!edgesOf.has(end2)) edgesOf.set(end2, []);
      edgesOf.get(end2).push(path);
    }
  });
  svg.append(edgeLayer);

  // Output arrows: each output neuron feeds ŷ on the right.
  const outLayer = svgEl(doc, 'g', { class: 'dag-outputs' });
  const nodeLayer = svgEl(doc, 'g', { class: 'dag-nodes' });
  const rows = neighbours(graph);
  const placed = [];
  for (const n of layout.nodes) {
    const p = position.get(idKey(n.id));
    const g = svgEl(doc, 'g', { class: 'dag-node', tabindex: -1, role: 'img', 'data-id': idKey(n.id) });
    let label;
    if (isInput(n.id)) {
      g.classList.add('is-input');
      g.append(svgEl(doc, 'rect', { x: p.x - 16, y: p.y - 12, width: 32, height: 24, rx: 5 }));
      g.append(svgEl(doc, 'text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle' }, n.id));
      label = `input ${n.id}, layer ${n.layer}: feeds ${listText(rows.get(idKey(n.id))?.to)}`;
    } else {
      const j = Number(n.id);
      const node = graph.nodes[j - 1];
      g.append(svgEl(doc, 'circle', { cx: p.x, cy: p.y, r: kRadius }));
      g.append(svgEl(doc, 'text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle' }, String(j)));
      const r = rows.get(idKey(j));
      const out = outputs.get(j);
      label = `neuron ${j} (${node.activation}), layer ${n.layer}: from ${listText(r.from)}; to ${listText([...r.to, ...(out ? [out] : [])])}`;
      if (out) {
        g.classList.add('is-output');
        g.append(svgEl(doc, 'circle', { cx: p.x, cy: p.y, r: kRadius + 4, class: 'dag-ring' }));
        outLayer.append(svgEl(doc, 'path', { d: `M${p.x + kRadius + 5},${p.y} l18,0`, class: 'dag-edge is-out', 'marker-end': `url(#${marker.id})` }));
        outLayer.append(svgEl(doc, 'text', { x: p.x + kRadius + 26, y: p.y + 4, class: 'dag-out-label' }, out));
      }
      if (values?.y) {
        const text = `y ${showNumber(values.y[j - 1], 3)}`;
        g.append(svgEl(doc, 'text', { x: p.x, y: p.y + kRadius + 13, 'text-anchor': 'middle', class: 'dag-value' }, text));
        label += `; z = ${showNumber(values.z[j - 1], 6)}, y = ${showNumber(values.y[j - 1], 6)}`;
      }
    }
    g.append(svgEl(doc, 'title', {}, label));
    g.setAttribute('aria-label', label);
    const mark = (on) => {
      g.classList.toggle('is-focused', on);
      for (const path of edgesOf.get(idKey(n.id)) ?? []) path.classList.toggle('is-marked', on);
    };
    g.addEventListener('focus', () => {
      mark(true);
      for (const other of nodeLayer.querySelectorAll('.dag-node[tabindex="0"]')) other.setAttribute('tabindex', '-1');
      g.setAttribute('tabindex', '0');
      onFocusNode?.(label);
    });
    g.addEventListener('blur', () => mark(false));
    g.addEventListener('pointerenter', () => mark(true));
    g.addEventListener('pointerleave', () => mark(doc.activeElement === g));
    nodeLayer.append(g);
    placed.push({ g, layer: n.layer, slot: n.slot });
  }
  placed[0]?.g.setAttribute('tabindex', '0');
  nodeLayer.addEventListener('keydown', (event) => {
    const from = placed.find((p) => p.g === event.target);
    const to = from && nextNode(placed, from, event.key);
    if (!to) return;
    event.preventDefault();
    to.g.focus();
  });
  svg.append(outLayer, nodeLayer);
  container.replaceChildren(svg);
  return svg;
}

/// An SVG path through `points`: straight between two, else rounded at each dummy point (a
/// quadratic curve from the middle of one segment to the middle of the next, with the point as
/// its control), so it stays within the segments' corner and never reaches a node's slot.
function smoothPath(points) {
  const f = (p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  if (points.length <= 2) return `M${f(points[0])} L${f(points[points.length - 1])}`;
  const mid = (a, b) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  let d = `M${f(points[0])} L${f(mid(points[0], points[1]))}`;
  for (let i = 1; i < points.length - 1; i += 1) d += ` Q${f(points[i])} ${f(mid(points[i], points[i + 1]))}`;
  return `${d} L${f(points[points.length - 1])}`;
}

/// The node the arrow key `key` moves to from `from` among `placed` ({ g, layer, slot }): the
/// next slot up or down in the layer, the nearest slot in the next layer left or right that has
/// a node; Home the first node of the first layer (an input), End the last of the last layer (the
/// output); null when there is none.
function nextNode(placed, from, key) {
  const inLayer = (layer) => placed.filter((p) => p.layer === layer).sort((a, b) => a.slot - b.slot);
  const nearest = (list) => list.reduce((best, p) => (!best || Math.abs(p.slot - from.slot) < Math.abs(best.slot - from.slot) ? p : best), null);
  switch (key) {
    case 'ArrowUp': return inLayer(from.layer).filter((p) => p.slot < from.slot).at(-1) ?? null;
    case 'ArrowDown': return inLayer(from.layer).find((p) => p.slot > from.slot) ?? null;
    case 'ArrowLeft': {
      const layers = [...new Set(placed.map((p) => p.layer))].filter((l) => l < from.layer);
      return layers.length ? nearest(inLayer(Math.max(...layers))) : null;
    }
    case 'ArrowRight': {
      const layers = [...new Set(placed.map((p) => p.layer))].filter((l) => l > from.layer);
      return layers.length ? nearest(inLayer(Math.min(...layers))) : null;
    }
    case 'Home': return inLayer(Math.min(...placed.map((p) => p.layer)))[0];
    case 'End': return inLayer(Math.max(...placed.map((p) => p.layer))).at(-1);
    default: return null;
  }
}

const listText = (list) => (list && list.length > 0 ? list.join(', ') : 'none');

/// Every node's neighbours by label: `from` and `to` lists keyed by the node's id ("x1", "3").
function neighbours(graph) {
  const rows = new Map();
  const row = (id) => {
    if (!rows.has(id)) rows.set(id, { from: [], to: [] });
    return rows.get(id);
  };
  graph.nodes.forEach((_, i) => row(String(i + 1)));
  for (const e of graph.edges) {
    row(String(e.from)).to.push(String(e.to));
    row(String(e.to)).from.push(String(e.from));
  }
  return rows;
}

/// The table of nodes: one row per neuron (nodeRows of wired-state.js), its layer from `layers`.
export function renderNodeTable(table, rows, layers) {
  const doc = table.ownerDocument;
  table.tBodies[0].replaceChildren(...rows.map((r) => {
    const tr = doc.createElement('tr');
    const th = doc.createElement('th');
    th.scope = 'row';
    th.textContent = `${r.id} (${r.activation})`;
    const td = (text) => {
      const cell = doc.createElement('td');
      cell.textContent = text;
      return cell;
    };
    tr.append(th, td(String(layers.get(String(r.id)) ?? '')), td(r.reads ? 'yes' : 'no'), td(r.output ? 'yes' : 'no'),
      td(listText(r.from)), td(listText(r.to)));
    return tr;
  }));
}

// ---- Statistics ----

/// The statistics table: each statistic, this graph's value, the family's closed form (its
/// value, or "—" where none is known).
export function renderStats(table, stats, closed) {
  const doc = table.ownerDocument;
  const cf = stats.closed_forms ?? {};
  // The closed form of `key`: the core's formula (when it writes one) = its value, or "—".
  const form = (key) => (cf[key] === undefined || cf[key] === null ? '—' : `${closed[key] ?? ''}${showNumber(cf[key])}`);
  const lines = [
    ['nodes N', String(stats.nodes), '—'],
    ['edges', String(stats.edges), form('edges')],
    ['mean degree', showNumber(stats.mean_degree), form('mean_degree')],
    ['clustering coefficient', showNumber(stats.clustering), form('clustering')],
    ['average shortest path', stats.average_shortest_path === null ? 'none (no connected pair)' : showNumber(stats.average_shortest_path), form('average_shortest_path')],
    ['nodes on the longest path', String(stats.longest_path_nodes), form('longest_path_nodes')],
    ['connected components', String(stats.components), '—'],
  ];
  table.tBodies[0].replaceChildren(...lines.map(([name, value, form]) => {
    const tr = doc.createElement('tr');
    const th = doc.createElement('th');
    th.scope = 'row';
    th.textContent = name;
    const a = doc.createElement('td');
    a.textContent = value;
    const b = doc.createElement('td');
    b.textContent = form;
    tr.append(th, a, b);
    return tr;
  }));
}

/// The degree histogram as SVG bars: one bar per degree 0…max, its count above it; the figure's
/// name lists every bar for screen readers.
export function renderHistogram(container, histogram) {
  const doc = container.ownerDocument;
  const bars = histogram.length;
  const top = Math.max(1, ...histogram.map((h) => h.count));
  const bw = Math.max(12, Math.min(36, Math.floor(320 / Math.max(1, bars))));
  const plotH = 150, left = 34, bottom = 34, topPad = 16;
  const width = left + bars * bw + 10;
  const height = topPad + plotH + bottom;
  const svg = svgEl(doc, 'svg', {
    class: 'histogram', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `degree histogram: ${histogram.filter((h) => h.count > 0).map((h) => `degree ${h.degree}: ${h.count} node${h.count === 1 ? '' : 's'}`).join('; ')}`,
  });
  svg.append(svgEl(doc, 'line', { x1: left, y1: topPad + plotH, x2: width - 4, y2: topPad + plotH, class: 'axis' }));
  histogram.forEach((h, i) => {
    const x = left + i * bw;
    const barH = (h.count / top) * plotH;
    svg.append(svgEl(doc, 'rect', { x: x + 2, y: topPad + plotH - barH, width: bw - 4, height: barH, class: 'bar' }));
    if (h.count > 0) svg.append(svgEl(doc, 'text', { x: x + bw / 2, y: topPad + plotH - barH - 3, 'text-anchor': 'middle', class: 'count' }, String(h.count)));
    if (bars <= 16 || i % Math.ceil(bars / 16) === 0) {
      svg.append(svgEl(doc, 'text', { x: x + bw / 2, y: topPad + plotH + 14, 'text-anchor': 'middle' }, String(h.degree)));
    }
  });
  svg.append(svgEl(doc, 'text', { x: left + (bars * bw) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-label' }, 'degree'));
  svg.append(svgEl(doc, 'text', { x: 12, y: topPad + plotH / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 12 ${topPad + plotH / 2})` }, 'nodes'));
  container.replaceChildren(svg);
}

// ---- The generator's steps ----

/// The undirected graph of generator step `step` on a ring: nodes 1…`visible` of `nodes`, its
/// edges, the ones the step added marked (and the ones it removed dashed), the step's new node
/// and its targets (BA) or the rewired edge's nodes (WS) ringed.
export function renderRing(container, { nodes, visible, step, change }) {
  const doc = container.ownerDocument;
  const size = 320, r = 130, c = size / 2;
  const point = (i) => {
    const angle = (2 * Math.PI * (i - 1)) / nodes - Math.PI / 2;
    return { x: c + r * Math.cos(angle), y: c + r * Math.sin(angle) };
  };
  const svg = svgEl(doc, 'svg', { class: 'ring', width: size, height: size, viewBox: `0 0 ${size} ${size}`, 'aria-hidden': 'true' });
  const key = ([i, j]) => `${Math.min(i, j)}-${Math.max(i, j)}`;
  const added = new Set(change.added.map(key));
  const line = ([i, j], cls) => {
    const a = point(i), b = point(j);
    return svgEl(doc, 'line', { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1), class: cls });
  };
  // WS's kept edge is the one the step looked at: marked as looked at, not as new.
  const kept = step.kind === 'keep' ? key([step.from, step.old]) : null;
  for (const e of step.edges) {
    const k = key(e);
    svg.append(line(e, added.has(k) ? 'ring-edge is-added' : k === kept ? 'ring-edge is-kept' : 'ring-edge'));
  }
  for (const e of change.removed) svg.append(line(e, 'ring-edge is-removed'));
  const marked = new Set([step.node, ...(step.targets ?? []), step.from, step.old, step.new].filter((v) => v !== undefined));
  for (let i = 1; i <= nodes; i += 1) {
    const p = point(i);
    const g = svgEl(doc, 'g', { class: `ring-node${i > visible ? ' is-future' : ''}${marked.has(i) ? ' is-marked' : ''}` });
    g.append(svgEl(doc, 'circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: nodes > 32 ? 7 : 10 }));
    if (nodes <= 32) g.append(svgEl(doc, 'text', { x: p.x.toFixed(1), y: (p.y + 3.5).toFixed(1), 'text-anchor': 'middle' }, String(i)));
    svg.append(g);
  }
  container.replaceChildren(svg);
}

// ---- Side by side ----

const kCurveColours = ['#4338ca', '#c77700', '#18703a', '#b42318'];
const kDashes = [undefined, [8, 4], [2, 3], [12, 3, 2, 3]];

/// The four loss curves on one plot (uPlot, log scale), filled epoch by epoch.
export class LossPlot {
  constructor(box) {
    this.box = box;
    this.plot = null;
    this.labels = '';
  }

  /// `data` = [epochs, …one array per model]; `labels` the models' titles.
  set(data, labels) {
    if (!globalThis.uPlot) return;
    const key = labels.join('|');
    if (this.plot && key === this.labels) {
      this.plot.setData(data);
      this.plot.setLegend();
      return;
    }
    this.plot?.destroy();
    this.labels = key;
    this.plot = new globalThis.uPlot({
      width: Math.max(260, Math.floor(this.box.clientWidth || 480)), height: 280,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [themedAxis(this.box, { label: 'epoch', incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500] }),
        themedAxis(this.box, { label: 'training loss (mse)', size: 64 })],
      // With the pointer elsewhere the legend reads the latest epoch's losses.
      series: [{ label: 'epoch', value: latestInLegend(String) }, ...labels.map((label, i) => ({
        label, stroke: kCurveColours[i % 4], width: 2, dash: kDashes[i % 4], spanGaps: false,
        value: latestInLegend(showNumber),
      }))],
    }, data, this.box);
  }

  resize() {
    if (this.plot) this.plot.setSize({ width: Math.max(260, Math.floor(this.box.clientWidth || 480)), height: 280 });
  }
}

/// The comparison's table: one row per model — its title, neurons, edges (weights), parameters,
/// final loss.
export function renderCompareTable(table, models) {
  const doc = table.ownerDocument;
  const head = table.tHead.rows[0];
  const th = (text, scope = 'col') => {
    const cell = doc.createElement('th');
    cell.scope = scope;
    cell.textContent = text;
    return cell;
  };
  head.replaceChildren(th('network'), th('neurons'), th('connections'), th('parameters'), th('final loss'));
  table.tBodies[0].replaceChildren(...models.map((m) => {
    const tr = doc.createElement('tr');
    const td = (text) => {
      const cell = doc.createElement('td');
      cell.textContent = text;
      return cell;
    };
    tr.append(th(m.title ?? m.name, 'row'), td(String(m.nodes ?? '—')), td(String(m.edges ?? '—')),
      td(String(m.parameters)), td(m.final_loss === null ? (m.diverged ? 'diverged' : '—') : showNumber(m.final_loss, 5)));
    return tr;
  }));
}
