// The instructor module (build/wasm/nntutor_instructor_wasm.js) against the native CLI
// `nntutor variant`: the same variants, file for file, from the same seed; the student links
// the lecture page reads; the zip the page writes; the section's pure helpers; bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import createInstructor from '../../build/wasm/nntutor_instructor_wasm.js';
import { EngineError } from '../../web/js/engine.js';
import { loadInstructor } from '../../web/js/instructor-engine.js';
import { fieldOfError, readVariantFields, samplesText, templateChoices } from '../../web/js/instructor-variants.js';
import { readShareHash } from '../../web/js/persist.js';
import { crc32, zipFiles } from '../../web/js/zip.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.NNTUTOR_CLI ?? `${root}build/native/nntutor`;
const instructor = await loadInstructor(createInstructor);
const [lecture, assignment] = instructor.templates();

/// `nntutor variant ARGS --out TMP`: every file it wrote, by name.
function native(args) {
  const dir = mkdtempSync(`${tmpdir()}/nntutor-variants-`);
  try {
    const r = spawnSync(cli, ['variant', ...args, '--out', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(`${dir}/${name}`, 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/// Every file of the module's answer, by name (the variants' and the index).
const filesOf = (set) => Object.fromEntries([...set.variants.flatMap((v) => v.files), set.index].map((f) => [f.name, f.text]));

test('the lecture\'s variants: every file the same natively and in Wasm, from the same seed', () => {
  const wasm = instructor.variants(JSON.stringify(lecture.session), { seed: 2026, count: 40, steps: null, site: 'index.html' });
  const cliFiles = native(['--seed', '2026', '--count', '40']);
  assert.equal(Object.keys(cliFiles).length, 40 * 5 + 1);
  assert.deepEqual(filesOf(wasm), cliFiles);
  // And the module's summary fields are the session's numbers.
  for (const v of wasm.variants) {
    assert.deepEqual(v.inputs, v.session.inputs);
    assert.equal(v.learning_rate, v.session.optimizer.learning_rate);
    assert.equal(v.session.id, v.id);
  }
});

test('an Assignment 4 template: the same variants natively and in Wasm, each with its rising rate', () => {
  const dir = mkdtempSync(`${tmpdir()}/nntutor-template-`);
  const path = `${dir}/a4.json`;
  writeFileSync(path, JSON.stringify(assignment.session));
  try {
    const wasm = instructor.variants(JSON.stringify(assignment.session), { seed: 5, count: 6, steps: 4, site: 'https://x.org/i.html' });
    assert.equal(wasm.assignment, true);
    assert.ok(wasm.variants.every((v) => v.rising_rate > 0.1 && v.learning_rate === 0.1));
    assert.deepEqual(filesOf(wasm), native(['--seed', '5', '--count', '6', '--steps', '4', '--template', path,
      '--site', 'https://x.org/i.html']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same seed gives the same variants; variant k does not depend on the count', () => {
  const a = instructor.variants(JSON.stringify(lecture.session), { seed: 9, count: 3 });
  const b = instructor.variants(JSON.stringify(lecture.session), { seed: 9, count: 12 });
  assert.deepEqual(b.variants.slice(0, 3).map((v) => v.session), a.variants.map((v) => v.session));
  const c = instructor.variants(JSON.stringify(lecture.session), { seed: 10, count: 3 });
  assert.notDeepEqual(c.variants.map((v) => v.session), a.variants.map((v) => v.session));
});

test('a student link holds the variant\'s session as the lecture page reads it', () => {
  const set = instructor.variants(JSON.stringify(lecture.session), { seed: 4, count: 3, site: 'http://127.0.0.1:8000/index.html' });
  for (const v of set.variants) {
    const url = new URL(v.link);
    assert.equal(url.pathname, '/index.html');
    assert.deepEqual(readShareHash(url.hash), { session: v.session });
  }
});

test('bad options and templates: the core\'s message, named by field', () => {
  const bad = (template, options) => assert.throws(() => instructor.variants(template, options), EngineError);
  const message = (template, options) => {
    try {
      instructor.variants(template, options);
    } catch (e) {
      return e.message;
    }
    return null;
  };
  const t = JSON.stringify(lecture.session);
  bad(t, { count: 0 });
  assert.equal(message(t, { count: 0 }), 'count: expected a whole number from 1 to 1000, got 0');
  assert.equal(message(t, { count: 1001 }), 'count: expected a whole number from 1 to 1000, got 1001');
  assert.equal(message(t, { seed: 1 }), 'count: required field is missing');
  assert.equal(message(t, { count: 2, steps: 51 }), 'steps: expected a whole number from 1 to 50, got 51');
  assert.equal(message('{"inputs": [[1]]}', { count: 2 }), 'template: targets: required field is missing');
  assert.match(message('not json', { count: 2 }), /^template: session: not valid JSON/);
  assert.equal(fieldOfError(message(t, { count: 0 })), 'count');
  assert.equal(fieldOfError(message('{"inputs": [[1]]}', { count: 2 })), 'template');
});

test('readVariantFields: whole numbers for the core, a message for other text; steps may be empty', () => {
  assert.deepEqual(readVariantFields({ seed: '7', count: ' 30 ', steps: '' }), { options: { seed: 7, count: 30, steps: null } });
  assert.deepEqual(readVariantFields({ seed: '7', count: '3.5', steps: 'ten' }), {
    errors: { count: 'count: expected a whole number, got "3.5"', steps: 'steps: expected a whole number, got "ten"' },
  });
  assert.deepEqual(readVariantFields({ seed: '', count: '2', steps: '4' }), { errors: { seed: 'seed: expected a whole number, got ""' } });
  assert.equal(samplesText([[0.2, 0.4], [0.6, 0.1]]), '0.2, 0.4; 0.6, 0.1');
  assert.equal(samplesText([[1.5]]), '1.5');
  const choices = templateChoices([lecture, assignment], { saved: { session: lecture.session } });
  assert.deepEqual(choices.map((c) => c.value), ['lecture', 'assignment', 'autosave']);
  assert.deepEqual(templateChoices([lecture], { error: 'x' }).map((c) => c.value), ['lecture']);
});

test('zipFiles: a valid archive (CRC-32, stored entries, UTF-8 names) that python\'s zipfile reads back', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xCBF43926);  // the standard check value
  const sample = new TextEncoder().encode('η = 0.1\n| step | w1 |\n');
  assert.equal(crc32(sample), zlibCrc32(sample));
  const files = [{ name: 'v001.sheet.md', text: '# η = 0.1\n' }, { name: 'index.csv', text: 'id\nv001\n' }, { name: 'empty.txt', text: '' }];
  const bytes = zipFiles(files);
  assert.deepEqual(zipFiles(files), bytes, 'the same files give the same bytes');
  const dir = mkdtempSync(`${tmpdir()}/nntutor-zip-`);
  try {
    writeFileSync(`${dir}/a.zip`, bytes);
    const r = spawnSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.compress_type, z.read(i).decode('utf-8')] for i in z.infolist()]))`, `${dir}/a.zip`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), files.map((f) => [f.name, 0, f.text]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
