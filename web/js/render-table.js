// Writes the trace table, the loss line and the divergence message from what the engine
// returned. Computes nothing: it formats the numbers it is given. Text goes in through
// textContent only.
import { columnGroups, columnHeader, formatCell, formatNumber, lossTrend, tableShape } from './format.js';
import { el } from './dom.js';

/// A header cell's content: prefix + symbol, the layer as a subscript, then indices.
function headerContent(header) {
  const parts = [document.createTextNode(header.prefix + header.symbol)];
  if (header.sub) parts.push(el('sub', '', header.sub));
  if (header.suffix) parts.push(document.createTextNode(header.suffix));
  return parts;
}

function kindClass(column, groupStart) {
  return `col-${column.kind}${groupStart ? ' group-start' : ''}`;
}

// What each table element shows, so a redraw only touches the rows that changed (Step keeps
// the rows before it): table element → { key, precision, rows, groupStarts, tbody }.
const drawn = new WeakMap();

/// Writes the column groups, the two header rows (layers, then names) and an empty body.
function drawHead(tableElement, columns) {
  const shape = tableShape(columns);
  const groups = columnGroups(columns);
  for (const old of tableElement.querySelectorAll('colgroup, thead, tbody')) old.remove();

  // Which columns open a group after the first (they get a dividing line).
  const groupStarts = new Set();
  let at = 0;
  for (const g of groups) {
    if (at > 0) groupStarts.add(at);
    at += g.span;
  }

  const fragment = document.createDocumentFragment();
  for (const g of groups) {
    const colgroup = el('colgroup');
    colgroup.span = g.span;
    fragment.append(colgroup);
  }

  const thead = el('thead');
  const groupRow = el('tr', 'group-row');
  at = 0;
  for (const g of groups) {
    const edge = groupStarts.has(at) ? ' group-start' : '';
    if (g.layer > 0) {
      const th = el('th', `group-name${edge}`, `Layer ${g.layer}`);
      th.scope = 'colgroup';
      th.colSpan = g.span;
      groupRow.append(th);
    } else {
      groupRow.append(el('td', `group-blank${edge}`));
    }
    at += g.span;
  }
  const headRow = el('tr', 'name-row');
  columns.forEach((column, i) => {
    const header = columnHeader(column, shape);
    const th = el('th', kindClass(column, groupStarts.has(i)));
    th.scope = 'col';
    th.title = header.text;
    th.append(...headerContent(header));
    headRow.append(th);
  });
  thead.append(groupRow, headRow);
  const tbody = el('tbody');
  fragment.append(thead, tbody);
  tableElement.append(fragment);
  return { groupStarts, tbody };
}

/// One body row: the step as a row header, then each number formatted.
function drawRow(columns, row, precision, groupStarts) {
  const tr = el('tr');
  columns.forEach((column, i) => {
    if (column.kind === 'step') {
      const th = el('th', kindClass(column, groupStarts.has(i)), String(row[i]));
      th.scope = 'row';
      tr.append(th);
      tr.dataset.step = String(row[i]);
    } else {
      tr.append(el('td', kindClass(column, groupStarts.has(i)), formatCell(column, row[i], precision)));
    }
  });
  return tr;
}

const sameRow = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/// Shows `table` (`{ columns, rows }` from the engine) in the table element (the caption
/// stays). `options` is `{ precision, emptyHint }`: with no rows, `emptyHint` (if given) is
/// the only body row. Rows already on screen with the same numbers are kept as they are.
export function renderTable(tableElement, table, { precision, emptyHint }) {
  const { columns, rows } = table;
  const key = JSON.stringify(columns);
  let last = drawn.get(tableElement);
  if (!last || last.key !== key) {
    last = { key, precision, rows: [], ...drawHead(tableElement, columns) };
  }
  let keep = 0;
  if (last.precision === precision) {
    while (keep < rows.length && keep < last.rows.length && sameRow(rows[keep], last.rows[keep])) keep += 1;
  }
  const { tbody, groupStarts } = last;
  if (keep === 0) tbody.replaceChildren();
  else while (tbody.children.length > keep) tbody.lastElementChild.remove();

  const fragment = document.createDocumentFragment();
  for (let r = keep; r < rows.length; r += 1) fragment.append(drawRow(columns, rows[r], precision, groupStarts));
  if (rows.length === 0 && emptyHint) {
    const tr = el('tr', 'empty-row');
    const td = el('td', '', emptyHint);
    td.colSpan = columns.length;
    tr.append(td);
    fragment.append(tr);
  }
  tbody.append(fragment);
  drawn.set(tableElement, { ...last, precision, rows });
}

/// The line under the table: the last row's loss and whether it fell from the row before.
export function renderLossSummary(element, table, precision) {
  const trend = lossTrend(table.columns, table.rows);
  element.replaceChildren();
  element.className = 'loss-summary';
  if (!trend) return;
  const loss = formatNumber(trend.loss, precision);
  element.append(`Step ${trend.step}: `, el('var', '', 'L'), ` = ${loss}`);
  if (trend.trend === 'first') return;
  const previous = formatNumber(trend.previous, precision);
  const words = {
    fell: ['down', `fell from ${previous} at step ${trend.previousStep}`, '▼'],
    rose: ['up', `rose from ${previous} at step ${trend.previousStep}`, '▲'],
    same: ['same', `unchanged from step ${trend.previousStep}`, '='],
  }[trend.trend];
  const arrow = el('span', 'trend-arrow', words[2]);
  arrow.setAttribute('aria-hidden', 'true');
  element.append(' — ', el('span', `trend trend-${words[0]}`, `the loss ${words[1]}`), ' ', arrow);
  element.classList.add(`is-${words[0]}`);
}

/// The divergence message under the rows that were computed (empty when there is none; the
/// alert region stays in place so that filling it is announced).
export function renderDivergence(element, diverged) {
  element.textContent = diverged ? `Diverged at step ${diverged.at}: ${diverged.reason}` : '';
}

/// Scrolls the table's box to its last row (after Step or Run added rows below the fold).
export function revealLastRow(scrollBox) {
  scrollBox.scrollTop = scrollBox.scrollHeight;
}

/// Marks row `step` as the selected one (aria-selected, and the one row in the tab order:
/// the arrow keys move from there); with no such row, the last row takes the tab stop.
export function renderSelection(tableElement, step) {
  const rows = [...tableElement.querySelectorAll('tbody tr[data-step]')];
  const target = rows.find((tr) => Number(tr.dataset.step) === step) ?? rows[rows.length - 1];
  for (const tr of rows) {
    const selected = tr === target && step !== null;
    tr.setAttribute('aria-selected', String(selected));
    tr.tabIndex = tr === target ? 0 : -1;
  }
}

/// The layer checkboxes ("layer 1" … "layer n") of the column chooser, ticked for `shown`;
/// redrawn only when the number of layers changes. `onToggle(n, checked)`.
export function renderLayerChooser(fieldset, count, shown, onToggle) {
  let boxes = [...fieldset.querySelectorAll('input[type=checkbox]')];
  if (boxes.length !== count) {
    for (const label of fieldset.querySelectorAll('label')) label.remove();
    boxes = Array.from({ length: count }, (_, l) => {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.addEventListener('change', () => onToggle(l + 1, box.checked));
      const label = el('label', '', '');
      label.append(box, ` layer ${l + 1}`);
      fieldset.append(label);
      return box;
    });
  }
  boxes.forEach((box, l) => { box.checked = shown.includes(l + 1); });
}
