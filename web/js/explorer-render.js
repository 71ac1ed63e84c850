// The explorer page's drawings: the curve of f and f′ with its draggable point and saturated
// bands (uPlot), the chain's log10 ‖∂L/∂W‖ per layer (uPlot) and its table, formulas (KaTeX).
// Computes nothing: every number is the engine's; text goes in through textContent only.
import { themedAxis } from './dom.js';

const kColours = ['#4338ca', '#c77700', '#18703a', '#b42318'];
/// maxout's piece lines: faint, one colour per piece.
const kPieceColours = ['rgba(24, 112, 58, 0.55)', 'rgba(180, 35, 24, 0.55)', 'rgba(85, 94, 107, 0.55)', 'rgba(14, 116, 144, 0.55)'];

/// A number as the page shows it: 6 significant digits, or the engine's word for it.
export function showNumber(v) {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(5);
}

/// Typesets `tex` into `element` (KaTeX), or writes it as text when KaTeX did not load.
export function renderFormula(element, tex) {
  if (globalThis.katex) globalThis.katex.render(tex, element, { throwOnError: false, displayMode: false });
  else element.textContent = tex;
}

const width = (box) => Math.max(260, Math.floor(box.clientWidth || 480));

/// f and f′ against z, the saturated intervals shaded, a point at z that can be dragged
/// (mouse, touch or pen): `onDrag(z)` is called with the z under the pointer.
export class CurvePlot {
  constructor(box, onDrag) {
    this.box = box;
    this.onDrag = onDrag;
    this.plot = null;
    this.curve = null;
    this.point = null;
  }

  setCurve(curve) {
    this.curve = curve;
    const data = [curve.z, curve.f, curve.df];
    if (!globalThis.uPlot) return;
    if (this.plot) {
      this.plot.setData(data);
      this.plot.setScale('x', { min: curve.from, max: curve.to });
      return;
    }
    this.create(data);
  }

  setPoint(point) {
    this.point = point;
    this.plot?.redraw(false, false);
    // The legend, while the pointer is not over the plot, reads the point's values (below).
    this.plot?.setLegend();
  }

  create(data) {
    const { uPlot } = globalThis;
    const shade = (u) => {
      const { ctx, bbox } = u;
      ctx.save();
      ctx.fillStyle = 'rgba(199, 119, 0, 0.12)';
      for (const s of this.curve?.saturated ?? []) {
        const a = u.valToPos(s.from, 'x', true), b = u.valToPos(s.to, 'x', true);
        ctx.fillRect(Math.min(a, b), bbox.top, Math.abs(b - a), bbox.height);
      }
      ctx.restore();
    };
    // maxout's pieces w_p·x + b_p: thin, faint, clipped to the plot.
    const lines = (u) => {
      const c = this.curve;
      if (!c?.lines) return;
      const { ctx, bbox } = u;
      ctx.save();
      ctx.beginPath();
      ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
      ctx.clip();
      ctx.lineWidth = 1 * devicePixelRatio;
      c.lines.forEach((line, p) => {
        ctx.strokeStyle = kPieceColours[p % kPieceColours.length];
        ctx.beginPath();
        ctx.moveTo(u.valToPos(c.z[0], 'x', true), u.valToPos(line[0], 'y', true));
        ctx.lineTo(u.valToPos(c.z[c.z.length - 1], 'x', true), u.valToPos(line[line.length - 1], 'y', true));
        ctx.stroke();
      });
      ctx.restore();
    };
    const marker = (u) => {
      const p = this.point;
      if (!p || p.f === null) return;
      const { ctx } = u;
      const x = u.valToPos(p.z, 'x', true);
      ctx.save();
      ctx.strokeStyle = '#555e6b';
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.setLineDash([]);
      for (const [v, colour] of [[p.f, kColours[0]], [p.df, kColours[1]]]) {
        if (v === null) continue;
        ctx.fillStyle = colour;
        ctx.beginPath();
        ctx.arc(x, u.valToPos(v, 'y', true), 6 * devicePixelRatio, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.restore();
    };
    this.plot = new uPlot({
      width: width(this.box), height: 260,
      scales: { x: { time: false, auto: false, min: data[0][0], max: data[0][data[0].length - 1] } },
      axes: [themedAxis(this.box, { label: 'z' }), themedAxis(this.box, { label: 'f(z), f′(z)', size: 56 })],
      cursor: { drag: { x: false, y: false } },
      // Under the pointer the legend reads the curve there; elsewhere (no index: uPlot's "--") the
      // point's z, f(z) and f′(z), as the marker shows them.
      series: [{ label: 'z', value: (u, v, s, i) => showNumber(i == null ? this.point?.z : v) },
        { label: 'f(z)', stroke: kColours[0], width: 2, value: (u, v, s, i) => showNumber(i == null ? this.point?.f : v) },
        { label: 'f′(z)', stroke: kColours[1], width: 2, dash: [8, 4],
          value: (u, v, s, i) => showNumber(i == null ? this.point?.df : v) }],
      hooks: { drawClear: [shade], draw: [lines, marker] },
    }, data, this.box);
    const over = this.plot.over;
    const zAt = (e) => this.plot.posToVal(e.clientX - over.getBoundingClientRect().left, 'x');
    over.addEventListener('pointerdown', (e) => {
      over.setPointerCapture(e.pointerId);
      this.dragging = true;
      this.onDrag(zAt(e));
    });
    over.addEventListener('pointermove', (e) => {
      if (this.dragging) this.onDrag(zAt(e));
    });
    const stop = (e) => {
      this.dragging = false;
      if (over.hasPointerCapture(e.pointerId)) over.releasePointerCapture(e.pointerId);
    };
    over.addEventListener('pointerup', stop);
    over.addEventListener('pointercancel', stop);
  }
}

/// log10 ‖∂L/∂W‖ per layer: the chosen activation and the comparison's, one line each; a layer
/// whose norm is 0 or not finite is a gap (its text is in the table).
export class ChainPlot {
  constructor(box) {
    this.box = box;
    this.plot = null;
    this.names = '';
  }

  set(result) {
    if (!globalThis.uPlot) return;
    const series = [result.chain.activation, ...result.comparison.map((c) => c.activation)];
    const layers = [result.layers, ...result.comparison.map((c) => c.layers)];
    const data = [result.layers.map((l) => l.layer), ...layers.map((ls) => ls.map((l) => l.log10_frobenius))];
    const names = series.join(',');
    if (this.plot && names === this.names) {
      this.plot.setData(data);
      this.plot.setLegend();
      return;
    }
    this.plot?.destroy();
    this.names = names;
    this.plot = new globalThis.uPlot({
      width: width(this.box), height: 260,
      scales: { x: { time: false } },
      axes: [themedAxis(this.box, { label: 'layer (1 = next to the input)' }), themedAxis(this.box, { label: 'log₁₀ ‖∂L/∂W‖', size: 56 })],
      // With the pointer elsewhere the legend reads layer 1, next to the input: where a
      // gradient has vanished or exploded most.
      series: [{ label: 'layer', value: (u, v, s, i) => String(i == null ? u.data[0][0] : v) }, ...series.map((name, i) => ({
        label: i === 0 ? `${name} (chosen)` : name, stroke: kColours[i % kColours.length], width: i === 0 ? 3 : 2,
        dash: i === 0 ? undefined : [8, 4], points: { show: true }, spanGaps: false,
        value: (u, v, s, index) => showNumber(index == null ? u.data[s][0] : v),
      }))],
    }, data, this.box);
  }
}

/// The table: one row per layer, the chosen activation's norms and text, then each comparison's
/// log10; a 0 or a non-finite norm is the engine's words ("0 (underflow)", "inf (overflow)").
export function renderChainTable(table, result) {
  const doc = table.ownerDocument;
  const head = table.tHead.rows[0];
  const th = (text) => {
    const cell = doc.createElement('th');
    cell.scope = 'col';
    cell.textContent = text;
    return cell;
  };
  const name = result.chain.activation;
  head.replaceChildren(th('layer'), th('units × inputs'), th(`${name} ‖∂L/∂W‖ (Frobenius)`),
    th(`${name} mean |∂L/∂w|`), th(`${name} log₁₀ ‖∂L/∂W‖`),
    ...result.comparison.map((c) => th(`${c.activation} log₁₀ ‖∂L/∂W‖`)));
  const body = table.tBodies[0];
  body.replaceChildren(...result.layers.map((l, i) => {
    const row = doc.createElement('tr');
    const cell = (text, special = false) => {
      const td = doc.createElement('td');
      td.textContent = text;
      if (special) td.className = 'special';
      return td;
    };
    const layer = doc.createElement('th');
    layer.scope = 'row';
    layer.textContent = i === result.layers.length - 1 ? `${l.layer} (output)` : String(l.layer);
    const log = (x) => (x.log10_frobenius === null ? cell(x.text, true) : cell(x.log10_frobenius.toFixed(3)));
    row.append(layer, cell(`${l.units} × ${l.inputs}`),
      l.frobenius === null ? cell(l.text, true) : cell(showNumber(l.frobenius)),
      l.mean_abs === null ? cell(l.mean_text, true) : cell(showNumber(l.mean_abs)),
      log(l), ...result.comparison.map((c) => log(c.layers[i])));
    return row;
  }));
}
