// The Learning rates side by side panel: the rates field, the comparison of the shown session
// (10 steps at each rate) and its chart, drawn once uPlot is here. Engine calls: compareRates.
import { EngineError } from './engine.js';
import * as model from './state.js';
import { kDefaultRatesText, parseRates } from './parse.js';
import { renderRates } from './render-rates.js';

const kRatesSteps = 10;

// ---- Engine calls ----

/// The rate comparison of `session` (10 steps each), its tables cut as the main one (`table`:
/// the engine's decision of the columns and layers shown).
function compare(engine, table, session, values) {
  const { columns, layers } = table;
  return engine.compareRates({ ...session, steps: kRatesSteps }, values, { columns, layers });
}

// ---- The panel ----

/// Wires the panel in `document` to `page` (main.js). Returns render, refresh (the comparison
/// for a new network or view), reset (the lecture's rates), forget (a new session), and the
/// field's text (text, setText) for the autosave.
export function createRatesPanel(page, document) {
  const box = document.getElementById('rates');
  // The field's text, the last comparison and its key, or the message for a bad text.
  let rates = { text: kDefaultRatesText, result: null, error: null };
  // What the panel shows now: it is drawn again only when one of these changes.
  let drawn = null;

  function render() {
    if (page.panels.tutor.on()) {
      // Its tables run 10 steps: they would show the step the student is working out.
      box.textContent = 'Hidden while the tutor is on: these tables would show the step you are working out.';
      drawn = null;
      return;
    }
    if (!globalThis.uPlot) {
      box.textContent = page.vendorError.uplot ?? 'Loading the plotting library…';
      return;
    }
    const panel = {
      result: rates.result, error: rates.error, precision: page.state.precision, ratesText: rates.text, busy: false,
    };
    if (drawn && Object.keys(panel).every((k) => drawn[k] === panel[k])) return;
    drawn = panel;
    renderRates(box, panel, { onCompare: compareText });
  }

  /// Recomputes the rate comparison for a new network or table view (not for a new row or
  /// selection: the comparison runs its own 10 steps). A bad text is already shown.
  function quietly() {
    const parsed = parseRates(rates.text);
    if (parsed.error) return;
    const { shown, state } = page;
    // The tables' columns and layers, not the view's note: its count of numbers changes with
    // every row, which would compare the rates again at each Step. The session by the key the
    // table keeps for it (`sessionKey`: written once per network, not at every Step).
    const { columns, layers } = shown.view.table;
    const key = JSON.stringify([shown.sessionKey ?? { ...shown.session, steps: 0 }, parsed.value, { columns, layers }]);
    if (rates.key === key) return;
    rates.key = key;
    try {
      rates.result = compare(page.engine, { columns, layers }, shown.session, parsed.value);
      rates.error = null;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      rates.error = e.message;
    }
  }

  /// Runs the current session at the rates in `text` (10 steps each); a bad text keeps the last
  /// comparison on screen with the message.
  function compareText(text) {
    rates = { ...rates, text, key: null };
    const parsed = parseRates(text);
    if (parsed.error) rates.error = parsed.error;
    else if (page.shown) quietly();
    if (page.shown) render();
    page.autosave();
  }

  return {
    render,
    refresh() {
      if (rates.result || rates.text === kDefaultRatesText) quietly();
    },
    reset() {
      rates = { text: kDefaultRatesText, result: null, error: null };
    },
    forget() {
      rates = { ...rates, result: null, key: null };
    },
    text: () => rates.text,
    setText(text) {
      rates.text = text;
    },
  };
}
