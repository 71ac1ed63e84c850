// The digits page's wiring (issue 12): the form → the core's digits model → training in the
// trainer's Web Worker (web/js/trainer-worker.js, its 'train' messages and its 'digits' calls)
// → drawings (digits-render.js). The drawing pad (digits-pad.js) hands its ink to the worker,
// where the core preprocesses it as MNIST and explains the network's answer. The page computes
// nothing itself: every number, default, limit and message comes from the core.
import {
  cellSentence, fieldOfMessage, formFromModel, kDigitsFields, LatestOnly, messageAtField, optionsFromForm, sizeText,
} from './digits-state.js';
import {
  DigitCurves, digitFigure, drawGrid, drawSaliency, greyText, percentText, renderActivations, renderBars,
  renderConfusion, renderGridTable,
} from './digits-render.js';
import { Pad } from './digits-pad.js';
import { StatusBlock, Throttle, clearEpochViews, drawEpochViews, epochCount, renderProgress, stopSentence } from './render-trainer.js';
import { downloadText } from './download.js';
import { showFieldError } from './render-form.js';

const byId = (id) => document.getElementById(id);
const kMaxModelBytes = 20_000_000;
const kLeastSure = 12;     // how many of the least sure test digits the page shows
const kGalleryMax = 100;   // the most digits digitsTest returns at once (docs/digits.md)
const kSize = 28;

const ui = {
  dataStatus: byId('data-status'),
  train: byId('train'), pause: byId('pause'), stop: byId('stop'),
  modelStatus: byId('model-status'), trainStatus: byId('train-status'), last: byId('history-last'),
  history: byId('history'), historyTable: byId('history-table'),
  summary: byId('summary'), save: byId('model-save'), load: byId('model-load'), fileStatus: byId('model-file-status'),
  progress: { bar: byId('progress'), label: byId('progress-label'), eta: byId('eta') },
  pad: byId('pad'), padStatus: byId('pad-status'), clear: byId('clear'), penWidth: byId('pen-width'), penValue: byId('pen-width-value'),
  quizA: byId('quiz-a'), quizB: byId('quiz-b'),
  grid: byId('grid'), gridCell: byId('grid-cell'), gridNumbers: byId('grid-numbers'), gridTable: byId('grid-table'),
  answer: byId('answer'), prediction: byId('prediction'), bars: byId('bars'), saliency: byId('saliency'),
  legendLow: byId('legend-low'), legendHigh: byId('legend-high'), activations: byId('activations'),
  accuracy: byId('test-accuracy'), confusion: byId('confusion'), gallery: byId('gallery'), galleryTitle: byId('gallery-title'), galleryNote: byId('gallery-note'),
  unsure: byId('unsure'), unsureNote: byId('unsure-note'),
};
const inputs = Object.fromEntries(kDigitsFields.map((key) => [key, byId(key)]));
const curves = new DigitCurves(byId('loss-chart'), byId('accuracy-chart'));
const trainBlock = new StatusBlock(ui.trainStatus);  // why Train is off, while the form blocks it

// What the page knows now.
const page = {
  state: 'loading',   // loading | idle | running | paused | broken
  data: null,         // the digits' shape once loaded
  quiz: null,         // the slide's two digits (digitsQuiz)
  model: null,        // the model JSON the form (or the loaded file) describes now
  loaded: null,       // the file name of a loaded model in use, or null
  trained: false,     // the current model has weights worth explaining (an epoch ran, or a file)
  epochs: 0,
  epoch: 0,
  elapsed: 0,         // the worker's training time at the last epoch
  logs: null,         // the last epoch's logs (drawn by epochView)
  results: null,      // digitsResults of the last training
  selected: null,     // the confusion cell shown: [truth, predicted]
  drawing: null,      // the last request sent for the pad: {width, height, grey} or {pixels, quiz}
  seen: null,         // the 28 × 28 the network saw last (pixels)
  cursor: null,       // the grid's cell read by hover or the arrow keys: [row, column]
};

// ---- The worker ----

const worker = new Worker('js/trainer-worker.js');
const pending = new Map();
let nextId = 1;

/// Calls `call` of the worker's digits calls; resolves to its value, rejects with the core's message.
function call(name, args = {}) {
  const id = nextId;
  nextId += 1;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type: 'digits', id, call: name, args });
  });
}

let modelReply = null;
worker.onmessage = (event) => {
  const m = event.data;
  switch (m.type) {
    case 'digits': {
      const waiting = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) waiting?.reject(new Error(m.error));
      else waiting?.resolve(m.value);
      break;
    }
    case 'started': onStarted(m.ready); break;
    case 'epoch': onEpoch(m.logs, m.elapsed); break;
    case 'paused': onPaused(m.elapsed); break;
    case 'done': onDone(m.result, m.elapsed); break;
    case 'model': modelReply?.({ json: m.json }); break;
    case 'error':
      if (m.of === 'model') modelReply?.({ error: m.message });
      else onTrainError(m.message);
      break;
    default: break;
  }
};
worker.onerror = (event) => {
  event.preventDefault();
  page.state = 'broken';
  showStatus(ui.dataStatus, `The trainer could not start (${event.message || 'the worker failed'}): reload the page to try again.`, true);
  renderButtons();
};

function showStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle('is-error', isError);
}

// ---- The form and the model ----

function readForm() {
  return Object.fromEntries(kDigitsFields.map((key) => [key, inputs[key].value]));
}

function setForm(form) {
  for (const key of kDigitsFields) inputs[key].value = form[key];
}

/// The model the form describes, from the core (digitsModel), with the messages at the fields;
/// its summary under the form. A loaded model stays in use until a field changes.
async function refreshModel() {
  for (const key of kDigitsFields) showFieldError(inputs[key], null);
  showStatus(ui.modelStatus, '');
  const built = optionsFromForm(readForm());
  if (built.errors) {
    for (const [key, message] of Object.entries(built.errors)) showFieldError(inputs[key], message);
    page.model = null;
    renderButtons();
    renderModelBlock();
    return;
  }
  try {
    const model = await call('model', { options: built.value });
    const summary = await call('summary', { model });
    page.model = model;
    page.loaded = null;
    ui.summary.textContent = summary.text;
  } catch (e) {
    const key = fieldOfMessage(e.message);
    if (key) showFieldError(inputs[key], messageAtField(e.message));
    else showStatus(ui.modelStatus, e.message, true);
    page.model = null;
  }
  renderButtons();
  renderModelBlock();
}

/// While the form describes no valid model, the status beside Train says why Train is off
/// (not "Ready"); the status it replaced comes back once the model is valid.
function renderModelBlock() {
  if (page.state !== 'idle') return;
  if (!page.model) trainBlock.block('Train is off until the model is valid: see the message in red above.');
  else trainBlock.unblock();
}

function renderButtons() {
  const busy = page.state === 'running' || page.state === 'paused';
  ui.train.disabled = page.state !== 'idle' || !page.data || !page.model;
  ui.pause.disabled = !busy;
  ui.pause.textContent = page.state === 'paused' ? 'Resume' : 'Pause';
  ui.stop.disabled = !busy;
  ui.save.disabled = busy || !page.trained;
  ui.load.disabled = busy || page.state === 'loading';
  ui.quizA.disabled = !page.quiz;
  ui.quizB.disabled = !page.quiz;
  for (const key of kDigitsFields) inputs[key].disabled = busy;
}

// ---- Training ----

function train() {
  if (!page.model || page.state !== 'idle') return;
  clearEpochViews({ view: epochView, curves, ui, page });
  // A new model's start weights explain nothing: the drawing waits for its first epoch.
  page.trained = false;
  showStatus(ui.trainStatus, 'Starting…');
  page.state = 'running';
  renderButtons();
  worker.postMessage({ type: 'train', model: page.model });
}

function onStarted(ready) {
  page.epochs = ready.epochs;
  page.epoch = 0;
  ui.summary.textContent = ready.summary;
  showStatus(ui.trainStatus, `Training on ${ready.train} digits, batches of ${ready.batch_size}.`);
  renderProgress(ui.progress, { epoch: 0, epochs: page.epochs, elapsed: 0, state: 'running' });
}

const fixed = (v, digits = 4) => (v === null || v === undefined ? '—' : String(Number(v.toPrecision(digits))));
const percent = (v) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)} %`);

function onEpoch(logs, elapsed) {
  page.epoch = logs.epoch;
  page.elapsed = elapsed;
  page.logs = logs;
  page.trained = true;
  curves.push(logs);
  epochView.request();
}

/// The curves, the progress, the last epoch's line and the drawing's answer, at most every
/// kDrawEvery ms during training and at once when it pauses or ends (render-trainer.js).
const epochView = new Throttle(() => {
  drawEpochViews({
    curves, ui, page,
    line: (logs) => {
      const parts = [`Epoch ${logs.epoch}: loss ${fixed(logs.loss)}`];
      if (logs.accuracy !== undefined) parts.push(`accuracy ${percent(logs.accuracy)}`);
      if (logs.val_loss !== undefined && logs.val_loss !== null) parts.push(`val_loss ${fixed(logs.val_loss)}`);
      if (logs.val_accuracy !== undefined) parts.push(`val_accuracy ${percent(logs.val_accuracy)}`);
      return parts.join(', ');
    },
    table: (d) => [`loss and accuracy per epoch (${epochCount(d.epoch.length)})`,
      [['epoch', d.epoch], ['loss', d.loss, fixed], ['accuracy', d.accuracy, percent],
        ['val_loss', d.valLoss, fixed], ['val_accuracy', d.valAccuracy, percent]]],
  });
  if (page.logs && (page.state === 'running' || page.state === 'paused')) see();  // the drawing, answered by the network as it is now
});

function onPaused(elapsed) {
  page.state = 'paused';
  epochView.flush();
  showStatus(ui.trainStatus, `Paused after epoch ${page.epoch}: Resume goes on, Stop ends here.`);
  renderProgress(ui.progress, { epoch: page.epoch, epochs: page.epochs, elapsed, state: 'paused' });
  renderButtons();
}

async function onDone(result, elapsed) {
  // For npm run bench: the worker's time in epoch() calls.
  performance.measure('nntutor:digits-training', { start: Math.max(0, performance.now() - elapsed), duration: elapsed });
  page.state = 'idle';
  page.trained = true;
  epochView.flush();
  showStatus(ui.trainStatus, stopSentence(result) + (result.warnings?.length ? ` ${result.warnings.join(' ')}` : ''));
  renderProgress(ui.progress, { epoch: result.history.length, epochs: page.epochs, elapsed, state: 'done' });
  renderButtons();
  await showResults();
  see();
}

function onTrainError(message) {
  page.state = 'idle';
  epochView.flush();
  showStatus(ui.trainStatus, message, true);
  renderButtons();
}

ui.train.addEventListener('click', train);
ui.pause.addEventListener('click', () => {
  if (page.state === 'running') {
    ui.pause.disabled = true;
    showStatus(ui.trainStatus, 'Pausing after this epoch…');
    worker.postMessage({ type: 'pause' });
  } else if (page.state === 'paused') {
    page.state = 'running';
    showStatus(ui.trainStatus, 'Training…');
    renderButtons();
    worker.postMessage({ type: 'resume' });
  }
});
ui.stop.addEventListener('click', () => {
  ui.stop.disabled = true;
  showStatus(ui.trainStatus, 'Stopping after this epoch…');
  worker.postMessage({ type: 'stop' });
});

// ---- Results on the test digits ----

async function showResults() {
  let results;
  try {
    results = await call('results', { k: kLeastSure });
  } catch (e) {
    showStatus(ui.accuracy, e.message, true);
    return;
  }
  page.results = results;
  page.selected = null;
  showStatus(ui.accuracy, `Test accuracy: ${percent(results.accuracy)} of the ${results.samples} test digits the network never saw.`);
  renderConfusion(ui.confusion, results.confusion, openCell);
  ui.gallery.replaceChildren();
  ui.galleryTitle.textContent = 'Misclassified digits';
  ui.galleryNote.textContent = 'Choose a cell of the matrix: its digits are shown here.';
  const unsure = results.least_sure;
  ui.unsureNote.textContent = `The ${unsure.length} test digits whose largest probability is the lowest: the network hesitates between two or more answers.`;
  const digits = await call('test', { indices: unsure.map((d) => d.index) });
  ui.unsure.replaceChildren(...digits.map((d, i) => digitFigure(d.pixels,
    `${d.label} → ${d.predicted}, ${percentText(unsure[i].confidence)}`,
    `test digit ${d.index}: a ${d.label}, answered ${d.predicted} with ${percentText(unsure[i].confidence)}`)));
}

async function openCell(truth, predicted) {
  const indices = page.results.cells[truth][predicted];
  page.selected = [truth, predicted];
  renderConfusion(ui.confusion, page.results.confusion, openCell, page.selected);
  ui.confusion.querySelector('[aria-pressed="true"]')?.focus();
  const shown = indices.slice(0, kGalleryMax);
  const digits = await call('test', { indices: shown });
  ui.galleryTitle.textContent = truth === predicted ? `Recognised digits: ${truth}` : `Misclassified digits: ${truth} taken for ${predicted}`;
  ui.galleryNote.textContent = cellSentence(truth, predicted, indices.length, shown.length);
  ui.gallery.replaceChildren(...digits.map((d) => {
    const p = d.probabilities[d.predicted];
    return digitFigure(d.pixels, `#${d.index}: ${d.predicted}, ${percentText(p)}`,
      `test digit ${d.index}: a ${d.label}, answered ${d.predicted} with ${percentText(p)}`);
  }));
}

// ---- Model files ----

ui.save.addEventListener('click', async () => {
  const reply = await new Promise((resolve) => {
    modelReply = resolve;
    worker.postMessage({ type: 'model' });
  });
  modelReply = null;
  if (reply.error) {
    showStatus(ui.fileStatus, reply.error, true);
    return;
  }
  downloadText('nntutor-digits-model.json', `${reply.json}\n`, 'application/json');
  showStatus(ui.fileStatus, 'Saved nntutor-digits-model.json (the architecture, the settings and every weight).');
});

ui.load.addEventListener('change', async () => {
  const file = ui.load.files?.[0];
  ui.load.value = '';
  if (!file) return;
  const refuse = (why) => showStatus(ui.fileStatus, `${file.name}: not loaded: ${why}. The current model stays.`, true);
  if (file.size > kMaxModelBytes) {
    refuse(`the file is too large (${file.size} bytes; a model is at most ${kMaxModelBytes})`);
    return;
  }
  let model;
  try {
    model = JSON.parse(await file.text());
  } catch {
    refuse('the file is not JSON');
    return;
  }
  try {
    await call('check', { model });
    const ready = await call('use', { model });
    page.model = model;
    page.loaded = file.name;
    page.trained = true;
    setForm(formFromModel(model));
    for (const key of kDigitsFields) showFieldError(inputs[key], null);
    ui.summary.textContent = ready.summary;
    showStatus(ui.fileStatus, `Loaded ${file.name}: the drawing is answered by its weights, and Train goes on from them; changing a field uses the form again.`);
    renderButtons();
    renderModelBlock();
    see();
  } catch (e) {
    refuse(e.message.replace(/\.$/, ''));
  }
});

for (const key of kDigitsFields) inputs[key].addEventListener('change', () => refreshModel());

// ---- The pad and what the network sees ----

const queue = new LatestOnly();
let frame = 0;

const pad = new Pad(ui.pad, (reason) => {
  if (reason === 'clear' || reason === 'end' || reason === 'image') see();
  else if (!frame) frame = requestAnimationFrame(() => { frame = 0; see(); });
});

/// Sends the pad's drawing (or the quiz digit shown) to the worker, the newest only.
function see() {
  if (!page.data && !page.quiz) return;
  const request = pad.shown ? { pixels: page.quiz[pad.shown].pixels, quiz: pad.shown } : { ...pad.ink() };
  request.explain = page.trained;
  request.t0 = performance.now();
  const now = queue.offer(request);
  if (now) send(now);
}

async function send(request) {
  const { t0, quiz, ...args } = request;
  ui.answer.setAttribute('aria-busy', 'true');
  try {
    const answer = await call('see', args);
    showSeen(answer, quiz);
    performance.measure('nntutor:digit', { start: t0, end: performance.now() });
  } catch (e) {
    showEmpty(e.message);
  }
  const next = queue.done();
  if (next) send(next);
  else ui.answer.setAttribute('aria-busy', 'false');  // what is shown is the newest drawing's answer
}

function showSeen({ seen, explained }, quiz) {
  page.seen = seen.pixels;
  ui.padStatus.textContent = quiz
    ? `Quiz digit ${quiz}: the slide's 14 × 17 grid, placed on the 28 × 28 field as MNIST would.`
    : `Ink fitted into 20 × 20 (scale ${seen.scale.toFixed(3)}), centre of mass at row ${seen.center_of_mass[0].toFixed(1)}, column ${seen.center_of_mass[1].toFixed(1)}.`;
  ui.padStatus.classList.remove('is-error');
  drawGrid(ui.grid, seen.pixels, { cursor: page.cursor });
  if (ui.gridNumbers.open) renderGridTable(ui.gridTable, seen.pixels);
  if (!explained) {
    ui.prediction.textContent = page.state === 'running'
      ? 'Training has started: the answer comes after the first epoch.'
      : 'No trained network yet: press Train (or load a model) to see its answer.';
    renderBars(ui.bars, null);
    drawSaliency(ui.saliency, null);
    renderActivations(ui.activations, null);
    ui.legendLow.textContent = 'down';
    ui.legendHigh.textContent = 'up';
    return;
  }
  const d = explained.digit;
  ui.prediction.textContent = `The network answers ${d}, with ${percentText(explained.probabilities[d])}.`;
  renderBars(ui.bars, explained.probabilities, d);
  const max = drawSaliency(ui.saliency, explained.saliency);
  ui.saliency.setAttribute('aria-label', `saliency for the answer ${d}: red pixels pushed its score up, blue ones down; the strongest ±${max.toPrecision(3)}`);
  ui.legendLow.textContent = `−${max.toPrecision(2)} (down)`;
  ui.legendHigh.textContent = `+${max.toPrecision(2)} (up)`;
  renderActivations(ui.activations, explained.layers);
}

/// The pad is empty (or the core refused the drawing): says so, guesses nothing.
function showEmpty(message) {
  page.seen = null;
  showStatus(ui.padStatus, message, true);
  drawGrid(ui.grid, null);
  if (ui.gridNumbers.open) renderGridTable(ui.gridTable, null);
  ui.prediction.textContent = 'No answer: there is no digit to read.';
  renderBars(ui.bars, null);
  drawSaliency(ui.saliency, null);
  renderActivations(ui.activations, null);
}

ui.clear.addEventListener('click', () => pad.clear());
ui.penWidth.addEventListener('input', () => {
  pad.width = Number(ui.penWidth.value);
  ui.penValue.textContent = `${ui.penWidth.value} px`;
});
pad.width = Number(ui.penWidth.value);
ui.quizA.addEventListener('click', () => pad.showImage(page.quiz.a.pixels, kSize, 'a'));
ui.quizB.addEventListener('click', () => pad.showImage(page.quiz.b.pixels, kSize, 'b'));

// The grid's numbers: on hover, with the arrow keys when focused, or in the table.
function readCell() {
  if (!page.cursor) page.cursor = [13, 13];
  const [r, c] = page.cursor;
  ui.gridCell.textContent = page.seen
    ? `Row ${r + 1}, column ${c + 1}: ${greyText(page.seen[r * kSize + c])}`
    : 'Nothing to read yet: draw a digit.';
  drawGrid(ui.grid, page.seen, { cursor: page.cursor });
}
ui.grid.addEventListener('pointermove', (event) => {
  const box = ui.grid.getBoundingClientRect();
  const c = Math.floor(((event.clientX - box.left) / box.width) * kSize);
  const r = Math.floor(((event.clientY - box.top) / box.height) * kSize);
  if (r < 0 || r >= kSize || c < 0 || c >= kSize) return;
  page.cursor = [r, c];
  readCell();
});
ui.grid.addEventListener('keydown', (event) => {
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  const move = moves[event.key];
  if (!move) return;
  event.preventDefault();
  const [r, c] = page.cursor ?? [13, 13];
  page.cursor = [Math.min(kSize - 1, Math.max(0, r + move[0])), Math.min(kSize - 1, Math.max(0, c + move[1]))];
  readCell();
});
ui.grid.addEventListener('focus', readCell);
ui.grid.addEventListener('pointerleave', () => {
  if (document.activeElement !== ui.grid) {
    page.cursor = null;
    drawGrid(ui.grid, page.seen);
  }
});
ui.grid.addEventListener('blur', () => {
  page.cursor = null;
  drawGrid(ui.grid, page.seen);
});
ui.gridNumbers.addEventListener('toggle', () => {
  if (ui.gridNumbers.open) renderGridTable(ui.gridTable, page.seen);
});

// ---- Start ----

async function start() {
  drawGrid(ui.grid, null);
  drawSaliency(ui.saliency, null);
  renderButtons();
  try {
    const schema = await call('schema');
    inputs.activation.replaceChildren(...schema.activations.filter((a) => !a.last_layer_only)
      .map((a) => Object.assign(new Option(a.name, a.name), { title: a.title })));
    const defaults = await call('model', { options: {} });
    setForm(formFromModel(defaults));
    showStatus(ui.dataStatus, 'Loading the MNIST digits (data/digits.bin, fetched now that this page is open)…');
    const [loaded, quiz] = await Promise.all([call('load'), call('quiz')]);
    page.data = loaded.shape;
    page.quiz = quiz;
    const s = loaded.shape;
    showStatus(ui.dataStatus, `${s.samples.toLocaleString('en-US')} MNIST digits loaded (data/digits.bin, ${sizeText(loaded.bytes)}, fetched when this page opened): ${s.train.toLocaleString('en-US')} for training, ${s.validation.toLocaleString('en-US')} for validation, ${s.test.toLocaleString('en-US')} for testing.`);
    page.state = 'idle';
    await refreshModel();
    showStatus(ui.trainStatus, 'Ready: press Train.');
    see();  // the empty pad: the core says there is nothing to read
  } catch (e) {
    page.state = 'broken';
    showStatus(ui.dataStatus, `The digits could not be loaded: ${e.message}`, true);
  }
  renderButtons();
}

start();
