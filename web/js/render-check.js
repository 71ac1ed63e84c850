// "Check my table": the student's table as the engine's checker judged it, every cell marked
// with a colour *and* a symbol (✓ correct, ≈ rounding, ✗ wrong, ↳ follows from an earlier slip),
// the first real slip summarised above. Tapping, clicking or focusing a cell shows its given and
// expected value, formula, reason and slip in a details box under the table (kept in view while
// the table scrolls, announced politely); the same sentence is its hover title and accessible
// name. Draws what the core returned; judges nothing. Text goes in through textContent only.
import { el, headerCell } from './dom.js';

const kMarks = {
  correct: { symbol: '✓', word: 'correct', sentence: 'is correct' },
  rounding: { symbol: '≈', word: 'rounding', sentence: 'is rounding' },
  follows: { symbol: '↳', word: 'follows from the slip', sentence: 'follows from the earlier slip' },
  wrong: { symbol: '✗', word: 'wrong', sentence: 'is wrong' },
};
/// The order of the counts above the table: the slips, then what follows from them.
const kCountOrder = ['correct', 'rounding', 'wrong', 'follows'];
const kDetailHint = 'Tap, click or tab to a cell to see its expected value and formula here.';

/// A message the table could not be read for (it names the line and column), announced.
function alertParagraph(text) {
  const p = el('p', 'check-error', text);
  p.setAttribute('role', 'alert');
  return p;
}

/// The mark of a verdict; an unknown verdict is shown as its own word.
function markOf(verdict) {
  return kMarks[verdict] ?? { symbol: '?', word: String(verdict), sentence: `is ${verdict}` };
}

/// The words of a count chip: "1 wrong", "3 follow from the slip", "2 follow from the slips".
export function countWords(verdict, n, slips = 1) {
  if (verdict !== 'follows') return `${n} ${markOf(verdict).word}`;
  return `${n} ${n === 1 ? 'follows' : 'follow'} from the ${slips > 1 ? 'slips' : 'slip'}`;
}

/// What a cell is marked: its verdict, or "follows" when it differs from the exact run only
/// because it inherits an earlier slip (the checker's `follows`).
export function cellVerdict(cell) {
  return cell.follows && cell.verdict !== 'correct' ? 'follows' : cell.verdict;
}

/// Rows and columns of the cells, in the order they came (the student's order).
export function checkGrid(cells) {
  const rows = [];
  const columns = [];
  const at = new Map();
  for (const cell of cells) {
    if (!rows.includes(cell.row)) rows.push(cell.row);
    if (!columns.includes(cell.column)) columns.push(cell.column);
    at.set(`${cell.row}\u0000${cell.column}`, cell);
  }
  return { rows, columns, cell: (row, column) => at.get(`${row}\u0000${column}`) };
}

/// One sentence per cell for its tooltip and its accessible description.
export function cellSentence(cell) {
  const verdict = cellVerdict(cell);
  const name = cell.header && cell.header !== cell.column ? `${cell.column} (your ${cell.header})` : cell.column;
  const origin = cell.follows ? `row ${cell.follows.row}'s ${cell.follows.column}` : '';
  const parts = [verdict === 'follows'
    ? `${name}, row ${cell.row}: ${cell.given} follows from the earlier slip in ${origin}`
    : `${name}, row ${cell.row}: ${cell.given} ${markOf(verdict).sentence}`];
  if (cell.verdict !== 'correct' && cell.expected !== undefined && cell.expected !== null) {
    parts.push(`expected ${cell.expected}`);
  }
  if (cell.follows && verdict !== 'follows') parts.push(`it follows from ${origin}`);
  if (cell.formula) parts.push(cell.formula);
  if (cell.why) parts.push(cell.why);
  if (cell.slip) parts.push(cell.slip);
  return `${parts.join('. ')}.`.replace(/\.\.$/, '.');
}

/// The details of one cell as label–value lines (the details box under the table).
export function cellDetails(cell) {
  const verdict = cellVerdict(cell);
  const lines = [['You wrote', String(cell.given)]];
  if (cell.expected !== undefined && cell.expected !== null && cell.expected !== '') {
    lines.push(['Expected', String(cell.expected)]);
  }
  if (cell.formula) lines.push(['Formula', cell.formula]);
  if (cell.follows) lines.push(['Follows from', `the slip in row ${cell.follows.row}'s ${cell.follows.column}`]);
  if (cell.why) lines.push(['Why', cell.why]);
  if (cell.slip) lines.push(['Slip', cell.slip]);
  const name = cell.header && cell.header !== cell.column ? `${cell.column} (your ${cell.header})` : cell.column;
  return { title: `Row ${cell.row}, ${name}: ${markOf(verdict).sentence.replace(/^is /, '')}`, verdict, lines };
}

/// Fills the details box with `cell`'s details (or the hint when there is none).
function showDetails(box, cell) {
  box.replaceChildren();
  if (!cell) {
    box.append(el('p', 'check-detail-hint', kDetailHint));
    return;
  }
  const { title, verdict, lines } = cellDetails(cell);
  const head = el('p', `check-detail-title verdict-${verdict}`);
  const symbol = el('span', 'check-symbol', `${markOf(verdict).symbol} `);
  symbol.setAttribute('aria-hidden', 'true');
  head.append(symbol, title);
  const list = el('dl', 'check-detail-list');
  for (const [label, value] of lines) list.append(el('dt', '', label), el('dd', '', value));
  box.append(head, list);
}

/// Draws `result` ({ cells, summary } from the engine's checker) into `container`, or the
/// `error` message (bad table: it names the line and column), or a `note` (loading).
export function renderCheck(container, { result, error, note }) {
  container.replaceChildren();
  if (note) {
    container.append(el('p', 'check-note', note));
    return;
  }
  if (error) {
    container.append(alertParagraph(error));
    return;
  }
  if (!result) return;
  const { summary } = result;
  const head = el('p', `check-summary ${summary.wrong > 0 ? 'has-wrong' : 'all-good'}`);
  head.setAttribute('role', 'status');
  head.textContent = summary.text;
  // Counted as marked, so the counts add up to the cells shown.
  const tally = {};
  for (const cell of result.cells) tally[cellVerdict(cell)] = (tally[cellVerdict(cell)] ?? 0) + 1;
  const counts = el('p', 'check-counts');
  for (const verdict of kCountOrder) {
    const n = tally[verdict];
    if (!n) continue;
    const chip = el('span', `check-chip verdict-${verdict}`);
    chip.append(el('span', 'check-symbol', markOf(verdict).symbol), ` ${countWords(verdict, n, tally.wrong ?? 0)}`);
    counts.append(chip);
  }
  const details = el('div', 'check-detail');
  details.setAttribute('role', 'region');
  details.setAttribute('aria-label', 'the chosen cell');
  details.setAttribute('aria-live', 'polite');
  details.setAttribute('aria-atomic', 'true');
  showDetails(details, null);
  const box = table(result.cells);
  // A tap or click focuses the cell (tabIndex 0), as Tab does: one handler serves all three.
  let chosen = null;
  const choose = (event) => {
    const td = event.target.closest?.('td.check-cell');
    if (!td || td === chosen) return;
    chosen?.classList.remove('is-chosen');
    chosen?.removeAttribute('aria-current');
    chosen = td;
    td.classList.add('is-chosen');
    td.setAttribute('aria-current', 'true');
    showDetails(details, box.cellOf.get(td));
  };
  box.addEventListener('focusin', choose);
  box.addEventListener('click', choose);
  container.append(head, counts, box, details);
}

/// The checked table in its scroll box; `box.cellOf` maps each marked <td> to its cell.
function table(cells) {
  const grid = checkGrid(cells);
  const box = el('div', 'table-scroll check-box');
  box.cellOf = new Map();
  const t = el('table', 'trace check-table');
  const caption = el('caption', 'visually-hidden', 'Your table, each cell checked');
  const headRow = el('tr');
  headRow.append(headerCell('row'), ...grid.columns.map((column) => headerCell(column)));
  const thead = el('thead');
  thead.append(headRow);
  const tbody = el('tbody');
  for (const row of grid.rows) {
    const tr = el('tr');
    tr.append(headerCell(String(row), 'row'));
    for (const column of grid.columns) {
      const cell = grid.cell(row, column);
      const td = el('td');
      if (cell) {
        const verdict = cellVerdict(cell);
        const mark = markOf(verdict);
        td.className = `check-cell verdict-${verdict}`;
        td.tabIndex = 0;
        td.title = cellSentence(cell);
        td.setAttribute('aria-label', cellSentence(cell));
        box.cellOf.set(td, cell);
        td.append(el('span', 'check-given', String(cell.given)), el('span', 'check-symbol', ` ${mark.symbol}`));
        td.querySelector('.check-symbol').setAttribute('aria-hidden', 'true');
      }
      tr.append(td);
    }
    tbody.append(tr);
  }
  t.append(caption, thead, tbody);
  box.append(t);
  return box;
}

/// Draws Assignment 4's report (`{ requirements, passed, summary }` from the core) as a list:
/// each requirement passed or failed (colour and a symbol) with its evidence; or `error`.
export function renderAssignment(container, { result, error }) {
  container.replaceChildren();
  if (error) {
    container.append(alertParagraph(error));
    return;
  }
  if (!result) return;
  const head = el('p', `check-summary ${result.passed ? 'all-good' : 'has-wrong'}`, result.summary);
  head.setAttribute('role', 'status');
  const list = el('ol', 'assignment-list');
  for (const r of result.requirements) {
    const item = el('li', `assignment-item verdict-${r.passed ? 'correct' : 'wrong'}`);
    item.setAttribute('aria-label', `${r.title}: ${r.passed ? 'passed' : 'failed'}`);
    const title = el('p', 'assignment-title');
    title.append(el('span', 'check-symbol', r.passed ? '✓ ' : '✗ '), `${r.title} — ${r.passed ? 'passed' : 'failed'}`);
    title.querySelector('.check-symbol').setAttribute('aria-hidden', 'true');
    item.append(title, el('p', 'assignment-evidence', r.evidence));
    list.append(item);
  }
  container.append(head, list);
}
