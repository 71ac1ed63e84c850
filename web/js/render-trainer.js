// The trainer page's drawings: the live loss/val_loss and learning-rate curves (uPlot, the
// global `uPlot`), the progress line, and the test set's predicted-against-true plot (SVG).
// Draws the numbers the core sent; computes only where they go on screen.
import { eta, formatDuration } from './trainer-form.js';
import { el, headerCell, latestInLegend, themedAxis } from './dom.js';

const kSvg = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}) {
  const node = document.createElementNS(kSvg, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  return node;
}

/// A short number for labels: 3 significant digits, plain or scientific.
export function shortNumber(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/// The labels of a log axis's ticks: uPlot passes null for the minor ticks it leaves without a
/// label (2…9 × 10^k when they would crowd); those stay unlabelled instead of printing "—".
export function axisLabels(ticks) {
  return ticks.map((v) => (v === null || v === undefined ? null : shortNumber(v)));
}

/// How often a page draws its training views (curves, progress, the last epoch's line) while
/// epochs arrive: at most once every kDrawEvery ms. An epoch of the lecture's model takes about
/// 45 ms in the browser; drawn after every one, the page's main thread took the core that the
/// trainer's second thread and the browser's optimising compiler need (docs/threads.md: two
/// threads ran no faster than one on the trainer page). Nobody reads a curve 20 times a second.
export const kDrawEvery = 250;

/// Runs `draw` soon after request(), but at most once every `every` ms; flush() draws now (a
/// training that ended or paused shows its last epoch at once), cancel() forgets a pending draw,
/// restart() also counts the interval from now.
export class Throttle {
  constructor(draw, every = kDrawEvery) {
    this.draw = draw;
    this.every = every;
    this.last = -Infinity;
    this.timer = null;
  }

  request() {
    if (this.timer !== null) return;
    const wait = Math.max(0, Math.ceil(this.last + this.every - performance.now()));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.cancel();
    this.last = performance.now();
    this.draw();
  }

  cancel() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /// Forgets a pending draw and counts the interval from now (a training starts: the page has
  /// just drawn its start, and the first epochs run while the browser optimises the trainer).
  restart() {
    this.cancel();
    this.last = performance.now();
  }
}

/// Two uPlot charts that grow by one point per epoch (push), drawn when asked (draw).
export class Curves {
  constructor(lossBox, lrBox) {
    this.lossBox = lossBox;
    this.lrBox = lrBox;
    this.data = { epoch: [], loss: [], val: [], lr: [] };
    this.loss = null;
    this.lr = null;
  }

  width(box) {
    return Math.max(260, Math.floor(box.clientWidth || 480));
  }

  reset() {
    this.data = { epoch: [], loss: [], val: [], lr: [] };
    this.loss?.destroy();
    this.lr?.destroy();
    this.loss = null;
    this.lr = null;
    this.lossBox.replaceChildren();
    this.lrBox.replaceChildren();
  }

  push(logs) {
    const d = this.data;
    d.epoch.push(logs.epoch);
    d.loss.push(logs.loss);
    d.val.push(logs.val_loss ?? null);
    d.lr.push(logs.lr);
  }

  draw() {
    const d = this.data;
    if (!globalThis.uPlot || d.epoch.length === 0) return;
    if (!this.loss) this.create();
    else {
      this.loss.setData([d.epoch, d.loss, d.val]);
      this.lr.setData([d.epoch, d.lr]);
      // The legends read the latest epoch (latestInLegend) unless the pointer is on a chart.
      this.loss.setLegend();
      this.lr.setLegend();
    }
  }

  create() {
    const { uPlot } = globalThis;
    const d = this.data;
    const axes = (label) => [themedAxis(this.lossBox, { label: 'epoch' }),
      themedAxis(this.lossBox, { label, size: 64, values: (u, ticks) => axisLabels(ticks) })];
    this.loss = new uPlot({
      width: this.width(this.lossBox), height: 220,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: axes('loss'),
      series: [{ label: 'epoch', value: latestInLegend(String) },
        { label: 'loss', stroke: '#4338ca', width: 2, value: latestInLegend(shortNumber) },
        { label: 'val_loss', stroke: '#c77700', width: 2, dash: [8, 4], value: latestInLegend(shortNumber) }],
    }, [d.epoch, d.loss, d.val], this.lossBox);
    this.lr = new uPlot({
      width: this.width(this.lrBox), height: 220,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: axes('learning rate'),
      series: [{ label: 'epoch', value: latestInLegend(String) },
        { label: 'lr', stroke: '#18703a', width: 2, value: latestInLegend(shortNumber) }],
    }, [d.epoch, d.lr], this.lrBox);
  }
}

/// Every epoch of a training as a table (the curves' numbers, to read, and for screen readers),
/// written when the training pauses or ends: `columns` are [header, values, format] with the
/// epochs first (the rows' headers).
export function renderHistory(box, caption, columns) {
  const table = el('table', 'history-table');
  table.append(el('caption', '', caption));
  const head = el('tr');
  head.append(...columns.map(([name]) => headerCell(name)));
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  columns[0][1].forEach((_, i) => {
    const row = el('tr');
    columns.forEach(([, values, format = String], c) => {
      row.append(c === 0 ? headerCell(format(values[i]), 'row') : el('td', '', format(values[i])));
    });
    body.append(row);
  });
  table.append(thead, body);
  box.replaceChildren(table);
}

/// What the trainer and digits pages draw of a training (their Throttle's draw): the curves, the
/// progress and the last epoch's line (`line(logs)`); once training pauses or ends, every epoch
/// as a table (`table(curves.data)` gives its caption and columns). `page` holds the last
/// epoch's logs, the epochs asked for, the time so far and the state.
export function drawEpochViews({ curves, ui, page, line, table }) {
  curves.draw();
  const logs = page.logs;
  if (!logs) return;
  renderProgress(ui.progress, { epoch: logs.epoch, epochs: page.epochs, elapsed: page.elapsed, state: page.state });
  ui.last.textContent = line(logs);
  // The table only when the training pauses or ends: it grows by a row an epoch.
  if (page.state !== 'running') {
    renderHistory(ui.historyTable, ...table(curves.data));
    ui.history.hidden = false;
  }
}

/// Before a new training: forgets the last one's views (`view`, the page's Throttle, counts its
/// interval from now) and empties the curves, the last epoch's line and the table.
export function clearEpochViews({ view, curves, ui, page }) {
  view.restart();
  page.logs = null;
  curves.reset();
  ui.history.hidden = true;
  ui.historyTable.replaceChildren();
  ui.last.textContent = '';
}

/// The training status while something blocks Train (data that cannot be read, a model that is
/// not valid): block(text) says why, keeping the status it replaced (the first one, when blocks
/// follow each other); unblock() brings that status back.
export class StatusBlock {
  constructor(element) {
    this.element = element;
    this.replaced = null;
  }

  block(text) {
    this.replaced ??= { text: this.element.textContent, error: this.element.classList.contains('is-error') };
    this.element.textContent = text;
    this.element.classList.remove('is-error');
  }

  unblock() {
    if (!this.replaced) return;
    this.element.textContent = this.replaced.text;
    this.element.classList.toggle('is-error', this.replaced.error);
    this.replaced = null;
  }
}

/// "1 feature", "9 features": a count and its noun, singular for one.
export const counted = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/// "1 epoch", "8 epochs".
export const epochCount = (n) => counted(n, 'epoch');

/// A loss as the last epoch's line shows it: 4 significant digits, or — when there is none.
export const lossText = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toPrecision(4));

/// The progress bar, its label and the time left.
export function renderProgress(parts, { epoch, epochs, elapsed, state }) {
  parts.bar.max = Math.max(1, epochs);
  parts.bar.value = epoch;
  parts.label.textContent = `epoch ${epoch} of ${epochs}`;
  let text = '';
  if (state === 'running' && epoch > 0) {
    text = `${formatDuration(elapsed)} so far, at most ${formatDuration(eta(elapsed, epoch, epochs))} left`;
  } else if (epoch > 0) {
    text = `${formatDuration(elapsed)} of training`;
  }
  parts.eta.textContent = text;
}

const kStops = {
  completed: 'every epoch ran',
  early_stopping: 'EarlyStopping ended training',
  requested: 'stopped by you',
  diverged: 'the loss stopped being a number',
};

/// What ended the training, in a sentence.
export function stopSentence(result) {
  let text = `Training ended after ${result.history.length} epoch${result.history.length === 1 ? '' : 's'}: ${kStops[result.stop] ?? result.stop}`;
  if (result.restored_epoch) text += `; the weights of epoch ${result.restored_epoch} (the best val_loss) were restored`;
  if (result.divergence) text += ` (${result.divergence})`;
  return `${text}.`;
}

/// The test set's predicted-against-true plot and its errors.
export function renderTest(box, result) {
  box.replaceChildren();
  const test = result.test;
  const facts = el('dl', 'test-facts');
  const fact = (name, value) => facts.append(el('dt', '', name), el('dd', '', value));
  fact('test samples', String(test.samples));
  fact(test.targets_standardised === false ? 'test loss (targets as given, as trained)' : 'test loss (standardised, as trained)', shortNumber(test.loss));
  fact('RMSE in the data\'s units', shortNumber(test.rmse));
  fact('MAE in the data\'s units', shortNumber(test.mae));
  if (test.r2 !== undefined) fact('R²', shortNumber(test.r2));
  box.append(facts);

  const { truth, predicted } = test.points;
  if (truth.length === 0) return;
  const lo = Math.min(...truth, ...predicted);
  const hi = Math.max(...truth, ...predicted);
  const span = hi - lo || 1;
  const W = 420, H = 420, M = 48;
  const x = (v) => M + ((v - lo) / span) * (W - 2 * M);
  const y = (v) => H - M - ((v - lo) / span) * (H - 2 * M);
  const plot = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'scatter', role: 'img' });
  plot.setAttribute('aria-label', `predicted against true for ${truth.length} test values; RMSE ${shortNumber(test.rmse)}`);
  plot.append(svg('rect', { x: M, y: M, width: W - 2 * M, height: H - 2 * M, class: 'scatter-frame' }));
  plot.append(svg('line', { x1: x(lo), y1: y(lo), x2: x(hi), y2: y(hi), class: 'scatter-diagonal' }));
  const dots = svg('g', { class: 'scatter-dots' });
  for (let i = 0; i < truth.length; i += 1) {
    dots.append(svg('circle', { cx: x(truth[i]).toFixed(1), cy: y(predicted[i]).toFixed(1), r: 1.8 }));
  }
  plot.append(dots);
  for (const v of [lo, (lo + hi) / 2, hi]) {
    const tx = svg('text', { x: x(v), y: H - M + 16, 'text-anchor': 'middle', class: 'scatter-tick' });
    tx.textContent = shortNumber(v);
    const ty = svg('text', { x: M - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'scatter-tick' });
    ty.textContent = shortNumber(v);
    plot.append(tx, ty);
  }
  const xl = svg('text', { x: W / 2, y: H - 8, 'text-anchor': 'middle', class: 'scatter-label' });
  xl.textContent = 'true';
  const yl = svg('text', { x: 14, y: H / 2, 'text-anchor': 'middle', class: 'scatter-label', transform: `rotate(-90 14 ${H / 2})` });
  yl.textContent = 'predicted';
  plot.append(xl, yl);
  const figure = el('figure', 'scatter-box');
  figure.append(plot, el('figcaption', 'note',
    test.points.shown < test.points.total
      ? `${test.points.shown} of the ${test.points.total} test values, chosen evenly.`
      : `All ${test.points.total} test values.`));
  box.append(figure);
}
