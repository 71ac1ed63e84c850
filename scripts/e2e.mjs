// The browser suite (npm test's e2e; docs/testing.md): the test files of tests/e2e in lanes (one
// per core by default), each one Node process with one Chromium that runs files one after another (tests/e2e/lane.mjs).
// One process per file, as `node --test` runs them, cost each file Node's start, Playwright's
// import and Chromium's launch (about 1 CPU-second); the lanes pay it once each. The lanes take
// files from one queue, longest first by how long each took last time (build/e2e-times.json; a
// file not timed yet weighs its size at the others' seconds per byte), so they end together.
// Each lane's report is live, its lines marked with the lane; the end says what ran, what failed
// and where, and exits 1 if anything failed or did not run.
//   node scripts/e2e.mjs [--test-name-pattern=RE] [FILE...]   (default: every tests/e2e/*.test.mjs)
//     --test-name-pattern: node's own option, given to every lane: only the tests it matches run
//   NNTUTOR_E2E_LANES=N                (default: the machine's cores, at most 16. On 2 cores with
//                                       the headless shell, 2 lanes took 190-197 s, 3 lanes 218-226 s)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const kRoot = fileURLToPath(new URL('../', import.meta.url));
const kTimes = join(kRoot, 'build/e2e-times.json');

const lanes = Number(process.env.NNTUTOR_E2E_LANES ?? Math.min(16, availableParallelism()));
if (!Number.isInteger(lanes) || lanes < 1 || lanes > 16) {
  console.error(`e2e: NNTUTOR_E2E_LANES must be a whole number from 1 to 16, got ${process.env.NNTUTOR_E2E_LANES}`);
  process.exit(2);
}
const args = process.argv.slice(2);
const nodeOptions = args.filter((a) => a.startsWith('--'));
for (const option of nodeOptions) {
  if (!/^--test-name-pattern=./.test(option)) {
    console.error(`e2e: unknown option ${option} (expected --test-name-pattern=RE)`);
    process.exit(2);
  }
}
const given = args.filter((a) => !a.startsWith('--'));
const files = given.length > 0 ? given.map((f) => resolve(f))
  : readdirSync(join(kRoot, 'tests/e2e')).filter((f) => f.endsWith('.test.mjs')).map((f) => join(kRoot, 'tests/e2e', f));

for (const f of files) {
  if (!existsSync(f)) {
    console.error(`e2e: no test file ${f}`);
    process.exit(2);
  }
}

/// Seconds each file took in its last run, by file name ({} before the first).
function lastTimes() {
  try {
    return JSON.parse(readFileSync(kTimes, 'utf8'));
  } catch {
    return {};
  }
}

/// Each top-level result of a lane's TAP (one per file): name, ok, seconds; and its counts.
function readTap(text) {
  const results = [];
  const counts = {};
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^(not ok|ok) \d+ - (.*)$/.exec(line);
    if (m) {
      const duration = /^ {2}duration_ms: ([\d.]+)/.exec(lines[i + 2] ?? '');
      results.push({ name: m[2], ok: m[1] === 'ok', seconds: duration ? Number(duration[1]) / 1000 : null });
    }
    const c = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (c) counts[c[1]] = (counts[c[1]] ?? 0) + Number(c[2]);
  });
  return { results, counts };
}

function runLane(index, claims, queue) {
  const tap = join(claims, `lane${index + 1}.tap`);
  // Run under node --test (as tests/js/e2e-runner.test.mjs does), a child would report to its
  // parent's runner on stdout instead of to the reporters asked for here.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [
    ...nodeOptions,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    join(kRoot, 'tests/e2e/lane.mjs'), claims, ...queue,
  ], { cwd: kRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  const mark = `[${index + 1}] `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(mark + line));
  }
  const started = performance.now();
  return new Promise((done) => child.on('close', (code) => {
    let text = '';
    try {
      text = readFileSync(tap, 'utf8');
    } catch { /* the lane died before its reporter wrote */ }
    // A lane that stopped on a file whose suite never ended (tests/e2e/lane.mjs) says which, and
    // why: `{ file, why }`.
    let stopped = null;
    try {
      stopped = JSON.parse(readFileSync(join(claims, `stopped${child.pid}`), 'utf8'));
    } catch { /* it did not */ }
    done({ index, code, stopped, seconds: (performance.now() - started) / 1000, ...readTap(text) });
  }));
}

// The lanes' claims on files, and their TAP reports (read for the summary and the times).
const claims = mkdtempSync(join(tmpdir(), 'nntutor-e2e-'));
const times = lastTimes();
const known = files.filter((f) => times[basename(f)] > 0);
const size = (f) => statSync(f).size;
const perByte = known.length > 0
  ? known.reduce((s, f) => s + times[basename(f)], 0) / known.reduce((s, f) => s + size(f), 0) : 1;
const weight = (f) => times[basename(f)] ?? size(f) * perByte;
const queue = [...files].sort((a, b) => weight(b) - weight(a));

// Stopped (Ctrl-C, a timeout: scripts/test.sh bounds the suite), the runner stops its lanes too,
// each with its Chromium: none is left running. A lane is the leader of its own process group
// (detached), which holds its browser's processes; the group gets SIGTERM, then SIGKILL 2 s
// later: a lane whose test never ends does not end on SIGTERM (node:test waits for it).
const children = [];
const signalGroups = (signal) => {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch { /* that group has ended */ }
  }
};
let stopped = null;  // the signal that stopped the run, once one has
const kSignalCodes = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
function endStopped() {
  rmSync(claims, { recursive: true, force: true });
  console.log(`e2e: stopped by ${stopped}; its lanes and their browsers were stopped`);
  process.exit(128 + kSignalCodes[stopped]);
}
for (const signal of Object.keys(kSignalCodes)) {
  process.on(signal, () => {
    stopped = signal;
    signalGroups('SIGTERM');
    setTimeout(() => {
      signalGroups('SIGKILL');
      endStopped();
    }, 2000);
  });
}
const ran = await Promise.all(Array.from({ length: Math.min(lanes, files.length) }, (_, i) => runLane(i, claims, queue)));
if (stopped) endStopped();
rmSync(claims, { recursive: true, force: true });

const counts = {};
const failed = [];
const newTimes = { ...times };
for (const lane of ran) {
  for (const [k, v] of Object.entries(lane.counts)) counts[k] = (counts[k] ?? 0) + v;
  for (const r of lane.results) {
    if (!r.ok) failed.push(`${r.name} (lane ${lane.index + 1}): failed; its report is above, marked [${lane.index + 1}]`);
    if (r.seconds) newTimes[r.name] = Number(r.seconds.toFixed(2));
  }
  if (lane.stopped) failed.push(`${lane.stopped.why} (lane ${lane.index + 1})`);
  else if (lane.code !== 0 && lane.results.every((r) => r.ok)) failed.push(`lane ${lane.index + 1} ended with code ${lane.code}`);
}
const reported = new Set(ran.flatMap((l) => l.results.map((r) => r.name)));
const stoppedOn = new Set(ran.map((l) => l.stopped?.file).filter(Boolean));
for (const f of files) {
  if (!reported.has(basename(f)) && !stoppedOn.has(basename(f))) failed.push(`${basename(f)}: not run (no lane reported it)`);
}
// Only the files of tests/e2e are remembered (not a file given from elsewhere, nor one deleted).
const kept = Object.entries(newTimes).filter(([name]) => existsSync(join(kRoot, 'tests/e2e', name)));
mkdirSync(dirname(kTimes), { recursive: true });
writeFileSync(kTimes, `${JSON.stringify(Object.fromEntries(kept), null, 1)}\n`);
const files_ = (n) => `${n} file${n === 1 ? '' : 's'}`;
console.log(`e2e: ${counts.tests ?? 0} tests in ${files_(reported.size)} on ${ran.length} lane${ran.length === 1 ? '' : 's'}: ` +
  `${counts.pass ?? 0} pass, ${counts.fail ?? 0} fail, ${counts.cancelled ?? 0} cancelled, ${counts.skipped ?? 0} skipped; ` +
  `the lanes took ${ran.map((l) => `${Math.round(l.seconds)} s (${files_(l.results.length)})`).join(', ')}`);
for (const f of failed) console.log(`e2e: FAIL ${f}`);
process.exit(failed.length > 0 || (counts.fail ?? 0) > 0 || (counts.cancelled ?? 0) > 0 ? 1 : 0);
