// `npm run bench` (scripts/bench.sh): the digit quiz's figures (docs/digits.md "Figures").
//   native: the default digits model (784-128-10, 20 epochs, batch 64) trained by
//   `nntutor train --builtin digits`: seconds, samples/s, test accuracy;
//   Wasm in Node: the same model through the trainer module (the page's path), samples/s over
//   two epochs; one drawn digit preprocessed and explained (probabilities, activations,
//   saliency), in ms; the data file's bytes (raw and gzipped).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import createTrainer from '../build/wasm/nntutor_train_wasm.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const data = readFileSync(join(root, 'build/data/digits.bin'));

console.log('\nDigits (MNIST, 8000 training / 1000 validation / 1000 test; docs/digits.md)');
console.log(`  data file build/data/digits.bin: ${data.length} bytes (${(gzipSync(data).length / 1e6).toFixed(2)} MB gzipped)`);

const native = execFileSync(join(root, 'build/native/nntutor'), ['train', '--builtin', 'digits'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const trained = native.match(/(\d+) epochs? in ([\d.]+) s \((\d+) samples\/s\)/);
const accuracy = native.match(/Test accuracy: ([\d.]+) %/);
console.log(`  native, default model (${trained[1]} epochs): ${trained[2]} s, ${trained[3]} samples/s, test accuracy ${accuracy[1]} %`);

const module = await createTrainer();
const trainer = new module.Trainer();
const loaded = trainer.loadDigits(new Uint8Array(data));
if (!loaded.ok) throw new Error(loaded.error);
const model = JSON.parse(module.digitsModel('{}').value);
model.fit.epochs = 2;
const started = trainer.start(JSON.stringify(model));
if (!started.ok) throw new Error(started.error);
const t0 = performance.now();
trainer.epoch();
trainer.epoch();
const seconds = (performance.now() - t0) / 1000;
const rate = (2 * 8000) / seconds;
console.log(`  Wasm (Node), default model: ${rate.toFixed(0)} samples/s (${(seconds / 2).toFixed(2)} s per epoch; 20 epochs ≈ ${(10 * seconds).toFixed(0)} s)`);

// One drawn digit: a 280 × 280 canvas's grey bytes → the 28 × 28 field → the explanation.
const width = 280;
const grey = new Uint8Array(width * width);
for (let r = 60; r < 220; r += 1) for (let c = 120; c < 150; c += 1) grey[r * width + c] = 255;
let runs = 0;
const t1 = performance.now();
while (performance.now() - t1 < 1000) {
  const p = module.digitsPreprocessGrey(width, width, grey);
  const pixels = JSON.stringify(JSON.parse(p.value).pixels);
  const e = trainer.digitsExplain(pixels);
  if (!e.ok) throw new Error(e.error);
  JSON.parse(e.value);
  runs += 1;
}
console.log(`  Wasm (Node), one drawn 280 × 280 digit preprocessed and explained: ${((performance.now() - t1) / runs).toFixed(2)} ms`);
trainer.delete();
