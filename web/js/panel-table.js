// The Training steps panel: Step, Run, Back, Reset, the decimals, the column and layer choices,
// the table with its selectable rows, its exports; and the page's run of the engine (the
// table, the shown step's trace and its equations in one call). Engine calls: run, format.
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

/// Runs `session` with the page's view options: the table's columns (or `onlyColumns`), the
/// trace and the equations of the step the graph shows, the page's limits.
function runSession(engine, m, state, session, traceStep, { onlyColumns, withSession = true } = {}) {
  const { columns, layers } = m.tableView(state);
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

/// The table as shown (its columns and layers) in `format`.
function tableText(engine, m, state, shown, format) {
  const { columns, layers } = m.tableView(state);
  return engine.format(exportedSession(shown), format, state.precision, { columns, layers });
}

/// Runs the engine's code paths of a first Step once, off screen: its trace and equations are
/// several times slower on first use.
function warmUpRun(engine, m) {
  const session = m.buildSession(m.step(model.initialState(), 2)).value;
  engine.run(session, { columns: ['loss'], trace_step: 2, session: false, equations: { precision: 4 } });
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
  /// optimizer has them (adam, rmsprop, adagrad; mini-batches), ticked as the state says.
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

  /// What the page shows for the built session `session` (its `steps` rows): the table, the
  /// shown step's trace and equations, from the run before when only the selected step moved.
  /// A divergence stops the state there. Throws EngineError.
  function run(session) {
    const { shown, engine } = page;
    const key = JSON.stringify([session, page.model.tableView(page.state)]);
    if (shown?.key === key) {
      // Only the selected step moved: the table stays; that step's trace comes from a run
      // that stops there.
      const stepShown = Math.min(model.shownStep(page.state), shown.table.rows.length);
      const result = stepShown > 0
        ? runSession(engine, page.model, page.state, { ...session, steps: stepShown }, stepShown, { onlyColumns: ['loss'], withSession: false })
        : null;
      return { ...shown, trace: result?.steps[0] ?? null, equations: result?.equations ?? null, step: stepShown };
    }
    let result = runSession(engine, page.model, page.state, session, model.shownStep(page.state));
    if (result.diverged) page.state = model.stopAtDivergence(page.state, result.diverged.at);
    const rows = result.table.rows.length;
    const stepShown = Math.min(model.shownStep(page.state), rows);
    if (stepShown > 0 && result.steps.length === 0) {
      const again = runSession(engine, page.model, page.state, { ...session, steps: stepShown }, stepShown, { onlyColumns: ['loss'], withSession: false });
      result = { ...result, steps: again.steps, equations: again.equations };
    }
    return {
      key, session: result.session, table: result.table, diverged: result.diverged,
      trace: result.steps[0] ?? null, equations: result.equations ?? null, step: stepShown,
    };
  }

  /// Draws the table of `page.shown` and its choices.
  function render() {
    const { state, shown } = page;
    renderOptimizerColumns();
    const tableView = page.model.tableView(state);
    renderLayerChooser(view.layerChooser, state.doc.layers.length, tableView.layers, (n, checked) => {
      update(page.model.toggleTableLayer(page.state, n, checked));
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
    downloadText(name, tableText(page.engine, page.model, page.state, page.shown, view.tableFormat.value), type);
    view.tableStatus.textContent = `Saved ${name}.`;
  });
  byId('table-copy').addEventListener('click', async () => {
    if (!page.shown) return;
    const ok = await copyText(tableText(page.engine, page.model, page.state, page.shown, view.tableFormat.value));
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
