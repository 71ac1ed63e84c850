// Trainer mode's Web Worker: the trainer's Wasm module (nntutor_train_wasm.js) runs here, so
// the page never freezes, whatever the data or the model. It trains one epoch at a time and
// hands control back between epochs, so Pause and Stop take effect after the current epoch.
// Every number and message comes from the core; this file only carries messages.
//
// Page → worker: {type: 'schema'} | {type: 'data', data, file?} | {type: 'summary', model} | {type: 'train', model}
//   | {type: 'pause'} | {type: 'resume'} | {type: 'stop'} | {type: 'model'} | {type: 'threads', threads?}
// Worker → page: {type: 'schema', schema} | {type: 'data', shape} | {type: 'summary', summary} | {type: 'started', ready}
//   | {type: 'epoch', logs, elapsed} | {type: 'paused'} | {type: 'done', result, elapsed}
//   | {type: 'model', json} | {type: 'error', of, message}
// The digits page (web/digits.html, docs/digits.md) adds one request/answer pair, matched by id:
//   page → worker {type: 'digits', id, call, args}; worker → page {type: 'digits', id, value} or
//   {type: 'digits', id, error}. The calls are the keys of `digitsCalls` below.
//
// Threads (docs/threads.md): on a cross-origin isolated page (the server sends COOP/COEP, so
// SharedArrayBuffer exists) with more than one core, the worker runs the threaded module
// (nntutor_train_mt_wasm.js, its pthreads nested Web Workers started with it); else the
// single-threaded one, as a static host without those headers serves it.
//   page → worker {type: 'threads', threads?} (a count, or 'auto'); worker → page {type: 'threads',
//   threads: {threads, min, max, auto, reason?} (the core's), isolated, threaded, cores}; the
//   'started' message's ready.threads is the same object, with the count auto mode chose for the
//   model. A count set during training applies from the next epoch (the epoch runs between
//   messages); the numbers are the same bits on any count.
/* global createTrainer */
const kCores = self.navigator?.hardwareConcurrency ?? 1;
const kThreaded = self.crossOriginIsolated === true && kCores > 1;
const kModuleFile = kThreaded ? '../nntutor_train_mt_wasm.js' : '../nntutor_train_wasm.js';
importScripts(kModuleFile);

// The largest CSV read (the core's DataLimits::kMaxCsvBytes, 64 MiB): larger files are refused
// before a byte of them is read.
const kMaxCsvBytes = 64 * 1024 * 1024;

let module = null;
let trainer = null;
let paused = false;
let stopping = false;
let running = false;
let elapsed = 0;
/// The threaded module's pthreads load its script (and its .worker.js) by URL: relative to this
/// worker's folder, the default, they would be looked for in js/.
const kModuleUrl = new URL(kModuleFile, self.location.href).href;
const ready = createTrainer(kThreaded ? {
  mainScriptUrlOrBlob: kModuleUrl,
  locateFile: (file) => new URL(`../${file}`, self.location.href).href,
} : {}).then((m) => {
  module = m;
  // Auto: each training gets 1 thread or as many as cores (up to the module's limit), as the
  // core chooses from the model's work per batch (docs/threads.md).
  if (kThreaded) module.setThreadsAuto(available());
});

/// The threads this page may use: as many as cores, up to the module's limit (the core's).
function available() {
  return Math.min(kCores, JSON.parse(module.threads()).max);
}

/// The thread count and its limits, as the core states them, and why.
function threadsMessage() {
  return { type: 'threads', threads: JSON.parse(module.threads()), isolated: self.crossOriginIsolated === true,
           threaded: kThreaded, cores: kCores };
}

function fail(of, message) {
  postMessage({ type: 'error', of, message });
}

/// The value of a {ok, error, value} result, or null after reporting its error.
function value(result, of) {
  if (!result.ok) {
    fail(of, result.error);
    return null;
  }
  return result.value;
}

const yieldToMessages = () => new Promise((resolve) => { setTimeout(resolve, 0); });

async function loop() {
  running = true;
  while (!paused && !stopping) {
    const t0 = performance.now();
    const logs = value(trainer.epoch(), 'train');
    elapsed += performance.now() - t0;
    if (logs === null) { running = false; return; }
    const parsed = JSON.parse(logs);
    postMessage({ type: 'epoch', logs: parsed, elapsed });
    if (parsed.done) break;
    await yieldToMessages();  // a Pause or Stop sent meanwhile is read here
  }
  running = false;
  if (paused && !stopping) {
    postMessage({ type: 'paused', elapsed });
    return;
  }
  paused = false;
  const result = value(trainer.finish(), 'train');
  if (result !== null) postMessage({ type: 'done', result: JSON.parse(result), elapsed });
}

let dataLoads = Promise.resolve();
async function loadData(data, file) {
  let csv = '';
  if (file) {
    if (file.size > kMaxCsvBytes) {
      fail('data', `${file.name}: the file is too large (${file.size} bytes; at most ${kMaxCsvBytes})`);
      return;
    }
    csv = await file.text();
  }
  if (!trainer) trainer = new module.Trainer();
  const shape = value(trainer.loadData(JSON.stringify(data), csv), 'data');
  if (shape !== null) postMessage({ type: 'data', shape: JSON.parse(shape) });
}

// ---- The digits page ----

/// The digits data file, fetched (from this server: the page works offline) when the digits page
/// asks for it: never by the trainer page.
const kDigitsFile = new URL('../data/digits.bin', self.location.href).href;
let hasModel = false;  // a model was started (trained or loaded): digitsExplain can answer

/// One {ok, error, value} result's parsed value; throws its error (the core's message).
function parsed(result) {
  if (!result.ok) throw new Error(result.error);
  return JSON.parse(result.value);
}

function ensureTrainer() {
  if (!trainer) trainer = new module.Trainer();
  return trainer;
}

/// Preprocesses a drawn image and, with a model, explains it: one message per drawing.
function see({ width, height, grey, pixels, explain }) {
  const t0 = performance.now();
  const seen = pixels ? { pixels } : parsed(module.digitsPreprocessGrey(width, height, grey));
  let explained = null;
  if (explain && hasModel) explained = parsed(trainer.digitsExplain(JSON.stringify(seen.pixels)));
  return { seen, explained, ms: performance.now() - t0 };
}

const digitsCalls = {
  async load() {
    const response = await fetch(kDigitsFile);
    if (!response.ok) throw new Error(`data/digits.bin: the server answered ${response.status} ${response.statusText}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const shape = parsed(ensureTrainer().loadDigits(bytes));
    return { shape, bytes: bytes.length };
  },
  model: ({ options }) => parsed(module.digitsModel(JSON.stringify(options))),
  check: ({ model }) => parsed(module.digitsCheckModel(JSON.stringify(model))),
  summary: ({ model }) => parsed(module.summary(JSON.stringify(model))),
  quiz: () => parsed(module.digitsQuiz()),
  see,
  /// Makes `model` (a file the page loaded, checked) the current one, without training it.
  use({ model }) {
    if (running || paused) throw new Error('The model cannot change during training: stop it first.');
    const ready = parsed(ensureTrainer().start(JSON.stringify(model)));
    hasModel = true;
    return ready;
  },
  results: ({ k }) => parsed(trainer.digitsResults(k)),
  test: ({ indices }) => parsed(trainer.digitsTest(JSON.stringify(indices))),
  schema: () => JSON.parse(module.schema()),
};

async function digitsCall({ id, call, args }) {
  try {
    if (!Object.hasOwn(digitsCalls, call)) throw new Error(`unknown digits call ${JSON.stringify(call)}`);
    postMessage({ type: 'digits', id, value: await digitsCalls[call](args ?? {}) });
  } catch (e) {
    postMessage({ type: 'digits', id, error: e.message });
  }
}

onmessage = async (event) => {
  const message = event.data;
  await ready;
  switch (message.type) {
    case 'data':
      if (running || paused) fail('data', 'The data cannot change during training: stop it first.');
      else {
        // One after another: a CSV's reading is asynchronous, and the page matches each answer
        // to its requests in the order it sent them (trainer-main.js ask).
        const load = dataLoads.then(() => loadData(message.data, message.file));
        dataLoads = load.catch(() => {});
        await load;
      }
      break;
    case 'schema':
      postMessage({ type: 'schema', schema: JSON.parse(module.schema()) });
      break;
    case 'summary': {
      const summary = value(module.summary(JSON.stringify(message.model)), 'summary');
      if (summary !== null) postMessage({ type: 'summary', summary: JSON.parse(summary) });
      break;
    }
    case 'train': {
      if (running || !trainer) break;
      const started = value(trainer.start(JSON.stringify(message.model)), 'train');
      if (started === null) break;
      paused = false;
      stopping = false;
      elapsed = 0;
      hasModel = true;
      postMessage({ type: 'started', ready: JSON.parse(started) });
      loop();
      break;
    }
    case 'digits':
      await digitsCall(message);
      break;
    case 'threads':
      if (message.threads !== undefined &&
          value(message.threads === 'auto' ? module.setThreadsAuto(available()) : module.setThreads(message.threads),
            'threads') === null) break;
      postMessage(threadsMessage());
      break;
    case 'pause':
      paused = true;
      break;
    case 'resume':
      if (!running && paused && trainer) {
        paused = false;
        loop();
      }
      break;
    case 'stop':
      stopping = true;
      if (!running && trainer) loop();  // stopped while paused: finish now
      break;
    case 'model': {
      if (!trainer) break;
      const json = value(trainer.model(), 'model');
      if (json !== null) postMessage({ type: 'model', json });
      break;
    }
    default:
      fail('message', `unknown message ${JSON.stringify(message.type)}`);
  }
};
