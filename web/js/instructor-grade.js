// The instructor page's grading section: a class folder (or its zip) graded in the browser by the
// checker's module — nothing is uploaded anywhere — with a progress bar, the grade table, what
// the class got wrong (the core's SVG charts) and the downloads; and an Assignment 4 report
// graded by its rubric. Every rule is the core's (docs/grading.md); this file reads files, calls
// the checker and writes the DOM. `initGradeSection(section, checker)` wires one <section>.
import { EngineError } from './engine.js';
import { downloadText } from './download.js';
import { readZip } from './unzip.js';

/// A file larger than this is not read (no hand-filled table comes near it).
export const kMaxFileBytes = 2 * 1024 * 1024;
/// Grading yields to the browser after this many milliseconds, so the page stays responsive.
const kSliceMs = 25;

/// Sorts files found in a class folder (`items`: [{ path, text } | { path, error }]) into keys
/// and submissions by the rule of docs/grading.md: a file under a folder whose name contains
/// "key" is a key if it is .json (the rest there — a variant's sheet or key table — is not
/// graded); elsewhere a .json file is a key and any other file a submission. Hidden files and
/// __MACOSX/ are skipped and counted. Returns { keys, submissions, unreadable, skipped } with
/// names relative to their folder (the core matches by the name's id).
export function classifyFiles(items) {
  const out = { keys: [], submissions: [], unreadable: [], skipped: [] };
  for (const item of items) {
    const parts = item.path.split('/').filter(Boolean);
    const name = parts.at(-1) ?? '';
    const folders = parts.slice(0, -1);
    if (name.startsWith('.') || folders.some((f) => f === '__MACOSX' || f.startsWith('.'))) {
      out.skipped.push(item.path);
      continue;
    }
    const json = name.toLowerCase().endsWith('.json');
    const inKeys = folders.some((f) => f.toLowerCase().includes('key'));
    if (inKeys && !json) continue;
    const list = json ? out.keys : out.submissions;
    if (item.error !== undefined) out.unreadable.push({ name, message: item.error, key: json });
    else list.push({ name, text: item.text });
  }
  return out;
}

/// Reads a File as text unless it is too large: { path, text } or { path, error }.
async function readFile(file, path) {
  if (file.size > kMaxFileBytes) return { path, error: `larger than ${kMaxFileBytes / 1048576} MB: not a table` };
  try {
    return { path, text: await file.text() };
  } catch (e) {
    return { path, error: `cannot be read (${e.message})` };
  }
}

/// The files of a zip as items for classifyFiles.
async function zipItems(file) {
  const { entries, error } = await readZip(await file.arrayBuffer());
  if (error) throw new EngineError(`${file.name}: ${error}`);
  const decoder = new TextDecoder('utf-8');
  return entries.map((e) => (e.error !== undefined ? { path: e.path, error: e.error }
    : e.bytes.length > kMaxFileBytes ? { path: e.path, error: `larger than ${kMaxFileBytes / 1048576} MB: not a table` }
      : { path: e.path, text: decoder.decode(e.bytes) }));
}

/// Every file under a dropped folder entry (webkitGetAsEntry), with its path.
async function entryFiles(entry, prefix = '') {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return [{ file, path: prefix + entry.name }];
  }
  const reader = entry.createReader();
  const children = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const out = [];
  for (const child of children) out.push(...await entryFiles(child, `${prefix}${entry.name}/`));
  return out;
}

const el = (document, tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

const score = (value, points) => `${value.toFixed(2)} / ${points}`;

/// Wires the grading section: `checker` is the checker loader (`{ get() }`, loader.js) or the
/// checker's functions themselves (engine.js loadChecker).
export function initGradeSection(section, checker) {
  const document = section.ownerDocument;
  const $ = (id) => section.querySelector(`#${id}`);
  const getChecker = () => (typeof checker?.get === 'function' ? checker.get() : Promise.resolve(checker));
  const folderInput = $('grade-folder');
  const zipInput = $('grade-zip');
  const drop = $('grade-drop');
  const found = $('grade-found');
  const rubric = $('grade-rubric');
  const mode = $('grade-mode');
  const run = $('grade-run');
  const error = $('grade-error');
  const progress = $('grade-progress');
  const progressText = $('grade-progress-text');
  const results = $('grade-results');
  let items = null;
  let last = null;  // { csv, analysis } of the last grading

  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
  };

  const chosen = (list, what) => {
    items = list;
    const c = classifyFiles(list);
    found.textContent = `${what}: ${c.keys.length} ${c.keys.length === 1 ? 'key' : 'keys'} and ` +
      `${c.submissions.length + c.unreadable.filter((u) => !u.key).length} ` +
      `${c.submissions.length === 1 ? 'submission' : 'submissions'}` +
      (c.skipped.length ? `; ${c.skipped.length} hidden ${c.skipped.length === 1 ? 'file' : 'files'} skipped` : '') + '.';
    run.disabled = false;
    showError('');
  };

  folderInput.addEventListener('change', async () => {
    const files = [...folderInput.files];
    const list = await Promise.all(files.map((f) => readFile(f, f.webkitRelativePath || f.name)));
    chosen(list, `${files.length} ${files.length === 1 ? 'file' : 'files'} in the folder`);
  });
  zipInput.addEventListener('change', async () => {
    const file = zipInput.files[0];
    if (!file) return;
    try {
      chosen(await zipItems(file), file.name);
    } catch (e) {
      showError(e.message);
    }
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('is-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('is-over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('is-over');
    try {
      const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
      const files = entries.length
        ? (await Promise.all(entries.map((entry) => entryFiles(entry)))).flat()
        : [...e.dataTransfer.files].map((file) => ({ file, path: file.name }));
      if (files.length === 1 && files[0].path.toLowerCase().endsWith('.zip')) {
        chosen(await zipItems(files[0].file), files[0].path);
      } else {
        chosen(await Promise.all(files.map(({ file, path }) => readFile(file, path))), 'the dropped files');
      }
    } catch (err) {
      showError(err.message);
    }
  });

  getChecker().then((c) => {
    rubric.placeholder = JSON.stringify(c.defaultRubric());
  }, () => {});

  run.addEventListener('click', async () => {
    if (!items) return;
    showError('');
    run.disabled = true;
    let grader = null;
    try {
      const c = await getChecker();
      grader = c.grader(rubric.value.trim(), mode.value);
      const files = classifyFiles(items);
      for (const k of files.keys) grader.addKey(k.name, k.text);
      for (const s of files.submissions) grader.addSubmission(s.name, s.text);
      for (const u of files.unreadable) grader.addUnreadable(u.name, u.message);
      const n = grader.plan();
      progress.max = Math.max(n, 1);
      progress.setAttribute('aria-valuemax', String(n));
      const report = (i) => {
        progress.value = i;
        progress.setAttribute('aria-valuenow', String(i));
        progressText.textContent = `${i} of ${n} graded`;
      };
      progress.hidden = false;
      report(0);
      for (let i = 0; i < n;) {
        const start = performance.now();
        while (i < n && performance.now() - start < kSliceMs) grader.grade(i++);
        report(i);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      const sheet = grader.result('json');
      last = { csv: grader.result('csv'), analysis: grader.result('analysis') };
      render(sheet, grader.result('charts'));
    } catch (e) {
      showError(e instanceof EngineError ? e.message : `grading failed: ${e.message}`);
    } finally {
      grader?.close();
      run.disabled = false;
    }
  });

  $('grade-download-csv').addEventListener('click', () => last && downloadText('grades.csv', last.csv, 'text/csv'));
  $('grade-download-report').addEventListener('click',
    () => last && downloadText('class-report.md', last.analysis, 'text/markdown'));

  function render(sheet, charts) {
    const a = sheet.analysis;
    $('grade-summary').textContent = `${sheet.students.length} ${sheet.students.length === 1 ? 'student' : 'students'} ` +
      `graded (${sheet.mode} mode): mean score ${a.mean_score.toFixed(2)}, median ${a.median_score.toFixed(2)} of ` +
      `${sheet.rubric.points}; ${a.no_slip} without a slip; ${sheet.problems.length} ` +
      `${sheet.problems.length === 1 ? 'file' : 'files'} with a problem.`;
    const body = $('grade-table').tBodies[0];
    body.replaceChildren();
    for (const s of sheet.students) {
      const tr = el(document, 'tr');
      const first = s.first_slip
        ? `${s.first_slip.column} in row ${s.first_slip.row}${s.first_slip.slip_id ? ` (${s.first_slip.slip_id})` : ''}`
        : '—';
      const cells = [s.id, s.file, `${s.rows} of ${s.steps}`, s.correct, s.rounding, s.wrong, first, score(s.score, s.points)];
      cells.forEach((v, k) => tr.append(el(document, k === 0 ? 'th' : 'td', String(v))));
      tr.firstChild.scope = 'row';
      if (s.first_slip?.slip) tr.children[6].title = s.first_slip.slip;
      body.append(tr);
    }
    const problems = $('grade-problems');
    problems.replaceChildren(...sheet.problems.map((p) => el(document, 'li',
      `${p.file}${p.line ? `, line ${p.line}` : ''} (${p.kind}): ${p.message}`)));
    $('grade-problems-none').hidden = sheet.problems.length > 0;
    const figures = $('grade-charts');
    figures.replaceChildren();
    const parser = new DOMParser();
    for (const chart of charts) {
      const svg = parser.parseFromString(chart.svg, 'image/svg+xml').documentElement;
      const figure = el(document, 'figure', undefined, 'grade-chart');
      figure.append(document.importNode(svg, true), el(document, 'figcaption', chart.title));
      figures.append(figure);
    }
    $('grade-stopped').textContent = a.stopped_early.length
      ? `Stopped early: ${a.stopped_early.map((s) => `${s.id} (${s.rows} of ${s.steps} rows)`).join(', ')}.`
      : 'Every graded student filled every row.';
    results.hidden = false;
  }

  // ---- Assignment 4 report ----
  const reportFile = $('grade-report-file');
  const networkFile = $('grade-report-network');
  const reportRun = $('grade-report-run');
  const reportError = $('grade-report-error');
  reportRun.addEventListener('click', async () => {
    reportError.textContent = '';
    reportError.hidden = true;
    try {
      const file = reportFile.files[0];
      if (!file) throw new EngineError('Report: choose the report file (.md or .tex) first.');
      const text = await file.text();
      const network = networkFile.files[0] ? await networkFile.files[0].text() : null;
      const c = await getChecker();
      renderReport(c.gradeReport(text, network));
    } catch (e) {
      reportError.textContent = e.message;
      reportError.hidden = false;
    }
  });

  function renderReport(g) {
    const body = $('grade-report-table').tBodies[0];
    body.replaceChildren(...g.parts.map((p) => {
      const tr = el(document, 'tr');
      const th = el(document, 'th', p.title);
      th.scope = 'row';
      tr.append(th, el(document, 'td', `${p.score} / ${p.points}`), el(document, 'td', p.evidence));
      return tr;
    }));
    $('grade-report-requirements').replaceChildren(...g.requirements.map((r) =>
      el(document, 'li', `${r.passed ? 'PASS' : 'FAIL'} — ${r.title}. ${r.evidence}`)));
    $('grade-report-summary').textContent = g.summary;
    $('grade-report-results').hidden = false;
  }
}
