// The Training steps panel: Step, Run, Back, Reset, the decimals, the column and layer choices,
// the table with its selectable rows, its exports; and the page's workbook (engine.open), which
// holds the session shown: a Step computes one step, a row click reads the stored trace.
// Engine calls: open and the workbook's calls, format.
import { EngineError } from './engine.js';
import * as model from './state.js';
import { showFieldError } from './render-form.js';
import {
  renderDivergence, renderLayerChooser, renderLossSummary, renderSelection, renderTable,
  revealLastRow,
} from './render-table.js';
import { copyText, downloadText } from './download.js';
import { exportedSession } from './panel-share.js';

const kEmptyHint = 'Press Step to compute step 1.';
const kNoRowsHint = 'No step could be computed: see the message below the table.';
const kFormats = { csv: ['table.csv', 'text/csv'], markdown: ['table.md', 'text/markdown'], latex: ['table.tex', 'application/x-tex'] };

// ---- Engine calls ----

/// The table's view as the engine decided it (`described`: book.describe()): `{ columns, layers }`.
function rowView(described) {
  const { columns, layers } = described.table;
  return { columns, layers };
}

/// The equations of step `k` of `book` as the panel shows them (one layer or unit of a large
/// network, as the engine decided), or null when they are too many to write out.
function equationsOf(book, state, described, k) {
  const chosen = model.equationsChoice(described);
  if (chosen.tooMany) return null;
  return book.equations(k, state.precision, {
    layers: chosen.layer ? [chosen.layer] : [], units: chosen.unit ? [chosen.unit] : [],
  });
}

/// The session as a key: everything but its steps, as JSON.
function sessionKey(session) {
  return JSON.stringify({ ...session, steps: 0 });
}

/// The table as shown (its columns and layers) in `format`.
function tableText(engine, state, shown, format) {
  const { columns, layers } = shown.view.table;
  return engine.format(exportedSession(shown), format, state.precision, { columns, layers });
}

/// Runs the engine's code paths of a first Step once, off screen, in a workbook of its own: its
/// trace and equations are several times slower on first use.
function warmUpRun(engine, m) {
  const session = m.buildSession(model.initialState()).value;
  const book = engine.open(session, { columns: ['loss'], limits: 'page' });
  try {
    book.step();
    book.step();
    book.rows(1);
    book.trace(2);
    book.equations(2, 4, {});
  } finally {
    book.close();
  }
}

// ---- The panel ----

/// Wires the panel's controls in `document` to `page` (main.js: `{ state, shown, engine,
/// update(next), … }`). Returns what the update path calls: run, render, revealLastRow,
/// renderOptimizerColumns, showSaved (the autosave's decimals and columns), warmUp.
export function createTablePanel(page, document) {
  const byId = (id) => document.getElementById(id);
  const view = {
    table: byId('trace'), tableBox: byId('trace-box'), summary: byId('loss-summary'),
    diverged: byId('diverged'), decimals: byId('decimals'),
    columns: [...document.querySelectorAll('.column-chooser input[data-kinds]')],
    stateColumns: byId('state-columns'), batchColumns: byId('batch-columns'),
    traceKeyOptimizer: byId('trace-key-optimizer'),
    layerChooser: byId('layer-chooser'), tableNote: byId('table-note'),
    tableFormat: byId('table-format'), tableStatus: byId('table-export-status'),
  };
  const update = (next) => page.update(next);

  /// The "optimizer state" and "batch" boxes of the column chooser: shown when the network's
  /// optimizer has them (a state per parameter; mini-batches), ticked as the state says.
  function renderOptimizerColumns() {
    const has = page.model.optimizerColumnKinds(page.state.doc);
    view.stateColumns.hidden = !has.includes('state');
    view.batchColumns.hidden = !has.includes('batch');
    view.traceKeyOptimizer.hidden = has.length === 0;
    for (const box of view.columns) {
      const { kinds } = box.dataset;
      if (model.kOptimizerColumnKinds.includes(kinds)) box.checked = page.state.optimizerColumns.includes(kinds);
    }
  }

  // The page's workbook (engine.open), opened on the first valid session and kept for the
  // page's lifetime, and what was read from it: `doc` and `key` (the session without its
  // steps, as JSON) it holds, its `status`, its normalised `session`, the `table` read in view
  // `view` (a JSON key), the `trace` and `equations` of one step. A part that is null is read
  // again; a part read from a row after the book's `kept` rows is dropped.
  let book = null;
  let held = null;

  /// Brings the workbook to the built `session` (its `steps` = the rows asked for): one step,
  /// back or reset when only the number of steps moved by +1, −1 or to 0; setSession otherwise
  /// (edits, Run 10 steps, presets, imports). Returns its status `{ steps, rows, kept,
  /// diverged }`. Throws EngineError, leaving the workbook and `held` as they were.
  function move(session) {
    const { doc, stepsShown: steps } = page.state;
    if (!book) {
      book = page.engine.open(session, { limits: 'page' });
      const status = book.status();
      held = { doc, key: sessionKey(session), status: { ...status, kept: 0 } };
      return held.status;
    }
    // The session is built from the doc and the steps only: the same doc is the same session.
    let { key } = held;
    let same = held.doc === doc;
    if (!same) {
      key = sessionKey(session);
      same = key === held.key;
    }
    const now = held.status;
    let status;
    if (same && steps === now.steps) status = { ...now, kept: now.rows };
    else if (same && steps === now.steps + 1 && !now.diverged) status = book.step();
    else if (same && steps === now.steps - 1) status = book.back();
    else if (same && steps === 0) status = book.reset();
    else status = book.setSession(session);
    if (key !== held.key) held.session = null;
    held = { ...held, doc, key, status };
    if (held.trace?.step > status.kept) held.trace = null;
    if (held.equations?.step > status.kept) held.equations = null;
    return status;
  }

  /// The table of the workbook in `view`: the shown rows up to its `kept` rows, then the rows
  /// it computed.
  function readTable(status, view) {
    const viewKey = JSON.stringify(view);
    const before = held.table;
    held.table = null;
    let table;
    if (status.kept === 0 || before?.view !== viewKey) {
      const { columns, rows } = book.rows(1, view);
      table = { columns, rows };
    } else if (status.kept === status.rows) {
      // Nothing new (a selection, Back): the rows it kept.
      table = before.table.rows.length === status.rows ? before.table
        : { columns: before.table.columns, rows: before.table.rows.slice(0, status.kept) };
    } else {
      const added = book.rows(status.kept + 1, view).rows;
      table = { columns: before.table.columns, rows: [...before.table.rows.slice(0, status.kept), ...added] };
    }
    held.table = { view: viewKey, table };
    return table;
  }

  /// What the page shows for the built session `session` (its `steps` rows): the table, the
  /// shown step's trace and equations, read from the workbook. A divergence stops the state
  /// there. Throws EngineError (the table shown stays).
  function run(session) {
    const status = move(session);
    if (status.diverged) page.state = model.stopAtDivergence(page.state, status.diverged.at);
    // What the table and the equations show: the engine decides from the student's choices
    // (asked again only when they or the session change; a row click keeps them).
    const choicesKey = JSON.stringify([held.key, model.viewChoices(page.state)]);
    if (held.described?.key !== choicesKey) {
      held.described = { key: choicesKey, view: book.describe(model.viewChoices(page.state)) };
    }
    const described = held.described.view;
    const view = rowView(described);
    const table = readTable(status, view);
    if (!held.session) held.session = book.session();
    const stepShown = Math.min(model.shownStep(page.state), status.rows);
    let trace = null;
    let equations = null;
    if (stepShown > 0) {
      if (held.trace?.step !== stepShown) held.trace = { step: stepShown, trace: book.trace(stepShown) };
      trace = held.trace.trace;
      const equationsKey = JSON.stringify([stepShown, page.state.precision, described.equations]);
      if (held.equations?.key !== equationsKey) {
        held.equations = { step: stepShown, key: equationsKey, equations: equationsOf(book, page.state, described, stepShown) };
      }
      ({ equations } = held.equations);
    }
    return {
      session: { ...held.session, steps: status.steps }, sessionKey: held.key, table, diverged: status.diverged,
      trace, equations, step: stepShown, view: described,
    };
  }

  /// Draws the table of `page.shown` and its choices.
  function render() {
    const { state, shown } = page;
    renderOptimizerColumns();
    const tableView = shown.view.table;
    renderLayerChooser(view.layerChooser, state.doc.layers.length, tableView.layers, (n, checked) => {
      update(model.toggleTableLayer(page.state, tableView.layers, n, checked));
    });
    view.tableNote.textContent = tableView.note;
    view.tableNote.hidden = tableView.note === '';
    renderTable(view.table, shown.table, {
      precision: state.precision, emptyHint: state.stepsShown === 0 ? kEmptyHint : kNoRowsHint,
    });
    renderSelection(view.table, state.selectedStep);
    renderDivergence(view.diverged, shown.diverged);
    renderLossSummary(view.summary, shown.table, state.precision);
  }

  /// Shows the autosave's decimals and ticks its column kinds (the state has them already).
  function showSaved({ precision, columns }) {
    if (precision !== undefined) view.decimals.value = String(precision);
    if (columns === undefined) return;
    for (const box of view.columns) {
      if (!model.kOptimizerColumnKinds.includes(box.dataset.kinds)) {
        box.checked = box.dataset.kinds.split(' ').every((k) => columns.includes(k));
      }
    }
  }

  const controls = { step: byId('step'), run: byId('run'), back: byId('back'), reset: byId('reset') };
  controls.step.addEventListener('click', () => update(page.model.step(page.state)));
  controls.run.addEventListener('click', () => update(page.model.step(page.state, model.kRunSteps)));
  controls.back.addEventListener('click', () => update(model.back(page.state)));
  controls.reset.addEventListener('click', () => update(model.reset(page.state)));

  view.decimals.addEventListener('input', () => {
    const parsed = model.parsePrecision(view.decimals.value);
    showFieldError(view.decimals, parsed.error);
    if (parsed.error) return;
    // The equations write their numbers at this precision: the engine writes them again.
    update(model.setPrecision(page.state, view.decimals.value));
  });

  for (const box of view.columns) {
    box.addEventListener('change', () => {
      let next = page.state;
      for (const kind of box.dataset.kinds.split(' ')) next = model.toggleColumn(next, kind, box.checked);
      update(next);
    });
  }

  // Row selection: click a row, or move with the arrow keys / Home / End from the focused row.
  function selectRow(k, focus) {
    update(model.selectStep(page.state, k));
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
      ArrowDown: k + 1, ArrowUp: k - 1, Home: 1, End: page.state.stepsShown, Enter: k, ' ': k,
    }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    if (to >= 1 && to <= page.shown.table.rows.length) selectRow(to, true);
  });

  byId('table-download').addEventListener('click', () => {
    if (!page.shown) return;
    const [name, type] = kFormats[view.tableFormat.value];
    downloadText(name, tableText(page.engine, page.state, page.shown, view.tableFormat.value), type);
    view.tableStatus.textContent = `Saved ${name}.`;
  });
  byId('table-copy').addEventListener('click', async () => {
    if (!page.shown) return;
    const ok = await copyText(tableText(page.engine, page.state, page.shown, view.tableFormat.value));
    view.tableStatus.textContent = ok ? 'Copied the table.' : 'The browser did not allow copying: use Download table.';
  });

  return {
    controls, run, render, renderOptimizerColumns, showSaved,
    revealLastRow: () => revealLastRow(view.tableBox),
    warmUp() {
      try {
        warmUpRun(page.engine, page.model);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
      }
    },
  };
}
