// Trainer mode's Web Worker: the trainer's Wasm module (nntutor_train_wasm.js) runs here, so
// the page never freezes, whatever the data or the model. It trains one epoch at a time and
// hands control back between epochs, so Pause and Stop take effect after the current epoch.
// Every number and message comes from the core; this file only carries messages.
//
// Page → worker: {type: 'schema'} | {type: 'data', data, file?} | {type: 'summary', model} | {type: 'train', model}
//   | {type: 'pause'} | {type: 'resume'} | {type: 'stop'} | {type: 'model'}
// Worker → page: {type: 'schema', schema} | {type: 'data', shape} | {type: 'summary', summary} | {type: 'started', ready}
//   | {type: 'epoch', logs, elapsed} | {type: 'paused'} | {type: 'done', result, elapsed}
//   | {type: 'model', json} | {type: 'error', of, message}
/* global createTrainer */
importScripts('../nntutor_train_wasm.js');

// The largest CSV read (the core's DataLimits::kMaxCsvBytes, 64 MiB): larger files are refused
// before a byte of them is read.
const kMaxCsvBytes = 64 * 1024 * 1024;

let module = null;
let trainer = null;
let paused = false;
let stopping = false;
let running = false;
let elapsed = 0;
const ready = createTrainer().then((m) => { module = m; });

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

onmessage = async (event) => {
  const message = event.data;
  await ready;
  switch (message.type) {
    case 'data':
      if (running || paused) fail('data', 'The data cannot change during training: stop it first.');
      else await loadData(message.data, message.file);
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
      postMessage({ type: 'started', ready: JSON.parse(started) });
      loop();
      break;
    }
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
