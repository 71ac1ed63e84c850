// Writes the gradient equations of one step: for every weight and bias the chain rule in
// symbols, then the step's numbers substituted factor by factor and their value, grouped by
// layer. Computes nothing: the LaTeX and the numbers come from the engine. KaTeX (the global
// `katex`) builds the formulas as DOM nodes; all other text goes in through textContent.
import { copyText, downloadText } from './download.js';
import { formatNumber } from './format.js';
import { el } from './dom.js';

/// A page of equations, typeset at once: at most 24 equations and 3000 characters of LaTeX
/// (one δ of a 32-unit layer alone is ~1900), so that no page takes long to typeset.
const kPageEquations = 24;
const kPageChars = 3000;
const kKatexOptions = { throwOnError: false, displayMode: true, trust: false };

/// The parts of an equation's name, from the engine's naming scheme (docs/engine-api.md):
/// "dL/dw2[1,3]" → { prefix: '∂L/∂', symbol: 'w', layer: 2, suffix: '[1,3]' }, "delta2[1]" →
/// { prefix: '', symbol: 'δ', layer: 2, suffix: '[1]', delta: true }.
function nameParts(name) {
  const match = /^(dL\/d([wb])|delta)(\d+)(.*)$/.exec(name);
  if (!match) return { prefix: '', symbol: name, layer: 0, suffix: '', delta: false };
  const delta = match[1] === 'delta';
  return {
    prefix: delta ? '' : '∂L/∂', symbol: delta ? 'δ' : match[2], layer: Number(match[3]),
    suffix: match[4], delta,
  };
}

/// The equations in groups to open one at a time: one per layer, then the δ definitions.
function groupEquations(equations) {
  const groups = new Map();
  for (const equation of equations) {
    const parts = nameParts(equation.name);
    const key = parts.delta ? 'delta' : `layer-${parts.layer}`;
    if (!groups.has(key)) {
      const title = parts.delta ? 'δ definitions' : `Layer ${parts.layer}`;
      groups.set(key, { key, title, delta: parts.delta, equations: [] });
    }
    groups.get(key).equations.push(equation);
  }
  return [...groups.values()];
}

/// Where the page that starts at equation `from` ends (it holds at least one equation).
function pageEnd(equations, from) {
  let end = from;
  let chars = 0;
  while (end < equations.length && end - from < kPageEquations) {
    const { latex, substituted } = equations[end];
    chars += latex.length + substituted.reduce((sum, text) => sum + text.length, 0);
    if (chars > kPageChars && end > from) break;
    end += 1;
  }
  return end;
}

/// A number as a factor: negative numbers in parentheses, as the engine writes them.
function factorText(value, precision) {
  const text = formatNumber(value, precision);
  return text.startsWith('-') ? `(${text})` : text;
}

/// One equation as an aligned LaTeX block: the symbols (the engine's `latex` is `lhs = rhs`),
/// then each sample's numbers (ending in their product), then for several samples the mean.
function equationLatex(equation, precision) {
  const rhs = equation.latex.slice(equation.lhs.length).replace(/^\s*=\s*/, '');
  const lines = [`${equation.lhs} &= ${rhs}`];
  const samples = equation.substituted;
  if (samples.length === 1) {
    lines.push(`&= ${samples[0]}`);
  } else {
    // With mini-batches the engine names the batch's samples.
    samples.forEach((text, s) => lines.push(`\\text{sample ${equation.samples?.[s] ?? s + 1}:}\\quad &\\phantom{=}\\; ${text}`));
    if (!nameParts(equation.name).delta) {
      const sum = equation.products.map((p) => factorText(p, precision)).join(' + ');
      lines.push(`&= \\tfrac{1}{${samples.length}}\\big[${sum}\\big] = ${formatNumber(equation.value, precision)}`);
    }
  }
  return `\\begin{aligned}${lines.join(' \\\\ ')}\\end{aligned}`;
}

/// The heading of one equation: the parameter (∂L/∂w with the layer as a subscript).
function equationHeading(name) {
  const parts = nameParts(name);
  const heading = el('h3', 'eqn-name');
  heading.append(parts.prefix + parts.symbol);
  if (parts.layer) heading.append(el('sub', '', String(parts.layer)));
  if (parts.suffix) heading.append(parts.suffix);
  return heading;
}

/// One equation: a section named by the engine's name ("dL/dw1"), its heading, its value
/// (the table's gradient) and the typeset formula.
function drawEquation(equation, precision) {
  const section = el('section', 'eqn');
  section.setAttribute('aria-label', equation.name);
  const head = el('div', 'eqn-head');
  head.append(equationHeading(equation.name));
  if (equation.substituted.length === 1 || !nameParts(equation.name).delta) {
    head.append(el('span', 'eqn-value', `= ${formatNumber(equation.value, precision)}`));
  }
  const math = el('div', 'eqn-math');
  globalThis.katex.render(equationLatex(equation, precision), math, kKatexOptions);
  section.append(head, math);
  return section;
}

/// A state value as LaTeX: `precision` decimals, or 3 significant digits where those would
/// show 0 (adam's v is often 1e-6 and less), e.g. 7.90\cdot 10^{-6}.
function stateLatex(value, precision) {
  if (value === 0 || !Number.isFinite(value) || Math.abs(value) >= 0.5 * 10 ** -precision) {
    return formatNumber(value, precision);
  }
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${mantissa}\\cdot 10^{${Number(exponent)}}`;
}

/// One parameter's update by the optimizer (the optimizers that keep state): its state lines, then the
/// parameter's, each in symbols and with the step's numbers (the engine's `updates`).
function drawUpdate(update, precision) {
  const section = el('section', 'eqn');
  section.setAttribute('aria-label', `update of ${update.name}`);
  const head = el('div', 'eqn-head');
  const last = update.lines[update.lines.length - 1];
  head.append(el('h3', 'eqn-name', `${update.name} for the next step`),
    el('span', 'eqn-value', `= ${formatNumber(last.value, precision)}`));
  const lines = update.lines.map((line, i) => {
    const rhs = line.latex.slice(line.lhs.length).replace(/^\s*\\leftarrow\s*/, '');
    const value = i === update.lines.length - 1 ? formatNumber(line.value, precision) : stateLatex(line.value, precision);
    return `${line.lhs} &\\leftarrow ${rhs} \\\\ &= ${line.substituted} = ${value}`;
  });
  const math = el('div', 'eqn-math');
  globalThis.katex.render(`\\begin{aligned}${lines.join(' \\\\[4pt] ')}\\end{aligned}`, math, kKatexOptions);
  section.append(head, math);
  return section;
}

/// The updates as a group like the equations' (pageEnd reads `latex` and `substituted`).
function updateGroup(result) {
  const equations = result.updates.map((u) => ({
    ...u, latex: u.lines.map((l) => l.latex).join(' '), substituted: u.lines.map((l) => l.substituted),
  }));
  return { key: 'updates', title: `Update by ${result.optimizer}`, delta: false, updates: true, equations };
}

/// A standalone LaTeX document around the engine's align* block (for equations.tex).
function latexDocument(result) {
  return [
    '\\documentclass{article}',
    '\\usepackage{amsmath,amssymb}',
    '\\usepackage[margin=2cm]{geometry}',
    '\\allowdisplaybreaks',
    '\\begin{document}',
    `\\section*{Gradient equations at step ${result.step}}`,
    result.latex.trimEnd(),
    '\\end{document}',
    '',
  ].join('\n');
}

// What each container shows and what the reader opened: container → view.
const views = new WeakMap();

/// Builds the toolbar, the status line and the groups' place once per container.
function createView(container) {
  container.classList.add('eqn-panel');
  const view = {
    copy: el('button', '', 'Copy LaTeX'),
    download: el('button', '', 'Download LaTeX'),
    status: el('p', 'eqn-status'),
    message: el('p', 'eqn-message'),
    groups: el('div', 'eqn-groups'),
    open: new Map(),   // group key → open, once the reader toggled it
    shown: new Map(),  // group key → equations shown
    model: null,
  };
  view.copy.type = 'button';
  view.download.type = 'button';
  view.status.setAttribute('role', 'status');
  view.copy.addEventListener('click', async () => {
    const ok = await copyText(view.model.result.latex);
    view.status.textContent = ok
      ? 'Copied'
      : 'Copying failed: the browser did not allow access to the clipboard. Use Download LaTeX instead.';
    view.status.classList.toggle('is-error', !ok);
  });
  view.download.addEventListener('click', () => {
    downloadText('equations.tex', latexDocument(view.model.result), 'application/x-tex');
    view.status.textContent = 'Saved as equations.tex';
    view.status.classList.remove('is-error');
  });
  const actions = el('div', 'eqn-actions');
  actions.append(view.copy, view.download);
  container.replaceChildren(actions, view.status, view.message, view.groups);
  views.set(container, view);
  return view;
}

/// Typesets the group's equations up to index `to` after those already shown, then offers
/// the next page ("Show 24 more") if some are left.
function fillGroup(view, group, list, more, to) {
  const { precision } = view.model;
  const fragment = document.createDocumentFragment();
  const draw = group.updates ? drawUpdate : drawEquation;
  for (let i = list.children.length; i < to; i += 1) fragment.append(draw(group.equations[i], precision));
  list.append(fragment);
  view.shown.set(group.key, to);
  const total = group.equations.length;
  more.hidden = to === total;
  more.querySelector('button').textContent = `Show ${pageEnd(group.equations, to) - to} more`;
  more.querySelector('.eqn-more-count').textContent = `${to} of ${total} shown`;
}

/// One group as a <details>: typeset only while open, a page at a time; `shown` equations
/// (at least the first page) when it opens.
function drawGroup(view, group, open, shown) {
  const details = el('details', 'eqn-group');
  const summary = el('summary');
  const count = group.equations.length;
  summary.append(el('span', 'eqn-group-title', group.title),
    el('span', 'eqn-group-count', group.updates
      ? `${count} parameter${count === 1 ? '' : 's'}` : `${count} equation${count === 1 ? '' : 's'}`));
  const list = el('div', 'eqn-list');
  const more = el('div', 'eqn-more');
  const button = el('button');
  button.type = 'button';
  more.append(button, el('span', 'eqn-more-count'));
  details.append(summary);
  if (group.delta) {
    details.append(el('p', 'eqn-note',
      'δ of a neuron is ∂ℓ/∂z for one sample: the output layer\'s comes from the loss, each '
      + 'hidden layer\'s from the δ of the layer after it.'));
  }
  if (group.updates) {
    details.append(el('p', 'eqn-note',
      'Keras\' update, with this step\'s gradients: first the optimizer\'s state (the table\'s '
      + 'state columns), then the parameter as the next row holds it. t is the step.'));
  }
  details.append(list, more);
  const firstPage = Math.min(count, Math.max(shown, pageEnd(group.equations, 0)));
  button.addEventListener('click', () => {
    fillGroup(view, group, list, more, pageEnd(group.equations, list.children.length));
  });
  details.addEventListener('toggle', () => {
    view.open.set(group.key, details.open);
    if (details.open && list.children.length === 0) fillGroup(view, group, list, more, firstPage);
  });
  details.open = open;
  if (open) fillGroup(view, group, list, more, firstPage);
  return details;
}

/// Draws the equations of one step into `container` (an empty <div>, updated in place on later
/// calls). `model` is `{ result, error, precision }`: `result` is what engine.equations()
/// returned (or null), `error` a message shown instead. The first groups, up to a page (24
/// equations), are open; the others typeset when opened, a page at a time. `handlers` is `{}`: the panel reports nothing yet.
export function renderEquations(container, model, handlers) {
  const view = views.get(container) ?? createView(container);
  const last = view.model;
  if (last && last.result === model.result && last.error === model.error
      && last.precision === model.precision) return;
  view.model = model;
  const { result, error } = model;
  const usable = Boolean(result) && !error;
  view.copy.disabled = !usable;
  view.download.disabled = !usable;
  view.message.textContent = error ?? (result ? '' : 'No equations yet.');
  view.status.textContent = '';
  if (!usable) {
    view.groups.replaceChildren();
    return;
  }
  // By default the first group is open, and the next ones while all so far fit on one page.
  let eager = [];
  const fragment = document.createDocumentFragment();
  const groups = groupEquations(result.equations);
  if (result.updates?.length) groups.push(updateGroup(result));
  groups.forEach((group, i) => {
    const together = eager && eager.concat(group.equations);
    const fits = Boolean(together) && pageEnd(together, 0) === together.length;
    const open = view.open.get(group.key) ?? (i === 0 || fits);
    fragment.append(drawGroup(view, group, open, view.shown.get(group.key) ?? 0));
    eager = fits ? together : null;
  });
  view.groups.replaceChildren(fragment);
}
