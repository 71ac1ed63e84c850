// Wiring: the panels (panel-*.js), the one update path (event → state → engine → render) and
// the start (engine, saved session, then KaTeX and uPlot). Imports without a DOM: the page
// calls start() from page.js; a test may import it under node.
import { EngineError, loadEngine } from './engine.js';
import * as model from './state.js';
import { renderControls, renderStatus } from './render-form.js';
import { checkerLoader, loadVendor } from './loader.js';
import { createBuilderPanel } from './panel-builder.js';
import { createCheckPanel } from './panel-check.js';
import { createEquationsPanel } from './panel-equations.js';
import { createGraphPanel } from './panel-graph.js';
import { createRatesPanel } from './panel-rates.js';
import { createReportPanel } from './panel-report.js';
import { createSharePanel } from './panel-share.js';
import { createTablePanel } from './panel-table.js';
import { createTutorPanel } from './panel-tutor.js';

/// Starts the page in `deps.document`: wires every panel, draws the builder of the lecture
/// example, loads the engine (`deps.createEngine`, the factory nntutor_wasm.js defines),
/// restores a share link or the autosave, then loads KaTeX and uPlot. `deps`: `{ document,
/// window, location, history, localStorage, performance, createEngine }`. Returns the page:
/// `{ state, shown, engine, panels, update(next), … }` (`ready` resolves once it has started).
export function start(deps) {
  const { document, window, performance } = deps;
  const byId = (id) => document.getElementById(id);
  const status = byId('status');
  const page = {
    deps,
    // The state of every box and choice (state.js).
    state: model.initialState(),
    // The engine once loaded (engine.js loadEngine); the checker's module on first use.
    engine: null,
    // state.js's functions bound to the engine's schema (stateModel), once the engine is here.
    model: null,
    checker: checkerLoader(document),
    // The last result computed from valid values: what the page shows while a value is
    // invalid, read from the page's workbook (panel-table.js). { session, sessionKey (the
    // session without its steps, as JSON), table, diverged, trace (the shown step's or null),
    // equations, step }
    shown: null,
    // Why KaTeX or uPlot did not load, for their panels to say.
    vendorError: {},
    panels: {},
    update,
    // The autosave is written after the update that asked for it, once per task: a large
    // session is 100 KB of JSON, which need not delay what the student sees (pagehide writes a
    // pending one at once).
    autosave: () => {
      autosaveTimer ??= window.setTimeout(flushAutosave, 0);
    },
  };
  let autosaveTimer = null;
  function flushAutosave() {
    if (autosaveTimer === null) return;
    window.clearTimeout(autosaveTimer);
    autosaveTimer = null;
    page.panels.share.autosave();
  }
  window?.addEventListener?.('pagehide', flushAutosave);
  const { panels } = page;
  panels.builder = createBuilderPanel(page, document);
  panels.table = createTablePanel(page, document);
  panels.graph = createGraphPanel(page, document);
  panels.equations = createEquationsPanel(page, document);
  panels.rates = createRatesPanel(page, document);
  panels.check = createCheckPanel(page, document);
  panels.report = createReportPanel(page, document, window);
  panels.tutor = createTutorPanel(page, document);
  panels.share = createSharePanel(page, document);
  const controls = { ...panels.table.controls, presets: panels.builder.presets, note: byId('controls-note') };

  /// Draws every panel from `page.shown` (a measure each, for npm run bench). Where the graph
  /// and the equations are is read first, before the table changes the page (offscreen.js).
  function renderResult() {
    panels.graph.measure();
    panels.equations.measure();
    for (const name of ['table', 'graph', 'equations', 'rates']) {
      const start = performance.now();
      panels[name].render();
      performance.measure(`nntutor:draw:${name}`, { start, end: performance.now() });
    }
  }

  /// Moves the page to `next`: draws the builder, and if every value is valid brings the page's
  /// workbook to `stepsShown` steps (panel-table.js run) and draws the result; otherwise, or when
  /// the engine refuses the values, the last good result stays.
  function update(next) {
    const previous = page.state;
    page.state = next;
    if (page.engine && model.hasMissing(page.state.doc)) page.state = panels.builder.fillFromSeed(page.state, false) ?? page.state;
    // The builder and the session depend on the doc only: a new row or a selection keeps both.
    const built = panels.builder.session();
    if (page.engine && built.value) {
      // Measures for npm run bench: engine (the workbook's calls and their JSON) and drawing (every panel).
      const engineStart = performance.now();
      try {
        page.shown = panels.table.run(built.value);
        // The rate comparison shows only once uPlot is here (it runs 10 steps at each rate:
        // not before the first table).
        if (globalThis.uPlot) panels.rates.refresh();
        const drawStart = performance.now();
        performance.measure('nntutor:engine', { start: engineStart, end: drawStart });
        renderResult();
        performance.measure('nntutor:draw', { start: drawStart, end: performance.now() });
        if (page.state.stepsShown > previous.stepsShown) panels.table.revealLastRow();
        renderStatus(status, '');
        page.autosave();
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        page.state = { ...page.state, stepsShown: previous.stepsShown };
        renderStatus(status, `The engine refused these values: ${e.message}`, 'error');
      }
    }
    renderControls(controls, {
      ready: page.engine !== null,
      invalid: Boolean(built.errors),
      stepsShown: page.state.stepsShown,
      stoppedAt: page.shown?.diverged ? page.shown.diverged.at : null,
      tutoring: panels.tutor.on(),
    });
    if (panels.tutor.on()) panels.tutor.sync();
  }

  async function boot() {
    renderStatus(status, 'Loading engine…');
    update(page.state);
    try {
      page.engine = await loadEngine(deps.createEngine);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      renderStatus(status, `The engine could not be loaded: ${e.message}. Reload the page to try again.`, 'error');
      return;
    }
    performance.mark('nntutor:engine-ready');
    page.model = model.stateModel(page.engine.schema());
    const version = page.engine.version();
    byId('engine-version').textContent = version ? `Engine ${version}.` : '';
    panels.tutor.restoreSaved();
    panels.share.restore();
    panels.tutor.draw();
    performance.mark('nntutor:first-table');
    // KaTeX and uPlot (served from vendor/, no CDN) load after the first table; their panels
    // say so until they are here.
    loadVendor(document, page.vendorError, {
      onKatex: () => page.shown && panels.equations.render(),
      onUplot: () => {
        if (!page.shown) return;
        if (globalThis.uPlot) panels.rates.refresh();
        panels.rates.render();
      },
    });
    // The engine's code paths of a first Step, once, off screen, while the student reads.
    window.setTimeout(() => panels.table.warmUp(), 0);
  }

  page.ready = boot();
  return page;
}
