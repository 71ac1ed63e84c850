// Wiring: event → state → engine → render. The one place that catches engine errors.
import { EngineError, loadEngine } from './engine.js';
import * as model from './state.js';
import {
  renderControls, renderFieldErrors, renderFields, renderStatus, showFieldError,
} from './render-form.js';
import {
  renderDivergence, renderLossSummary, renderTable, revealLastRow,
} from './render-table.js';

const kEmptyHint = 'Press Step to compute step 1.';
const kNoRowsHint = 'No step could be computed: see the message below the table.';

const byId = (id) => document.getElementById(id);
const inputs = Object.fromEntries(model.kFieldNames.map((key) => [key, byId(`field-${key}`)]));
const controls = {
  step: byId('step'), run: byId('run'), back: byId('back'), reset: byId('reset'),
  presets: [...document.querySelectorAll('button.preset')], note: byId('controls-note'),
};
const view = {
  table: byId('trace'), tableBox: byId('trace-box'), summary: byId('loss-summary'),
  diverged: byId('diverged'), status: byId('status'), decimals: byId('decimals'),
  version: byId('engine-version'),
};

let state = model.initialState();
let engine = null;
// The last result computed from valid fields: what the table shows while a field is invalid.
let shown = null;

function renderResult() {
  renderTable(view.table, shown.table, {
    precision: state.precision, emptyHint: state.stepsShown === 0 ? kEmptyHint : kNoRowsHint,
  });
  renderDivergence(view.diverged, shown.diverged);
  renderLossSummary(view.summary, shown.table, state.precision);
}

/// Moves the page to `next`: shows the fields, and if they are valid runs the engine for
/// `stepsShown` steps and draws the result; otherwise the last good table stays.
function update(next) {
  const previous = state;
  state = next;
  renderFields(inputs, state.fields);
  const built = model.buildSession(state);
  renderFieldErrors(inputs, built.errors ?? {});
  if (engine && built.value) {
    try {
      shown = engine.run(built.value);
      if (shown.diverged) state = model.stopAtDivergence(state, shown.diverged.at);
      renderResult();
      if (state.stepsShown > previous.stepsShown) revealLastRow(view.tableBox);
      renderStatus(view.status, '');
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
  });
}

/// Applies a field's text (on Enter or when the field is left), if it changed.
function applyField(key) {
  if (state.fields[key] !== inputs[key].value) update(model.setField(state, key, inputs[key].value));
}

for (const [key, input] of Object.entries(inputs)) {
  input.addEventListener('change', () => applyField(key));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      applyField(key);
    }
  });
}
controls.step.addEventListener('click', () => update(model.step(state)));
controls.run.addEventListener('click', () => update(model.step(state, model.kRunSteps)));
controls.back.addEventListener('click', () => update(model.back(state)));
controls.reset.addEventListener('click', () => update(model.reset(state)));
for (const button of controls.presets) {
  button.addEventListener('click', () => update(model.preset(state, Number(button.dataset.rate))));
}
view.decimals.addEventListener('input', () => {
  const parsed = model.parsePrecision(view.decimals.value);
  showFieldError(view.decimals, parsed.error);
  if (parsed.error) return;
  state = model.setPrecision(state, view.decimals.value);
  if (shown) renderResult();
});

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
  update(state);
  performance.mark('nntutor:first-table');
}

start();
