// The learning-rate comparison: the rates field, the loss of every step at each rate as a
// uPlot chart (the global `uPlot`), where the loss first rises or the run diverges, the
// engine's explanation and the lecture's table for each rate. Computes nothing beyond placing
// the engine's numbers; text goes in through textContent and attributes only.
import { kMaxRates } from './parse.js';
import { formatNumber } from './format.js';
import { renderTable } from './render-table.js';
import { el, latestInLegend } from './dom.js';

// The first rate's table starts open up to this many cells.
const kOpenCells = 5000;
const kLabel = 'learning rates';
// One dash pattern per series, so the curves differ without colour too.
const kDashes = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [16, 6], [6, 3, 1, 3], [1, 4]];
// The nearest CSS border style, for uPlot's legend markers.
const kLegendDashes = ['solid', 'dashed', 'dotted', 'dashed', 'dashed', 'dashed', 'dashed', 'dotted'];

/// "η = 0.1": the rate as JavaScript writes it shortest.
const rateName = (rate) => `η = ${rate.learning_rate}`;

/// What happened at one rate, in words: "the loss first rises at step 3", "diverged at step 4
/// (…)", or "the loss falls at every step".
function outcome(rate) {
  const parts = [];
  if (rate.first_rise !== null) parts.push(`the loss first rises at step ${rate.first_rise}`);
  if (rate.diverged) parts.push(`diverged at step ${rate.diverged.at} (${rate.diverged.reason})`);
  const n = rate.losses.length;
  if (parts.length === 0) {
    parts.push(n > 1 ? 'the loss falls at every step' : `${n} step${n === 1 ? '' : 's'}: no change to compare`);
  }
  return parts.join('; ');
}

/// A short line in the rate's colour and dash, as in the chart (decoration only).
function swatch(index) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'rates-swatch');
  svg.setAttribute('viewBox', '0 0 28 10');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(ns, 'line');
  line.setAttribute('class', `rate-${index + 1}`);
  for (const [key, value] of [['x1', 1], ['y1', 5], ['x2', 27], ['y2', 5]]) line.setAttribute(key, value);
  if (kDashes[index].length) line.setAttribute('stroke-dasharray', kDashes[index].join(' '));
  svg.append(line);
  return svg;
}

/// The page's colours and font for the canvas, read from the CSS custom properties.
function chartStyle(element) {
  const css = getComputedStyle(element);
  const get = (name) => css.getPropertyValue(name).trim();
  return {
    rates: kDashes.map((_, i) => get(`--rate-${i + 1}`)),
    text: get('--muted'), grid: get('--border'), surface: get('--surface'),
    font: `12px ${get('--font') || 'sans-serif'}`, labelFont: `600 12px ${get('--font') || 'sans-serif'}`,
  };
}

/// An axis label: decimals from 0.001 to 100000, otherwise powers of ten (1e-5, 2.5e+299).
function tickText(v) {
  const rounded = Number(v.toPrecision(6));
  return rounded === 0 || (Math.abs(rounded) >= 1e-3 && Math.abs(rounded) < 1e5)
    ? String(rounded) : rounded.toExponential();
}

const chartHeight = (width) => Math.round(Math.min(320, Math.max(220, width * 0.45)));

/// x = steps 1…n, one y series per rate (null past a divergence). uPlot labels no axis whose
/// numbers pass 17 digits, and a diverging run reaches 1e+256, so the y values are scaled:
/// on the log scale y = log10(L) (a loss of 0 or below has no place there and is left out);
/// on the linear scale y = L / `unit`, a power of ten once L passes 1e15 (else unit = 1).
function chartData(rates, log) {
  const n = rates.reduce((most, r) => Math.max(most, r.losses.length), 0);
  const top = rates.reduce((most, r) => r.losses.reduce((m, v) => Math.max(m, Math.abs(v)), most), 0);
  const unit = !log && top >= 1e15 ? 10 ** Math.floor(Math.log10(top)) : 1;
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  let omitted = false;
  const series = rates.map((r) => steps.map((_, i) => {
    if (i >= r.losses.length) return null;
    const loss = r.losses[i];
    if (!log) return loss / unit;
    if (loss > 0) return Math.log10(loss);
    omitted = true;
    return null;
  }));
  return { data: [steps, ...series], omitted, unit };
}

/// Rings where the loss first rises, a cross on the last step before a divergence.
function drawMarks(u, rates, style) {
  const { ctx } = u;
  const px = globalThis.uPlot.pxRatio;
  ctx.save();
  rates.forEach((rate, i) => {
    if (!u.series[i + 1].show) return;
    const ys = u.data[i + 1];
    const marks = [];
    if (rate.first_rise !== null) marks.push(['ring', rate.first_rise]);
    if (rate.diverged && rate.losses.length > 0) marks.push(['cross', rate.losses.length]);
    for (const [kind, step] of marks) {
      const loss = ys[step - 1];
      if (loss === null || loss === undefined) continue;
      const x = u.valToPos(step, 'x', true);
      const y = u.valToPos(loss, 'y', true);
      ctx.strokeStyle = style.rates[i];
      ctx.lineWidth = 2 * px;
      ctx.beginPath();
      if (kind === 'ring') {
        ctx.fillStyle = style.surface;
        ctx.arc(x, y, 6.5 * px, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        const r = 6 * px;
        ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r);
        ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r);
      }
      ctx.stroke();
    }
  });
  ctx.restore();
}

/// The uPlot options for `rates` at `width` pixels; `unit` as chartData returned it; `current()`
/// the `{ rates, precision }` drawn now, which the legend and the marks read.
function chartOptions(rates, { width, log, unit, style, current }) {
  const axis = (label) => ({
    label, stroke: style.text, font: style.font, labelFont: style.labelFont,
    grid: { stroke: style.grid, width: 1 }, ticks: { stroke: style.grid, width: 1 },
  });
  // Log scale: whole decades, labelled with the loss itself (10^y).
  const yAxis = log
    ? { ...axis('loss L (log scale)'), incrs: [1, 2, 5, 10, 20, 50, 100, 200],
      values: (u, splits) => splits.map((v) => tickText(10 ** v)) }
    : { ...axis(unit === 1 ? 'loss L' : `loss L (× ${tickText(unit)})`),
      values: (u, splits) => splits.map((v) => tickText(v)) };
  const decades = (u, min, max) => [Math.floor(min), Math.max(Math.ceil(max), Math.floor(min) + 1)];
  return {
    width, height: chartHeight(width),
    scales: { x: { time: false }, y: log ? { range: decades } : {} },
    axes: [
      { ...axis('step'), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
      { ...yAxis, size: 64 },
    ],
    series: [
      // With the pointer elsewhere (no step) the legend reads the last step's.
      { label: 'step', value: latestInLegend(String) },
      ...rates.map((rate, i) => ({
        label: rateName(rate), stroke: style.rates[i], width: 2,
        dash: kDashes[i].map((d) => d * globalThis.uPlot.pxRatio),
        points: { size: 5, fill: style.rates[i] },
        // The legend shows the engine's loss, not the plotted (scaled) value: of the result
        // drawn now (a chart is given new data in place, below).
        value: (u, v, series, step) =>
          formatNumber(current().rates[i].losses[step ?? u.data[0].length - 1], current().precision),
      })),
    ],
    legend: { markers: { dash: (u, i) => kLegendDashes[Math.max(0, i - 1)] } },
    cursor: { drag: { x: false, y: false } },
    hooks: { draw: [(u) => drawMarks(u, current().rates, style)] },
  };
}

// Each container's elements and what its chart shows: container → view.
const views = new WeakMap();
let nextId = 1;

/// Builds the field, the chart's place, the lists and the tables' place once per container.
function createView(container) {
  container.classList.add('rates-view');
  const id = `rates-${nextId++}`;
  const view = {
    input: el('input'), compare: el('button', 'primary', 'Compare'),
    error: el('p', 'field-error'), hint: el('p', 'rates-hint'),
    log: el('input'), status: el('p', 'rates-status'),
    chartBox: el('div', 'rates-chart'), logNote: el('p', 'rates-note'),
    key: el('p', 'rates-key', '○ on a curve: the step where the loss first rises; × the last step before a divergence.'),
    findings: el('ul', 'rates-findings'), explanation: el('p', 'rates-explanation'),
    tablesHead: el('h3', 'rates-subtitle', 'Tables'), tables: el('div', 'rates-tables'),
    chart: null, chartShape: null, drawn: null, ratesText: null, opened: new Map(), handlers: null,
  };
  Object.assign(view.input, { type: 'text', id: `${id}-input`, autocomplete: 'off', spellcheck: false });
  view.input.setAttribute('inputmode', 'decimal');
  view.error.id = `${id}-input-error`;
  view.error.hidden = true;
  view.hint.id = `${id}-input-hint`;
  view.hint.textContent = `Up to ${kMaxRates} rates greater than 0, separated by commas. Each run `
    + 'starts from the same values and trains the same number of steps.';
  view.input.setAttribute('aria-describedby', view.hint.id);
  view.compare.type = 'button';
  view.log.type = 'checkbox';
  view.status.setAttribute('role', 'status');
  view.chartBox.setAttribute('role', 'group');
  view.chartBox.setAttribute('aria-label', 'loss at each step for each learning rate');

  const label = el('label', '', kLabel);
  label.htmlFor = view.input.id;
  const symbol = el('span', 'symbol', 'η');
  symbol.setAttribute('aria-hidden', 'true');
  const labelRow = el('div', 'field-label');
  labelRow.append(label, symbol);
  const inputRow = el('div', 'rates-input-row');
  inputRow.append(view.input, view.compare);
  const field = el('div', 'field rates-field');
  field.append(labelRow, inputRow, view.error, view.hint);

  const logLabel = el('label', 'rates-log');
  logLabel.append(view.log, ' log scale');
  const chartHead = el('div', 'rates-chart-head');
  chartHead.append(el('h3', 'rates-subtitle', 'Loss at each step'), logLabel);

  container.replaceChildren(field, view.status, chartHead, view.chartBox, view.logNote, view.key,
    view.findings, view.explanation, view.tablesHead, view.tables);

  const compare = () => view.handlers.onCompare(view.input.value);
  view.compare.addEventListener('click', compare);
  view.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      compare();
    }
  });
  view.log.addEventListener('change', () => drawChart(view));
  new ResizeObserver(() => resizeChart(view)).observe(view.chartBox);
  views.set(container, view);
  return view;
}

/// What a chart's options depend on beyond its data: a result of the same shape is drawn into the
/// same uPlot (setData), not a new one. uPlot builds its canvas, axes and legend anew for each
/// instance, which cost every edit of the session about as much as the rest of its panels.
const chartShape = (rates, log, unit) => JSON.stringify([rates.map((r) => r.learning_rate), log, unit]);

/// Draws the chart of the last result at the box's width (again on a new result, precision or
/// scale); an empty box says why nothing is drawn.
function drawChart(view) {
  view.logNote.textContent = '';
  const result = view.drawn?.result;
  let empty = '';
  if (!result) empty = 'Press Compare to train the session at each rate and draw its loss at every step.';
  else if (!result.rates.some((r) => r.losses.length > 0)) empty = 'No step to draw: the session trains 0 steps.';
  if (empty) {
    view.chart?.destroy();
    view.chart = null;
    view.chartBox.replaceChildren(el('p', 'rates-empty', empty));
    return;
  }
  const width = view.chartBox.clientWidth;
  if (width === 0) {  // hidden: the ResizeObserver draws it once it has a width
    view.chart?.destroy();
    view.chart = null;
    return;
  }
  const log = view.log.checked;
  const { data, omitted, unit } = chartData(result.rates, log);
  if (omitted) view.logNote.textContent = 'The log scale leaves out losses of 0, which it cannot place.';
  const shape = chartShape(result.rates, log, unit);
  if (view.chart && view.chartShape === shape) {
    view.chart.setData(data);
    view.chart.setLegend();
    return;
  }
  view.chart?.destroy();
  view.chartBox.replaceChildren();
  const options = chartOptions(result.rates, {
    width, log, unit, style: chartStyle(view.chartBox),
    current: () => ({ rates: view.drawn.result.rates, precision: view.drawn.precision }),
  });
  view.chart = new globalThis.uPlot(options, data, view.chartBox);
  view.chartShape = shape;
}

/// Follows the box's width (a phone turned, a window resized).
function resizeChart(view) {
  const width = view.chartBox.clientWidth;
  if (width === 0) return;
  if (!view.chart) {
    if (view.drawn?.result) drawChart(view);
  } else if (width !== view.chart.width) {
    view.chart.setSize({ width, height: chartHeight(width) });
  }
}

/// Each rate in words: colour, "η = 10: the loss first rises at step 3".
function drawFindings(view, rates) {
  view.findings.replaceChildren(...rates.map((rate, i) => {
    const item = el('li', rate.diverged ? 'is-diverged' : rate.first_rise !== null ? 'is-rising' : '');
    item.append(swatch(i), el('span', '', `${rateName(rate)}: ${outcome(rate)}`));
    return item;
  }));
}

/// One table per rate in a <details>; a table is written when it is first opened. The first
/// starts open unless it is large (a big network's table has thousands of columns).
function drawTables(view, rates, precision) {
  // Each table's region needs its own name: a rate given twice ("1, 1") says its place too.
  const times = new Map();
  for (const rate of rates) times.set(rate.learning_rate, (times.get(rate.learning_rate) ?? 0) + 1);
  view.tables.replaceChildren(...rates.map((rate, i) => {
    const key = `${i}:${rate.learning_rate}`;
    const details = el('details', 'rates-table');
    const summary = el('summary');
    summary.append(swatch(i), el('span', 'rates-table-name', rateName(rate)),
      el('span', 'rates-table-note', outcome(rate)));
    const box = el('div', 'table-scroll');
    box.tabIndex = 0;
    box.setAttribute('role', 'region');
    const place = times.get(rate.learning_rate) > 1 ? ` (rate ${i + 1} of the list)` : '';
    box.setAttribute('aria-label', `table at ${rateName(rate)}${place}`);
    const table = el('table', 'trace');
    table.append(el('caption', 'visually-hidden', `Training steps at ${rateName(rate)}, one row per step`));
    box.append(table);
    details.append(summary, box);
    const fill = () => {
      if (table.tBodies.length === 0) {
        renderTable(table, rate.table, { precision, emptyHint: 'No step could be computed at this rate.' });
      }
    };
    details.addEventListener('toggle', () => {
      view.opened.set(key, details.open);
      if (details.open) fill();
    });
    const cells = rate.table.rows.length * rate.table.columns.length;
    details.open = view.opened.get(key) ?? (i === 0 && cells <= kOpenCells);
    if (details.open) fill();
    return details;
  }));
}

/// Draws the learning-rate comparison into `container` (an empty <div>, updated in place).
/// `model` is `{ result, error, precision, ratesText, busy }`: `result` what
/// engine.compareRates() returned (or null), `error` a message shown at the field (the last
/// chart stays), `ratesText` the field's text, `busy` while the engine works.
/// `handlers` is `{ onCompare(ratesText) }`, called on Compare or Enter in the field.
export function renderRates(container, model, handlers) {
  const view = views.get(container) ?? createView(container);
  view.handlers = handlers;
  if (model.ratesText !== view.ratesText) {
    view.ratesText = model.ratesText;
    view.input.value = model.ratesText;
  }
  const { error, busy, result, precision } = model;
  view.error.textContent = error ?? '';
  view.error.hidden = !error;
  if (error) {
    view.input.setAttribute('aria-invalid', 'true');
    view.input.setAttribute('aria-describedby', `${view.error.id} ${view.hint.id}`);
  } else {
    view.input.removeAttribute('aria-invalid');
    view.input.setAttribute('aria-describedby', view.hint.id);
  }
  view.compare.disabled = Boolean(busy);
  view.status.textContent = busy ? 'Computing…' : '';
  container.setAttribute('aria-busy', busy ? 'true' : 'false');

  // A bad text keeps the last chart and tables; no result and no error clears them.
  if (!result && error && view.drawn) return;
  if (view.drawn && view.drawn.result === result && view.drawn.precision === precision) return;
  view.drawn = { result, precision };
  drawChart(view);
  drawFindings(view, result?.rates ?? []);
  view.explanation.textContent = result?.explanation ?? '';
  view.key.hidden = !result;
  view.tablesHead.hidden = !result;
  drawTables(view, result?.rates ?? [], precision);
}
