// The digits page's figures (issue 12), in one run (build first: scripts/bench.sh):
//   1. test accuracy after ≤ 30 s of training in headless Chromium (the page, its Web Worker):
//      one epoch is timed, then a fresh model trains for as many epochs as fit in 30 s;
//   2. training samples/s of the digits model (784 → 128 ReLU → 10 softmax, Adam, batch 64):
//      ours in Chromium's worker and in Node, TensorFlow.js's Wasm backend (Node) on the same
//      8,000 training digits;
//   3. one drawn digit classified and drawn (preprocess, probabilities, activations, saliency,
//      the page's drawings): the page's `nntutor:digit` measures over 30 strokes;
//   4. the page's download with and without the digits data (raw and gzip -9).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium, waitForText } from './chromium.mjs';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import createTrainer from '../build/wasm/nntutor_train_wasm.js';
import { serve } from './serve.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);
const kBudgetMs = 30_000;
const kStrokes = 30;

const unwrap = (r) => {
  if (!r.ok) throw new Error(r.error);
  return JSON.parse(r.value);
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs) => quantile(xs, 0.5);

// ---- In Chromium: the page ----

async function setField(page, label, value) {
  const box = page.getByLabel(label, { exact: true });
  await box.fill(value);
  await box.press('Tab');
}

/// Trains the form's model for `epochs` epochs on the page; returns the training time (the
/// worker's time in epoch()), the test accuracy and the digits per epoch.
async function trainOnPage(page, epochs) {
  await setField(page, 'epochs', String(epochs));
  await page.waitForFunction(() => !document.getElementById('train').disabled);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForText(page, 'train-status', /^Training ended after/, 600_000);
  await page.getByText(/^Test accuracy: /).waitFor({ timeout: 30_000 });
  const ms = await page.evaluate(() => performance.getEntriesByName('nntutor:digits-training').at(-1).duration);
  const accuracy = Number((await page.getByText(/^Test accuracy: /).innerText()).match(/([\d.]+) %/)[1]);
  const train = Number((await page.locator('#train-status').innerText()).match(/after (\d+) epoch/)[1]);
  return { ms, accuracy, epochs: train };
}

async function drawStrokes(page) {
  const pad = page.getByRole('img', { name: 'drawing pad: draw one digit here' });
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = (x, y) => [box.x + x * box.width, box.y + y * box.height];
  await page.evaluate(() => performance.clearMeasures('nntutor:digit'));
  for (let i = 0; i < kStrokes; i += 1) {
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.mouse.move(...at(0.3, 0.2));
    await page.mouse.down();
    await page.mouse.move(...at(0.7, 0.2), { steps: 4 });
    await page.mouse.move(...at(0.45 + 0.01 * (i % 5), 0.8), { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(60);
  }
  await page.getByText(/^The network answers \d/).waitFor();
  return page.evaluate(() => performance.getEntriesByName('nntutor:digit').map((m) => m.duration));
}

async function inChromium() {
  const server = await serve(join(root, 'build/site'), { port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const bodies = [];
    page.on('response', (r) => bodies.push(r.body().then((b) => [new URL(r.url()).pathname, b]).catch(() => null)));
    await page.goto(`http://127.0.0.1:${server.address().port}/digits.html`);
    await page.getByText('Ready: press Train.').waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const files = (await Promise.all(bodies)).filter(Boolean);
    const weight = { raw: 0, gz: 0, dataRaw: 0, dataGz: 0 };
    for (const [path, body] of files) {
      const gz = gzipSync(body, { level: 9 }).length;
      if (path.endsWith('/digits.bin')) {
        weight.dataRaw += body.length;
        weight.dataGz += gz;
      } else {
        weight.raw += body.length;
        weight.gz += gz;
      }
    }
    weight.files = files.length;

    const one = await trainOnPage(page, 1);
    const epochs = Math.max(1, Math.floor(kBudgetMs / one.ms));
    const full = await trainOnPage(page, epochs);
    const draws = await drawStrokes(page);
    return { weight, one, full, draws };
  } finally {
    await browser.close();
    server.close();
  }
}

const chromiumRun = await inChromium();

// ---- In Node: ours and TensorFlow.js on the same training digits ----

const bytes = new Uint8Array(readFileSync(join(root, 'build/data/digits.bin')));
const module = await createTrainer();
const model = unwrap(module.digitsModel('{}'));
const trainer = new module.Trainer();
const shape = unwrap(trainer.loadDigits(bytes));
unwrap(trainer.start(JSON.stringify({ ...model, fit: { ...model.fit, epochs: 4 } })));
unwrap(trainer.epoch());
let t0 = performance.now();
for (let e = 0; e < 2; e += 1) unwrap(trainer.epoch());
const oursNode = (shape.train * 2) / ((performance.now() - t0) / 1000);
trainer.delete();

// The same number of digits for TensorFlow.js: the file's first 8,000 (speed does not depend
// on which), inputs byte/255, one-hot targets, validation on the next 1,000 as fit() does.
const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
const labels = bytes.subarray(16, 16 + n);
const pixels = bytes.subarray(16 + n);
function tensors(from, count) {
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i += 1) {
    for (let k = 0; k < 784; k += 1) x[i * 784 + k] = pixels[(from + i) * 784 + k] / 255;
    y[i * 10 + labels[from + i]] = 1;
  }
  return [tf.tensor2d(x, [count, 784]), tf.tensor2d(y, [count, 10])];
}

setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
const originalWarn = console.warn;
console.warn = () => {};  // TensorFlow.js suggests tfjs-node on every import: not what students get
await tf.setBackend('wasm');
await tf.ready();
console.warn = originalWarn;
const hidden = model.layers.filter((l) => l.type === 'dense').slice(0, -1).map((l) => l.units);
const tfModel = tf.sequential();
hidden.forEach((units, i) => tfModel.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
tfModel.add(tf.layers.dense({ units: 10, activation: 'softmax', ...(hidden.length === 0 ? { inputShape: [784] } : {}) }));
tfModel.compile({ optimizer: tf.train.adam(model.optimizer.learning_rate ?? 1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const [x, y] = tensors(0, shape.train);
const [xv, yv] = tensors(shape.train, shape.validation);
const options = { batchSize: model.fit.batch_size, shuffle: true, validationData: [xv, yv], verbose: 0 };
await tfModel.fit(x, y, { ...options, epochs: 1 });
t0 = performance.now();
await tfModel.fit(x, y, { ...options, epochs: 2 });
const tfWasm = (shape.train * 2) / ((performance.now() - t0) / 1000);
tf.dispose([x, y, xv, yv]);
tfModel.dispose();

// ---- Report ----

const { weight, one, full, draws } = chromiumRun;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const oursChromium = (shape.train * full.epochs) / (full.ms / 1000);
console.log(`Digits (784 → ${hidden.join(' → ')} ReLU → 10 softmax, Adam, batch ${model.fit.batch_size}; ${shape.train} training digits, ${shape.validation} validation, ${shape.test} test)`);
console.log(`  test accuracy after ${(full.ms / 1000).toFixed(1)} s of training in headless Chromium (${full.epochs} epochs): ${full.accuracy.toFixed(1)} % (target ≥ 95 %); after 1 epoch (${(one.ms / 1000).toFixed(1)} s): ${one.accuracy.toFixed(1)} %`);
console.log(`  samples/s: ours in Chromium's worker ${oursChromium.toFixed(0)}, ours in Node ${oursNode.toFixed(0)}, TensorFlow.js 4.22 Wasm backend (Node) ${tfWasm.toFixed(0)}: ours ${(oursNode / tfWasm).toFixed(1)}× in Node, ${(oursChromium / tfWasm).toFixed(1)}× in Chromium`);
console.log(`  one drawn digit classified and drawn (preprocess, probabilities, activations, saliency, drawings; ${draws.length} measures): median ${median(draws).toFixed(1)} ms, 90 % within ${quantile(draws, 0.9).toFixed(1)} ms, max ${Math.max(...draws).toFixed(1)} ms (target < 16 ms)`);
console.log(`  download: the page without the digits ${weight.files - 1} files, ${kb(weight.raw)} raw, ${kb(weight.gz)} gzipped; with data/digits.bin ${kb(weight.raw + weight.dataRaw)} raw, ${kb(weight.gz + weight.dataGz)} gzipped (the data: ${kb(weight.dataRaw)} raw, ${kb(weight.dataGz)} gzipped)`);
