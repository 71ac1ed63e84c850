// The network builder: structure (inputs, layers, units, activation, alpha, loss), training
// (optimizer, learning rate, its hyperparameters, batch size, shuffle seed), the training data
// grid, the weight and bias grids and the seed. Draws the state it is given and
// reports what the user did through `handlers`; computes nothing. Text goes in through
// textContent and .value only.
import { showFieldError } from './render-form.js';
import { cellName, cellText, layerInputs, outputs } from './state.js';

// Every list, label, default and limit here is the engine's schema (`model.choosers`, state.js
// stateModel): `model` is passed down from renderBuilder.

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children);
  return node;
}

/// The id of a cell's input (cell keys hold ':'; ids use '-').
export function cellId(key) {
  return `cell-${key.replaceAll(':', '-')}`;
}

/// A text box for a cell, applied on Enter or when it is left.
function cellInput(doc, key, handlers, className = 'cell-input') {
  const input = el('input', {
    id: cellId(key), type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false',
    className, 'data-key': key, 'aria-label': cellName(doc, key),
  });
  const apply = () => handlers.onCell(key, input.value);
  input.addEventListener('change', apply);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply();
    }
  });
  return input;
}

/// A labelled field: label, control, and an (initially hidden) message below.
function field(label, control, { note, wide } = {}) {
  const labelRow = el('div', { className: 'field-label' }, [el('label', { for: control.id, text: label })]);
  if (note) labelRow.append(el('span', { className: 'label-note', 'aria-hidden': 'true', text: note }));
  return el('div', { className: `field${wide ? ' field-wide' : ''}` }, [
    labelRow, control, el('p', { className: 'field-error', id: `${control.id}-error`, hidden: true }),
  ]);
}

/// A whole-number box (inputs, units), applied on change.
function countInput(id, value, max, onValue) {
  const input = el('input', {
    id, type: 'number', min: '1', max: String(max), step: '1', inputmode: 'numeric', value: String(value),
    className: 'count-input',
  });
  input.addEventListener('change', () => onValue(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onValue(input.value);
    }
  });
  return input;
}

function select(id, options, value, onValue, labels = {}) {
  const node = el('select', { id }, options.map((o) => el('option', { value: o, text: labels[o] ?? o })));
  node.value = value;
  node.addEventListener('change', () => onValue(node.value));
  return node;
}

/// The optimizer's row: its name, then its hyperparameters (empty = Keras' default, shown as the
/// placeholder), batch size and shuffle seed.
function trainingRow(doc, handlers, model) {
  const { optimizers, labels, optimizerDefaults } = model.choosers;
  const optimizer = select('net-optimizer', optimizers, doc.optimizer.name, handlers.onOptimizer, labels.optimizer);
  const rows = Object.fromEntries(model.schema.optimizers.flatMap((o) => o.hyperparameters).map((h) => [h.name, h]));
  const meaning = Object.fromEntries(Object.values(rows).map((h) => [h.name, h.meaning]));
  const fields = [];
  for (const key of model.optimizerKeys(doc)) {
    const name = key.slice(4);
    if (rows[name]?.type === 'boolean') {
      // A flag sits beside the box before it (sgd: Nesterov beside momentum), taking no row.
      const { label, error } = flagControl(doc, key, rows[name], handlers);
      const before = fields[fields.length - 1];
      const previous = before?.querySelector('input');
      if (previous) {
        const line = el('div', { className: 'field-line' });
        previous.replaceWith(line);
        line.append(previous, label);
        before.append(error);
      } else {
        fields.push(el('div', { className: 'field' }, [label, error]));
      }
      continue;
    }
    fields.push(optimizerField(doc, key, name, handlers, optimizerDefaults, meaning));
  }
  return el('div', { className: 'field-row training-row' }, [field('optimizer', optimizer), ...fields]);
}

/// One box of the optimizer: a hyperparameter (its default as the placeholder), the batch size
/// or the shuffle seed.
function optimizerField(doc, key, name, handlers, optimizerDefaults, meaning) {
  const input = cellInput(doc, key, handlers, 'cell-input field-input');
  if (name === 'batch_size') {
    input.setAttribute('inputmode', 'numeric');
    input.placeholder = 'all';
    return field('batch size', input, { note: 'default all' });
  }
  if (name === 'shuffle_seed') {
    input.setAttribute('inputmode', 'numeric');
    input.placeholder = '1';
    return field('shuffle seed', input, { note: 'default 1' });
  }
  input.placeholder = String(optimizerDefaults[name]);
  input.title = meaning[name];
  return field(name, input, { note: `default ${optimizerDefaults[name]}` });
}

/// A flag of the optimizer (the schema's type "boolean": sgd's nesterov) as a checkbox
/// labelled with the row's label (default: unticked); ticked is the text 'true', unticked the
/// default (empty). Returns `{ label }` (holding the box) and `{ error }`, the box's message.
function flagControl(doc, key, row, handlers) {
  const box = el('input', { id: cellId(key), type: 'checkbox', 'data-key': key, title: row.meaning });
  box.checked = cellText(doc, key) === 'true';
  box.addEventListener('change', () => handlers.onCell(key, box.checked ? 'true' : ''));
  return {
    label: el('label', { className: 'field-check', title: `${row.meaning} (default ${row.default ? 'on' : 'off'})` },
      [box, row.label]),
    error: el('p', { className: 'field-error', id: `${box.id}-error`, hidden: true }),
  };
}

function structureSection(doc, handlers, model) {
  const { losses, labels, pageLimits } = model.choosers;
  const inputs = countInput('net-inputs', doc.features, pageLimits.features, handlers.onFeatures);
  const loss = select('net-loss', losses, doc.loss, handlers.onLoss, labels.loss);
  loss.dataset.key = 'loss';
  const rate = cellInput(doc, 'learningRate', handlers, 'cell-input field-input');
  const layers = doc.layers.map((layer, l) => layerFieldset(doc, layer, l, handlers, model));
  const add = el('button', {
    type: 'button', className: 'small', text: 'Add layer', onclick: handlers.onAddLayer,
    disabled: doc.layers.length >= pageLimits.layers,
  });
  return el('div', { className: 'builder-structure' }, [
    el('div', { className: 'field-row' }, [
      field('inputs', inputs, { note: `features, 1–${pageLimits.features}` }),
      field('loss', loss),
      field('learning rate', rate, { note: 'η' }),
    ]),
    trainingRow(doc, handlers, model),
    el('ol', { className: 'layer-list' }, layers.map((f) => el('li', {}, [f]))),
    el('p', { className: 'layer-actions' }, [add, el('span', {
      className: 'limit-note',
      text: ` Up to ${pageLimits.layers} layers of ${pageLimits.units} units, ${pageLimits.samples} samples, ${pageLimits.steps} steps.`,
    })]),
  ]);
}

function layerFieldset(doc, layer, l, handlers, model) {
  const { activations, lastActivations, alphaDefaults, pageLimits, piecewiseActivations = [], pieces = {} } = model.choosers;
  const n = l + 1;
  const last = l === doc.layers.length - 1;
  const units = countInput(`layer-${l}-units`, layer.units, pageLimits.units, (text) => handlers.onUnits(l, text));
  units.setAttribute('aria-label', `units of layer ${n}`);
  // A last-layer-only activation (softmax) only for the last layer.
  const activation = select(`layer-${l}-activation`, last ? lastActivations : activations, layer.activation,
    (value) => handlers.onActivation(l, value));
  activation.setAttribute('aria-label', `activation of layer ${n}`);
  activation.dataset.key = `activation:${l}`;
  const parts = [
    el('legend', { text: last ? `Layer ${n} (output)` : `Layer ${n}` }),
    field('units', units),
  ];
  // Maxout units (k affine pieces each, y = the largest z) in place of an activation f(z): a
  // box of their own, since maxout is not one of the element-wise activations.
  for (const name of piecewiseActivations) {
    const box = el('input', { id: `layer-${l}-${name}`, type: 'checkbox', checked: layer.activation === name });
    box.setAttribute('aria-label', `${name} of layer ${n}`);
    box.addEventListener('change', () => handlers.onPiecewise(l, name, box.checked));
    parts.push(el('div', { className: 'field field-check' }, [
      el('label', { for: box.id }, [box, ` ${model.choosers.labels.activation[name] ?? name}`])]));
  }
  if (!(layer.activation in pieces)) parts.push(field('activation', activation));
  if (layer.activation in pieces) {  // maxout: k affine pieces per unit
    const range = pieces[layer.activation];
    const k = countInput(`layer-${l}-pieces`, layer.pieces ?? range.default, range.max, (text) => handlers.onPieces(l, text));
    k.min = String(range.min);
    k.setAttribute('aria-label', `pieces of layer ${n}`);
    parts.push(field('pieces', k, { note: `${range.min}–${range.max}: y = max of the pieces' z` }));
  }
  if (layer.activation in alphaDefaults) {
    const alpha = cellInput(doc, `alpha:${l}`, handlers, 'cell-input field-input');
    alpha.placeholder = String(alphaDefaults[layer.activation]);
    parts.push(field('alpha', alpha, { note: `default ${alphaDefaults[layer.activation]}` }));
  }
  parts.push(el('button', {
    type: 'button', className: 'small quiet', text: `Remove layer ${n}`,
    disabled: doc.layers.length <= 1, onclick: () => handlers.onRemoveLayer(l),
  }));
  return el('fieldset', { className: 'layer' }, parts);
}

/// A grid of cell inputs as a table: `rows` of { header, keys }, with column headers; `corner`
/// names the row headers' column (read by screen readers, not shown).
function grid(doc, caption, columnHeaders, rows, handlers, { rowAction, corner } = {}) {
  const head = el('tr', {}, [el('th', { scope: 'col' }, [el('span', { className: 'visually-hidden', text: corner })]),
    ...columnHeaders.map((h) => el('th', { scope: 'col', text: h }))]);
  if (rowAction) head.append(el('th', { scope: 'col' }, [el('span', { className: 'visually-hidden', text: 'actions' })]));
  const body = rows.map((row, r) => {
    const tr = el('tr', {}, [el('th', { scope: 'row', text: row.header }),
      ...row.keys.map((key) => el('td', {}, [cellInput(doc, key, handlers)]))]);
    if (rowAction) tr.append(el('td', {}, [rowAction(r)]));
    return tr;
  });
  return el('div', { className: 'grid-scroll' }, [
    el('table', { className: 'grid' }, [el('caption', { text: caption }), el('thead', {}, [head]), el('tbody', {}, body)]),
    el('div', { className: 'grid-errors' }),
  ]);
}

/// A grid of more boxes than this is folded: a closed `<details>` whose summary says what it
/// holds, its grid built the first time it is opened. An 8 × 32 network's builder has 8,448
/// weight boxes and 640 data boxes, which no one types one by one (Randomise, a paste, the graph's
/// editor and a session file set them); building them took most of its share link's load
/// (docs/bench.md). The lecture's and the assignment's small networks keep every grid open.
const kFoldCells = 150;
/// Each fold's grid not built yet: fold → its builder (gone once built).
const unbuilt = new WeakMap();

/// `build()`'s grid, or, past kFoldCells, a fold (`name` for the summary) that builds it when
/// opened and then `fill`s its boxes from the state shown then. `keys` are the grid's cell keys'
/// prefixes: a message at one of its boxes opens the fold (renderBuilder).
function foldable(cells, name, keys, build, fill) {
  if (cells <= kFoldCells) return build();
  const fold = el('details', { className: 'grid-fold', 'data-fold': keys.join(' ') }, [
    el('summary', { text: `${name} — ${cells.toLocaleString('en-US')} boxes` }),
  ]);
  unbuilt.set(fold, () => {
    fold.append(build());
    fill(fold);
  });
  fold.addEventListener('toggle', () => fold.open && buildFold(fold));
  return fold;
}

/// Builds `fold`'s grid, once.
function buildFold(fold) {
  const build = unbuilt.get(fold);
  unbuilt.delete(fold);
  build?.();
}

/// Opens `fold` now, building its grid (not on the toggle event, which comes later).
function openFold(fold) {
  buildFold(fold);
  fold.open = true;
}

function dataSection(doc, handlers, model, fill) {
  const samples = doc.inputs.length;
  const headers = [
    ...Array.from({ length: doc.features }, (_, i) => (doc.features === 1 ? 'x' : `x${i + 1}`)),
    ...Array.from({ length: outputs(doc) }, (_, k) => (outputs(doc) === 1 ? 'y' : `y${k + 1}`)),
  ];
  const rows = doc.inputs.map((row, s) => ({
    header: `sample ${s + 1}`,
    keys: [...row.map((_, i) => `x:${s}:${i}`), ...doc.targets[s].map((_, k) => `y:${s}:${k}`)],
  }));
  const remove = (s) => el('button', {
    type: 'button', className: 'small quiet icon', text: '✕', 'aria-label': `Remove sample ${s + 1}`,
    title: `Remove sample ${s + 1}`, disabled: samples <= 1, onclick: () => handlers.onRemoveSample(s),
  });
  const paste = el('textarea', {
    id: 'paste-data', rows: '4', spellcheck: 'false',
    placeholder: headers.join('\t') + '\n' + headers.map(() => '0').join('\t'),
  });
  return el('div', { className: 'builder-data' }, [
    foldable(rows.length * headers.length, `Training data: ${samples} samples × ${headers.length} values`, ['x:', 'y:'],
      () => grid(doc, 'Training data: inputs x and targets y, one row per sample', headers, rows, handlers,
        { rowAction: remove, corner: 'sample' }), fill),
    el('p', { className: 'grid-actions' }, [el('button', {
      type: 'button', className: 'small', text: 'Add sample', onclick: handlers.onAddSample,
      disabled: samples >= model.choosers.pageLimits.samples,
    })]),
    el('details', { className: 'paste' }, [
      el('summary', { text: 'Paste from a spreadsheet' }),
      field('pasted data', paste, {
        note: `one sample per line: ${headers.join(', ')} (tab, comma or semicolon between)`, wide: true,
      }),
      el('button', { type: 'button', className: 'small', text: 'Use pasted data', onclick: () => handlers.onPaste(paste.value) }),
    ]),
  ]);
}

function weightsSection(doc, handlers, fill) {
  const seed = cellInput(doc, 'seed', handlers, 'cell-input field-input seed-input');
  seed.setAttribute('inputmode', 'numeric');
  const grids = doc.layers.map((layer, l) => {
    const inputs = layerInputs(doc, l);
    const from = (i) => {
      if (l === 0) return doc.features === 1 ? 'x' : `x${i + 1}`;
      return doc.layers[l - 1].units === 1 ? `y${l}` : `y${l}[${i + 1}]`;
    };
    const headers = [...Array.from({ length: inputs }, (_, i) => `from ${from(i)}`), 'bias'];
    // A maxout layer: one row per piece p of each unit j (row j·k + p of its weights).
    const k = layer.pieces ?? 1;
    const rows = Array.from({ length: layer.units * k }, (_, r) => ({
      header: (layer.units === 1 ? 'unit' : `unit ${Math.floor(r / k) + 1}`) + (k > 1 ? `, piece ${(r % k) + 1}` : ''),
      keys: [...Array.from({ length: inputs }, (_, i) => `w:${l}:${r}:${i}`), `b:${l}:${r}`],
    }));
    const caption = `Layer ${l + 1}: weights w${l + 1} and biases b${l + 1}`;
    return foldable(rows.length * headers.length, caption, [`w:${l}:`, `b:${l}:`],
      () => grid(doc, caption, headers, rows, handlers, { corner: 'unit' }), fill);
  });
  return el('div', { className: 'builder-weights' }, [
    ...grids,
    el('div', { className: 'field-row randomise' }, [
      field('seed', seed, { note: 'for Randomise' }),
      el('button', { type: 'button', className: 'small', text: 'Randomise', onclick: handlers.onRandomise }),
    ]),
    el('p', { className: 'hint', text: 'Randomise draws every weight from the seed (Glorot uniform, as Keras; '
      + 'rounded to 4 decimals) and sets the biases to 0. Clicking a connection or a neuron in the graph edits it too.' }),
  ]);
}

/// What decides the builder's layout: when it changes the builder is drawn again.
function shapeKey(doc) {
  return JSON.stringify([doc.features, doc.inputs.length, doc.loss, doc.optimizer.name,
    doc.layers.map((l) => [l.units, l.activation, l.pieces ?? 1])]);
}

const drawn = new WeakMap();
/// The state and messages each builder last drew: a fold opened later fills its boxes from them.
const shown = new WeakMap();

/// Writes the shown state's values and messages into the boxes under `root`.
function fillCells(container, root) {
  const { doc, errors } = shown.get(container);
  for (const input of root.querySelectorAll('input[data-key]')) {
    const text = cellText(doc, input.dataset.key) ?? '';
    if (input.type === 'checkbox') input.checked = text === 'true';
    else if (input.value !== text) input.value = text;
    showCellError(input, errors[input.dataset.key]);
  }
}

/// Draws the builder for `state.doc` into `container` (only the values when the shape is the
/// same), with `errors` ({ key: message }) at their cells. A fold whose cells have a message
/// opens; folds open before a redraw of the same layers stay open.
export function renderBuilder(container, state, errors, handlers, model) {
  const { doc } = state;
  shown.set(container, { doc, errors });
  const key = shapeKey(doc);
  if (drawn.get(container) !== key) {
    const hadFocus = document.activeElement?.id;
    const pasteOpen = container.querySelector('details.paste')?.open ?? false;
    const foldsOpen = new Set([...container.querySelectorAll('details.grid-fold[open]')].map((f) => f.dataset.fold));
    const fill = (root) => fillCells(container, root);
    container.replaceChildren(
      el('section', { className: 'builder-part', 'aria-labelledby': 'structure-title' }, [
        el('h3', { id: 'structure-title', text: 'Layers' }), structureSection(doc, handlers, model)]),
      el('section', { className: 'builder-part', 'aria-labelledby': 'data-title' }, [
        el('h3', { id: 'data-title', text: 'Training data' }), dataSection(doc, handlers, model, fill)]),
      el('section', { className: 'builder-part', 'aria-labelledby': 'weights-title' }, [
        el('h3', { id: 'weights-title', text: 'Start values of the weights and biases' }), weightsSection(doc, handlers, fill)]),
    );
    drawn.set(container, key);
    container.querySelector('details.paste').open = pasteOpen;
    for (const fold of container.querySelectorAll('details.grid-fold')) if (foldsOpen.has(fold.dataset.fold)) openFold(fold);
    if (hadFocus) document.getElementById(hadFocus)?.focus();
  }
  const messages = Object.keys(errors).filter((k) => errors[k]);
  for (const fold of container.querySelectorAll('details.grid-fold:not([open])')) {
    const prefixes = fold.dataset.fold.split(' ');
    if (messages.some((k) => prefixes.some((p) => k.startsWith(p)))) openFold(fold);
  }
  fillCells(container, container);
  // The loss and the activations: what the loss asks of the network (state.js lossErrors).
  for (const control of container.querySelectorAll('select[data-key]')) {
    showCellError(control, errors[control.dataset.key]);
  }
}

/// One cell's message, `<id>-error`: next to the field, or in the list under its grid (created
/// the first time the cell has one).
export function showCellError(input, message) {
  if (!message && !document.getElementById(`${input.id}-error`)) return;
  if (!document.getElementById(`${input.id}-error`)) {
    const note = el('p', { className: 'field-error', id: `${input.id}-error`, hidden: true });
    input.closest('.grid-scroll')?.querySelector('.grid-errors')?.append(note);
  }
  showFieldError(input, message);
}

/// Shows `message` at the control with id `id` (structure fields: inputs, units, pasted data).
export function showControlError(id, message) {
  const input = document.getElementById(id);
  if (input) showCellError(input, message);
}

/// The builder for a graph session (docs/graph.md: neurons and edges, no layers): what the
/// network is, its learning rate box (the one value of the worked example a student changes
/// here; the presets set it too) and the way to the randomly wired page, where graphs are made.
/// The layered builder is drawn afresh when a layered network comes back.
export function renderGraphBuilder(container, state, errors, handlers) {
  const { doc } = state;
  const { graph } = doc;
  const key = `graph:${graph.nodes.length}:${graph.edges.length}:${JSON.stringify(graph.origin ?? null)}`;
  if (drawn.get(container) !== key) {
    const origin = graph.origin;
    const made = origin
      ? ` It was generated as ${origin.family.toUpperCase()} with ${origin.nodes} nodes${['p', 'm', 'k'].filter((p) => origin[p] !== undefined).map((p) => `, ${p.toUpperCase()} = ${origin[p]}`).join('')}, seed ${origin.seed}.`
      : '';
    const rate = cellInput(doc, 'learningRate', handlers, 'cell-input field-input');
    container.replaceChildren(
      el('section', { className: 'builder-part graph-builder', 'aria-labelledby': 'structure-title' }, [
        el('h3', { id: 'structure-title', text: 'A graph of neurons, not layers' }),
        el('p', {
          text: `This network is a graph: ${graph.nodes.length} neurons joined by ${graph.edges.length} weighted edges, `
            + `${graph.outputs.length} of them output${graph.outputs.length === 1 ? '' : 's'}.${made} The builder's layer boxes `
            + 'do not apply to it; the table, the gradient equations (δ over each neuron\'s successors), Check my table and '
            + 'the Tutor work on it as on layers, and the Graph panel draws it.',
        }),
        el('div', { className: 'field-row' }, [field('learning rate', rate, { note: 'η' })]),
        el('p', {}, [el('a', { href: 'wired.html', text: 'Make another graph on the randomly wired page →' })]),
        el('p', { className: 'note', text: 'Reset to the lecture example (above) brings back the layered builder.' }),
      ]),
    );
    drawn.set(container, key);
  }
  for (const input of container.querySelectorAll('input[data-key]')) {
    const text = cellText(doc, input.dataset.key) ?? '';
    if (input.value !== text) input.value = text;
    showCellError(input, errors[input.dataset.key]);
  }
}
