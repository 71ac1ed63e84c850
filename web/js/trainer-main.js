// The trainer page's wiring: form → model JSON (trainer-form.js) → the worker (which runs the
// core in Wasm) → drawings (render-trainer.js). The page never trains or judges anything
// itself; every message about the model or the data is the core's.
import {
  builtinFromForm, csvHeader, fieldOfError, kLayerTypes, kLectureForm, modelFromForm, trainerChoices,
} from './trainer-form.js';
import {
  Curves, StatusBlock, Throttle, clearEpochViews, counted, drawEpochViews, epochCount, lossText, renderProgress,
  renderTest, stopSentence,
} from './render-trainer.js';
import { downloadText } from './download.js';
import { showFieldError } from './render-form.js';

const byId = (id) => document.getElementById(id);
const kFormKeys = Object.keys(kLectureForm);
const kMaxModelBytes = 20_000_000;

const ui = {
  train: byId('train'), pause: byId('pause'), stop: byId('stop'),
  trainStatus: byId('train-status'), modelStatus: byId('model-status'), dataStatus: byId('data-status'),
  summary: byId('summary'), save: byId('model-save'), load: byId('model-load'), fileStatus: byId('model-file-status'),
  progress: { bar: byId('progress'), label: byId('progress-label'), eta: byId('eta') },
  last: byId('history-last'), history: byId('history'), historyTable: byId('history-table'), test: byId('test-result'),
  csvFile: byId('csv-file'), csvName: byId('csv-name'), csvColumns: byId('csv-columns'),
  runStale: byId('run-stale'), testStale: byId('test-stale'), charts: document.querySelector('.trainer-run .charts'),
};
const curves = new Curves(byId('loss-chart'), byId('lr-chart'));
const trainBlock = new StatusBlock(ui.trainStatus);  // why Train is off, while the data or the model blocks it

// What the student chose, and what the worker last said.
const page = {
  state: 'loading',  // loading | idle | running | paused
  data: null,        // the data choice last sent: {key, shape} once the worker read it
  dataKey: null,     // the data choice in the form now
  csv: null,         // the chosen File
  csvNames: [],      // its column names (its first line)
  loaded: null,      // a model loaded from a file (used instead of the form), or null
  epochs: 0,
  epoch: 0,
  elapsed: 0,
  logs: null,        // the last epoch's logs (drawn by epochView)
  trained: false,
  trainedKey: null,  // the data key of the shown results (curves, test plot), or null if none
};

// ---- The form ----

/// Fills select `id` with `choices` (names, or `{ name, title }`: the option shows the name,
/// as Keras spells it, and the title on hover).
function fillSelect(id, choices) {
  byId(id).replaceChildren(...choices.map((c) => {
    const { name, title } = typeof c === 'string' ? { name: c, title: c } : c;
    const option = new Option(name, name);
    option.title = title;
    return option;
  }));
}
fillSelect('layerType', kLayerTypes);

/// The activations, losses and optimizers the core offers (its schema, from the worker).
function fillChoices(schema) {
  const choices = trainerChoices(schema);
  fillSelect('activation', choices.activations);
  fillSelect('outputActivation', choices.outputActivations);
  fillSelect('loss', choices.losses);
  fillSelect('optimizer', choices.optimizers);
  fillSelect('dtype', choices.dtypes);
}

function setForm(form) {
  for (const key of kFormKeys) {
    const input = byId(key);
    if (input.type === 'checkbox') input.checked = Boolean(form[key]);
    else input.value = form[key];
  }
  showLayerType();
}

/// Maxout takes a number of pieces and no activation (it is its own).
function showLayerType() {
  const maxout = byId('layerType').value === 'maxout';
  byId('pieces').disabled = !maxout;
  byId('activation').disabled = maxout;
}
byId('layerType').addEventListener('change', showLayerType);

function readForm() {
  const form = {};
  for (const key of kFormKeys) {
    const input = byId(key);
    form[key] = input.type === 'checkbox' ? input.checked : input.value;
  }
  return form;
}

const dataKind = () => document.querySelector('input[name="data-kind"]:checked').value;

// The latest requests: a message is shown under a field only for the form as it is now (an
// answer to an older request would stay under the field after the newer one passed).
const asked = { data: 0, summary: 0 };

/// Shows the core's `message` under the form's field it is about, if a field wrote its path
/// (`fields`); true if it did.
function showAtField(message, fields) {
  const at = fieldOfError(message, fields);
  if (at) showFieldError(byId(at.key), at.message);
  return Boolean(at);
}

/// The data choice as the core reads it, or null (with the messages at the fields), and which
/// field of the form wrote each of its paths (trainer-form.js `fields`; null for a CSV file's
/// choice, whose messages stay in the panel's status): `{ data, fields }`.
function dataChoice() {
  for (const id of ['samples', 'noise', 'dataSeed', 'csv-features', 'csv-targets']) showFieldError(byId(id), null);
  if (dataKind() === 'builtin') {
    const built = builtinFromForm({ samples: byId('samples').value, noise: byId('noise').value, dataSeed: byId('dataSeed').value });
    if (built.errors) {
      for (const [key, message] of Object.entries(built.errors)) showFieldError(byId(key), message);
      return { data: null, fields: null };
    }
    return { data: { ...built.value, split_seed: 1 }, fields: built.fields };
  }
  if (!page.csv) return { data: null, fields: null };
  return {
    data: {
      csv: { source: page.csv.name, features: byId('csv-features').value.trim(), targets: byId('csv-targets').value.trim() },
      split_seed: 1,
    },
    fields: null,
  };
}

/// The model to train, the loaded one or the form's for the data's shape (null, with the
/// messages at the fields, when there is none), and `fields` as dataChoice's (null for a loaded
/// model): `{ model, fields }`.
function modelChoice() {
  for (const key of kFormKeys) {
    const input = byId(key);
    if (input.type !== 'checkbox' && input.type !== 'select-one') showFieldError(input, null);
  }
  if (page.loaded) return { model: page.loaded, fields: null };
  if (!page.data?.shape) return { model: null, fields: null };
  const built = modelFromForm(readForm(), page.data.shape.features.length, page.data.shape.targets.length);
  if (built.errors) {
    for (const [key, message] of Object.entries(built.errors)) showFieldError(byId(key), message);
    return { model: null, fields: null };
  }
  return { model: built.value, fields: built.fields };
}

// ---- The worker ----

const worker = new Worker('js/trainer-worker.js');
// Message type → the resolves of its requests in the order they were sent. The worker answers
// each request once (its type, or an error naming it) in the order it receives them, so a
// second request of a type sent before the first is answered (a CSV chosen, then its feature
// columns typed while its first line is read) gets its own answer, not the first's.
const waiting = new Map();

function ask(type, payload) {
  return new Promise((resolve) => {
    waiting.set(type, [...(waiting.get(type) ?? []), resolve]);
    worker.postMessage({ type, ...payload });
  });
}

function answer(type, value) {
  const [resolve, ...later] = waiting.get(type) ?? [];
  if (later.length) waiting.set(type, later);
  else waiting.delete(type);
  resolve?.(value);
}

worker.onmessage = (event) => {
  const m = event.data;
  switch (m.type) {
    case 'schema': answer('schema', { schema: m.schema }); break;
    case 'data': answer('data', { shape: m.shape }); break;
    case 'summary': answer('summary', { summary: m.summary }); break;
    case 'model': answer('model', { json: m.json }); break;
    case 'threads': answer('threads', m); break;
    case 'started': onStarted(m.ready); break;
    case 'epoch': onEpoch(m.logs, m.elapsed); break;
    case 'paused': onPaused(m.elapsed); break;
    case 'done': onDone(m.result, m.elapsed); break;
    case 'error':
      if (waiting.has(m.of)) answer(m.of, { error: m.message });
      else onTrainError(m.message);
      break;
    default: break;
  }
};
worker.onerror = (event) => {
  event.preventDefault();
  page.state = 'broken';
  ui.trainStatus.textContent = `The trainer could not start (${event.message || 'the worker failed'}): reload the page to try again.`;
  ui.trainStatus.classList.add('is-error');
  renderButtons();
};

/// Sends the data choice to the worker if it changed; resolves to true when the data is there.
async function ensureData() {
  const { data: choice, fields } = dataChoice();
  const request = ++asked.data;
  if (!choice) {
    if (dataKind() === 'csv' && !page.csv) ui.dataStatus.textContent = 'Choose a CSV file.';
    return false;
  }
  const key = JSON.stringify([choice, page.csv?.name, page.csv?.size, page.csv?.lastModified]);
  if (page.data?.key === key) return true;
  ui.dataStatus.textContent = 'Reading the data…';
  ui.dataStatus.classList.remove('is-error');
  const reply = await ask('data', { data: choice, file: dataKind() === 'csv' ? page.csv : undefined });
  if (reply.error) {
    page.data = null;
    if (request === asked.data && showAtField(reply.error, fields)) {
      ui.dataStatus.textContent = '';
      ui.dataStatus.classList.remove('is-error');
      return false;
    }
    // The core's message quotes the file's name (and column names): those stay isolated.
    ui.dataStatus.replaceChildren(...isolateUserText(reply.error, [page.csv?.name, ...page.csvNames,
      ...[byId('csv-features').value, byId('csv-targets').value].flatMap((t) => [t, ...t.split(',')])]));
    ui.dataStatus.classList.add('is-error');
    return false;
  }
  page.data = { key, shape: reply.shape };
  const s = reply.shape;
  ui.dataStatus.textContent = `${s.samples} samples: ${s.train} for training, ${s.validation} for validation, ${s.test} for testing; ${counted(s.features.length, 'feature')} → ${counted(s.targets.length, 'target')}.`;
  return true;
}

/// Shows model.summary() for the model as the form (or the loaded file) describes it.
async function refreshSummary() {
  if (page.state === 'loading' || page.state === 'broken') return;
  const request = ++asked.summary;
  if (!(await ensureData())) {
    // While training the worker keeps its data (it refused the change): Train stays as it was.
    if (page.state === 'idle') showDataBlocked();
    else renderButtons();
    return;
  }
  showDataReadable();
  const { model, fields } = modelChoice();
  if (!model) {
    ui.summary.textContent = '';
    showModelBlocked();
    return;
  }
  const reply = await ask('summary', { model });
  if (reply.error) {
    const atField = request === asked.summary && showAtField(reply.error, fields);
    ui.modelStatus.textContent = atField ? '' : reply.error;
    ui.modelStatus.classList.toggle('is-error', !atField);
    showModelBlocked();
    return;
  }
  ui.modelStatus.textContent = page.loaded ? `Using the model loaded from ${page.loaded.__file}.` : '';
  ui.modelStatus.classList.remove('is-error');
  ui.summary.textContent = reply.summary.text;
  // Before the first training the progress counts the epochs the form asks for (the core's
  // reading of the model, defaults included); after one, it keeps that training's.
  if (page.state === 'idle' && !page.trained && page.epoch === 0) {
    renderProgress(ui.progress, { epoch: 0, epochs: reply.summary.epochs, elapsed: 0, state: 'idle' });
  }
  renderButtons(true);
}

/// A model field (or the model's rules) says no: Train is off, and the status beside it says
/// where to look instead of "Ready" (the data's block below, with the model's reason).
function showModelBlocked() {
  if (page.state === 'idle') blockTrain('Train is off until the model is valid: see the message in red under Model.');
  else renderButtons(false);
}

function renderButtons(valid = ui.train.dataset.valid === 'true') {
  ui.train.dataset.valid = String(valid);
  const busy = page.state === 'running' || page.state === 'paused';
  ui.train.disabled = page.state === 'loading' || page.state === 'broken' || busy || !valid;
  ui.pause.disabled = !busy;
  ui.pause.textContent = page.state === 'paused' ? 'Resume' : 'Pause';
  ui.stop.disabled = !busy;
  ui.save.disabled = busy || !page.trained;
}

/// Train is off for `reason`, which the training status says (trainBlock.unblock() brings back
/// the status it replaced).
function blockTrain(reason) {
  trainBlock.block(reason);
  renderButtons(false);
}

/// The data cannot be read (or is not chosen): Train is off and says why, and the results on
/// screen are marked as not current (they stay, nothing is lost).
function showDataBlocked() {
  blockTrain('Train is off until the data can be read: see the message under Data.');
  renderStale();
}

/// The data is readable again: the training status the block replaced comes back.
function showDataReadable() {
  trainBlock.unblock();
  renderStale();
}

/// Marks the curves and the test plot as not current when the data they came from is no longer
/// the data chosen (another choice, or one that could not be read).
function renderStale() {
  const stale = page.trainedKey !== null && page.state === 'idle' && page.data?.key !== page.trainedKey;
  ui.runStale.hidden = !stale;
  ui.testStale.hidden = !stale;
  if (stale) {
    ui.runStale.textContent = 'Not current: these curves are from the last training, on data other than the data chosen now.';
    ui.testStale.textContent = 'Not current: this test plot is from the last training, on data other than the data chosen now.';
  }
  for (const box of [ui.charts, ui.last, ui.test]) box.classList.toggle('is-stale', stale);
}

// ---- Training ----

async function train() {
  if (!(await ensureData())) {
    showDataBlocked();
    return;
  }
  showDataReadable();
  const { model } = modelChoice();
  if (!model) return;
  const { __file, ...clean } = model;
  page.trainedKey = page.data.key;
  clearEpochViews({ view: epochView, curves, ui, page });
  ui.test.replaceChildren();
  ui.trainStatus.classList.remove('is-error');
  ui.trainStatus.textContent = 'Starting…';
  page.state = 'running';
  renderButtons();
  renderStale();
  worker.postMessage({ type: 'train', model: clean });
}

function onStarted(ready) {
  page.epochs = ready.epochs;
  page.epoch = 0;
  page.elapsed = 0;
  ui.summary.textContent = ready.summary;
  ui.trainStatus.textContent = `Training on ${ready.train} samples, batches of ${ready.batch_size}.`;
  // The count auto mode chose for this model (the core's, with its reason).
  if (threadsShown && ready.threads) renderThreads({ ...threadsShown, threads: ready.threads });
  renderProgress(ui.progress, { epoch: 0, epochs: page.epochs, elapsed: 0, state: 'running' });
}

function onEpoch(logs, elapsed) {
  // For npm run bench: this epoch's time in the worker's epoch() call (the first one runs while
  // the browser still compiles the Wasm's hot functions; the bench counts the later ones too).
  performance.measure('nntutor:epoch', { start: Math.max(0, performance.now() - (elapsed - page.elapsed)), duration: elapsed - page.elapsed });
  page.epoch = logs.epoch;
  page.elapsed = elapsed;
  page.logs = logs;
  curves.push(logs);
  // Auto mode's timing of the thread count (the core's threads.hpp): the line changes twice in a
  // training (timed, then chosen), so it is drawn only when it changes.
  if (logs.threads && threadsShown && JSON.stringify(logs.threads) !== JSON.stringify(threadsShown.threads)) {
    renderThreads({ ...threadsShown, threads: logs.threads });
  }
  epochView.request();
}

/// The curves, the progress and the last epoch's line, drawn at most every kDrawEvery ms during
/// training and at once when it pauses or ends (even a line of text changed per epoch made the
/// browser draw a frame per epoch, which cost the trainer's threads their gain: docs/threads.md).
const epochView = new Throttle(() => drawEpochViews({
  curves, ui, page,
  // A loss that is not a finite number comes as null (the core stops the training there and
  // says why): "—", never "NaN" nor a thrown error.
  line: (logs) => {
    const val = logs.val_loss === null || logs.val_loss === undefined ? '' : `, val_loss ${lossText(logs.val_loss)}`;
    return `Epoch ${logs.epoch}: loss ${lossText(logs.loss)}${val}, lr ${logs.lr}`;
  },
  table: (d) => [`loss, val_loss and learning rate per epoch (${epochCount(d.epoch.length)})`,
    [['epoch', d.epoch], ['loss', d.loss, lossText], ['val_loss', d.val, lossText], ['lr', d.lr]]],
}));

function onPaused(elapsed) {
  page.state = 'paused';
  epochView.flush();
  ui.trainStatus.textContent = `Paused after epoch ${page.epoch}: Resume goes on, Stop ends here.`;
  renderProgress(ui.progress, { epoch: page.epoch, epochs: page.epochs, elapsed, state: 'paused' });
  renderButtons();
}

function onDone(result, elapsed) {
  // For npm run bench: the worker's time in epoch() calls, as a measure on this page.
  performance.measure('nntutor:training', { start: Math.max(0, performance.now() - elapsed), duration: elapsed });
  page.state = 'idle';
  page.trained = true;
  epochView.flush();
  ui.trainStatus.textContent = stopSentence(result) + (result.warnings.length ? ` ${result.warnings.join(' ')}` : '');
  renderProgress(ui.progress, { epoch: result.history.length, epochs: page.epochs, elapsed, state: 'done' });
  renderTest(ui.test, result);
  renderButtons();
  renderStale();
}

function onTrainError(message) {
  page.state = 'idle';
  epochView.flush();
  ui.trainStatus.textContent = message;
  ui.trainStatus.classList.add('is-error');
  renderButtons();
  renderStale();
}

ui.train.addEventListener('click', train);
ui.pause.addEventListener('click', () => {
  if (page.state === 'running') {
    ui.pause.disabled = true;
    ui.trainStatus.textContent = 'Pausing after this epoch…';
    worker.postMessage({ type: 'pause' });
  } else if (page.state === 'paused') {
    page.state = 'running';
    ui.trainStatus.textContent = 'Training…';
    renderButtons();
    worker.postMessage({ type: 'resume' });
  }
});
ui.stop.addEventListener('click', () => {
  ui.stop.disabled = true;
  ui.trainStatus.textContent = 'Stopping after this epoch…';
  worker.postMessage({ type: 'stop' });
});

// ---- Model files ----

ui.save.addEventListener('click', async () => {
  const reply = await ask('model', {});
  if (reply.error) {
    ui.fileStatus.textContent = reply.error;
    return;
  }
  downloadText('nntutor-model.json', `${reply.json}\n`, 'application/json');
  ui.fileStatus.textContent = 'Saved nntutor-model.json (the architecture, the settings and every weight).';
});

ui.load.addEventListener('change', async () => {
  const file = ui.load.files?.[0];
  ui.load.value = '';
  if (!file) return;
  if (file.size > kMaxModelBytes) {
    ui.fileStatus.textContent = `${file.name}: the file is too large (${file.size} bytes; a model is at most ${kMaxModelBytes})`;
    return;
  }
  let model;
  try {
    model = JSON.parse(await file.text());
  } catch {
    ui.fileStatus.textContent = `${file.name}: not a model: the file is not JSON`;
    return;
  }
  const reply = await ask('summary', { model });
  if (reply.error) {
    ui.fileStatus.textContent = `${file.name}: not loaded: ${reply.error}`;
    return;
  }
  page.loaded = Object.assign(model, { __file: file.name });
  ui.fileStatus.textContent = `Loaded ${file.name}: Train goes on from its weights; Reset to the lecture's model uses the form again.`;
  refreshSummary();
});

byId('lecture-model').addEventListener('click', () => {
  page.loaded = null;
  ui.fileStatus.textContent = '';
  setForm(kLectureForm);
  refreshSummary();
});

// ---- Data choice ----

const kMaxShownName = 40;

// Text that can turn its surroundings around: right-to-left letters and the bidi controls.
const kBidi = /[\u0590-\u08FF\u200E\u200F\u202A-\u202E\u2066-\u2069\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/// `message` as nodes, each of `texts` (the student's text it may quote) that holds
/// right-to-left text or is long put in its own <bdi> (userText), the rest as plain text.
function isolateUserText(message, texts) {
  const risky = [...new Set(texts.map((t) => String(t ?? '').trim()))]
    .filter((t) => t && (kBidi.test(t) || [...t].length > kMaxShownName))
    .sort((a, b) => b.length - a.length);
  const parts = [];
  let at = 0;
  while (at < message.length) {
    let next = null;
    for (const t of risky) {
      const i = message.indexOf(t, at);
      if (i >= 0 && (next === null || i < next.i)) next = { i, t };
    }
    if (next === null) break;
    parts.push(message.slice(at, next.i), userText(next.t));
    at = next.i + next.t.length;
  }
  parts.push(message.slice(at));
  return parts.filter((p) => p !== '');
}

/// The student's `text` isolated in a <bdi>, cut to kMaxShownName characters (the whole text
/// as its title).
function userText(text) {
  const chars = [...String(text)];
  const node = document.createElement('bdi');
  node.className = 'user-text';
  if (chars.length > kMaxShownName) {
    node.textContent = `${chars.slice(0, kMaxShownName - 1).join('')}…`;
    node.title = String(text);
  } else node.textContent = String(text);
  return node;
}

for (const radio of document.querySelectorAll('input[name="data-kind"]')) {
  radio.addEventListener('change', () => {
    const csv = dataKind() === 'csv';
    byId('builtin-fields').hidden = csv;
    byId('builtin-note').hidden = csv;
    byId('csv-fields').hidden = !csv;
    refreshSummary();
  });
}

ui.csvFile.addEventListener('change', async () => {
  const file = ui.csvFile.files?.[0];
  if (!file) return;
  page.csv = file;
  // The file's name and its column names are the student's text: each sits in its own <bdi>
  // (a right-to-left mark in it cannot turn the page's words around), cut when long (the
  // full text on hover).
  ui.csvName.replaceChildren(userText(file.name), ` (${file.size} bytes)`);
  // Only the first line is read here, for the column names; the worker reads the rest.
  const head = await file.slice(0, 65536).text();
  const names = csvHeader(head.split('\n')[0]);
  page.csvNames = names;
  const parts = ['Columns: '];
  names.forEach((n, i) => parts.push(i ? ', ' : '', `${i + 1} `, userText(n)));
  parts.push('. Give names, numbers or ranges (2-10).');
  ui.csvColumns.replaceChildren(...parts);
  refreshSummary();
});

for (const key of [...kFormKeys, 'samples', 'noise', 'dataSeed', 'csv-features', 'csv-targets']) {
  byId(key).addEventListener('change', () => refreshSummary());
}

// ---- Threads (docs/threads.md) ----

/// The thread control and what runs: the count and its limits are the core's (the module's
/// `threads()`); whether the page is isolated is the browser's.
/// With more than one thread, the first choice is Auto: the core picks 1 thread or all of them
/// for each model from its work per batch, and says why (`reason`); when it picks more than one,
/// it times them against 1 over epochs 2–5 and keeps the faster (`timing`, then a new `reason`).
let threadsShown = null;
function renderThreads(message) {
  threadsShown = message;
  const { threads, isolated, threaded, cores } = message;
  const select = byId('threads');
  const { threads: n, min, max } = threads;
  const reason = [threads.reason, threads.timing?.text].filter(Boolean).join(' ');
  const counts = Array.from({ length: max - min + 1 }, (_, i) => String(min + i));
  const options = counts.map((c) => new Option(c, c));
  if (max > 1) options.unshift(new Option('Auto', 'auto'));
  select.replaceChildren(...options);
  select.value = threads.auto && max > 1 ? 'auto' : String(n);
  select.disabled = max <= 1;
  byId('threads-status').textContent = threaded
    ? `Training on ${n} ${n === 1 ? 'thread' : 'threads'} (this page is cross-origin isolated; ${cores} cores). ${reason ? `${reason} ` : ''}The numbers are the same on any count.`
    : isolated
      ? '1 thread: this device reports a single core.'
      : '1 thread — the server does not send COOP/COEP (cross-origin isolation), so the page cannot share memory with more workers; see docs/threads.md.';
}

async function askThreads(payload) {
  const reply = await ask('threads', payload);
  if (reply.error) {
    byId('threads-status').textContent = reply.error;
    return;
  }
  renderThreads(reply);
}

byId('threads').addEventListener('change', () => {
  const chosen = byId('threads').value;
  askThreads({ threads: chosen === 'auto' ? 'auto' : Number(chosen) });
});

// ---- Start ----

// The selects come from the core's schema: the form is set once the worker has it.
ask('schema', {}).then(async ({ schema }) => {
  await askThreads({});
  fillChoices(schema);
  setForm(kLectureForm);
  page.state = 'idle';
  return refreshSummary();
}).then(() => {
  if (page.state === 'idle' && !ui.trainStatus.classList.contains('is-error')) ui.trainStatus.textContent = 'Ready: press Train.';
});
