// The Assignment report panel: Check Assignment 4 (panel-check.js) writes the report from the
// network shown and the description; the downloads and Print report give that report (its
// session, description and decimals). render-report.js is loaded on first use. Engine calls:
// the checker's report.
import { EngineError } from './engine.js';
import { lazy } from './loader.js';
import { showFieldError } from './render-form.js';
import { downloadText } from './download.js';
import { el } from './dom.js';

const kReportFiles = {
  markdown: ['assignment-report.md', 'text/markdown'], latex: ['assignment-report.tex', 'application/x-tex'],
};
const reportViews = lazy(() => import('./render-report.js'));

/// Wires the panel in `document` and `window` (print) to `page` (main.js) and draws it empty.
/// Returns make (writes the report with the checker's `report`), description (the box's
/// text, autosaved) and restoreDescription (from the autosave).
export function createReportPanel(page, document, window) {
  const byId = (id) => document.getElementById(id);
  const view = {
    description: byId('report-description'), box: byId('report'), status: byId('report-status'),
    stale: byId('report-stale'), buttons: ['report-markdown', 'report-latex', 'report-print'].map(byId),
  };
  let report = null;  // { session, description, precision, parts, graph: { svg, label } }

  async function draw() {
    for (const button of view.buttons) button.disabled = !report;
    view.stale.hidden = !report || report.description === view.description.value;
    if (!report) {
      view.box.replaceChildren(el('p', 'report-empty', 'Write a description above and press Check Assignment 4: the report appears here.'));
      return;
    }
    const { renderReport } = await reportViews();
    renderReport(view.box, { parts: report.parts, graph: report.graph, katexError: page.vendorError.katex }, {
      onDownloadGraph: () => downloadText('network.svg', report.graph.svg, 'image/svg+xml'),
    });
  }

  /// The report of the network shown; a bad description is said at its box, the last report stays.
  function make(reportOf) {
    const { value } = view.description;
    try {
      const parts = reportOf(page.shown.session, value, 'json', page.state.precision);
      report = {
        session: page.shown.session, description: value, precision: page.state.precision, parts,
        graph: page.panels.graph.copy(),
      };
      showFieldError(view.description, '');
      view.status.textContent = '';
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      if (e.message.startsWith('description')) showFieldError(view.description, e.message);
      else view.status.textContent = `The report could not be written: ${e.message}`;
    }
    draw();
  }

  async function download(format) {
    if (!report) return;
    const [name, type] = kReportFiles[format];
    try {
      const { report: reportOf } = await page.checker.get();
      downloadText(name, reportOf(report.session, report.description, format, report.precision), type);
      view.status.textContent = `Saved ${name}.`;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      view.status.textContent = `The report could not be written: ${e.message}`;
    }
  }

  byId('report-markdown').addEventListener('click', () => download('markdown'));
  byId('report-latex').addEventListener('click', () => download('latex'));
  byId('report-print').addEventListener('click', () => {
    if (!report) return;
    document.documentElement.classList.add('printing-report');  // report.css prints the report only
    window.print();
  });
  window.addEventListener('afterprint', () => document.documentElement.classList.remove('printing-report'));
  let descriptionTimer = 0;
  view.description.addEventListener('input', () => {
    view.stale.hidden = !report || report.description === view.description.value;
    window.clearTimeout(descriptionTimer);
    descriptionTimer = window.setTimeout(() => page.autosave(), 300);
  });
  draw();

  return {
    make,
    description: () => view.description.value,
    /// The autosave's description (older saves have none).
    restoreDescription(saved) {
      if (typeof saved?.reportDescription === 'string') view.description.value = saved.reportDescription;
    },
  };
}
