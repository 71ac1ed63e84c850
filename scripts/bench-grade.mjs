// `npm run bench` (scripts/bench.sh): grading a class of 500 submissions of the lecture's 10-step
// table (each student's own x and η; one in ten with a slip planted in z2 of row 3) —
// natively (`nntutor grade`, the whole command), in the checker's Wasm module under Node, and in
// the instructor page in headless Chromium (folder chosen, Grade the class clicked, until the
// progress bar is full and the grade table is shown). Targets (issue 14): native < 5 s, page < 15 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import createChecker from '../build/wasm/nntutor_check_wasm.js';
import { serve } from './serve.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const kStudents = Number(process.argv[2] ?? 500);
const dir = join(root, 'build/bench/grade-class');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'keys'), { recursive: true });
mkdirSync(join(dir, 'submissions'), { recursive: true });
const cli = join(root, 'build/native/nntutor');

for (let i = 0; i < kStudents; ++i) {
  const id = `s${String(i + 1).padStart(3, '0')}`;
  const key = JSON.stringify({
    inputs: [[0.5 + 0.002 * i]], targets: [[1]],
    layers: [{ units: 1, activation: 'sigmoid', weights: [[0.5]], biases: [0] },
      { units: 1, activation: 'sigmoid', weights: [[0.8]], biases: [0] }],
    loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 + 0.01 * (i % 10) }, steps: 10,
  });
  writeFileSync(join(dir, 'keys', `${id}.session.json`), key);
  const table = execFileSync(cli, ['table', '-', '--steps', '10', '--format', 'csv'], { input: key, encoding: 'utf8' });
  const lines = table.split('\n');
  if (i % 10 === 3) lines[3] = lines[3].split(',').map((v, k) => (k === 9 ? (Number(v) + 0.02).toFixed(4) : v)).join(',');
  writeFileSync(join(dir, 'submissions', `${id}.csv`), lines.join('\n'));
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

// Native: the whole command (reading 1000 files, grading, writing the sheet and the analysis).
let start = performance.now();
const native = spawnSync(cli, ['grade', join(dir, 'keys'), join(dir, 'submissions'), '--analysis', join(root, 'build/bench/grade-analysis.md')],
  { encoding: 'utf8', maxBuffer: 1 << 26 });
const nativeMs = performance.now() - start;
if (native.status !== 0) throw new Error(`nntutor grade: exit ${native.status}: ${native.stderr.slice(0, 500)}`);

// Wasm under Node: the page's calls without the page.
const checker = await createChecker();
start = performance.now();
const g = new checker.Grader();
g.setup('', 'start');
for (const name of readdirSync(join(dir, 'keys'))) g.addKey(name, readFileSync(join(dir, 'keys', name), 'utf8'));
for (const name of readdirSync(join(dir, 'submissions'))) g.addSubmission(name, readFileSync(join(dir, 'submissions', name), 'utf8'));
const n = g.plan();
for (let i = 0; i < n; ++i) g.grade(i);
const csv = g.result('csv').value;
g.result('analysis');
g.delete();
const wasmMs = performance.now() - start;
if (csv !== native.stdout) throw new Error('the Wasm grade sheet differs from the native one');

// The page: choose the folder, click Grade the class, wait for the full progress bar and the table.
const server = await serve(join(root, 'build/site'), { port: 0 });
const browser = await launchChromium();
let pageMs, readMs;
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/instructor.html`);
  start = performance.now();
  await page.getByLabel('Class folder (keys and submissions)', { exact: true }).setInputFiles(dir);
  await page.getByText(new RegExp(`${kStudents} keys and ${kStudents} submissions`)).waitFor({ timeout: 60000 });
  readMs = performance.now() - start;
  start = performance.now();
  await page.getByRole('button', { name: 'Grade the class', exact: true }).click();
  await page.waitForFunction((count) => document.querySelector('#grade-progress').getAttribute('aria-valuenow') === String(count)
    && !document.querySelector('#grade-results').hidden, kStudents, { timeout: 120000 });
  pageMs = performance.now() - start;
} finally {
  await browser.close();
  await new Promise((done) => server.close(done));
}

console.log(`\nGrading a class of ${kStudents} 10-step lecture tables (issue 14: native < 5 s, page < 15 s)`);
console.log(`  native, nntutor grade (whole command)      ${seconds(nativeMs)}`);
console.log(`  Wasm in Node (Grader, all calls)           ${seconds(wasmMs)}`);
console.log(`  page, Chromium: Grade the class → table    ${seconds(pageMs)}  (reading the folder before: ${seconds(readMs)})`);
