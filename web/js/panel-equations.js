// The Gradient equations panel: which layer and unit, and the equations that came with the
// page's run (panel-table.js) once KaTeX is here. No engine calls of its own.
import * as model from './state.js';
import { offscreenDraw } from './offscreen.js';
import { renderEquations } from './render-equations.js';

/// Equations of more LaTeX than this (a unit of a 32-unit layer on 16 samples has ~40,000
/// characters) are typeset once they are near the view (offscreen.js); the lecture's have 828.
const kLargeLatex = 20000;

/// Wires the panel's choices in `document` to `page` (main.js). Returns render (draws what
/// `page.shown` holds; called again when KaTeX has loaded).
export function createEquationsPanel(page, document) {
  const byId = (id) => document.getElementById(id);
  const view = {
    equations: byId('equations'), step: byId('equations-step'), note: byId('equations-note'),
    layer: byId('equations-layer'), unit: byId('equations-unit'),
  };
  // What the last render asks to typeset: at once, or for large equations off screen once
  // they come near the view (offscreen.js).
  let typeset = () => {};
  const drawing = offscreenDraw(view.equations, () => typeset(), page.deps?.window);

  /// The "equations of" layer and unit choices, and a note when the page chose for the student.
  function renderChoice(chosen) {
    const { doc } = page.state;
    const options = (select, items) => {
      const key = JSON.stringify(items);
      if (select.dataset.items !== key) {
        select.replaceChildren(...items.map(([value, text]) => new Option(text, String(value))));
        select.dataset.items = key;
      }
    };
    options(view.layer, doc.graph ? [[0, 'every neuron']]
      : [[0, 'every layer'], ...doc.layers.map((_, l) => [l + 1, `layer ${l + 1}`])]);
    view.layer.value = String(chosen.layer);
    const units = chosen.layer === 0 ? 0 : doc.layers[chosen.layer - 1].units;
    options(view.unit, [[0, 'every unit'], ...Array.from({ length: units }, (_, j) => [j + 1, `unit ${j + 1}`])]);
    view.unit.value = String(chosen.unit);
    view.unit.disabled = chosen.layer === 0;
    const auto = page.state.equationsOf === null && (chosen.layer !== 0 || chosen.unit !== 0);
    view.note.textContent = auto
      ? `This network has too many parameters to write every equation at once: these are the equations of ${chosen.unit ? `unit ${chosen.unit} of ` : ''}layer ${chosen.layer}. Choose others above.`
      : '';
    view.note.hidden = !auto;
  }

  function render() {
    const { shown, state } = page;
    view.step.textContent = shown.step > 0 ? `at step ${shown.step}` : '';
    const chosen = model.equationsChoice(shown.view);  // the engine's decision (describe)
    renderChoice(chosen);
    // The equations came with the run (one layer or unit of a large network: its full set runs
    // to megabytes).
    let result = null;
    let error = null;
    if (shown.step === 0) {
      // Step is disabled while the tutor is on: the step is worked out in the Tutor panel.
      error = page.panels.tutor?.on()
        ? 'The tutor is hiding step 1: its equations appear once you have worked it out in the Tutor panel and added it to the table.'
        : 'Press Step to compute step 1: the equations use its numbers.';
    } else if (chosen.tooMany) {
      error = 'These are too many equations to write out at once: choose one layer, or one unit of it.';
    } else if (!globalThis.katex) {
      error = page.vendorError.katex ?? 'Loading the formula typesetter…';
    } else {
      result = shown.equations;
    }
    const { precision } = state;
    typeset = () => renderEquations(view.equations, { result, error, precision }, {});
    drawing.request(Boolean(result) && result.latex.length > kLargeLatex);
  }

  view.layer.addEventListener('change', () => {
    page.update(model.chooseEquations(page.state, Number(view.layer.value), 0));
  });
  view.unit.addEventListener('change', () => {
    page.update(model.chooseEquations(page.state, Number(view.layer.value), Number(view.unit.value)));
  });

  return { render, measure: () => drawing.measure() };
}
