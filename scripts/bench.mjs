// `npm run bench`: prints the speed and size figures (run scripts/bench.sh, which builds first).
//   native and Wasm time per training step: the lecture's 1-1-1 example, and a
//   9-64-128-64-54 network (the Keras example's widths) on a batch of 64 samples;
//   the workbook against the stateless run (scripts/bench-workbook.mjs); the page in headless
//   Chromium (scripts/bench-page.mjs); the bytes the page downloads.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import createEngine from '../build/wasm/nntutor_wasm.js';
import createChecker from '../build/wasm/nntutor_check_wasm.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = join(root, 'build/bench');
mkdirSync(out, { recursive: true });

/// Deterministic pseudo-random numbers in [−1, 1) (a 32-bit LCG), so every run trains the same.
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
}
const rand = lcg(2025);
const matrix = (rows, cols) => Array.from({ length: rows }, () => Array.from({ length: cols }, rand));

const cases = {
  'lecture 1-1-1': readFileSync(join(root, 'examples/lecture.json'), 'utf8'),
  '9-64-128-64-54, batch 64': JSON.stringify({
    inputs: matrix(64, 9), targets: matrix(64, 54),
    layers: [64, 128, 64].map((units) => ({ units, activation: 'relu' }))
      .concat([{ units: 54, activation: 'linear' }]),
    loss: 'mse', optimizer: { name: 'sgd', learning_rate: 0.001 }, steps: 1, seed: 3,
  }),
};
const files = Object.entries(cases).map(([name, text], i) => {
  const file = join(out, `case-${i}.json`);
  writeFileSync(file, text);
  return [name, file, text];
});

const fmt = (us) => (us < 10 ? us.toFixed(2) : us.toFixed(1)).padStart(9);

// Native: nntutor_bench prints "NAME MICROSECONDS" per case.
const nativeText = execFileSync(join(root, 'build/native/nntutor_bench'),
  files.map(([, file], i) => `case${i}=${file}`), { encoding: 'utf8' });
const nativeUs = nativeText.trim().split('\n').map((l) => Number(l.split(' ')[1]));

// Wasm under Node: the same sessions through the bound benchSteps, grown until ≥ 1 s.
const engine = await createEngine({ wasmBinary: readFileSync(join(root, 'build/wasm/nntutor_wasm.wasm')) });
function wasmMicroseconds(text) {
  let steps = 1, total = 0, elapsed = 0;
  while (elapsed < 1000) {
    const t0 = performance.now();
    const r = engine.benchSteps(text, steps);
    elapsed += performance.now() - t0;
    if (!r.ok) throw new Error(r.error);
    total += steps;
    steps = Math.min(steps * 2, 1 << 16);
  }
  return (elapsed * 1000) / total;
}

console.log('Training step (full-batch gradient descent, forward + backward + update)');
console.log('  case                          native µs   Wasm µs   Wasm/native');
files.forEach(([name, , text], i) => {
  const w = wasmMicroseconds(text);
  console.log(`  ${name.padEnd(28)}${fmt(nativeUs[i])} ${fmt(w)}   ${(w / nativeUs[i]).toFixed(2).padStart(6)}×`);
});

// The checker (Wasm, as the page uses it): a student's 10-step lecture table, from the engine
// at 4 decimals with one planted slip, checked in both modes.
{
  const checker = await createChecker();
  const session = JSON.stringify({ ...JSON.parse(cases['lecture 1-1-1']), steps: 10 });
  const exact = engine.format(session, 'csv', 4, '{}').value.split('\n');
  exact[3] = exact[3].replace(/^3,0\.5033/, '3,0.5100');  // w1 of row 3 off
  const answer = exact.join('\n');
  console.log('Checking a student\'s 10-step lecture table (Wasm, median of 50)');
  for (const mode of ['start', 'step']) {
    const times = [];
    for (let i = 0; i < 51; i += 1) {
      const t0 = performance.now();
      const r = checker.check(session, answer, mode);
      if (i > 0) times.push(performance.now() - t0);
      if (!r.ok) throw new Error(r.error);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${mode.padEnd(6)} mode                  ${times[25].toFixed(2).padStart(7)} ms   (target < 10 ms)`);
  }
  // Tutor mode: one typed number judged (what a press of Check costs), at step 1 and step 10.
  console.log('Tutor mode: one typed number judged (Wasm, median of 50)');
  for (const [step, column, row] of [[1, 'y2', 1], [10, 'w1', 11]]) {
    const times = [];
    for (let i = 0; i < 51; i += 1) {
      const t0 = performance.now();
      const r = checker.tutorCheck(session, step, column, row, '0.1234', 4);
      if (i > 0) times.push(performance.now() - t0);
      if (!r.ok) throw new Error(r.error);
    }
    times.sort((a, b) => a - b);
    console.log(`  step ${String(step).padEnd(3)} ${column.padEnd(3)}                 ${times[25].toFixed(2).padStart(7)} ms   (target < 16 ms: one frame)`);
  }
}

// The Assignment 4 check (native): the learning-rate sweep and its bisection.
console.log('Assignment 4 check: sweep + bisection (native, median of 51)');
for (const [name, file] of [['lecture 1-1-1', 'examples/lecture.json'], ['2-4-1 that passes', 'examples/assignment-pass.json']]) {
  const ms = Number(execFileSync(join(root, 'build/native/nntutor_bench'), ['--assignment', join(root, file)], { encoding: 'utf8' }));
  console.log(`  ${name.padEnd(28)}${ms.toFixed(3).padStart(9)} ms   (target < 50 ms)`);
}

// Sizes on disk: the engine, and everything served (bench-page.mjs measures what is fetched).
function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const site = join(root, 'build/site');
let raw = 0, gz = 0, engineRaw = 0, engineGz = 0, checkRaw = 0, checkGz = 0;
for (const file of walk(site)) {
  const body = readFileSync(file);
  const z = gzipSync(body, { level: 9 }).length;
  raw += body.length; gz += z;
  if (file.endsWith('/nntutor_wasm.js') || file.endsWith('/nntutor_wasm.wasm')) { engineRaw += body.length; engineGz += z; }
  if (file.endsWith('/nntutor_check_wasm.js')) { checkRaw = body.length; checkGz = z; }
}
console.log('Size (gzip -9; what a browser downloads is measured below, in Chromium)');
console.log(`  engine (JS + .wasm)           ${(engineRaw / 1024).toFixed(1)} KB raw, ${(engineGz / 1024).toFixed(1)} KB gzipped`);
console.log(`  checker (loaded on first use) ${(checkRaw / 1024).toFixed(1)} KB raw, ${(checkGz / 1024).toFixed(1)} KB gzipped`);
console.log(`  all of build/site             ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped  (every KaTeX font, most never downloaded)`);

// The engine's workbook (engine.open) against the stateless run, in Node.
execFileSync(process.execPath, [join(root, 'scripts/bench-workbook.mjs')], { stdio: 'inherit' });

// The page in headless Chromium.
console.log('Page in headless Chromium');
execFileSync(process.execPath, [join(root, 'scripts/bench-page.mjs')], { stdio: 'inherit' });
