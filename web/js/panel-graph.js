// The Graph panel: the network at the shown step, and its in-place editor of a weight or
// bias. No engine calls: it draws the run's session and trace.
import * as model from './state.js';
import { offscreenDraw } from './offscreen.js';
import { graphSvgText, renderGraph } from './render-graph.js';
import { wiredLoader } from './loader.js';

/// A graph of more connections than this is drawn once it is near the view (offscreen.js).
const kLargeGraph = 1024;

/// The connections of the session's network: Σ units × inputs over its layers.
function connections(session) {
  if (session.graph) return session.graph.edges.length;
  let inputs = session.inputs[0]?.length ?? 0;
  let count = 0;
  for (const layer of session.layers) {
    count += layer.units * inputs;
    inputs = layer.units;
  }
  return count;
}

/// Wires the panel in `document` to `page` (main.js). Returns render (draws `page.shown`) and
/// copy (the drawing as a standalone SVG with its step label, for the report).
export function createGraphPanel(page, document) {
  const graph = document.getElementById('graph');
  const graphStep = document.getElementById('graph-step');
  // A graph session (docs/graph.md) is drawn as a DAG by the randomly wired page's renderer,
  // at the layout of the wired module (loaded on first use), in a box of its own beside the
  // layered drawing (which keeps its toolbar and editor for layered networks).
  const dag = document.createElement('div');
  dag.id = 'graph-dag';
  dag.hidden = true;
  const dagReadout = document.createElement('p');
  dagReadout.className = 'dag-readout';
  const dagBox = document.createElement('div');
  dagBox.className = 'dag-box';
  dagBox.id = 'graph-dag-box';
  dagBox.tabIndex = 0;
  dagBox.setAttribute('role', 'region');
  dagBox.setAttribute('aria-label', 'drawing of the graph network (scrolls sideways)');
  const dagFocus = document.createElement('p');
  dagFocus.className = 'dag-readout';
  dagFocus.setAttribute('aria-live', 'polite');
  dag.append(dagReadout, dagBox, dagFocus);
  graph.after(dag);
  const wired = wiredLoader(document);
  let layoutFor = { graph: null, layout: null, error: null };

  /// The DAG of the graph session shown, with the shown step's z and y (sample 1) on its neurons
  /// and its weights as the edges' colour and width.
  async function drawGraphSession() {
    const { shown } = page;
    const { session } = shown;
    if (layoutFor.graph !== session.graph) {
      dagReadout.textContent = 'Laying out the graph…';
      try {
        const module = await wired.get();
        layoutFor = { graph: session.graph, layout: module.layout(session), error: null };
      } catch (e) {
        layoutFor = { graph: session.graph, layout: null, error: e.message };
      }
      if (page.shown !== shown) return;  // a newer result draws itself
    }
    if (!layoutFor.layout) {
      dagReadout.textContent = `The graph could not be laid out: ${layoutFor.error}`;
      dagBox.replaceChildren();
      return;
    }
    const trace = shown.trace;
    const values = trace?.nodes ? {
      z: trace.nodes.z.map((row) => row[0]), y: trace.nodes.y.map((row) => row[0]), w: trace.edges.w,
    } : { z: null, y: null, w: session.graph.edges.map((e) => e.weight) };
    const { drawDag } = await import('./wired-render.js');
    if (page.shown !== shown) return;
    drawDag(dagBox, layoutFor.layout, session, values, {
      title: 'the network', onFocusNode: (text) => { dagFocus.textContent = text; },
    });
    dagReadout.textContent = trace?.nodes
      ? `Each neuron shows its y ${graphStep.textContent}${session.inputs.length > 1 ? ' for sample 1' : ''}; `
        + 'edges: blue solid positive, orange dashed negative weights, wider for larger |w|. Tab into the drawing and '
        + 'move between the neurons with the arrow keys for each one\'s z, y and edges.'
      : 'Edges: blue solid positive, orange dashed negative weights, wider for larger |w|. Press Step to see z and y.';
  }

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

  function draw() {
    const { shown, state } = page;
    const isGraph = Boolean(shown.session.graph);
    graph.hidden = isGraph;
    dag.hidden = !isGraph;
    if (isGraph) {
      drawGraphSession();
      return;
    }
    renderGraph(graph, {
      session: shown.session, step: shown.trace, precision: state.precision, activations: [...page.model.schema.activations, ...(page.model.schema.piecewise_activations ?? [])],
    },
      { onEdit: editParameter });
  }
  const drawing = offscreenDraw(graph, draw, page.deps?.window);

  /// The step shown at once; the drawing at once, or for a large network off screen once it
  /// comes near the view or the page is idle.
  function render() {
    const { shown } = page;
    graphStep.textContent = shown.step > 0 ? `at step ${shown.step}` : 'before step 1';
    drawing.request(connections(shown.session) > kLargeGraph);
  }

  return {
    render,
    measure: () => drawing.measure(),
    copy() {
      drawing.flush();
      if (!dag.hidden) return { svg: dagBox.querySelector('svg')?.outerHTML ?? '', label: graphStep.textContent };
      return { svg: graphSvgText(graph), label: graphStep.textContent };
    },
  };
}
