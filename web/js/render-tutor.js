// Tutor mode's panel: the step being worked out, its given parameters, the cells in the
// lecture's order (done ones with their mark, the current one as a labelled box with Check and
// Reveal, later ones hidden), the feedback on the last try, the hint after a wrong one, and
// "Add step N to the table" at the end. Draws what it is given; text goes in via textContent.
import { currentCell, isComplete, tally } from './tutor.js';
import { el } from './dom.js';

const kStages = {
  forward: 'Forward pass',
  loss: 'Loss',
  gradient: 'Gradients, last layer first',
  velocity: 'Velocity m ← μ·m − η·∂L/∂w (momentum)',
  update: 'Updated parameters',
};
const kMarks = {
  correct: ['✓', 'right'],
  rounding: ['≈', 'right within rounding'],
  revealed: ['◐', 'revealed'],
  wrong: ['✗', 'not right'],
  more_decimals: ['…', 'more decimals, please'],
  unreadable: ['!', 'not a number'],
};

/// The engine's name as the lecture writes it: dL/dw2 → ∂L/∂w2.
export function displayName(column) {
  return column.startsWith('dL/d') ? `∂L/∂${column.slice(4)}` : column;
}

/// What the student is asked, e.g. "z1 (step 1)" or "w1 after the update (step 2)".
export function cellLabel(cell, step) {
  return cell.row === step ? `${displayName(cell.column)} (step ${step})`
    : `${displayName(cell.column)} for step ${cell.row}`;
}

function mark(status) {
  const [symbol, word] = kMarks[status] ?? ['?', status];
  const span = el('span', `tutor-mark verdict-${status}`);
  span.append(el('span', 'tutor-symbol', symbol), el('span', 'tutor-word', ` ${word}`));
  span.querySelector('.tutor-symbol').setAttribute('aria-hidden', 'true');
  return span;
}

/// The sentence for the last try.
function feedbackParts(t) {
  const f = t.feedback;
  if (!f) return null;
  const name = displayName(f.column);
  const box = el('div', `tutor-feedback verdict-${f.verdict}`);
  const [symbol] = kMarks[f.verdict] ?? ['?'];
  const lead = el('p', 'tutor-feedback-lead');
  lead.append(el('span', 'tutor-symbol', symbol));
  lead.firstChild.setAttribute('aria-hidden', 'true');
  let text;
  if (f.verdict === 'correct') text = `${name} = ${f.typed}: right.`;
  else if (f.verdict === 'rounding') text = `${name} = ${f.typed}: right within rounding (${f.why}).`;
  else if (f.verdict === 'revealed') text = `${name} = ${f.expected}, revealed.`;
  else if (f.verdict === 'more_decimals') text = `${name} = ${f.typed}: ${f.why}.`;
  else if (f.verdict === 'unreadable') text = `${f.why}.`;
  else text = `${name} = ${f.typed} is not right.${f.slip ? ` ${f.slip}` : ''}`;
  lead.append(` ${text}`);
  box.append(lead);
  return box;
}

/// Draws the panel. `view`: `{ phase: 'off' | 'loading' | 'error' | 'on', error, tutor,
/// learningRate }`. `handlers`: `{ onCheck(text), onReveal(), onAdd() }`.
export function renderTutor(box, view, handlers) {
  const hadFocus = box.contains(box.ownerDocument.activeElement);
  const focusId = box.ownerDocument.activeElement?.id;
  // Three parts: the head, the feedback (a live region that stays in the page, so a screen
  // reader announces each new verdict), and the cells.
  let [head, live, body] = box.children;
  if (!body) {
    head = el('div', 'tutor-head');
    live = el('div', 'tutor-live');
    live.id = 'tutor-feedback';
    live.setAttribute('role', 'status');
    body = el('div', 'tutor-body');
    box.replaceChildren(head, live, body);
  }
  head.replaceChildren();
  body.replaceChildren();
  if (view.phase !== 'on') live.replaceChildren();
  if (view.phase === 'off') return;
  if (view.phase === 'loading') {
    head.append(el('p', 'note', 'Loading the tutor…'));
    return;
  }
  if (view.phase === 'error') {
    const p = el('p', 'check-error', view.error);
    p.setAttribute('role', 'alert');
    head.append(p);
    return;
  }
  const t = view.tutor;
  const count = tally(t);
  head.append(el('h3', 'tutor-step', `Step ${t.step}`));
  const given = el('p', 'tutor-given');
  given.append(`Its parameters (before the update): ${t.given.map((g) => `${g.column} = ${g.text}`).join(', ')}; η = ${view.learningRate}.`);
  // sgd with momentum: the velocity the step's m ← μ·m − η·∂L/∂w starts from.
  if (t.state?.length) {
    given.append(` Velocity before the update: ${t.state.map((g) => `${g.column} = ${g.text}`).join(', ')}; μ = ${t.momentum}.`);
  }
  head.append(given);
  const progress = el('progress', 'tutor-progress');
  progress.max = t.cells.length;
  progress.value = t.done.length;
  progress.id = 'tutor-progress';
  const progressLabel = el('label', 'tutor-progress-label', `${t.done.length} of ${t.cells.length} numbers`);
  progressLabel.htmlFor = 'tutor-progress';
  head.append(progressLabel, progress);
  if (t.note) head.append(el('p', 'table-note', t.note));

  const current = currentCell(t);
  let stage = null;
  let list = null;
  const groups = el('div', 'tutor-groups');
  body.append(groups);
  t.cells.forEach((cell, i) => {
    if (cell.stage !== stage) {
      stage = cell.stage;
      const group = el('section', 'tutor-group');
      const title = kStages[stage] + (stage === 'update' ? `, for step ${cell.row}` : '');
      group.append(el('h4', 'tutor-stage', title));
      list = el('ol', 'tutor-cells');
      group.append(list);
      groups.append(group);
    }
    const item = el('li', 'tutor-cell');
    if (i < t.done.length) {
      const d = t.done[i];
      item.classList.add(`is-${d.status}`);
      item.append(el('span', 'tutor-name', displayName(cell.column)), ' = ',
        el('span', 'tutor-value', d.text), ' ', mark(d.status));
    } else if (cell === current) {
      item.classList.add('is-current');
      const form = el('form', 'tutor-form');
      const label = el('label', 'tutor-name', cellLabel(cell, t.step));
      label.htmlFor = 'tutor-input';
      const input = el('input', 'tutor-input');
      Object.assign(input, { id: 'tutor-input', type: 'text', autocomplete: 'off', spellcheck: false });
      input.setAttribute('inputmode', 'decimal');
      input.setAttribute('aria-describedby', 'tutor-feedback');
      // After a try that is not accepted the number stays in the box, to be corrected.
      if (t.feedback?.column === cell.column && t.feedback.typed !== undefined) input.value = t.feedback.typed;
      const check = el('button', 'primary', 'Check');
      check.type = 'submit';
      const reveal = el('button', '', 'Reveal');
      reveal.type = 'button';
      reveal.addEventListener('click', () => handlers.onReveal());
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        handlers.onCheck(input.value);
      });
      form.append(label, input, check, reveal);
      item.append(form);
    } else {
      item.classList.add('is-later');
      const hidden = el('span', 'tutor-hidden', '?');
      hidden.setAttribute('aria-label', 'not yet');
      item.append(el('span', 'tutor-name', displayName(cell.column)), ' = ', hidden);
    }
    list.append(item);
  });

  live.replaceChildren();
  const feedback = feedbackParts(t);
  if (feedback) live.append(feedback);
  if (t.hint && current) {
    const hint = el('p', 'tutor-hint');
    hint.append(el('strong', '', 'Hint: '), el('span', 'tutor-formula', t.feedback?.formula ?? ''));
    live.append(hint);
  }

  if (isComplete(t)) {
    const done = el('div', 'tutor-done');
    const parts = [`${count.correct} right`];
    if (count.rounding) parts.push(`${count.rounding} within rounding`);
    if (count.revealed) parts.push(`${count.revealed} revealed`);
    done.append(el('p', 'tutor-summary', `Step ${t.step} is worked out: ${parts.join(', ')}.`));
    const add = el('button', 'primary', `Add step ${t.step} to the table`);
    add.type = 'button';
    add.id = 'tutor-add';
    add.addEventListener('click', () => handlers.onAdd());
    done.append(add);
    body.append(done);
  }

  if (hadFocus) {
    const target = box.querySelector('#tutor-input') ?? (isComplete(t) ? box.querySelector('#tutor-add') : null)
      ?? (focusId ? box.ownerDocument.getElementById(focusId) : null);
    target?.focus();
    keepBelow(target, live);
  }
}

/// The verdict and the hint stick to the top of the view while the cells scroll under them
/// (tutor.css), so on a phone they stay in sight after a try; the box being typed in must not
/// hide beneath them: scroll it down just below.
function keepBelow(target, live) {
  if (!target || live.childElementCount === 0) return;
  const over = live.getBoundingClientRect().bottom - target.getBoundingClientRect().top;
  if (over > 0 && live.getBoundingClientRect().top < target.getBoundingClientRect().top) {
    target.ownerDocument.defaultView?.scrollBy(0, -(over + 8));
  }
}
