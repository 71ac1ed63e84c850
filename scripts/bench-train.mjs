// Training speed of the lecture's Keras model (9 → 64 → BN → ReLU → 128 → BN → ReLU → 64 → BN →
// ReLU → 54, mse, Adam 1e-3, batch 64) on the same built-in spectra (10,000 samples, seed 1:
// 7,000 to train, 2,000 to validate), in one run: our native build, our Wasm module under
// Node, our Wasm module in headless Chromium (the trainer page, in its Web Worker), and
// TensorFlow.js under Node with its CPU and its Wasm backends. Prints training samples per
// second (the validation pass of every epoch included in the time, as fit() runs) and ratios;
// then one training step of the lecture's 1-1-1 example in each. Build first (scripts/bench.sh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import createTrainer from '../build/wasm/nntutor_train_wasm.js';
import createThreaded from '../build/wasm/nntutor_train_mt_wasm.js';
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
const nativeRate = (dtype) => Number(execFileSync(join(root, 'build/native/nntutor_bench'),
  ['--keras', modelFile(dtype), String(kSamples), String(kOurEpochs)], { encoding: 'utf8' }));
const native = { float64: nativeRate('float64'), float32: nativeRate('float32') };

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
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
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
    await set('epochs', String(kOurEpochs + 1));
    await page.getByLabel('numbers (dtype)').selectOption(dtype);
    await page.getByText(`${kSamples} samples:`).waitFor();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByText(/Training ended after/).waitFor({ timeout: 120000 });
    const ms = await page.evaluate(() => performance.getEntriesByName('nntutor:training').at(-1).duration);
    // The page's time includes the warm-up (first) epoch: count it too.
    return (ready.train * (kOurEpochs + 1)) / (ms / 1000);
  } finally {
    await browser.close();
    server.close();
  }
}
const wasmChromium = { float64: await inChromium('float64'), float32: await inChromium('float32') };

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
const row = (name, v, note = '') => console.log(`  ${name.padEnd(46)}${v.toFixed(0).padStart(9)} samples/s${note}`);
const slower = (a, b) => `   ${(a / b).toFixed(2)}× slower than native`;
console.log(`Training the lecture's Keras model (21,750 parameters; batch 64, Adam 1e-3; ${ready.train} + 2000 validation samples per epoch)`);
console.log(`  kernels (cpp/kernels): native eigen, Wasm ${kernels}`);
for (const dtype of ['float64', 'float32']) {
  row(`ours, native (g++ -O3), ${dtype}`, native[dtype]);
  row(`ours, Wasm under Node, ${dtype}`, wasmNode[dtype], slower(native[dtype], wasmNode[dtype]));
  row(`ours, Wasm in Chromium (Web Worker), ${dtype}`, wasmChromium[dtype], slower(native[dtype], wasmChromium[dtype]));
}
row('TensorFlow.js 4.22, CPU backend (Node)', tfCpu);
row('TensorFlow.js 4.22, Wasm backend (Node)', tfWasm);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
console.log(`  float32 / float64: native ${ratio(native.float32, native.float64)}, Wasm (Node) ${ratio(wasmNode.float32, wasmNode.float64)}, Chromium ${ratio(wasmChromium.float32, wasmChromium.float64)}`);
console.log(`  ours (Wasm, Chromium, float32: the page's default) is ${(wasmChromium.float32 / best).toFixed(1)}× the faster TensorFlow.js backend (goal ≥ 15×); float64 ${(wasmChromium.float64 / best).toFixed(1)}×; under Node ${(wasmNode.float32 / best).toFixed(1)}× / ${(wasmNode.float64 / best).toFixed(1)}×`);
console.log('One training step of the lecture\'s 1-1-1 example');
console.log(`  ours native ${ourStepNative.toFixed(2)} µs, ours Wasm ${ourStepWasm.toFixed(2)} µs (goal < 5 µs); TensorFlow.js trainOnBatch: CPU ${tfStepCpu.toFixed(0)} µs, Wasm ${tfStepWasm.toFixed(0)} µs`);

// ---- Threads (docs/threads.md): 1 against 2 threads in each runner, alternated 1, 2, 1, 2 so
// that both see the same load; the better of the two runs of each is printed. The products are
// split by columns of C (never the batch): the numbers are the same bits on any count. ----

const nativeThreads = (dtype, threads) => Number(execFileSync(join(root, 'build/native/nntutor_bench'),
  ['--keras', modelFile(dtype), String(kSamples), String(kOurEpochs), String(threads)], { encoding: 'utf8' }));
const threaded = await createThreaded();
function nodeThreads(dtype, threads) {
  unwrap(threaded.setThreads(threads));
  const trainer = new threaded.Trainer();
  unwrap(trainer.loadData(JSON.stringify({ builtin: { samples: kSamples, seed: 1 } }), ''));
  const started = JSON.parse(unwrap(trainer.start(JSON.stringify(modelWith(dtype)))));
  unwrap(trainer.epoch());
  const start = performance.now();
  for (let e = 0; e < kOurEpochs; e += 1) unwrap(trainer.epoch());
  const rate = (started.train * kOurEpochs) / ((performance.now() - start) / 1000);
  trainer.delete();
  return rate;
}
/// The trainer page served cross-origin isolated (its worker runs nntutor_train_mt_wasm.js), the
/// count chosen with its "threads" control: samples per second as the page measures them.
async function chromiumThreads(dtype, threads) {
  const server = await serve(join(root, 'build/site'), { port: 0, isolate: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
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
    await set('epochs', String(kOurEpochs + 1));
    await page.getByLabel('numbers (dtype)').selectOption(dtype);
    await page.getByLabel('threads', { exact: true }).selectOption(String(threads));
    await page.getByText(new RegExp(`^Training on ${threads} threads?`)).waitFor();
    await page.getByText(`${kSamples} samples:`).waitFor();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByText(/Training ended after/).waitFor({ timeout: 120000 });
    const ms = await page.evaluate(() => performance.getEntriesByName('nntutor:training').at(-1).duration);
    return (ready.train * (kOurEpochs + 1)) / (ms / 1000);
  } finally {
    await browser.close();
    server.close();
  }
}
const loadBefore = loadavg()[0];
const threadRuns = [];
for (const [name, measure] of [
  ['native (g++ -O3), float64', (n) => nativeThreads('float64', n)],
  ['native (g++ -O3), float32', (n) => nativeThreads('float32', n)],
  ['Wasm under Node (worker_threads), float64', (n) => nodeThreads('float64', n)],
  ['Wasm under Node (worker_threads), float32', (n) => nodeThreads('float32', n)],
  ['Wasm in Chromium (isolated page), float64', (n) => chromiumThreads('float64', n)],
  ['Wasm in Chromium (isolated page), float32', (n) => chromiumThreads('float32', n)],
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
console.log(`Threads: 1 against 2 (alternated 1, 2, 1, 2; the better run of each; load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}; goal: 2 threads ≥ 1.6× one)`);
for (const { name, one, two } of threadRuns) {
  const a = Math.max(...one);
  const b = Math.max(...two);
  console.log(`  ${`ours, ${name}`.padEnd(52)}${a.toFixed(0).padStart(8)} / ${b.toFixed(0).padStart(8)} samples/s   ${(b / a).toFixed(2)}×` +
              `   (runs: ${one.map((v) => v.toFixed(0)).join(', ')} / ${two.map((v) => v.toFixed(0)).join(', ')})`);
}
