// The Network panel: the builder's boxes and controls, the lecture's presets, Reset to the
// lecture example, and weights drawn from the seed. Engine calls: run (the start values).
import { EngineError } from './engine.js';
import * as model from './state.js';
import { renderStatus } from './render-form.js';
import { renderBuilder, renderGraphBuilder, showControlError } from './render-builder.js';

// ---- Engine calls ----

/// The start values the engine draws from the seed for the network of `doc`.
function seededLayers(engine, m, doc) {
  const init = engine.run(m.initSession(doc), { trace_step: 'none', columns: ['loss'], limits: 'page' });
  return init.session.layers;
}

// ---- The panel ----

/// Wires the panel's controls in `document` to `page` (main.js). Returns what the update path
/// calls: session (draws the builder for a new doc; the built session or its errors),
/// fillFromSeed, and the preset buttons (enabled with the engine).
export function createBuilderPanel(page, document) {
  const byId = (id) => document.getElementById(id);
  const builder = byId('builder');
  const status = byId('status');
  const presets = [...document.querySelectorAll('button.preset')];
  const update = (next) => page.update(next);
  // The doc the builder was last drawn for, and its session (or errors).
  let builtFor = { doc: null, built: null };

  /// The state with weights drawn by the engine from the seed: the ones without a value, or
  /// (`all`) every one. Null (with the message shown) when the engine refuses the shape.
  function fillFromSeed(s, all) {
    try {
      return model.fillMissing(s, seededLayers(page.engine, page.model, s.doc), { all });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      renderStatus(status, `The engine refused this network: ${e.message}`, 'error');
      return null;
    }
  }

  /// A whole-number control (inputs, units): applies it when valid, else says why at the control.
  function applyCount(id, text, name, apply) {
    const { pageLimits } = page.model.choosers;
    const limit = id === 'net-inputs' ? pageLimits.features : pageLimits.units;
    const parsed = model.parseWhole(text, name, 1, limit);
    showControlError(id, parsed.error);
    if (!parsed.error) update(apply(parsed.value));
  }

  const handlers = {
    onCell(key, text) {
      if (model.cellText(page.state.doc, key) !== text) update(model.setCell(page.state, key, text));
    },
    onFeatures(text) {
      applyCount('net-inputs', text, 'inputs', (n) => model.setFeatures(page.state, n));
    },
    onUnits(l, text) {
      applyCount(`layer-${l}-units`, text, `units of layer ${l + 1}`, (n) => model.setUnits(page.state, l, n));
    },
    onActivation: (l, name) => update(page.model.setActivation(page.state, l, name)),
    /// Maxout units (`name`) for layer l, or back to the default activation.
    onPiecewise: (l, name, on) => update(page.model.setActivation(page.state, l, on ? name : page.model.schema.defaults.activation)),
    onPieces(l, text) {  // maxout's k, in the row's range
      const range = page.model.choosers.pieces[page.state.doc.layers[l].activation];
      const parsed = model.parseWhole(text, `pieces of layer ${l + 1}`, range.min, range.max);
      showControlError(`layer-${l}-pieces`, parsed.error);
      if (!parsed.error) update(page.model.setPieces(page.state, l, parsed.value));
    },
    onLoss: (name) => update(page.model.setLoss(page.state, name)),
    onOptimizer: (name) => update(page.model.setOptimizer(page.state, name)),
    onAddLayer: () => update(page.model.addLayer(page.state)),
    onRemoveLayer: (l) => update(model.removeLayer(page.state, l)),
    onAddSample: () => update(page.model.addSample(page.state)),
    onRemoveSample: (s) => update(model.removeSample(page.state, s)),
    onPaste(text) {
      const pasted = page.model.pasteData(page.state, text);
      showControlError('paste-data', pasted.error);
      if (pasted.state) update(pasted.state);
    },
    onRandomise() {
      const seed = page.model.parseCell(page.state.doc, 'seed');
      if (seed.error || !page.engine) return;
      const next = fillFromSeed(page.state, true);
      if (next) update(next);
    },
  };

  /// The session of `page.state` with its `steps` (or `{ errors }`); the builder is drawn again
  /// when the doc changed (a new row or a selection keeps it and the session).
  function session() {
    const { state } = page;
    // Until the engine is here there is no schema: no builder, nothing to run.
    if (!page.model) return {};
    if (state.doc !== builtFor.doc) {
      builtFor = { doc: state.doc, built: page.model.buildSession({ ...state, stepsShown: 0 }) };
      if (state.doc.graph) renderGraphBuilder(builder, state, builtFor.built.errors ?? {}, handlers);
      else renderBuilder(builder, state, builtFor.built.errors ?? {}, handlers, page.model);
      page.panels.table.renderOptimizerColumns();
    }
    return builtFor.built.value
      ? { value: { ...builtFor.built.value, steps: state.stepsShown } } : builtFor.built;
  }

  for (const button of presets) {
    button.addEventListener('click', () => update(model.preset(page.state, Number(button.dataset.rate))));
  }
  byId('lecture').addEventListener('click', () => {
    page.panels.rates.reset();
    update(model.lecture(page.state));
  });

  return { session, fillFromSeed, presets };
}
