// The browser suite's runner (scripts/e2e.mjs, tests/e2e/lane.mjs): every file runs once, in one
// of the lanes, with its own hooks; a failing test, a file that cannot load, or a lane that dies
// fails the run and is named; a run where all pass exits 0. The files here are small node:test
// files written for the test (the lanes start the harness's Chromium as for the real suite).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const kRoot = fileURLToPath(new URL('../../', import.meta.url));
let dir;

before(async () => {
  dir = await mkdtemp(`${tmpdir()}/nntutor-e2e-runner-`);
  const passing = (name) => `import { before, test } from 'node:test';
import assert from 'node:assert/strict';
let ready = '';
before(() => { ready = '${name}'; });
test('${name} one', () => { assert.equal(ready, '${name}'); console.log('ran ${name} one'); });
test('${name} two', () => { console.log('ran ${name} two'); });
`;
  await writeFile(`${dir}/a.test.mjs`, passing('a'));
  await writeFile(`${dir}/b.test.mjs`, passing('b'));
  await writeFile(`${dir}/c.test.mjs`, passing('c'));
  await writeFile(`${dir}/fails.test.mjs`, `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('a sum that is wrong', () => assert.equal(1 + 1, 3));
`);
  await writeFile(`${dir}/broken.test.mjs`, "import { nothing } from 'node:path';\n");
  await writeFile(`${dir}/hangs.test.mjs`, `import { test } from 'node:test';
test('a wait that never ends', () => new Promise(() => {}));
`);
  // As a server's close that waits on a connection the lane's browser keeps open.
  await writeFile(`${dir}/stuck.test.mjs`, `import { after, test } from 'node:test';
after(() => new Promise(() => {}));
test('a test that passes before a hook that never returns', () => {});
`);
});
after(() => rm(dir, { recursive: true, force: true }));

/// Runs the runner on `names` (files of the temporary folder) in 2 lanes, with `options` first:
/// exit code and output (stdout, then stderr).
function run(names, options = [], env = {}) {
  return new Promise((done) => {
    execFile(process.execPath, ['scripts/e2e.mjs', ...options, ...names.map((n) => `${dir}/${n}`)],
      { cwd: kRoot, env: { ...process.env, NNTUTOR_E2E_LANES: '2', ...env } },
      (error, stdout, stderr) => done({ code: error ? error.code : 0, stdout: stdout + stderr }));
  });
}

const count = (text, line) => text.split('\n').filter((l) => l.endsWith(line)).length;

test('every file runs once in one of the lanes, with its own hooks, and all passing exits 0', async () => {
  const { code, stdout } = await run(['a.test.mjs', 'b.test.mjs', 'c.test.mjs']);
  assert.equal(code, 0, stdout);
  for (const name of ['a', 'b', 'c']) {
    assert.equal(count(stdout, `ran ${name} one`), 1, stdout);
    assert.equal(count(stdout, `ran ${name} two`), 1, stdout);
  }
  assert.match(stdout, /^e2e: 6 tests in 3 files on 2 lanes: 6 pass, 0 fail, 0 cancelled, 0 skipped; /m);
  assert.doesNotMatch(stdout, /e2e: FAIL/);
});

test('a file that hangs fails as timed out, and its lane goes on with the next file', async () => {
  const { code, stdout } = await run(['hangs.test.mjs', 'a.test.mjs', 'b.test.mjs'], [],
    { NNTUTOR_E2E_LANES: '1', NNTUTOR_E2E_FILE_TIMEOUT_MS: '3000' });
  assert.equal(code, 1, stdout);
  assert.match(stdout, /test timed out after 3000ms/);
  assert.match(stdout, /^e2e: FAIL hangs\.test\.mjs \(lane 1\): failed; /m);
  assert.equal(count(stdout, 'ran a one'), 1, 'the next file ran');
  assert.equal(count(stdout, 'ran b two'), 1, stdout);
});

test('a file whose after hook never returns stops its lane, is named, and the other lane runs the rest', async () => {
  const started = performance.now();
  const { code, stdout } = await run(['stuck.test.mjs', 'a.test.mjs', 'b.test.mjs', 'c.test.mjs'], [],
    { NNTUTOR_E2E_FILE_TIMEOUT_MS: '3000' });
  assert.equal(code, 1, stdout);
  assert.match(stdout, /^\[[12]\] lane: stuck\.test\.mjs: its suite did not end within 3\.6 s of its start, /m);
  assert.match(stdout, /^e2e: FAIL stuck\.test\.mjs: its suite did not end within 3\.6 s of its start, hooks included \(a hook that never returns\?\); this lane stopped there \(lane [12]\)$/m);
  for (const name of ['a', 'b', 'c']) assert.equal(count(stdout, `ran ${name} two`), 1, stdout);
  assert.doesNotMatch(stdout, /not run/, stdout);
  assert.equal(stdout.match(/e2e: FAIL/g).length, 1, stdout);
  assert.ok(performance.now() - started < 60000, 'the run ended');
});

test('a run stopped (SIGTERM, as test.sh\'s bound or Ctrl-C) stops its lanes and their browsers', async () => {
  const runner = spawn(process.execPath, ['scripts/e2e.mjs', `${dir}/hangs.test.mjs`],
    { cwd: kRoot, env: { ...process.env, NNTUTOR_E2E_LANES: '1' }, stdio: 'ignore' });
  // Every living process as /proc lists it (no `ps`: a minimal Debian has no procps): pid,
  // parent, command line. A zombie (state Z) has ended; only its parent has not read its status.
  const processes = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') return [];
      return [{ pid: Number(pid), ppid: Number(ppid), args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') }];
    } catch {
      return [];  // it ended meanwhile
    }
  });
  // The lane, and its Chromium once the file's test has started (the harness launches it).
  let lane;
  let browser;
  try {
    const started = Date.now();
    while (!browser && Date.now() - started < 20000) {
      await new Promise((done) => setTimeout(done, 200));
      const all = processes();
      lane = all.find((p) => p.args.includes('lane.mjs') && p.args.includes(`${dir}/hangs.test.mjs`));
      browser = lane && all.find((p) => p.ppid === lane.pid && /headless/.test(p.args));
    }
    assert.ok(browser, 'the lane and its browser run');
    // The file's test under way (a lane stopped while still starting ends on SIGTERM anyway).
    await new Promise((done) => setTimeout(done, 2000));
    runner.kill('SIGTERM');
    const code = await new Promise((done) => runner.on('exit', (c, signal) => done(c ?? signal)));
    assert.equal(code, 143);
    // The browser exits by itself once its lane is gone (its pipe closes): within seconds on a
    // loaded machine.
    const left = () => processes().filter((p) => p.pid === lane.pid || p.pid === browser.pid || p.ppid === browser.pid);
    for (const wait = Date.now(); left().length > 0 && Date.now() - wait < 10000;) {
      await new Promise((done) => setTimeout(done, 200));
    }
    assert.deepEqual(left(), [], 'no lane and no browser are left');
  } finally {
    runner.kill('SIGKILL');
    for (const p of [lane, browser]) if (p) try { process.kill(p.pid, 'SIGKILL'); } catch { /* ended */ }
  }
});

test('a failing test and a file that cannot load fail the run and are named', async () => {
  const { code, stdout } = await run(['a.test.mjs', 'fails.test.mjs', 'broken.test.mjs']);
  assert.equal(code, 1, stdout);
  assert.match(stdout, /^e2e: 3 tests in 3 files on 2 lanes: 2 pass, 1 fail, /m);
  assert.match(stdout, /^e2e: FAIL fails\.test\.mjs \(lane [12]\): failed; its report is above, marked \[[12]\]$/m);
  assert.match(stdout, /^e2e: FAIL broken\.test\.mjs \(lane [12]\): failed; /m);
  assert.match(stdout, /does not provide an export named 'nothing'/);
  assert.doesNotMatch(stdout, /FAIL a\.test\.mjs/);
});

test('a count of lanes that is not a whole number from 1 to 16 is refused, naming the variable', async () => {
  const refused = await new Promise((done) => {
    execFile(process.execPath, ['scripts/e2e.mjs'], { cwd: kRoot, env: { ...process.env, NNTUTOR_E2E_LANES: 'two' } },
      (error, stdout, stderr) => done({ code: error?.code, stderr }));
  });
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, 'e2e: NNTUTOR_E2E_LANES must be a whole number from 1 to 16, got two\n');
});

test('a file that does not exist is refused before any lane starts', async () => {
  const refused = await new Promise((done) => {
    execFile(process.execPath, ['scripts/e2e.mjs', `${dir}/none.test.mjs`], { cwd: kRoot },
      (error, stdout, stderr) => done({ code: error?.code, stdout, stderr }));
  });
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, `e2e: no test file ${dir}/none.test.mjs\n`);
  assert.equal(refused.stdout, '');
});

test('--test-name-pattern reaches every lane; other options are refused', async () => {
  const named = await run(['a.test.mjs', 'b.test.mjs'], ['--test-name-pattern=one']);
  assert.equal(named.code, 0, named.stdout);
  assert.match(named.stdout, /ran a one/);
  assert.match(named.stdout, /ran b one/);
  assert.doesNotMatch(named.stdout, /ran [ab] two/);

  const refused = await run(['a.test.mjs'], ['--inspect']);
  assert.equal(refused.code, 2);
  assert.match(refused.stdout, /^e2e: unknown option --inspect \(expected --test-name-pattern=RE\)$/m);
});

test('a lane that starts after the others have taken every file ends at once', async () => {
  // As when one lane is slow to start and the others have already taken the few files given.
  const claims = `${dir}/claims`;
  await mkdir(claims);
  await writeFile(`${claims}/file0`, '');
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  // Its own process group, so that a lane that does not end is stopped with its browser.
  const lane = spawn(process.execPath, ['tests/e2e/lane.mjs', claims, `${dir}/a.test.mjs`],
    { cwd: kRoot, env, detached: true, stdio: 'ignore' });
  const code = await new Promise((done) => {
    const timer = setTimeout(() => {
      process.kill(-lane.pid, 'SIGKILL');
      done('still running after 20 s');
    }, 20000);
    lane.on('exit', (c) => {
      clearTimeout(timer);
      done(c);
    });
  });
  assert.equal(code, 0);
});
