// One lane of the browser suite (scripts/e2e.mjs starts one per core): runs test files in this one
// process, one after another, each as a suite named by its file, all on the harness's one server,
// one Chromium and one shared tab. A file's own hooks (before, after) stay scoped to its suite; the
// harness's run once for the lane. Each test still opens the page afresh (harness.mjs, withPage).
// The lanes share one queue: a lane that ends a file takes the first file of FILE... that no lane
// has taken yet (file i is taken by creating CLAIMS/file<i>, which only one process can), so the
// lanes end together.
// A file also runs alone: node --test tests/e2e/FILE.test.mjs.
//   node --test-reporter=spec tests/e2e/lane.mjs CLAIMS FILE...
import { after, describe } from 'node:test';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [claims, ...queue] = process.argv.slice(2);
mkdirSync(claims, { recursive: true });

/// The first file of the queue no lane has taken, now this lane's; null when all are taken.
function take() {
  for (const [i, file] of queue.entries()) {
    try {
      closeSync(openSync(join(claims, `file${i}`), 'wx'));
      return file;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
  return null;
}

// A lane that starts when the others have taken every file ends at once: with no test, node:test
// would run the harness's before hook (Chromium's launch) but never its after hook, and the
// browser would keep the lane alive.
let file = take();
// Then, outside any file's suite: the harness's before and after hooks are the lane's.
if (file) await import('./harness.mjs');

// Top-level suites run one after another; the next file is taken once this one's suite is over
// (from here, not from its hook, so that it is a suite of the lane and not of the file before).
// A bound on a hang, not a speed check: a file whose suite has not ended in 5 minutes (the
// longest takes about 70 s) fails as timed out, its unfinished test named as cancelled, and the
// lane goes on with the next file. Once (2026-12-05) a lane sat idle for 8 minutes in
// threads.test.mjs's first test until it was stopped by hand; 20 runs of that file since passed.
// NNTUTOR_E2E_FILE_TIMEOUT_MS sets another bound (tests/js/e2e-runner.test.mjs: 3 s).
const kFileTimeout = Number(process.env.NNTUTOR_E2E_FILE_TIMEOUT_MS ?? 5 * 60 * 1000);

/// Ends the lane with code 1, saying `why` on stderr and where e2e.mjs reads it
/// (CLAIMS/stopped<pid>: `{ file, why }`, file null when no file is to blame).
function stopLane(file, why) {
  console.error(`lane: ${why}`);
  writeFileSync(join(claims, `stopped${process.pid}`), JSON.stringify({ file, why }));
  process.exit(1);
}

// A hook of the file's that never returns (an after hook awaiting a server's close while the
// lane's browser keeps a connection open: CI, 2026-12-05) escapes that timeout: node:test runs the
// suite's hooks after its tests are cancelled, and the next file's suite would wait behind it for
// ever. So the lane bounds the whole suite, hooks included, at the file's bound and a fifth more:
// past it, it says which file and why where e2e.mjs reads it (CLAIMS/stopped<pid>), and ends with
// code 1. The files it has not taken stay in the queue for the other lanes.
const kSuiteBound = kFileTimeout * 1.2;

for (; file; file = take()) {
  const over = new Promise((done) => {
    describe(basename(file), { timeout: kFileTimeout }, async () => {
      try {
        await import(pathToFileURL(resolve(file)));
      } catch (e) {
        done();
        throw e;
      }
      // After the file's own after hooks (they run in the order they were added).
      after(done);
    });
  });
  const name = basename(file);
  const bound = setTimeout(() => stopLane(name, `${name}: its suite did not end within ${kSuiteBound / 1000} s of ` +
    'its start, hooks included (a hook that never returns?); this lane stopped there'), kSuiteBound);
  await over;
  clearTimeout(bound);
}

// Then the harness's after hooks (the browser's close, its server's) end the lane. They are
// bounded too: a lane still alive a minute after its last file stops, saying so, instead of
// holding the run (unref'd, the timer does not itself keep the lane alive).
setTimeout(() => stopLane(null,
  'the harness\'s after hooks (closing Chromium and its server) did not end within 60 s of the last file'), 60000).unref();
