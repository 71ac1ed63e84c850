// Wiring: event → state → engine → render. The one place that catches engine errors.
import { EngineError, loadChecker, loadEngine } from './engine.js';
import * as model from './state.js';
import { renderControls, renderStatus, showFieldError } from './render-form.js';
import { renderBuilder, showControlError } from './render-builder.js';
import {
  renderDivergence, renderLayerChooser, renderLossSummary, renderSelection, renderTable,
  revealLastRow,
} from './render-table.js';
import { graphSvgText, renderGraph } from './render-graph.js';
import { renderEquations } from './render-equations.js';
import { parseRates, renderRates } from './render-rates.js';
import * as tutorModel from './tutor.js';
import { el } from './dom.js';
import { copyText, downloadText } from './download.js';
import {
  clearAutosave, loadAutosave, readShareHash, saveAutosave, shareHash,
} from './persist.js';

const kEmptyHint = 'Press Step to compute step 1.';
const kNoRowsHint = 'No step could be computed: see the message below the table.';
const kRatesSteps = 10;
const kDefaultRates = '0.1, 1, 10';
const kMaxImportBytes = 2_000_000;
const kFormats = { csv: ['table.csv', 'text/csv'], markdown: ['table.md', 'text/markdown'], latex: ['table.tex', 'application/x-tex'] };

const byId = (id) => document.getElementById(id);

/// A module fetched on first use: the panels that draw only after a click (check, report,
/// tutor) do not weigh on the first table.
function lazy(load) {
  let module = null;
  return () => (module ??= load());
}
const checkViews = lazy(() => import('./render-check.js'));
const reportViews = lazy(() => import('./render-report.js'));
const tutorViews = lazy(() => import('./render-tutor.js'));
const controls = {
  step: byId('step'), run: byId('run'), back: byId('back'), reset: byId('reset'),
  presets: [...document.querySelectorAll('button.preset')], note: byId('controls-note'),
};
const view = {
  builder: byId('builder'), graph: byId('graph'), equations: byId('equations'), rates: byId('rates'),
  table: byId('trace'), tableBox: byId('trace-box'), summary: byId('loss-summary'),
  diverged: byId('diverged'), status: byId('status'), decimals: byId('decimals'),
  version: byId('engine-version'), graphStep: byId('graph-step'), equationsStep: byId('equations-step'),
  columns: [...document.querySelectorAll('.column-chooser input[data-kinds]')],
  stateColumns: byId('state-columns'), batchColumns: byId('batch-columns'),
  traceKeyOptimizer: byId('trace-key-optimizer'),
  layerChooser: byId('layer-chooser'), tableNote: byId('table-note'),
  equationsNote: byId('equations-note'), equationsLayer: byId('equations-layer'),
  equationsUnit: byId('equations-unit'),
  tableFormat: byId('table-format'), tableStatus: byId('table-export-status'),
  sessionStatus: byId('session-status'), shareField: document.querySelector('.share-field'),
  shareLink: byId('share-link'), importInput: byId('session-import'),
};

let state = model.initialState();
let engine = null;
// The last result computed from valid values: what the page shows while a value is invalid.
// { session, table, diverged, trace (the shown step's trace or null), step }
let shown = null;
let rates = { text: kDefaultRates, result: null, error: null };
// The doc the builder was last drawn for, and its session (or errors).
let builtFor = { doc: null, built: null };

// ---- Rendering what `shown` holds ----

/// The "optimizer state" and "batch" boxes of the column chooser: shown when the network's
/// optimizer has them (adam, rmsprop, adagrad; mini-batches), ticked as the state says.
function renderOptimizerColumns() {
  const has = model.optimizerColumnKinds(state.doc);
  view.stateColumns.hidden = !has.includes('state');
  view.batchColumns.hidden = !has.includes('batch');
  view.traceKeyOptimizer.hidden = has.length === 0;
  for (const box of view.columns) {
    const { kinds } = box.dataset;
    if (model.kOptimizerColumnKinds.includes(kinds)) box.checked = state.optimizerColumns.includes(kinds);
  }
}

function renderResult() {
  renderOptimizerColumns();
  const tableView = model.tableView(state);
  renderLayerChooser(view.layerChooser, state.doc.layers.length, tableView.layers, (n, checked) => {
    update(model.toggleTableLayer(state, n, checked));
  });
  view.tableNote.textContent = tableView.note;
  view.tableNote.hidden = tableView.note === '';
  renderTable(view.table, shown.table, {
    precision: state.precision, emptyHint: state.stepsShown === 0 ? kEmptyHint : kNoRowsHint,
  });
  renderSelection(view.table, state.selectedStep);
  renderDivergence(view.diverged, shown.diverged);
  renderLossSummary(view.summary, shown.table, state.precision);
  const atStep = shown.step > 0 ? `at step ${shown.step}` : 'before step 1';
  view.graphStep.textContent = atStep;
  view.equationsStep.textContent = shown.step > 0 ? `at step ${shown.step}` : '';
  renderGraph(view.graph, { session: shown.session, step: shown.trace, precision: state.precision },
    { onEdit: editParameter });
  renderEquationsPanel();
  renderRatesPanel();
}

function renderEquationsPanel() {
  const chosen = model.equationsView(state);
  renderEquationsChoice(chosen);
  // The equations came with the run (one layer or unit of a large network: its full set runs
  // to megabytes).
  let result = null;
  let error = null;
  if (shown.step === 0) {
    error = 'Press Step to compute step 1: the equations use its numbers.';
  } else if (chosen.tooMany) {
    error = 'These are too many equations to write out at once: choose one layer, or one unit of it.';
  } else if (!globalThis.katex) {
    error = vendorError.katex ?? 'Loading the formula typesetter…';
  } else {
    result = shown.equations;
  }
  renderEquations(view.equations, { result, error, precision: state.precision }, {});
}

/// The "equations of" layer and unit choices, and a note when the page chose for the student.
function renderEquationsChoice(chosen) {
  const { doc } = state;
  const options = (select, items) => {
    const key = JSON.stringify(items);
    if (select.dataset.items !== key) {
      select.replaceChildren(...items.map(([value, text]) => new Option(text, String(value))));
      select.dataset.items = key;
    }
  };
  options(view.equationsLayer, [[0, 'every layer'], ...doc.layers.map((_, l) => [l + 1, `layer ${l + 1}`])]);
  view.equationsLayer.value = String(chosen.layer);
  const units = chosen.layer === 0 ? 0 : doc.layers[chosen.layer - 1].units;
  options(view.equationsUnit, [[0, 'every unit'], ...Array.from({ length: units }, (_, j) => [j + 1, `unit ${j + 1}`])]);
  view.equationsUnit.value = String(chosen.unit);
  view.equationsUnit.disabled = chosen.layer === 0;
  const auto = state.equationsOf === null && (chosen.layer !== 0 || chosen.unit !== 0);
  view.equationsNote.textContent = auto
    ? `This network has too many parameters to write every equation at once: these are the equations of ${chosen.unit ? `unit ${chosen.unit} of ` : ''}layer ${chosen.layer}. Choose others above.`
    : '';
  view.equationsNote.hidden = !auto;
}

// What the rates panel shows now: it is drawn again only when one of these changes.
let ratesDrawn = null;

function renderRatesPanel() {
  if (tutor.on) {
    // Its tables run 10 steps: they would show the step the student is working out.
    view.rates.textContent = 'Hidden while the tutor is on: these tables would show the step you are working out.';
    ratesDrawn = null;
    return;
  }
  if (!globalThis.uPlot) {
    view.rates.textContent = vendorError.uplot ?? 'Loading the plotting library…';
    return;
  }
  const panel = {
    result: rates.result, error: rates.error, precision: state.precision, ratesText: rates.text, busy: false,
  };
  if (ratesDrawn && Object.keys(panel).every((k) => ratesDrawn[k] === panel[k])) return;
  ratesDrawn = panel;
  renderRates(view.rates, panel, { onCompare: compareRates });
}

/// Runs the current session at the rates in `text` (10 steps each); a bad text keeps the last
/// comparison on screen with the message.
function compareRates(text) {
  rates = { ...rates, text, key: null };
  const parsed = parseRates(text);
  if (parsed.error) rates.error = parsed.error;
  else if (shown) compareRatesQuietly();
  if (shown) renderRatesPanel();
  autosave();
}

// ---- The one update path ----

/// Runs `session` with the page's view options: the table's columns (or `onlyColumns`), the
/// trace and the equations of the step the graph shows, the page's limits.
function runSession(session, traceStep, { onlyColumns, withSession = true } = {}) {
  const { columns, layers } = model.tableView(state);
  const options = {
    columns: onlyColumns ?? columns, layers, trace_step: traceStep > 0 ? traceStep : 'none',
    limits: 'page', session: withSession,
  };
  const chosen = model.equationsView(state);
  if (traceStep > 0 && !chosen.tooMany) {
    options.equations = {
      precision: state.precision, layers: chosen.layer ? [chosen.layer] : [], units: chosen.unit ? [chosen.unit] : [],
    };
  }
  return engine.run(session, options);
}

/// The rate comparison of the shown session (10 steps each), its tables cut as the main one.
function ratesResult(values) {
  const { columns, layers } = model.tableView(state);
  return engine.compareRates({ ...shown.session, steps: kRatesSteps }, values, { columns, layers });
}

/// Moves the page to `next`: draws the builder, and if every value is valid runs the engine for
/// `stepsShown` steps and draws the result; otherwise the last good result stays.
function update(next) {
  const previous = state;
  state = next;
  if (engine && model.hasMissing(state.doc)) state = fillFromSeed(state, false) ?? state;
  // The builder and the session depend on the doc only: a new row or a selection keeps both.
  if (state.doc !== builtFor.doc) {
    builtFor = { doc: state.doc, built: model.buildSession({ ...state, stepsShown: 0 }) };
    renderBuilder(view.builder, state, builtFor.built.errors ?? {}, builderHandlers);
    renderOptimizerColumns();
  }
  const built = builtFor.built.value
    ? { value: { ...builtFor.built.value, steps: state.stepsShown } } : builtFor.built;
  if (engine && built.value) {
    // Measures for npm run bench: engine (runs and their JSON) and drawing (every panel).
    const engineStart = performance.now();
    try {
      const key = JSON.stringify([built.value, model.tableView(state)]);
      if (shown?.key === key) {
        // Only the selected step moved: the table stays; that step's trace comes from a run
        // that stops there.
        const stepShown = Math.min(model.shownStep(state), shown.table.rows.length);
        const result = stepShown > 0
          ? runSession({ ...built.value, steps: stepShown }, stepShown, { onlyColumns: ['loss'], withSession: false })
          : null;
        shown = { ...shown, trace: result?.steps[0] ?? null, equations: result?.equations ?? null, step: stepShown };
      } else {
        let result = runSession(built.value, model.shownStep(state));
        if (result.diverged) state = model.stopAtDivergence(state, result.diverged.at);
        const rows = result.table.rows.length;
        const stepShown = Math.min(model.shownStep(state), rows);
        if (stepShown > 0 && result.steps.length === 0) {
          const again = runSession({ ...built.value, steps: stepShown }, stepShown, { onlyColumns: ['loss'], withSession: false });
          result = { ...result, steps: again.steps, equations: again.equations };
        }
        shown = {
          key, session: result.session, table: result.table, diverged: result.diverged,
          trace: result.steps[0] ?? null, equations: result.equations ?? null, step: stepShown,
        };
      }
      if (rates.result || rates.text === kDefaultRates) compareRatesQuietly();
      const drawStart = performance.now();
      performance.measure('nntutor:engine', { start: engineStart, end: drawStart });
      renderResult();
      performance.measure('nntutor:draw', { start: drawStart, end: performance.now() });
      if (state.stepsShown > previous.stepsShown) revealLastRow(view.tableBox);
      renderStatus(view.status, '');
      autosave();
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      state = { ...state, stepsShown: previous.stepsShown };
      renderStatus(view.status, `The engine refused these values: ${e.message}`, 'error');
    }
  }
  renderControls(controls, {
    ready: engine !== null,
    invalid: Boolean(built.errors),
    stepsShown: state.stepsShown,
    stoppedAt: shown?.diverged ? shown.diverged.at : null,
    tutoring: tutor.on,
  });
  if (tutor.on) syncTutor();
}

/// Recomputes the rate comparison for a new network or table view (not for a new row or
/// selection: the comparison runs its own 10 steps). A bad text is already shown.
function compareRatesQuietly() {
  const parsed = parseRates(rates.text);
  if (parsed.error) return;
  const key = JSON.stringify([{ ...shown.session, steps: 0 }, parsed.value, model.tableView(state)]);
  if (rates.key === key) return;
  rates.key = key;
  try {
    rates.result = ratesResult(parsed.value);
    rates.error = null;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    rates.error = e.message;
  }
}

/// The state with weights drawn by the engine from the seed: the ones without a value, or
/// (`all`) every one. Null (with the message shown) when the engine refuses the shape.
function fillFromSeed(s, all) {
  try {
    const init = engine.run(model.initSession(s.doc), { trace_step: 'none', columns: ['loss'], limits: 'page' });
    return model.fillMissing(s, init.session.layers, { all });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    renderStatus(view.status, `The engine refused this network: ${e.message}`, 'error');
    return null;
  }
}

// ---- What the user does ----

/// An edit in the graph: a bad value is refused there, with the message (the box stays open).
function editParameter(name, text) {
  const key = model.keyOfParameter(state.doc, name);
  if (!key) return { error: `${name}: no such parameter in this network` };
  const next = model.setCell(state, key, text);
  const parsed = model.parseCell(next.doc, key);
  if (parsed.error) return { error: parsed.error };
  if (model.cellText(state.doc, key) !== text) update(next);
  return null;
}

/// A whole-number control (inputs, units): applies it when valid, else says why at the control.
function applyCount(id, text, name, apply) {
  const limit = id === 'net-inputs' ? model.kPageLimits.features : model.kPageLimits.units;
  const parsed = model.parseWhole(text, name, 1, limit);
  showControlError(id, parsed.error);
  if (!parsed.error) update(apply(parsed.value));
}

const builderHandlers = {
  onCell(key, text) {
    if (model.cellText(state.doc, key) !== text) update(model.setCell(state, key, text));
  },
  onFeatures(text) {
    applyCount('net-inputs', text, 'inputs', (n) => model.setFeatures(state, n));
  },
  onUnits(l, text) {
    applyCount(`layer-${l}-units`, text, `units of layer ${l + 1}`, (n) => model.setUnits(state, l, n));
  },
  onActivation: (l, name) => update(model.setActivation(state, l, name)),
  onLoss: (name) => update(model.setLoss(state, name)),
  onOptimizer: (name) => update(model.setOptimizer(state, name)),
  onAddLayer: () => update(model.addLayer(state)),
  onRemoveLayer: (l) => update(model.removeLayer(state, l)),
  onAddSample: () => update(model.addSample(state)),
  onRemoveSample: (s) => update(model.removeSample(state, s)),
  onPaste(text) {
    const pasted = model.pasteData(state, text);
    showControlError('paste-data', pasted.error);
    if (pasted.state) update(pasted.state);
  },
  onRandomise() {
    const seed = model.parseCell(state.doc, 'seed');
    if (seed.error || !engine) return;
    const next = fillFromSeed(state, true);
    if (next) update(next);
  },
};

controls.step.addEventListener('click', () => update(model.step(state)));
controls.run.addEventListener('click', () => update(model.step(state, model.kRunSteps)));
controls.back.addEventListener('click', () => update(model.back(state)));
controls.reset.addEventListener('click', () => update(model.reset(state)));
for (const button of controls.presets) {
  button.addEventListener('click', () => update(model.preset(state, Number(button.dataset.rate))));
}
byId('lecture').addEventListener('click', () => {
  rates = { text: kDefaultRates, result: null, error: null };
  update(model.lecture(state));
});

view.decimals.addEventListener('input', () => {
  const parsed = model.parsePrecision(view.decimals.value);
  showFieldError(view.decimals, parsed.error);
  if (parsed.error) return;
  // The equations write their numbers at this precision: the engine writes them again.
  update(model.setPrecision(state, view.decimals.value));
});

for (const box of view.columns) {
  box.addEventListener('change', () => {
    let next = state;
    for (const kind of box.dataset.kinds.split(' ')) next = model.toggleColumn(next, kind, box.checked);
    update(next);
  });
}

view.equationsLayer.addEventListener('change', () => {
  update(model.chooseEquations(state, Number(view.equationsLayer.value), 0));
});
view.equationsUnit.addEventListener('change', () => {
  update(model.chooseEquations(state, Number(view.equationsLayer.value), Number(view.equationsUnit.value)));
});

// Row selection: click a row, or move with the arrow keys / Home / End from the focused row.
function selectRow(k, focus) {
  update(model.selectStep(state, k));
  if (focus) view.table.querySelector(`tbody tr[data-step="${k}"]`)?.focus();
}
view.table.addEventListener('click', (event) => {
  const row = event.target.closest('tbody tr[data-step]');
  if (row) selectRow(Number(row.dataset.step), true);
});
view.table.addEventListener('keydown', (event) => {
  const row = event.target.closest('tbody tr[data-step]');
  if (!row) return;
  const k = Number(row.dataset.step);
  const to = {
    ArrowDown: k + 1, ArrowUp: k - 1, Home: 1, End: state.stepsShown, Enter: k, ' ': k,
  }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  if (to >= 1 && to <= shown.table.rows.length) selectRow(to, true);
});

// ---- Check my table ----

const kMaxAnswerBytes = 1_000_000;

// The checker is its own Wasm module (~240 KB gzipped), loaded on first use.
let checker = null;

async function getChecker() {
  if (!checker) {
    checker = loadScript('nntutor_check_wasm.js').then(() => loadChecker(), (e) => {
      throw new EngineError(e.message);
    });
  }
  try {
    return await checker;
  } catch (e) {
    checker = null;  // a later click tries again
    throw e;
  }
}

/// Checks the student's table against the network shown (its start values and learning rate).
async function checkAnswer(text) {
  const box = byId('check-result');
  if (!engine || !shown) return;
  const button = byId('check-run');
  button.disabled = true;
  const { renderCheck } = await checkViews();
  if (!checker) renderCheck(box, { note: 'Loading the checker…' });
  try {
    const { check } = await getChecker();
    renderCheck(box, { result: check(shown.session, text, byId('check-mode').value) });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    renderCheck(box, { error: e.message });
  } finally {
    button.disabled = false;
  }
}

byId('check-run').addEventListener('click', () => checkAnswer(byId('check-text').value));

/// Assignment 4's requirements for the network shown (its own learning rate and steps are not
/// used: the assignment fixes η = 0.1 and 10 steps).
byId('assignment-run').addEventListener('click', async () => {
  const box = byId('assignment-result');
  if (!engine || !shown) return;
  const button = byId('assignment-run');
  button.disabled = true;
  const { renderAssignment } = await checkViews();
  if (!checker) renderAssignment(box, {});
  try {
    const { assignment, report: reportOf } = await getChecker();
    renderAssignment(box, { result: assignment(shown.session) });
    makeReport(reportOf);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    renderAssignment(box, { error: e.message });
  } finally {
    button.disabled = false;
  }
});
// ---- Assignment report (render-report.js) ----
// Check Assignment 4 also writes the report, from the network shown and the description; the
// downloads and Print report give that report (its session, description and decimals).

const kReportFiles = {
  markdown: ['assignment-report.md', 'text/markdown'], latex: ['assignment-report.tex', 'application/x-tex'],
};
const reportView = {
  description: byId('report-description'), box: byId('report'), status: byId('report-status'),
  stale: byId('report-stale'), buttons: ['report-markdown', 'report-latex', 'report-print'].map(byId),
};
let report = null;  // { session, description, precision, parts, graph: { svg, label } }

async function drawReport() {
  for (const button of reportView.buttons) button.disabled = !report;
  reportView.stale.hidden = !report || report.description === reportView.description.value;
  if (!report) {
    reportView.box.replaceChildren(el('p', 'report-empty', 'Write a description above and press Check Assignment 4: the report appears here.'));
    return;
  }
  const { renderReport } = await reportViews();
  renderReport(reportView.box, { parts: report.parts, graph: report.graph, katexError: vendorError.katex }, {
    onDownloadGraph: () => downloadText('network.svg', report.graph.svg, 'image/svg+xml'),
  });
}

/// The report of the network shown; a bad description is said at its box, the last report stays.
function makeReport(reportOf) {
  const { value } = reportView.description;
  try {
    const parts = reportOf(shown.session, value, 'json', state.precision);
    report = {
      session: shown.session, description: value, precision: state.precision, parts,
      graph: { svg: graphSvgText(view.graph), label: view.graphStep.textContent },
    };
    showFieldError(reportView.description, '');
    reportView.status.textContent = '';
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    if (e.message.startsWith('description')) showFieldError(reportView.description, e.message);
    else reportView.status.textContent = `The report could not be written: ${e.message}`;
  }
  drawReport();
}

async function downloadReport(format) {
  if (!report) return;
  const [name, type] = kReportFiles[format];
  try {
    const { report: reportOf } = await getChecker();
    downloadText(name, reportOf(report.session, report.description, format, report.precision), type);
    reportView.status.textContent = `Saved ${name}.`;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    reportView.status.textContent = `The report could not be written: ${e.message}`;
  }
}

/// The autosave's description (older saves have none).
function restoreDescription(saved) {
  if (typeof saved?.reportDescription === 'string') reportView.description.value = saved.reportDescription;
}

byId('report-markdown').addEventListener('click', () => downloadReport('markdown'));
byId('report-latex').addEventListener('click', () => downloadReport('latex'));
byId('report-print').addEventListener('click', () => {
  if (!report) return;
  document.documentElement.classList.add('printing-report');  // report.css prints the report only
  window.print();
});
window.addEventListener('afterprint', () => document.documentElement.classList.remove('printing-report'));
let descriptionTimer = 0;
reportView.description.addEventListener('input', () => {
  reportView.stale.hidden = !report || report.description === reportView.description.value;
  clearTimeout(descriptionTimer);
  descriptionTimer = setTimeout(autosave, 300);
});
drawReport();

byId('check-file').addEventListener('change', async () => {
  const input = byId('check-file');
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  if (file.size > kMaxAnswerBytes) {
    const { renderCheck } = await checkViews();
    renderCheck(byId('check-result'), {
      error: `${file.name}: the file is too large (${file.size} bytes; a table is at most ${kMaxAnswerBytes})`,
    });
    return;
  }
  const text = await file.text();
  byId('check-text').value = text;
  checkAnswer(text);
});

// ---- Tutor mode ----
// The tutor works on the step after the last row of the table (the table never shows it
// while the tutor is on). Its cells and every verdict come from the checker's module.

const tutorBox = byId('tutor');
const tutorToggle = byId('tutor-toggle');
// on: the student turned it on; t: the tutor (tutor.js) for `t.key`; phase/error: what the
// panel shows; saved: progress read at load, put back when its step comes up again.
let tutor = { on: false, t: null, phase: 'off', error: null, saved: null };
let tutorRequest = 0;

function tutorSession() {
  return { ...shown.session, steps: shown.table.rows.length + 1 };
}

async function drawTutor() {
  tutorToggle.textContent = tutor.on ? 'Stop the tutor' : 'Start the tutor';
  tutorToggle.setAttribute('aria-pressed', String(tutor.on));
  tutorToggle.disabled = !engine || !shown;
  tutorModel.saveTutor(globalThis.localStorage, tutorModel.progressOf(tutor.on, tutor.t));
  if (!tutor.on && tutorBox.childElementCount === 0) return;  // nothing drawn, nothing to draw
  const { renderTutor } = await tutorViews();
  renderTutor(tutorBox, {
    phase: tutor.on ? tutor.phase : 'off', error: tutor.error, tutor: tutor.t,
    learningRate: shown?.session.optimizer.learning_rate,
  }, tutorHandlers);
}

/// Brings the tutor to the step after the table's last row of the network shown: the same
/// step keeps its progress; another one starts fresh (or from the progress kept for it).
async function syncTutor() {
  if (!tutor.on || !shown) return;
  const session = tutorSession();
  const step = session.steps;
  const key = tutorModel.tutorKey(session, step);
  if (tutor.t?.key === key && tutor.t.decimals === state.precision && tutor.phase === 'on') return;
  const request = ++tutorRequest;
  if (!checker || tutor.t?.key !== key) tutor = { ...tutor, phase: 'loading' };
  drawTutor();
  try {
    const { tutorStep } = await getChecker();
    if (request !== tutorRequest) return;
    const result = tutorStep(session, step, state.precision);
    let t;
    if (tutor.t?.key === key) {
      t = tutorModel.withCells(tutor.t, result);
    } else {
      t = tutorModel.restoreProgress(tutorModel.newTutor(key, result), tutor.saved);
      tutor.saved = null;
    }
    tutor = { ...tutor, t, phase: 'on', error: null };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    if (request !== tutorRequest) return;
    tutor = { ...tutor, t: null, phase: 'error', error: e.message };
  }
  drawTutor();
}

const tutorHandlers = {
  onCheck(text) {
    const t = tutor.t;
    const cell = t && tutorModel.currentCell(t);
    if (!cell || !checker) return;
    checker.then(({ tutorCheck }) => {
      if (tutor.t !== t) return;
      let result;
      try {
        result = tutorCheck(tutorSession(), t.step, cell.column, cell.row, text, t.decimals);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // Not a number: said at the box; the try is not counted.
        result = { verdict: 'unreadable', why: e.message };
        tutor = { ...tutor, t: { ...t, feedback: { column: cell.column, typed: text, ...result } } };
        drawTutor();
        return;
      }
      tutor = { ...tutor, t: tutorModel.afterCheck(t, text.trim(), result) };
      drawTutor();
    });
  },
  onReveal() {
    if (!tutor.t) return;
    tutor = { ...tutor, t: tutorModel.afterReveal(tutor.t) };
    drawTutor();
  },
  onAdd() {
    if (!tutor.t || !tutorModel.isComplete(tutor.t)) return;
    update(model.step(state));
  },
};

tutorToggle.addEventListener('click', () => {
  tutor = tutor.on ? { ...tutor, on: false, t: null, phase: 'off' } : { ...tutor, on: true };
  if (!tutor.on) tutorModel.saveTutor(globalThis.localStorage, { on: false });
  update(state);  // the Step buttons and the rates panel follow the tutor
  drawTutor();
});

// ---- Exports, import, share link, autosave ----

function sessionForExport() {
  return { ...shown.session, steps: shown.table.rows.length };
}

/// The table as shown (its columns and layers) in the chosen format.
function tableText() {
  const { columns, layers } = model.tableView(state);
  return engine.format(sessionForExport(), view.tableFormat.value, state.precision, { columns, layers });
}

byId('table-download').addEventListener('click', () => {
  if (!shown) return;
  const [name, type] = kFormats[view.tableFormat.value];
  downloadText(name, tableText(), type);
  view.tableStatus.textContent = `Saved ${name}.`;
});
byId('table-copy').addEventListener('click', async () => {
  if (!shown) return;
  const ok = await copyText(tableText());
  view.tableStatus.textContent = ok ? 'Copied the table.' : 'The browser did not allow copying: use Download table.';
});

byId('session-export').addEventListener('click', () => {
  if (!shown) return;
  downloadText('nntutor-session.json', `${JSON.stringify(sessionForExport(), null, 2)}\n`, 'application/json');
  view.sessionStatus.textContent = 'Saved nntutor-session.json.';
});

/// Validates `session` (any JSON value) with the engine and the page's limits, then shows it.
/// Returns the error message, or null when it was loaded.
function loadSession(session) {
  try {
    const checked = engine.run(session, { trace_step: 'none', columns: ['loss'], limits: 'page' });
    rates = { ...rates, result: null, key: null };
    update(model.stateFromSession(state, checked.session));
    return null;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    return e.message;
  }
}

view.importInput.addEventListener('change', async () => {
  const file = view.importInput.files?.[0];
  view.importInput.value = '';
  if (!file || !engine) return;
  let message;
  if (file.size > kMaxImportBytes) {
    message = `${file.name}: the file is too large (${file.size} bytes; a session is at most ${kMaxImportBytes})`;
  } else {
    let session;
    try {
      session = JSON.parse(await file.text());
    } catch {
      message = `${file.name}: not a session: the file is not JSON`;
    }
    if (!message) {
      const error = loadSession(session);
      message = error ? `${file.name}: not loaded: ${error}` : `Loaded ${file.name}.`;
    }
  }
  view.sessionStatus.textContent = message;
});

byId('share-copy').addEventListener('click', async () => {
  if (!shown) return;
  const url = `${location.origin}${location.pathname}${shareHash(sessionForExport())}`;
  view.shareField.hidden = false;
  view.shareLink.value = url;
  const ok = await copyText(url);
  view.sessionStatus.textContent = ok
    ? 'Copied the share link: it holds this whole session.'
    : 'Copy the share link from the box above.';
  if (!ok) view.shareLink.select();
});

function autosave() {
  if (!shown) return;
  saveAutosave(globalThis.localStorage, {
    session: sessionForExport(), precision: state.precision, columns: state.columns,
    optimizerColumns: state.optimizerColumns,
    selectedStep: state.selectedStep, ratesText: rates.text, reportDescription: reportView.description.value,
  });
}

/// Where the page starts: a share link, else the autosave, else the lecture example.
function restore() {
  const shared = readShareHash(location.hash);
  if (shared) {
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    restoreDescription(loadAutosave(globalThis.localStorage)?.saved);  // a link holds no description
    const error = shared.error ?? loadSession(shared.session);
    view.sessionStatus.textContent = error
      ? `This link could not be loaded: ${error}. The lecture example is shown instead.`
      : 'Loaded the session from the link.';
    if (!error) return;
    update(model.initialState());
    return;
  }
  const saved = loadAutosave(globalThis.localStorage);
  if (saved?.saved) {
    const { session, precision, columns, selectedStep, ratesText, optimizerColumns } = saved.saved;
    restoreDescription(saved.saved);
    if (typeof ratesText === 'string') rates.text = ratesText;
    if (Number.isInteger(precision) && precision >= 0 && precision <= model.kMaxPrecision) {
      state = { ...state, precision };
      view.decimals.value = String(precision);
    }
    if (Array.isArray(columns) && columns.every((k) => model.kColumnKinds.includes(k))) {
      state = { ...state, columns };
      for (const box of view.columns) {
        if (!model.kOptimizerColumnKinds.includes(box.dataset.kinds)) {
          box.checked = box.dataset.kinds.split(' ').every((k) => columns.includes(k));
        }
      }
    }
    if (Array.isArray(optimizerColumns) && optimizerColumns.every((k) => model.kOptimizerColumnKinds.includes(k))) {
      state = { ...state, optimizerColumns };
    }
    const error = loadSession(session);
    if (!error) {
      if (Number.isInteger(selectedStep)) update(model.selectStep(state, selectedStep));
      return;
    }
    clearAutosave(globalThis.localStorage);
    view.sessionStatus.textContent = `The session saved in this browser could not be loaded (${error}); the lecture example is shown instead.`;
  } else if (saved?.error) {
    view.sessionStatus.textContent = `${saved.error[0].toUpperCase()}${saved.error.slice(1)}; the lecture example is shown instead.`;
  }
  update(state);
}

async function start() {
  renderStatus(view.status, 'Loading engine…');
  update(state);
  try {
    engine = await loadEngine();
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    renderStatus(view.status, `The engine could not be loaded: ${e.message}. Reload the page to try again.`, 'error');
    return;
  }
  view.version.textContent = engine.version() ? `Engine ${engine.version()}.` : '';
  const savedTutor = tutorModel.loadTutor(globalThis.localStorage);
  if (savedTutor?.on === true) tutor = { ...tutor, on: true, saved: savedTutor };
  restore();
  drawTutor();
  performance.mark('nntutor:first-table');
  loadVendor();
  setTimeout(warmUp, 0);
}

// KaTeX and uPlot (served from vendor/, no CDN) load after the first table: the table does not
// wait for 300 KB of typesetting and plotting code. Their panels say so until they are here.
const vendorError = {};

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}

function loadVendor() {
  loadScript('vendor/katex/katex.min.js').then(() => {
    globalThis.katex.renderToString('\\frac{\\partial L}{\\partial w_{1}} = (y_{2} - y) \\cdot (1 - y_{2})y_{2}',
      { throwOnError: false, displayMode: true });  // warm-up, off screen
  }, (e) => {
    vendorError.katex = `The formula typesetter could not be loaded (${e.message}): reload the page to see the equations.`;
  }).then(() => shown && renderEquationsPanel());
  loadScript('vendor/uplot/uPlot.iife.min.js').catch((e) => {
    vendorError.uplot = `The plotting library could not be loaded (${e.message}): reload the page to compare learning rates.`;
  }).then(() => shown && renderRatesPanel());
}

/// Runs the engine's code paths of a first Step once, off screen, while the student reads the
/// page: its trace and equations are several times slower on first use.
function warmUp() {
  const session = model.buildSession(model.step(model.initialState(), 2)).value;
  try {
    engine.run(session, { columns: ['loss'], trace_step: 2, session: false, equations: { precision: 4 } });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
  }
}

start();
