// Training speed of the lecture's Keras model (9 → 64 → BN → ReLU → 128 → BN → ReLU → 64 → BN →
// ReLU → 54, mse, Adam 1e-3, batch 64) on the same built-in spectra (10,000 samples, seed 1:
// 7,000 to train, 2,000 to validate), in one run: our native build, our Wasm module under
// Node, our Wasm module in headless Chromium (the trainer page, in its Web Worker), and
// TensorFlow.js under Node with its CPU and its Wasm backends. Prints training samples per
// second (the validation pass of every epoch included in the time, as fit() runs) and ratios —
// Chromium's also without its first epoch, which runs while the browser compiles the Wasm (the
// others are timed after a warm-up epoch); then the digit quiz's model (784-128-10) in both
// dtypes in every runner beside TensorFlow.js; then one training step of the lecture's 1-1-1
// example in each. Build first (scripts/bench.sh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import createTrainer from '../build/wasm/nntutor_train_wasm.js';
import createThreaded from '../build/wasm/nntutor_train_mt_wasm.js';
import { launchChromium, waitForText } from './chromium.mjs';
import { serve } from './serve.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);
const kSamples = 10000;
const kOurEpochs = 3;  // after one warm-up epoch
const kTfEpochs = 2;   // after one warm-up epoch (TensorFlow.js is slower: fewer keep the run short)
const modelText = readFileSync(join(root, 'examples/keras-lecture.json'), 'utf8');

// ---- Ours, in float64 (the engine's default) and float32 (as Keras; the trainer page's default) ----

const tmp = mkdtempSync(join(tmpdir(), 'nntutor-bench-'));
const modelWith = (dtype) => ({ ...JSON.parse(modelText), dtype });
const modelFile = (dtype) => {
  const path = join(tmp, `keras-lecture-${dtype}.json`);
  writeFileSync(path, JSON.stringify(modelWith(dtype)));
  return path;
};
/// Chromium's first epochs run while it compiles the hot Wasm functions with its optimising tier
/// (on this loaded 2-core machine epoch 1 ran at ~25 %, epoch 2 at ~60 % of the later ones): the
/// page trains this many epochs more, and the warm rate leaves them out.
const kChromiumWarmUp = 2;
const kChromiumEpochs = kOurEpochs + kChromiumWarmUp;
/// nntutor_bench --keras, one fit of kChromiumEpochs (the page's window): the warm rate (the
/// epochs after the first) and the rate of all of them, the first included as a person pressing
/// Train waits for it.
const nativeRates = (dtype) => execFileSync(join(root, 'build/native/nntutor_bench'),
  ['--keras', modelFile(dtype), String(kSamples), String(kChromiumEpochs - 1)], { encoding: 'utf8' }).split(' ').map(Number);
const nativeRuns = { float64: nativeRates('float64'), float32: nativeRates('float32') };
const native = { float64: nativeRuns.float64[0], float32: nativeRuns.float32[0] };
const nativeAll = { float64: nativeRuns.float64[1], float32: nativeRuns.float32[1] };

const module = await createTrainer();
const kernels = JSON.parse(module.kernelCheck()).path;
const unwrap = (r) => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
let data = null;
let ready = null;
function wasmNodeRate(dtype) {
  const trainer = new module.Trainer();
  unwrap(trainer.loadData(JSON.stringify({ builtin: { samples: kSamples, seed: 1 } }), ''));
  data ??= JSON.parse(unwrap(trainer.data()));
  ready = JSON.parse(unwrap(trainer.start(JSON.stringify(modelWith(dtype)))));
  unwrap(trainer.epoch());
  const start = performance.now();
  for (let e = 0; e < kOurEpochs; e += 1) unwrap(trainer.epoch());
  const rate = (ready.train * kOurEpochs) / ((performance.now() - start) / 1000);
  trainer.delete();
  return rate;
}
const wasmNode = { float64: wasmNodeRate('float64'), float32: wasmNodeRate('float32') };
let t0 = 0;

async function inChromium(dtype) {
  const server = await serve(join(root, 'build/site'), { port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/trainer.html`);
    await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
    const set = async (label, value) => {
      const box = page.getByLabel(label, { exact: true });
      await box.fill(value);
      await box.press('Tab');
    };
    await set('samples', String(kSamples));
    await set('epochs', String(kOurEpochs + kChromiumWarmUp));
    await page.getByLabel('numbers (dtype)').selectOption(dtype);
    await page.getByText(`${kSamples} samples:`).waitFor();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForText(page, 'train-status', /^Training ended after/, 120000);
    const ms = await page.evaluate(() => performance.getEntriesByName('nntutor:training').at(-1).duration);
    // Warm: the epochs after kChromiumWarmUp, as Node and native are timed after a warm-up
    // epoch (Chromium compiles the hot functions with its optimising tier meanwhile: docs/bench.md).
    const epochs = await page.evaluate(() => performance.getEntriesByName('nntutor:epoch').map((e) => e.duration));
    const warm = epochs.slice(kChromiumWarmUp);
    chromiumWarm[dtype] = (ready.train * warm.length) / (warm.reduce((a, b) => a + b, 0) / 1000);
    // The page's time includes the warm-up epochs: count them too.
    return (ready.train * (kOurEpochs + kChromiumWarmUp)) / (ms / 1000);
  } finally {
    await browser.close();
    server.close();
  }
}
const chromiumWarm = {};
const wasmChromium = { float64: await inChromium('float64'), float32: await inChromium('float32') };

// ---- The digits model (docs/digits.md: 784 → Dense(128, relu) → Dense(10, softmax),
// cross_entropy, Adam 1e-3, batch 64; 8,000 training and 1,000 validation digits per epoch) in
// float32 and float64: native (nntutor train --builtin digits, its per-epoch times), the trainer
// module under Node and in a Chromium Web Worker (a bare worker page: the digits page has no
// dtype field), and TensorFlow.js's Wasm backend on the same shapes. One warm-up epoch first
// (Chromium: kChromiumWarmUp); samples per second of the epochs after it. ----

const { spawnSync } = await import('node:child_process');
const { copyFileSync } = await import('node:fs');
const kDigitsEpochs = 2;  // after one warm-up epoch
const digitsBytes = () => readFileSync(join(root, 'build/data/digits.bin'));
const digitsModel = (dtype, epochs) => {
  const model = JSON.parse(unwrap(module.digitsModel('{}')));
  return { ...model, dtype, fit: { ...model.fit, epochs } };
};
/// Samples per second of the epochs after the first `skip`, given each epoch's ms.
const warmRate = (samples, ms, skip = 1) => (samples * (ms.length - skip)) / (ms.slice(skip).reduce((a, b) => a + b, 0) / 1000);

function digitsNative(dtype) {
  const path = join(tmp, `digits-${dtype}.json`);
  writeFileSync(path, JSON.stringify(digitsModel(dtype, kDigitsEpochs + 1)));
  const r = spawnSync(join(root, 'build/native/nntutor'), ['train', '--builtin', 'digits', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nntutor train --builtin digits: ${r.stderr}`);
  const ms = [...r.stderr.matchAll(/^Epoch \d+\/\d+ .* - (\d+) ms$/gm)].map((m) => Number(m[1]));
  return warmRate(8000, ms);
}

function digitsNode(dtype) {
  const trainer = new module.Trainer();
  unwrap(trainer.loadDigits(new Uint8Array(digitsBytes())));
  const started = JSON.parse(unwrap(trainer.start(JSON.stringify(digitsModel(dtype, kDigitsEpochs + 1)))));
  const ms = [];
  for (let e = 0; e <= kDigitsEpochs; e += 1) {
    const t = performance.now();
    unwrap(trainer.epoch());
    ms.push(performance.now() - t);
  }
  trainer.delete();
  return warmRate(started.train, ms);
}

/// The trainer module alone in a Chromium Web Worker of a bare page (served from a temporary
/// folder with the module and the digits file): no page around it, so nothing is drawn beside
/// the training. `load` is {digits: true} or {spec} (Trainer.loadData's); each of `models` (by
/// name) is trained in a new Trainer, in one browser; every epoch's ms, by name.
async function bareWorkerEpochs(load, models) {
  const dir = mkdtempSync(join(tmpdir(), 'nntutor-bench-bare-'));
  copyFileSync(join(root, 'build/site/nntutor_train_wasm.js'), join(dir, 'nntutor_train_wasm.js'));
  if (load.digits) copyFileSync(join(root, 'build/data/digits.bin'), join(dir, 'digits.bin'));
  writeFileSync(join(dir, 'worker.js'), `importScripts('nntutor_train_wasm.js');
onmessage = async ({ data: { load, models } }) => {
  const m = await createTrainer();
  const bytes = load.digits ? new Uint8Array(await (await fetch('digits.bin')).arrayBuffer()) : null;
  const times = {};
  for (const [name, model] of Object.entries(models)) {
    const t = new m.Trainer();
    const loaded = bytes ? t.loadDigits(bytes) : t.loadData(JSON.stringify(load.spec), '');
    if (!loaded.ok) throw new Error(loaded.error);
    const started = t.start(JSON.stringify(model));
    if (!started.ok) throw new Error(started.error);
    times[name] = [];
    for (let e = 0; e < model.fit.epochs; e += 1) {
      const t0 = performance.now();
      t.epoch();
      times[name].push(performance.now() - t0);
    }
    t.delete();
  }
  postMessage(times);
};
`);
  writeFileSync(join(dir, 'main.js'), `window.train = (load, models) => new Promise((resolve) => {
  const worker = new Worker('worker.js');
  worker.onmessage = ({ data }) => { resolve(data); worker.terminate(); };
  worker.postMessage({ load, models });
});
`);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>trainer bench</title><script src="main.js"></script>\n');
  const server = await serve(dir, { port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    return await page.evaluate(([l, m]) => window.train(l, m), [load, models]);
  } finally {
    await browser.close();
    server.close();
  }
}

async function digitsChromium() {
  const epochs = kDigitsEpochs + kChromiumWarmUp;
  const models = { float64: digitsModel('float64', epochs), float32: digitsModel('float32', epochs) };
  const times = await bareWorkerEpochs({ digits: true }, models);
  return { float64: warmRate(8000, times.float64, kChromiumWarmUp), float32: warmRate(8000, times.float32, kChromiumWarmUp) };
}

/// TensorFlow.js (Wasm backend, float32) on the same shapes: the first 8,000 digits of the file to
/// train, the next 1,000 to validate (which digits does not change the speed).
async function digitsTf() {
  await tf.setBackend('wasm');
  await tf.ready();
  const bytes = digitsBytes();
  const n = bytes.readUInt32LE(12);
  const images = (first, count) => tf.tensor2d(Float32Array.from(bytes.subarray(16 + n + 784 * first, 16 + n + 784 * (first + count)), (b) => b / 255), [count, 784]);
  const labels = (first, count) => tf.oneHot(tf.tensor1d(Array.from(bytes.subarray(16 + first, 16 + first + count)), 'int32'), 10).toFloat();
  const [x, y, xv, yv] = [images(0, 8000), labels(0, 8000), images(8000, 1000), labels(8000, 1000)];
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const options = { batchSize: 64, shuffle: true, validationData: [xv, yv], verbose: 0 };
  await model.fit(x, y, { ...options, epochs: 1 });
  const start = performance.now();
  await model.fit(x, y, { ...options, epochs: kDigitsEpochs });
  const rate = (8000 * kDigitsEpochs) / ((performance.now() - start) / 1000);
  tf.dispose([x, y, xv, yv]);
  model.dispose();
  return rate;
}

async function digitsBench() {
  const nativeDigits = { float64: digitsNative('float64'), float32: digitsNative('float32') };
  const nodeDigits = { float64: digitsNode('float64'), float32: digitsNode('float32') };
  const chromiumDigits = await digitsChromium();
  console.warn = () => {};
  const tfDigits = await digitsTf();
  console.warn = originalWarn;
  console.log('Training the digits model (784 → 128 relu → 10 softmax, 101,770 parameters; cross_entropy, Adam 1e-3, batch 64; 8000 + 1000 validation digits per epoch)');
  for (const dtype of ['float64', 'float32']) {
    row(`ours, native (g++ -O3), ${dtype}`, nativeDigits[dtype]);
    row(`ours, Wasm under Node, ${dtype}`, nodeDigits[dtype], slower(nativeDigits[dtype], nodeDigits[dtype]));
    row(`ours, Wasm in Chromium (Web Worker), ${dtype}`, chromiumDigits[dtype], slower(nativeDigits[dtype], chromiumDigits[dtype]));
  }
  row('TensorFlow.js 4.22, Wasm backend (Node), float32', tfDigits);
  console.log(`  float32 / float64: native ${ratio(nativeDigits.float32, nativeDigits.float64)}, Wasm (Node) ${ratio(nodeDigits.float32, nodeDigits.float64)}, Chromium ${ratio(chromiumDigits.float32, chromiumDigits.float64)}`);
  console.log(`  Wasm / native (time per sample): Node float64 ${ratio(nativeDigits.float64, nodeDigits.float64)}, float32 ${ratio(nativeDigits.float32, nodeDigits.float32)}; ` +
              `Chromium float64 ${ratio(nativeDigits.float64, chromiumDigits.float64)}, float32 ${ratio(nativeDigits.float32, chromiumDigits.float32)}`);
  console.log(`  ours (Wasm, float32) against TensorFlow.js's Wasm backend: Chromium ${ratio(chromiumDigits.float32, tfDigits)}, Node ${ratio(nodeDigits.float32, tfDigits)}`);
}

// ---- TensorFlow.js, the same model on the same numbers ----

setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

function lectureModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 64, inputShape: [9] }));
  for (const units of [128, 64, 54]) {
    model.add(tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 }));
    model.add(tf.layers.activation({ activation: 'relu' }));
    model.add(tf.layers.dense({ units }));
  }
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return model;
}

async function tfSamplesPerSecond(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const { train, validation } = data;
  const x = tf.tensor2d(train.x, [train.samples, 9]);
  const y = tf.tensor2d(train.y, [train.samples, 54]);
  const xv = tf.tensor2d(validation.x, [validation.samples, 9]);
  const yv = tf.tensor2d(validation.y, [validation.samples, 54]);
  const model = lectureModel();
  const options = { batchSize: 64, shuffle: true, validationData: [xv, yv], verbose: 0 };
  await model.fit(x, y, { ...options, epochs: 1 });
  const start = performance.now();
  await model.fit(x, y, { ...options, epochs: kTfEpochs });
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y, xv, yv]);
  model.dispose();
  return (train.samples * kTfEpochs) / seconds;
}

/// Microseconds per trainOnBatch of the lecture's 1-1-1 (two sigmoid units, x = y = 1,
/// w1 = 0.5, w2 = 0.8, SGD η = 0.1, ½(ŷ − y)²).
async function tfStep111(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1], activation: 'sigmoid', weights: [tf.tensor2d([[0.5]]), tf.tensor1d([0])] }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', weights: [tf.tensor2d([[0.8]]), tf.tensor1d([0])] }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: (t, p) => tf.mul(0.5, tf.sum(tf.square(tf.sub(p, t)))) });
  const x = tf.tensor2d([[1]]);
  const y = tf.tensor2d([[1]]);
  for (let i = 0; i < 50; i += 1) await model.trainOnBatch(x, y);
  const n = 500;
  const start = performance.now();
  for (let i = 0; i < n; i += 1) await model.trainOnBatch(x, y);
  const us = ((performance.now() - start) * 1000) / n;
  model.dispose();
  tf.dispose([x, y]);
  return us;
}

// The lecture's model in the bare worker page: the Wasm alone over the page's window of epochs,
// with nothing drawn beside it (one browser per dtype, as the trainer page's line).
const lectureBare = {};
for (const dtype of ['float64', 'float32']) {
  const model = { ...modelWith(dtype), fit: { ...modelWith(dtype).fit, epochs: kChromiumEpochs } };
  const ms = (await bareWorkerEpochs({ spec: { builtin: { samples: kSamples, seed: 1 } } }, { [dtype]: model }))[dtype];
  lectureBare[dtype] = (ready.train * ms.length) / (ms.reduce((a, b) => a + b, 0) / 1000);
}

const originalWarn = console.warn;
console.warn = () => {};  // TensorFlow.js suggests tfjs-node on every import: not what students get
const tfCpu = await tfSamplesPerSecond('cpu');
const tfWasm = await tfSamplesPerSecond('wasm');
const tfStepCpu = await tfStep111('cpu');
const tfStepWasm = await tfStep111('wasm');
console.warn = originalWarn;

// Our 1-1-1 step (the worked-example engine), natively and in Wasm under Node.
const ourStepNative = Number(execFileSync(join(root, 'build/native/nntutor_bench'), [`lecture=${join(root, 'examples/lecture.json')}`], { encoding: 'utf8' }).split(' ')[1]);
const engine = await (await import('../build/wasm/nntutor_wasm.js')).default({
  wasmBinary: readFileSync(join(root, 'build/wasm/nntutor_wasm.wasm')),
});
const lectureText = readFileSync(join(root, 'examples/lecture.json'), 'utf8');
engine.benchSteps(lectureText, 1000);
t0 = performance.now();
if (!engine.benchSteps(lectureText, 200000).ok) throw new Error('benchSteps failed');
const ourStepWasm = ((performance.now() - t0) * 1000) / 200000;

const best = Math.max(tfCpu, tfWasm);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const row = (name, v, note = '') => console.log(`  ${name.padEnd(46)}${v.toFixed(0).padStart(9)} samples/s${note}`);
const slower = (a, b) => `   ${(a / b).toFixed(2)}× slower than native`;
console.log(`Training the lecture's Keras model (21,750 parameters; batch 64, Adam 1e-3; ${ready.train} + 2000 validation samples per epoch)`);
console.log(`  kernels (cpp/kernels): native eigen, Wasm ${kernels}`);
for (const dtype of ['float64', 'float32']) {
  row(`ours, native (g++ -O3), ${dtype}`, native[dtype]);
  row(`ours, Wasm under Node, ${dtype}`, wasmNode[dtype], slower(native[dtype], wasmNode[dtype]));
  row(`ours, Wasm in Chromium (Web Worker), ${dtype}`, wasmChromium[dtype], slower(native[dtype], wasmChromium[dtype]));
  row(`  the same, epochs ${kChromiumWarmUp + 1}–${kOurEpochs + kChromiumWarmUp} (warm)`, chromiumWarm[dtype], slower(native[dtype], chromiumWarm[dtype]));
  row(`  native, epochs 1–${kChromiumEpochs} (the page's window)`, nativeAll[dtype],
    `   Chromium's ${ratio(nativeAll[dtype], wasmChromium[dtype])} slower over the same epochs`);
  row(`  Chromium, a bare worker page, epochs 1–${kChromiumEpochs}`, lectureBare[dtype],
    `   ${ratio(nativeAll[dtype], lectureBare[dtype])} slower than native over the same epochs (no page drawing beside it)`);
}
row('TensorFlow.js 4.22, CPU backend (Node)', tfCpu);
row('TensorFlow.js 4.22, Wasm backend (Node)', tfWasm);
console.log(`  float32 / float64: native ${ratio(native.float32, native.float64)}, Wasm (Node) ${ratio(wasmNode.float32, wasmNode.float64)}, Chromium ${ratio(wasmChromium.float32, wasmChromium.float64)}`);
console.log(`  ours (Wasm, Chromium, float32: the page's default) is ${(wasmChromium.float32 / best).toFixed(1)}× the faster TensorFlow.js backend (goal ≥ 15×); float64 ${(wasmChromium.float64 / best).toFixed(1)}×; under Node ${(wasmNode.float32 / best).toFixed(1)}× / ${(wasmNode.float64 / best).toFixed(1)}×`);
console.log(`    warm (Chromium's epochs ${kChromiumWarmUp + 1}–${kOurEpochs + kChromiumWarmUp}; Node's after 1 warm-up epoch): float32 ${(chromiumWarm.float32 / best).toFixed(1)}×, float64 ${(chromiumWarm.float64 / best).toFixed(1)}×`);
console.log(`  Wasm / native (time per sample; goal ≤ 1.3×): Node float64 ${ratio(native.float64, wasmNode.float64)}, float32 ${ratio(native.float32, wasmNode.float32)}; ` +
            `Chromium warm float64 ${ratio(native.float64, chromiumWarm.float64)}, float32 ${ratio(native.float32, chromiumWarm.float32)}; ` +
            `Chromium with the first epoch float64 ${ratio(native.float64, wasmChromium.float64)}, float32 ${ratio(native.float32, wasmChromium.float32)}; ` +
            `epochs 1–${kChromiumEpochs} in both (the first epoch of a fit first touches every buffer, natively too) ` +
            `float64 ${ratio(nativeAll.float64, wasmChromium.float64)}, float32 ${ratio(nativeAll.float32, wasmChromium.float32)}; ` +
            `the module alone in a bare worker page, epochs 1–${kChromiumEpochs} float64 ${ratio(nativeAll.float64, lectureBare.float64)}, float32 ${ratio(nativeAll.float32, lectureBare.float32)}`);
await digitsBench();
console.log('One training step of the lecture\'s 1-1-1 example');
console.log(`  ours native ${ourStepNative.toFixed(2)} µs, ours Wasm ${ourStepWasm.toFixed(2)} µs (goal < 5 µs); TensorFlow.js trainOnBatch: CPU ${tfStepCpu.toFixed(0)} µs, Wasm ${tfStepWasm.toFixed(0)} µs`);

// ---- Threads (docs/threads.md): 1 against 2 threads in each runner, alternated 1, 2, 1, 2 so
// that both see the same load; the better of the two runs of each is printed. The products are
// split by columns of C (never the batch): the numbers are the same bits on any count. ----

// Each run times kThreadEpochs warm epochs (about 0.4 s in float32): over the 3 of the lines
// above (about 120 ms) the 1 → 2 ratio swung between 1.1× and 1.5× from run to run (docs/threads.md).
const kThreadEpochs = 10;
const nativeThreads = (dtype, threads) => Number(execFileSync(join(root, 'build/native/nntutor_bench'),
  ['--keras', modelFile(dtype), String(kSamples), String(kThreadEpochs), String(threads)], { encoding: 'utf8' }).split(' ')[0]);
const threaded = await createThreaded();
function nodeThreads(dtype, threads) {
  unwrap(threaded.setThreads(threads));
  const trainer = new threaded.Trainer();
  unwrap(trainer.loadData(JSON.stringify({ builtin: { samples: kSamples, seed: 1 } }), ''));
  const started = JSON.parse(unwrap(trainer.start(JSON.stringify(modelWith(dtype)))));
  unwrap(trainer.epoch());
  const start = performance.now();
  for (let e = 0; e < kThreadEpochs; e += 1) unwrap(trainer.epoch());
  const rate = (started.train * kThreadEpochs) / ((performance.now() - start) / 1000);
  trainer.delete();
  return rate;
}
/// The trainer page served cross-origin isolated (its worker runs nntutor_train_mt_wasm.js), the
/// count chosen with its "threads" control: samples per second as the page measures them.
async function chromiumThreads(dtype, threads) {
  const server = await serve(join(root, 'build/site'), { port: 0, isolate: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/trainer.html`);
    await page.getByText('Ready: press Train.').waitFor({ timeout: 30000 });
    if (!await page.evaluate(() => globalThis.crossOriginIsolated)) throw new Error('the page is not cross-origin isolated');
    const set = async (label, value) => {
      const box = page.getByLabel(label, { exact: true });
      await box.fill(value);
      await box.press('Tab');
    };
    await set('samples', String(kSamples));
    await set('epochs', String(kThreadEpochs + kChromiumWarmUp));
    await page.getByLabel('numbers (dtype)').selectOption(dtype);
    await page.getByLabel('threads', { exact: true }).selectOption(String(threads));
    await page.getByText(new RegExp(`^Training on ${threads} threads?`)).waitFor();
    await page.getByText(`${kSamples} samples:`).waitFor();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForText(page, 'train-status', /^Training ended after/, 120000);
    // Warm epochs only, as the single-threaded Chromium line's second figure: during the first
    // epochs V8 compiles the hot functions with its optimising tier on the other core, which is
    // the core a second thread needs (docs/bench.md).
    const epochs = await page.evaluate(() => performance.getEntriesByName('nntutor:epoch').map((e) => e.duration));
    const warm = epochs.slice(kChromiumWarmUp);
    return (ready.train * warm.length) / (warm.reduce((a, b) => a + b, 0) / 1000);
  } finally {
    await browser.close();
    server.close();
  }
}
/// The digits model (784 → 128 → 10, no batch normalization: larger products, fewer hand-offs)
/// natively: nntutor train --threads N --builtin digits, the epochs after a warm-up one.
function digitsNativeThreads(dtype, threads) {
  const path = join(tmp, `digits-threads-${dtype}.json`);
  writeFileSync(path, JSON.stringify(digitsModel(dtype, 6)));
  const r = spawnSync(join(root, 'build/native/nntutor'), ['train', '--threads', String(threads), '--builtin', 'digits', path],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nntutor train --threads ${threads} --builtin digits: ${r.stderr}`);
  return warmRate(8000, [...r.stderr.matchAll(/^Epoch \d+\/\d+ .* - (\d+) ms$/gm)].map((m) => Number(m[1])));
}
const loadBefore = loadavg()[0];
const threadRuns = [];
for (const [name, measure] of [
  ['native (g++ -O3), float64', (n) => nativeThreads('float64', n)],
  ['native (g++ -O3), float32', (n) => nativeThreads('float32', n)],
  ['Wasm under Node (worker_threads), float64', (n) => nodeThreads('float64', n)],
  ['Wasm under Node (worker_threads), float32', (n) => nodeThreads('float32', n)],
  ['Wasm in Chromium (isolated page, warm), float64', (n) => chromiumThreads('float64', n)],
  ['Wasm in Chromium (isolated page, warm), float32', (n) => chromiumThreads('float32', n)],
  ['digits model, native, float64', (n) => digitsNativeThreads('float64', n)],
  ['digits model, native, float32', (n) => digitsNativeThreads('float32', n)],
]) {
  const one = [];
  const two = [];
  for (let run = 0; run < 2; run += 1) {
    one.push(await measure(1));
    two.push(await measure(2));
  }
  threadRuns.push({ name, one, two });
}
threaded.PThread?.terminateAllThreads();
console.log(`Threads: 1 against 2, the lecture's model, then the digits model (${kThreadEpochs} warm epochs a run (digits: 5), alternated 1, 2, 1, 2; the better run of each; load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}; goal: 2 threads ≥ 1.6× one)`);
for (const { name, one, two } of threadRuns) {
  const a = Math.max(...one);
  const b = Math.max(...two);
  console.log(`  ${`ours, ${name}`.padEnd(52)}${a.toFixed(0).padStart(8)} / ${b.toFixed(0).padStart(8)} samples/s   ${(b / a).toFixed(2)}×` +
              `   (runs: ${one.map((v) => v.toFixed(0)).join(', ')} / ${two.map((v) => v.toFixed(0)).join(', ')})`);
}
