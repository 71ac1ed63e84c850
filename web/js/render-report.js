// Assignment 4's report, its four parts side by side: the description (with the network as the
// engine reads it and the requirements checked), the graph, the gradient equations and the two
// 10-step tables. Draws what the core's report (JSON) holds and a copy of the Graph panel's
// SVG; computes nothing. Text goes in through textContent only; the graph is an <img> of the
// SVG text, the equations are typeset by KaTeX (the global `katex`) from the core's LaTeX.
import { renderTable } from './render-table.js';
import { el } from './dom.js';

/// The most numbers one table draws on the page; a larger one is in the downloads only.
export const kReportMaxCells = 20000;
/// About how many characters of numbers fit across a printed page: the printed tables come in
/// blocks of as many columns as fit (each repeating the step column).
const kPrintChars = 104;
const kKatexOptions = { throwOnError: false, displayMode: true, trust: false };

/// `text` with `code` spans (as the core writes command lines) as <code> elements.
function withCode(tag, className, text) {
  const node = el(tag, className);
  String(text).split('`').forEach((part, i) => {
    if (part) node.append(i % 2 === 1 ? el('code', '', part) : part);
  });
  return node;
}

function part(className, title) {
  const section = el('section', `report-part ${className}`);
  const heading = el('h3', 'report-part-title', title);
  section.append(heading);
  return section;
}

// The object URL of each container's graph image, revoked when the image is replaced.
const graphUrls = new WeakMap();

function descriptionPart(parts) {
  const section = part('report-description-part', '1. Description of the network');
  const text = parts.description.trim();
  section.append(text
    ? el('div', 'report-description', parts.description)
    : el('p', 'report-empty', '(No description given: write one in the box above.)'));
  section.append(el('h4', 'report-subtitle', 'The network, as nntutor reads it'));
  const facts = el('ul', 'report-facts');
  for (const fact of parts.network.facts) facts.append(el('li', '', fact));
  section.append(facts, el('h4', 'report-subtitle', 'Assignment 4\'s requirements'));
  const list = el('ol', 'report-requirements');
  for (const r of parts.assignment.requirements) {
    const item = el('li', `verdict-${r.passed ? 'correct' : 'wrong'}`);
    const verdict = el('strong', 'report-verdict', r.passed ? '✓ PASS' : '✗ FAIL');
    item.append(verdict, ` ${r.title}. `, el('span', 'report-evidence', r.evidence));
    list.append(item);
  }
  section.append(list, el('p', 'report-summary', parts.assignment.summary));
  return section;
}

function graphPart(container, parts, graph, handlers) {
  const section = part('report-graph-part', '2. Graph of the network structure');
  const old = graphUrls.get(container);
  if (old) URL.revokeObjectURL(old);
  graphUrls.delete(container);
  if (graph.svg) {
    const url = URL.createObjectURL(new Blob([graph.svg], { type: 'image/svg+xml' }));
    graphUrls.set(container, url);
    // Drawn at least at the SVG's own size (its smallest labels are 11 px): wider than the
    // column, the figure scrolls sideways (and can be scrolled from the keyboard).
    const figure = el('figure', 'report-graph');
    figure.tabIndex = 0;
    const image = el('img');
    image.src = url;
    image.alt = `Graph of the network: ${parts.network.structure}`;
    figure.append(image, el('figcaption', 'report-note',
      `The Graph panel's drawing ${graph.label || 'before step 1'}.`));
    section.append(figure);
  } else {
    section.append(el('p', 'report-empty', 'The graph is drawn once the engine has run.'));
  }
  section.append(withCode('p', 'report-text', parts.graph));
  const download = el('button', 'report-graph-download', 'Download graph');
  download.type = 'button';
  download.disabled = !graph.svg;
  download.addEventListener('click', () => handlers.onDownloadGraph?.());
  const hint = el('p', 'report-note', 'Saved as network.svg: the Markdown report shows it from there.');
  section.append(download, hint);
  return section;
}

function equationsPart(parts, katexError) {
  const section = part('report-equations-part', '3. Gradient equations');
  const { equations } = parts;
  section.append(withCode('p', 'report-text', equations.intro));
  if (equations.note) section.append(withCode('p', 'report-note', equations.note));
  if (!equations.latex) return section;
  const math = el('div', 'report-math');
  math.setAttribute('role', 'region');
  math.setAttribute('aria-label', 'gradient equations at step 1');
  math.tabIndex = 0;
  if (globalThis.katex) {
    // One display per equation (the core separates them with \\[6pt]): the page shows them at
    // full height, and a printed page can break between two equations instead of pushing one
    // tall, unbreakable block (and leaving its heading alone) onto the next page.
    for (const latex of equationBlocks(equations.latex)) {
      const block = el('div', 'report-equation');
      globalThis.katex.render(latex, block, kKatexOptions);
      math.append(block);
    }
  } else {
    // Without the typesetter the LaTeX itself is still the report's content.
    section.append(el('p', 'report-note', katexError ?? 'The formula typesetter is still loading: the LaTeX is shown.'));
    math.append(el('pre', 'report-latex', equations.latex));
  }
  section.append(math);
  return section;
}

/// The core's `\begin{align*} … \end{align*}` as one align* per equation (split where the core
/// puts `\\[6pt]` between two equations); any other LaTeX as it is.
export function equationBlocks(latex) {
  const text = String(latex).trim();
  const open = '\\begin{align*}';
  const close = '\\end{align*}';
  if (!text.startsWith(open) || !text.endsWith(close)) return [text];
  const body = text.slice(open.length, text.length - close.length);
  return body.split(/\s*\\\\\[6pt\]\s*\n/)
    .map((rows) => rows.trim())
    .filter(Boolean)
    .map((rows) => `${open}\n${rows}\n${close}`);
}

/// The table in blocks of the columns that fit across a printed page, each with the step column.
function printBlocks(table, precision, name) {
  const box = el('div', 'report-print-tables');
  const per = Math.max(2, Math.floor(kPrintChars / (precision + 5)));
  const count = table.columns.length - 1;
  for (let from = 1; from <= count; from += per) {
    const to = Math.min(count, from + per - 1);
    const block = el('table', 'trace report-block');
    const caption = count > per ? `${name}, columns ${from}–${to} of ${count}` : name;
    block.append(el('caption', 'report-block-caption', caption));
    renderTable(block, {
      columns: [table.columns[0], ...table.columns.slice(from, to + 1)],
      rows: table.rows.map((row) => [row[0], ...row.slice(from, to + 1)]),
    }, { precision });
    box.append(block);
  }
  return box;
}

function runSection(run, precision) {
  const section = el('section', 'report-run');
  section.setAttribute('aria-label', run.learning_rate === null ? run.title : `learning rate ${run.title}`);
  section.append(el('h4', 'report-subtitle', run.learning_rate === null ? run.title : `Learning rate ${run.title}`));
  section.append(el('p', 'report-note', run.note));
  if (!run.table) return section;
  const cells = run.table.rows.length * run.table.columns.length;
  if (cells > kReportMaxCells) {
    section.append(el('p', 'report-note',
      `This table has ${run.table.columns.length.toLocaleString('en')} columns: it is too large to draw here; `
      + 'it is in full in the Markdown and LaTeX downloads.'));
    return section;
  }
  const name = `Training steps at ${run.title}`;
  const box = el('div', 'table-scroll report-screen-table');
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', `table at ${run.title}`);
  box.tabIndex = 0;
  const table = el('table', 'trace');
  table.append(el('caption', 'visually-hidden', `${name}, one row per step`));
  box.append(table);
  renderTable(table, run.table, { precision });
  section.append(box, printBlocks(run.table, precision, name));
  if (run.diverged) {
    section.append(el('p', 'diverged', `Diverged at step ${run.diverged.at}: ${run.diverged.reason}`));
  }
  return section;
}

function tablesPart(parts, precision) {
  const section = part('report-tables-part', '4. Tables of 10 steps');
  section.append(withCode('p', 'report-text', parts.tables.intro));
  if (parts.tables.note) section.append(withCode('p', 'report-note', parts.tables.note));
  const runs = el('div', 'report-runs');
  for (const run of parts.tables.runs) runs.append(runSection(run, precision));
  section.append(runs);
  return section;
}

/// Draws the report: `parts` is the core's report JSON (docs/assignment.md, "Report"), `graph`
/// `{ svg, label }` a copy of the Graph panel's SVG export and the step it shows. `handlers`:
/// `{ onDownloadGraph }`. Without `parts`, shows `hint`.
export function renderReport(container, { parts, graph = {}, hint, katexError }, handlers = {}) {
  if (!parts) {
    container.replaceChildren(el('p', 'report-empty', hint ?? ''));
    return;
  }
  const head = el('p', 'report-title', parts.title);
  const grid = el('div', 'report-parts');
  grid.append(
    descriptionPart(parts),
    graphPart(container, parts, graph, handlers),
    equationsPart(parts, katexError),
    tablesPart(parts, parts.precision),
  );
  container.replaceChildren(head, grid);
}
