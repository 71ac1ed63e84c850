// The digits page's drawings: the 28 × 28 grid the network sees (grey levels as on the slide),
// the ten probabilities as bars, the hidden layers' activations as strips, the saliency map,
// the loss/accuracy curves (uPlot, the global `uPlot`), the confusion matrix and the small
// digits it opens. Every number drawn is the core's; this file only decides where it goes on
// screen and in which colour. Text goes in through textContent only.
import { el, latestInLegend, themedAxis } from './dom.js';

const kSize = 28;

/// A grey level as the slide writes it: 0, 1 or two decimals (0.35).
export function greyText(v) {
  if (v <= 0) return '0';
  if (v >= 1) return '1';
  return v.toFixed(2);
}

/// A probability as a percentage with one decimal ("97.3 %"), "< 0.1 %" for what rounds to 0.
export function percentText(p) {
  if (p > 0 && p < 0.0005) return '< 0.1 %';
  return `${(100 * p).toFixed(1)} %`;
}

/// Draws `pixels` (size × size, row by row, 0…1) on `canvas`: 0 white, 1 black, thin lines
/// between the cells as on the slide; `cursor` ([row, column]) outlined.
export function drawGrid(canvas, pixels, { size = kSize, cursor = null, lines = true } = {}) {
  const c = canvas.getContext('2d', { willReadFrequently: true });
  const cell = canvas.width / size;
  c.fillStyle = '#fff';
  c.fillRect(0, 0, canvas.width, canvas.height);
  if (pixels) {
    for (let r = 0; r < size; r += 1) {
      for (let k = 0; k < size; k += 1) {
        const v = pixels[r * size + k];
        if (!(v > 0)) continue;
        const g = Math.round(255 * (1 - Math.min(1, v)));
        c.fillStyle = `rgb(${g}, ${g}, ${g})`;
        c.fillRect(k * cell, r * cell, cell, cell);
      }
    }
  }
  if (lines) {
    c.strokeStyle = 'rgba(120, 130, 145, 0.35)';
    c.lineWidth = 1;
    c.beginPath();
    for (let i = 0; i <= size; i += 1) {
      const at = Math.round(i * cell) + 0.5;
      c.moveTo(at, 0); c.lineTo(at, canvas.height);
      c.moveTo(0, at); c.lineTo(canvas.width, at);
    }
    c.stroke();
  }
  if (cursor) {
    c.strokeStyle = '#2563eb';
    c.lineWidth = 2;
    c.strokeRect(cursor[1] * cell + 1, cursor[0] * cell + 1, cell - 2, cell - 2);
  }
}

/// The table of the grid's numbers (28 rows of 28 cells, each headed by its row and column).
export function renderGridTable(table, pixels, size = kSize) {
  const body = table.tBodies[0];
  if (!pixels) {
    body.replaceChildren();
    return;
  }
  const head = el('tr');
  head.append(el('td', 'corner'));
  for (let k = 0; k < size; k += 1) {
    const th = el('th', '', String(k + 1));
    th.scope = 'col';
    head.append(th);
  }
  const rows = [head];
  for (let r = 0; r < size; r += 1) {
    const tr = el('tr');
    const th = el('th', '', String(r + 1));
    th.scope = 'row';
    tr.append(th);
    for (let k = 0; k < size; k += 1) {
      const v = pixels[r * size + k];
      tr.append(el('td', v > 0 ? 'ink' : '', greyText(v)));
    }
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

/// The ten probabilities as bars, one list item each: the digit, the bar, the percentage; the
/// predicted digit marked.
export function renderBars(box, probabilities, predicted) {
  if (!probabilities) {
    box.replaceChildren();
    return;
  }
  if (box.children.length !== probabilities.length) {
    box.replaceChildren(...probabilities.map((_, d) => {
      const row = el('div', 'bar-row');
      row.setAttribute('role', 'listitem');
      const track = el('span', 'bar-track');
      track.setAttribute('aria-hidden', 'true');
      track.append(el('span', 'bar-fill'));
      row.append(el('span', 'bar-digit', String(d)), track, el('span', 'bar-value'));
      return row;
    }));
  }
  probabilities.forEach((p, d) => {
    const row = box.children[d];
    row.classList.toggle('is-predicted', d === predicted);
    row.querySelector('.bar-fill').style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    row.querySelector('.bar-value').textContent = percentText(p);
    row.setAttribute('aria-label', `${d}: ${percentText(p)}${d === predicted ? ' (the answer)' : ''}`);
  });
}

/// One hidden layer's activations as a strip of cells (several rows when the layer is wide):
/// white 0, dark the layer's largest output.
export function drawStrip(canvas, values) {
  const n = values.length;
  const perRow = Math.min(n, 64);
  const rows = Math.ceil(n / perRow);
  const cell = 8;
  canvas.width = perRow * cell;
  canvas.height = rows * cell;
  const c = canvas.getContext('2d', { willReadFrequently: true });
  c.fillStyle = '#fff';
  c.fillRect(0, 0, canvas.width, canvas.height);
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  for (let i = 0; i < n; i += 1) {
    const t = max > 0 ? Math.max(0, values[i]) / max : 0;
    // From white to the accent's indigo (67, 56, 202).
    c.fillStyle = `rgb(${Math.round(255 - t * 188)}, ${Math.round(255 - t * 199)}, ${Math.round(255 - t * 53)})`;
    c.fillRect((i % perRow) * cell, Math.floor(i / perRow) * cell, cell, cell);
  }
  c.strokeStyle = 'rgba(120, 130, 145, 0.35)';
  c.strokeRect(0.5, 0.5, canvas.width - 1, canvas.height - 1);
}

/// Every hidden layer's strip with its name and how many units are active.
export function renderActivations(box, layers) {
  if (!layers) {
    box.replaceChildren();
    return;
  }
  const figures = layers.map((layer, i) => {
    const values = layer.values;
    const active = values.filter((v) => v > 0).length;
    const max = values.reduce((m, v) => Math.max(m, v), 0);
    const figure = el('figure', 'strip');
    const caption = el('figcaption', '', `${layer.name ?? `hidden layer ${i + 1}`}: ${active} of ${values.length} units active, largest ${max.toPrecision(3)}`);
    const canvas = el('canvas', 'strip-canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', caption.textContent);
    drawStrip(canvas, values);
    figure.append(caption, canvas);
    return figure;
  });
  box.replaceChildren(...figures);
}

/// A saliency value as a colour: red for positive (pushed the class up), blue for negative,
/// white for 0; `max` the largest |value| (full colour).
export function saliencyColour(v, max) {
  const t = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
  return v >= 0
    ? [255, Math.round(255 * (1 - t * 0.85)), Math.round(255 * (1 - t * 0.85))]
    : [Math.round(255 * (1 - t * 0.85)), Math.round(255 * (1 - t * 0.6)), 255];
}

/// Draws the saliency map (size × size, row by row) on `canvas` with the grid lines, and returns
/// the largest |value| (the legend's end points).
export function drawSaliency(canvas, values, size = kSize) {
  const c = canvas.getContext('2d', { willReadFrequently: true });
  const cell = canvas.width / size;
  c.fillStyle = '#fff';
  c.fillRect(0, 0, canvas.width, canvas.height);
  if (!values) return 0;
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < values.length; i += 1) {
    if (values[i] === 0) continue;
    const [r, g, b] = saliencyColour(values[i], max);
    c.fillStyle = `rgb(${r}, ${g}, ${b})`;
    c.fillRect((i % size) * cell, Math.floor(i / size) * cell, cell, cell);
  }
  c.strokeStyle = 'rgba(120, 130, 145, 0.25)';
  c.beginPath();
  for (let i = 0; i <= size; i += 1) {
    const at = Math.round(i * cell) + 0.5;
    c.moveTo(at, 0); c.lineTo(at, canvas.height);
    c.moveTo(0, at); c.lineTo(canvas.width, at);
  }
  c.stroke();
  return max;
}

/// A small digit (28 × 28, 2 canvas pixels per cell) with its caption, as a list item (<li>).
export function digitFigure(pixels, caption, label) {
  const figure = el('li', 'digit');
  const canvas = el('canvas', 'digit-canvas');
  canvas.width = 56;
  canvas.height = 56;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  drawGrid(canvas, pixels, { lines: false });
  figure.append(canvas, el('span', 'digit-caption', caption));
  return figure;
}

/// The confusion matrix as a table: rows the true digit, columns the answer; a cell with
/// digits in it is a button (`onOpen(truth, predicted)`); the diagonal is marked.
export function renderConfusion(table, matrix, onOpen, selected = null) {
  const n = matrix.length;
  const headRow = el('tr');
  const corner = el('th', 'corner');
  corner.append(el('span', 'visually-hidden', 'true digit ↓, answer →'));
  headRow.append(corner);
  for (let p = 0; p < n; p += 1) {
    const th = el('th', '', String(p));
    th.scope = 'col';
    th.setAttribute('aria-label', `answer ${p}`);
    headRow.append(th);
  }
  table.tHead.replaceChildren(headRow);
  const max = Math.max(1, ...matrix.flatMap((row, t) => row.filter((_, p) => p !== t)));
  const rows = matrix.map((row, t) => {
    const tr = el('tr');
    const th = el('th', '', String(t));
    th.scope = 'row';
    th.setAttribute('aria-label', `true ${t}`);
    tr.append(th);
    row.forEach((count, p) => {
      const td = el('td', t === p ? 'diagonal' : '');
      if (count > 0) {
        const what = t === p ? `${count} test digit${count === 1 ? '' : 's'} ${t} recognised` : `${count} test digit${count === 1 ? '' : 's'} ${t} taken for ${p}`;
        const button = el('button', 'cell-button', String(count));
        button.type = 'button';
        button.setAttribute('aria-label', `true ${t}, answer ${p}: ${count}`);
        button.title = what;
        if (selected && selected[0] === t && selected[1] === p) button.setAttribute('aria-pressed', 'true');
        else button.setAttribute('aria-pressed', 'false');
        if (t !== p) {
          const share = Math.min(1, count / max);
          button.style.setProperty('--heat', String(share));
          button.classList.add('is-error');
        }
        button.addEventListener('click', () => onOpen(t, p));
        td.append(button);
      } else {
        td.append(el('span', 'zero', '0'));
      }
      tr.append(td);
    });
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
  table.hidden = false;
}

/// uPlot's charts of one training: loss and accuracy, training (solid) and validation (dashed),
/// growing by one point per epoch (push), drawn when asked (draw).
export class DigitCurves {
  constructor(lossBox, accuracyBox) {
    this.lossBox = lossBox;
    this.accuracyBox = accuracyBox;
    this.reset();
  }

  reset() {
    this.loss?.destroy();
    this.accuracy?.destroy();
    this.loss = null;
    this.accuracy = null;
    this.data = { epoch: [], loss: [], valLoss: [], accuracy: [], valAccuracy: [] };
    this.lossBox.replaceChildren();
    this.accuracyBox.replaceChildren();
  }

  push(logs) {
    const d = this.data;
    d.epoch.push(logs.epoch);
    d.loss.push(logs.loss ?? null);
    d.valLoss.push(logs.val_loss ?? null);
    d.accuracy.push(logs.accuracy ?? null);
    d.valAccuracy.push(logs.val_accuracy ?? null);
  }

  draw() {
    const d = this.data;
    if (!globalThis.uPlot || d.epoch.length === 0) return;
    if (!this.loss) this.create();
    else {
      this.loss.setData([d.epoch, d.loss, d.valLoss]);
      this.accuracy.setData([d.epoch, d.accuracy, d.valAccuracy]);
      // The legends read the latest epoch (latestInLegend) unless the pointer is on a chart.
      this.loss.setLegend();
      this.accuracy.setLegend();
    }
  }

  width(box) {
    return Math.max(260, Math.floor(box.clientWidth || 480));
  }

  create() {
    const { uPlot } = globalThis;
    const d = this.data;
    const short = latestInLegend((v) => (v === null || v === undefined ? '—' : String(Number(v.toPrecision(4)))));
    // Epochs are whole: ticks at 1, 2, 5, 10, … apart.
    const axes = (label) => [themedAxis(this.lossBox, { label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }),
      themedAxis(this.lossBox, { label, size: 56 })];
    this.loss = new uPlot({
      width: this.width(this.lossBox), height: 200,
      scales: { x: { time: false } },
      axes: axes('loss'),
      series: [{ label: 'epoch', value: latestInLegend(String) },
        { label: 'loss', stroke: '#4338ca', width: 2, value: short },
        { label: 'val_loss', stroke: '#c77700', width: 2, dash: [8, 4], value: short }],
    }, [d.epoch, d.loss, d.valLoss], this.lossBox);
    this.accuracy = new uPlot({
      width: this.width(this.accuracyBox), height: 200,
      scales: { x: { time: false } },
      axes: axes('accuracy'),
      series: [{ label: 'epoch', value: latestInLegend(String) },
        { label: 'accuracy', stroke: '#4338ca', width: 2, value: short },
        { label: 'val_accuracy', stroke: '#c77700', width: 2, dash: [8, 4], value: short }],
    }, [d.epoch, d.accuracy, d.valAccuracy], this.accuracyBox);
  }
}
