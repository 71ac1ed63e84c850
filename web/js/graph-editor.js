// The graph's keyboard and its in-place editor: the parts are one tab stop (a roving
// tabindex, as in the WAI-ARIA grid pattern) and the arrow keys move between them
// (graphKeyTarget); Enter, Space or a click opens a small form under a weight or bias that
// hands the new text to the page, which may refuse it with a message. Needs a DOM; the panel
// (`{ container, scroll, drawn, editor, pivot, roving, handlers }`) is render-graph.js's.
import { graphKeyTarget, spotOf } from './graph-layout.js';
import { el } from './dom.js';

let serial = 0;

/// A new number for the ids of one graph panel or editor (unique on the page).
export function nextSerial() {
  serial += 1;
  return serial;
}

// ---- Keyboard: one tab stop, the arrow keys between the parts ----------------------------

/// Makes `element` the graph's one tab stop, and the part that had it a part like any other.
export function setTabStop(drawn, element) {
  if (drawn.stop === element) return;
  drawn.stop?.setAttribute('tabindex', '-1');
  element.setAttribute('tabindex', '0');
  drawn.stop = element;
}

/// Where part `name` is, for graphKeyTarget: a connection reached by the keys keeps the end it
/// was seen from (`panel.pivot`), one focused otherwise is seen from the neuron it goes into.
function positionOf(panel, name) {
  const part = panel.drawn.parts.get(name);
  if (part.edge === undefined) return { node: part.node };
  return { edge: part.edge, pivot: panel.pivot?.name === name ? panel.pivot.pivot : 'to' };
}

/// The part at a position of graphKeyTarget.
function partAt(drawn, at) {
  return at.edge === undefined ? drawn.neurons[at.node - drawn.layout.columns[0].count] : drawn.edges[at.edge];
}

/// Gives the tab stop to the part last focused if it is still drawn, else to the first
/// neuron of layer 1.
export function placeTabStop(panel) {
  const { drawn } = panel;
  const part = drawn.parts.get(panel.roving) ?? drawn.neurons[0];
  if (part) setTabStop(drawn, part.element);
}

/// Moves the focus from part `name` as the key of `event` says (graphKeyTarget); Enter and
/// Space open the editor. Keys held with Alt or Meta, and keys that move nothing, pass on.
export function onPartKey(panel, name, event) {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    openEditor(panel, name);
    return;
  }
  if (event.altKey || event.metaKey) return;
  const key = `${event.ctrlKey ? 'Ctrl+' : ''}${event.shiftKey ? 'Shift+' : ''}${event.key}`;
  const at = graphKeyTarget(panel.drawn.layout, positionOf(panel, name), key);
  if (!at) return;
  event.preventDefault();
  const part = partAt(panel.drawn, at);
  panel.pivot = at.edge === undefined ? null : { name: part.name, pivot: at.pivot };
  part.element.focus();
}

// ---- Editor ------------------------------------------------------------------------------

/// Opens the in-place editor for parameter `name`, pre-filled with its full value.
export function openEditor(panel, name) {
  closeEditor(panel, false);
  const part = panel.drawn.parts.get(name);
  const id = nextSerial();
  const form = el('form', 'graph-editor');
  const input = el('input');
  input.type = 'text';
  input.id = `graph-edit-${id}`;
  input.value = String(part.value);
  input.inputMode = 'decimal';
  input.autocomplete = 'off';
  input.spellcheck = false;
  const label = el('label', '', `new value of ${name}`);
  label.htmlFor = input.id;
  const error = el('p', 'graph-editor-error');
  error.id = `${input.id}-error`;
  error.hidden = true;
  const apply = el('button', 'primary', 'Apply');
  apply.type = 'submit';
  const cancel = el('button', '', 'Cancel');
  cancel.type = 'button';
  const buttons = el('div', 'graph-editor-buttons');
  buttons.append(apply, cancel);
  form.append(label, input, error, buttons);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyEdit(panel, name, input.value);
  });
  cancel.addEventListener('click', () => closeEditor(panel, true));
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeEditor(panel, true);
    }
  });
  panel.container.append(form);
  panel.editor = { form, name, input, error };
  placeEditor(panel);
  input.focus();
  input.select();
}

/// Hands the text to the page; keeps the editor open with the page's message if it refuses.
function applyEdit(panel, name, text) {
  const result = panel.handlers.onEdit?.(name, text);
  const message = result && typeof result === 'object' ? result.error : null;
  if (!message || !panel.editor) {
    closeEditor(panel, true);
    return;
  }
  const { input, error } = panel.editor;
  error.textContent = message;
  error.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', error.id);
  input.focus();
}

/// Closes the editor; with `refocus`, focus goes back to the part it edited.
export function closeEditor(panel, refocus) {
  if (!panel.editor) return;
  const { form, name } = panel.editor;
  panel.editor = null;
  form.remove();
  if (refocus) panel.drawn?.parts.get(name)?.element.focus({ preventScroll: true });
}

/// Puts the editor just below its part (above it when the graph ends there), within the
/// panel's width. It sits in the panel, not in the graph's scroll box, which would clip it.
export function placeEditor(panel) {
  const { form, name } = panel.editor;
  const { svg, layout, parts } = panel.drawn;
  const { container, scroll } = panel;
  const at = spotOf(layout, parts.get(name));
  const frame = container.getBoundingClientRect();
  const area = svg.getBoundingClientRect();
  const box = scroll.getBoundingClientRect();
  const scale = area.width / layout.width;
  const x = area.left - frame.left + at.x * scale;
  const y = area.top - frame.top + at.y * scale;
  const width = form.offsetWidth;
  const height = form.offsetHeight;
  const left = Math.max(Math.min(x - width / 2, frame.width - width - 4), 4);
  const fitsBelow = y + 10 + height <= box.bottom - frame.top || y - height - 14 < box.top - frame.top;
  form.style.left = `${left}px`;
  form.style.top = `${fitsBelow ? y + 10 : y - height - 14}px`;
}
