// The Graph panel: the network at the shown step, and its in-place editor of a weight or
// bias. No engine calls: it draws the run's session and trace.
import * as model from './state.js';
import { graphSvgText, renderGraph } from './render-graph.js';

/// Wires the panel in `document` to `page` (main.js). Returns render (draws `page.shown`) and
/// copy (the drawing as a standalone SVG with its step label, for the report).
export function createGraphPanel(page, document) {
  const graph = document.getElementById('graph');
  const graphStep = document.getElementById('graph-step');

  /// An edit in the graph: a bad value is refused there, with the message (the box stays open).
  function editParameter(name, text) {
    const { state } = page;
    const key = model.keyOfParameter(state.doc, name);
    if (!key) return { error: `${name}: no such parameter in this network` };
    const next = model.setCell(state, key, text);
    const parsed = page.model.parseCell(next.doc, key);
    if (parsed.error) return { error: parsed.error };
    if (model.cellText(state.doc, key) !== text) page.update(next);
    return null;
  }

  function render() {
    const { shown, state } = page;
    graphStep.textContent = shown.step > 0 ? `at step ${shown.step}` : 'before step 1';
    renderGraph(graph, {
      session: shown.session, step: shown.trace, precision: state.precision, activations: [...page.model.schema.activations, ...(page.model.schema.piecewise_activations ?? [])],
    },
      { onEdit: editParameter });
  }

  return {
    render,
    copy: () => ({ svg: graphSvgText(graph), label: graphStep.textContent }),
  };
}
