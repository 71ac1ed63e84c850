// The page's state as plain data, and the pure functions that change it.
// No DOM, no engine: everything here runs under `node --test`.
//
// state = { doc, stepsShown, precision, columns, selectedStep }
//   doc          the network and data exactly as typed (texts, so a bad entry is kept and
//                pointed at): { features, layers: [{ units, activation, alpha, weights, biases }],
//                inputs, targets, loss, learningRate, seed, optimizer: { name, rho, beta_1,
//                beta_2, epsilon, initial_accumulator_value, batch_size, shuffle_seed } }
//                (optimizer texts: '' = the engine's default). weights[j][i], biases[j],
//                inputs[s][i], targets[s][k] are texts; a cell that a shape change created and
//                that has no value yet is null until fillMissing() gives it one. A maxout layer
//                also has `pieces` (k) and units·k rows of weights and biases, row j·k + p for
//                piece p of unit j (the engine's order); the session writes [unit][piece].
//   stepsShown   how many rows of the trace the table shows (the session's "steps")
//   precision    decimals shown (0…12)
//   columns      the column kinds the table shows (engine-api.md: w, b, z, y, dw, db, loss)
//   optimizerColumns  the optimizer's column kinds shown when the session has them: state
//                (the schema's state letters, e.g. m and v) and batch (mini-batches)
//   tableLayers  the layers (1-based) whose columns the table shows; null = chosen by size
//   equationsOf  { layer, unit } whose equations are written (0 = all); null = chosen by size
//   selectedStep the step the graph and the equations show; null = the last row
//
// Cells are addressed by keys: 'x:s:i', 'y:s:k', 'w:l:j:i', 'b:l:j', 'alpha:l' (0-based),
// 'learningRate', 'seed', 'opt:beta_1' … (optimizerKeys). Their display names (names.js) are the engine's: x, w1, w2[1,3], b1[2].
import { biasName, dataName, weightName } from './names.js';
import { parseNumber, parseWhole, readSpreadsheet } from './parse.js';
// The module's own exports, for stateModel (read when it is called, after the module has run).
import * as kStateExports from './state.js';

export { parseNumber, parseWhole };

// The activations, losses and optimizers, their defaults, rules and the page's limits are the
// engine's (schema(), docs/engine-api.md "Schema"): every function that needs one of them takes
// the parsed schema as its first argument, and stateModel(schema) gives them all bound to it.

/// What the builder offers, from the schema's rows: `{ activations` (hidden layers: the rows
/// without last_layer_only), `lastActivations` (all), `losses`, `optimizers` (names in the
/// schema's order), `labels: { activation, loss, optimizer }` (name → title), `alphaDefaults`
/// (activation → the session's default α, for the rows that take α), `optimizerFields`
/// (optimizer → its worked example's hyperparameters), `optimizerDefaults` (hyperparameter →
/// Keras' default), `piecewiseActivations` and `pieces` (maxout: a unit of k affine pieces, and
/// k's default and range), `pageLimits }`.
export function choosers(schema) {
  const titles = (rows) => Object.fromEntries(rows.map((r) => [r.name, r.title]));
  const optimizerDefaults = {};
  for (const o of schema.optimizers) for (const h of o.hyperparameters) optimizerDefaults[h.name] ??= h.default;
  const piecewise = schema.piecewise_activations ?? [];
  return {
    activations: schema.activations.filter((a) => !a.last_layer_only).map((a) => a.name),
    lastActivations: schema.activations.map((a) => a.name),
    /// The rows whose units have k affine pieces (maxout), a box of their own in every layer
    /// (not among the activations f(z)), and their pieces: activation → { default, min, max }.
    piecewiseActivations: piecewise.map((a) => a.name),
    pieces: Object.fromEntries(piecewise.map((a) => [a.name, { ...a.pieces }])),
    losses: schema.losses.map((l) => l.name),
    optimizers: schema.optimizers.map((o) => o.name),
    labels: {
      activation: titles([...schema.activations, ...piecewise]), loss: titles(schema.losses),
      optimizer: titles(schema.optimizers),
    },
    alphaDefaults: Object.fromEntries(schema.activations.filter((a) => a.alpha !== null).map((a) => [a.name, a.alpha])),
    optimizerFields: Object.fromEntries(schema.optimizers.map((o) => [o.name, [...o.worked_example.hyperparameters]])),
    optimizerDefaults,
    pageLimits: { ...schema.limits.page },
  };
}

/// The schema's row of activation `name` (undefined for an unknown name).
function activationRow(schema, name) {
  return schema.activations.find((a) => a.name === name) ?? piecewiseRow(schema, name);
}

/// The schema's row of a piecewise activation (maxout) called `name`, or undefined.
function piecewiseRow(schema, name) {
  return (schema.piecewise_activations ?? []).find((a) => a.name === name);
}

/// The affine pieces per unit of a doc layer: k for maxout, 1 otherwise.
export function layerPieces(layer) {
  return layer.pieces ?? 1;
}

/// The schema's row of loss `name`.
function lossRow(schema, name) {
  return schema.losses.find((l) => l.name === name);
}

/// Whether activation `name` takes a parameter α.
function takesAlpha(schema, name) {
  return (activationRow(schema, name)?.alpha ?? null) !== null;
}

/// The page's limits (schema.limits.page): layers, units, features, samples, steps.
function pageLimits(schema) {
  return schema.limits.page;
}

/// Every optimizer takes mini-batches: batch size (empty: every sample) and the shuffle seed.
export const kBatchFields = ['batch_size', 'shuffle_seed'];
/// The column kinds of the table, in the engine's order.
export const kColumnKinds = ['w', 'b', 'z', 'y', 'dw', 'db', 'loss'];
/// The kinds only some optimizers have: their state after each update, and the mini-batch.
export const kOptimizerColumnKinds = ['state', 'batch'];

/// The three learning rates whose 5-step tables the slides fill.
export const kPresetRates = Object.freeze([0.1, 1, 10]);
/// Rows shown by a preset (the slides' tables have 5 steps).
export const kPresetSteps = 5;
/// Rows added by "Run 10 steps".
export const kRunSteps = 10;
export const kDefaultPrecision = 4;
export const kMaxPrecision = 12;
/// Units of a layer that "Add layer" inserts.
export const kNewLayerUnits = 2;

/// The lecture's network and start values (section 3): x = 1, y = 1, w1 = 0.5, b1 = 0,
/// w2 = 0.8, b2 = 0, two sigmoid neurons, ½(ŷ − y)², η = 0.1 (the lecture example's own data,
/// as the slides have it).
export function lectureDoc(learningRate = '0.1') {
  return {
    features: 1,
    layers: [
      { units: 1, activation: 'sigmoid', alpha: '', weights: [['0.5']], biases: ['0'] },
      { units: 1, activation: 'sigmoid', alpha: '', weights: [['0.8']], biases: ['0'] },
    ],
    inputs: [['1']],
    targets: [['1']],
    loss: 'half_sse',
    learningRate: String(learningRate),
    seed: '1',
    optimizer: emptyOptimizer(),
  };
}

/// Plain gradient descent, every box empty (the engine's defaults). A hyperparameter's box
/// that holds no text is absent (cellText reads it as '').
export function emptyOptimizer(name = 'sgd') {
  return { name, batch_size: '', shuffle_seed: '' };
}

/// The page's start: the lecture example, no rows yet, every column.
export function initialState() {
  return {
    doc: lectureDoc(), stepsShown: 0, precision: kDefaultPrecision,
    columns: [...kColumnKinds], optimizerColumns: [...kOptimizerColumnKinds], tableLayers: null,
    equationsOf: null, selectedStep: null,
  };
}

// ---- Numbers: parseNumber and parseWhole (parse.js) ----

// ---- Cells ----

/// The display name of a cell key in `doc` (x, y, w1, w2[1,3], b1[2], alpha of layer 2, …).
export function cellName(doc, key) {
  const [kind, ...idx] = key.split(':');
  const n = idx.map(Number);
  switch (kind) {
    case 'x': return dataName('x', n[0] + 1, n[1] + 1, doc.inputs.length, doc.features);
    case 'y': return dataName('y', n[0] + 1, n[1] + 1, doc.targets.length, outputs(doc));
    case 'w': {  // n[1] is the row: unit·k + piece in a maxout layer
      const layer = doc.layers[n[0]];
      const k = layerPieces(layer);
      return weightName(n[0] + 1, Math.floor(n[1] / k) + 1, n[2] + 1, layer.units, layerInputs(doc, n[0]),
        k > 1 ? (n[1] % k) + 1 : 0);
    }
    case 'b': {
      const k = layerPieces(doc.layers[n[0]]);
      return biasName(n[0] + 1, Math.floor(n[1] / k) + 1, doc.layers[n[0]].units, k > 1 ? (n[1] % k) + 1 : 0);
    }
    case 'alpha': return `alpha of layer ${n[0] + 1}`;
    case 'learningRate': return 'learning rate';
    case 'seed': return 'seed';
    case 'opt': return kOptimizerLabels[idx[0]] ?? idx[0];
    default: throw new Error(`unknown cell "${key}"`);
  }
}

/// The boxes' names: Keras' names of the hyperparameters; batch size and shuffle seed.
const kOptimizerLabels = { batch_size: 'batch size', shuffle_seed: 'shuffle seed' };

/// The keys of the optimizer's boxes in `doc`: its hyperparameters, then batch size and shuffle
/// seed ('opt:beta_1', …, 'opt:batch_size', 'opt:shuffle_seed').
export function optimizerKeys(schema, doc) {
  const row = schema.optimizers.find((o) => o.name === doc.optimizer.name);
  return [...(row?.worked_example.hyperparameters ?? []), ...kBatchFields].map((f) => `opt:${f}`);
}

/// The key of the parameter called `name` (w1, w2[1,3], b2[1]) in `doc`, or null.
export function keyOfParameter(doc, name) {
  for (let l = 0; l < doc.layers.length; ++l) {
    for (let j = 0; j < doc.layers[l].units * layerPieces(doc.layers[l]); ++j) {
      if (cellName(doc, `b:${l}:${j}`) === name) return `b:${l}:${j}`;
      for (let i = 0; i < layerInputs(doc, l); ++i) {
        if (cellName(doc, `w:${l}:${j}:${i}`) === name) return `w:${l}:${j}:${i}`;
      }
    }
  }
  return null;
}

/// The text of a cell.
export function cellText(doc, key) {
  const [kind, ...idx] = key.split(':');
  const n = idx.map(Number);
  switch (kind) {
    case 'x': return doc.inputs[n[0]][n[1]];
    case 'y': return doc.targets[n[0]][n[1]];
    case 'w': return doc.layers[n[0]].weights[n[1]][n[2]];
    case 'b': return doc.layers[n[0]].biases[n[1]];
    case 'alpha': return doc.layers[n[0]].alpha;
    case 'learningRate': return doc.learningRate;
    case 'seed': return doc.seed;
    case 'opt': return doc.optimizer[idx[0]] ?? '';
    default: throw new Error(`unknown cell "${key}"`);
  }
}

/// Every cell key of `doc`, in the page's order (data, then layer by layer, then training).
export function cellKeys(schema, doc) {
  const keys = [];
  doc.inputs.forEach((row, s) => row.forEach((_, i) => keys.push(`x:${s}:${i}`)));
  doc.targets.forEach((row, s) => row.forEach((_, k) => keys.push(`y:${s}:${k}`)));
  doc.layers.forEach((layer, l) => {
    layer.weights.forEach((row, j) => row.forEach((_, i) => keys.push(`w:${l}:${j}:${i}`)));
    layer.biases.forEach((_, j) => keys.push(`b:${l}:${j}`));
    if (takesAlpha(schema, layer.activation)) keys.push(`alpha:${l}`);
  });
  keys.push('learningRate', 'seed');
  return keys;
}

/// The state with one cell's text replaced (kept even when it is not a number).
export function setCell(state, key, text) {
  const doc = structuredClone(state.doc);
  const [kind, ...idx] = key.split(':');
  const n = idx.map(Number);
  switch (kind) {
    case 'x': doc.inputs[n[0]][n[1]] = text; break;
    case 'y': doc.targets[n[0]][n[1]] = text; break;
    case 'w': doc.layers[n[0]].weights[n[1]][n[2]] = text; break;
    case 'b': doc.layers[n[0]].biases[n[1]] = text; break;
    case 'alpha': doc.layers[n[0]].alpha = text; break;
    case 'learningRate': doc.learningRate = text; break;
    case 'seed': doc.seed = text; break;
    case 'opt': doc.optimizer[idx[0]] = text; break;
    default: throw new Error(`unknown cell "${key}"`);
  }
  return { ...state, doc };
}

/// Parses one cell by its rule: a number; η > 0; alpha may be empty (the default); the seed a
/// whole number. `{ value }` (undefined value for an empty alpha) or `{ error }`.
export function parseCell(schema, doc, key) {
  // A data, weight or bias cell that reads as a number needs no name (its name goes only into
  // a message): a large network has 8,700 of them, parsed at each edit and load.
  const [kind] = key.split(':', 1);
  if (kind === 'x' || kind === 'y' || kind === 'w' || kind === 'b') {
    const text = cellText(doc, key);
    const quick = text === null ? null : parseNumber(text, '');
    if (quick && !quick.error) return quick;
  }
  const name = cellName(doc, key);
  const text = cellText(doc, key);
  if (key === 'seed') return parseWhole(text, name, 0, Number.MAX_SAFE_INTEGER);
  if (key.startsWith('opt:')) return parseOptimizerField(schema, key.slice(4), name, text);
  if (key.startsWith('alpha:') && String(text ?? '').trim() === '') return { value: undefined };
  if (text === null) return { error: `${name}: has no value yet` };
  const parsed = parseNumber(text, name);
  if (parsed.error) return parsed;
  if (key === 'learningRate' && !(parsed.value > 0)) {
    return { error: `${name}: must be greater than 0, got ${String(text).trim()}` };
  }
  return parsed;
}

/// One optimizer box: empty is the default (`{ value: undefined }`); else a number in the
/// engine's range (the schema's min, max and rule), the batch size a whole number up to the
/// page's samples.
function parseOptimizerField(schema, field, name, text) {
  if (String(text ?? '').trim() === '') return { value: undefined };
  if (field === 'batch_size') return parseWhole(text, name, 1, pageLimits(schema).samples);
  if (field === 'shuffle_seed') return parseWhole(text, name, 0, Number.MAX_SAFE_INTEGER);
  const h = schema.optimizers.flatMap((o) => o.hyperparameters).find((row) => row.name === field);
  // A flag (the schema's type "boolean": sgd's nesterov) is the text 'true' or 'false' (its checkbox).
  if (h?.type === 'boolean') {
    const t = String(text).trim();
    return t === 'true' || t === 'false' ? { value: t === 'true' } : { error: `${name}: must be true or false, got ${t}` };
  }
  const parsed = parseNumber(text, name);
  if (parsed.error) return parsed;
  const v = parsed.value;
  if (!h) return parsed;
  const aboveMin = h.min === null || (h.min_open ? v > h.min : v >= h.min);
  const belowMax = h.max === null || (h.max_open ? v < h.max : v <= h.max);
  // The rule as the engine words it ("a number from 0 to 1"), said of the box: "must be from 0 to 1".
  const rule = h.rule.replace(/^a number (of )?/, '');
  return aboveMin && belowMax ? parsed : { error: `${name}: must be ${rule}, got ${String(text).trim()}` };
}

/// Every bad cell's message, `{ 'w:0:0:0': 'w1: expected a number, got "abc"' }`, with the
/// optimizer's boxes and the loss's rules (lossErrors).
export function cellErrors(schema, doc) {
  const errors = {};
  for (const key of [...cellKeys(schema, doc), ...optimizerKeys(schema, doc)]) {
    const parsed = parseCell(schema, doc, key);
    if (parsed.error) errors[key] = parsed.error;
  }
  return { ...lossErrors(schema, doc, errors), ...errors };
}

/// What the loss asks of the network and the data, said at the control (the engine says the
/// same for a session from a file), from the schema's rows: a loss with `requires_output` (the
/// cross-entropy) goes with that activation as the last layer's, and a last-layer-only
/// activation (softmax) with the loss that requires it ('loss', 'activation:l'); a loss's
/// `targets` "probabilities" are from 0 to 1, a "distribution" also adds up to 1 per sample (at
/// the sample's first target, 'y:s:0').
export function lossErrors(schema, doc, cellErrorsSoFar = {}) {
  const errors = {};
  const last = doc.layers.length - 1;
  // A graph session's neurons are element-wise (docs/graph.md): no softmax to pair.
  const activation = doc.graph ? null : doc.layers[last].activation;
  const loss = lossRow(schema, doc.loss);
  const lastOnly = activationRow(schema, activation)?.last_layer_only ?? false;
  if (loss?.requires_output && activation !== loss.requires_output) {
    errors.loss = `loss: ${doc.loss} needs ${loss.requires_output} as the activation of layer ${last + 1} (the last)`;
  } else if (lastOnly && loss?.requires_output !== activation) {
    const partner = schema.losses.find((l) => l.requires_output === activation);
    errors[`activation:${last}`] = `activation of layer ${last + 1}: ${activation} goes with the loss ${partner?.name}, not ${doc.loss}`;
  }
  if (!loss || loss.targets === 'any') return errors;
  doc.targets.forEach((row, s) => {
    let sum = 0;
    let readable = true;
    row.forEach((text, k) => {
      const key = `y:${s}:${k}`;
      const parsed = parseNumber(text ?? '', cellName(doc, key));
      if (parsed.error || cellErrorsSoFar[key]) {
        readable = false;
        return;
      }
      sum += parsed.value;
      if (parsed.value < 0 || parsed.value > 1) {
        errors[key] = `${cellName(doc, key)}: ${doc.loss} expects targets from 0 to 1, got ${String(text).trim()}`;
      }
    });
    if (loss.targets === 'distribution' && readable && Math.abs(sum - 1) > 1e-6 && !errors[`y:${s}:0`]) {
      errors[`y:${s}:0`] = `${cellName(doc, `y:${s}:0`)}: ${doc.loss} expects the targets of sample ${s + 1} to add up to 1, got ${Number(sum.toPrecision(12))}`;
    }
  });
  return errors;
}

// ---- Shape ----

/// Inputs of layer `l` (0-based): the features for the first, else the units before it.
export function layerInputs(doc, l) {
  return l === 0 ? doc.features : doc.layers[l - 1].units;
}

/// Outputs of the network: the last layer's units, or a graph's output neurons (= the targets'
/// columns).
export function outputs(doc) {
  if (doc.graph) return doc.graph.outputs.length;
  return doc.layers[doc.layers.length - 1].units;
}

/// `rows` × `cols` grid keeping `old`'s cells where they exist, `fill` elsewhere.
function resize(old, rows, cols, fill) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols },
    (_, c) => (old[r] !== undefined && old[r][c] !== undefined ? old[r][c] : fill)));
}

/// Makes every grid fit the layer sizes: weights units × inputs, biases per unit, targets
/// per output. New weights are null (fillMissing gives them values), new biases and data "0".
function reshape(doc) {
  doc.inputs = resize(doc.inputs, doc.inputs.length, doc.features, '0');
  doc.layers.forEach((layer, l) => {
    const rows = layer.units * layerPieces(layer);  // a maxout layer: every piece's row
    layer.weights = resize(layer.weights, rows, layerInputs(doc, l), null);
    layer.biases = resize([layer.biases], 1, rows, '0')[0];
  });
  doc.targets = resize(doc.targets, doc.targets.length, outputs(doc), '0');
  return doc;
}

function withDoc(state, doc) {
  return { ...state, doc: reshape(doc), selectedStep: null, tableLayers: null, equationsOf: null };
}

/// Sets the number of input features (1…32).
export function setFeatures(state, count) {
  const doc = structuredClone(state.doc);
  doc.features = count;
  return withDoc(state, doc);
}

/// Sets the units of layer `l` (0-based); the last layer's units are the targets' columns.
export function setUnits(state, l, count) {
  const doc = structuredClone(state.doc);
  doc.layers[l].units = count;
  return withDoc(state, doc);
}

/// Sets the activation of layer `l`; alpha is kept as typed (used by the rows that take α).
export function setActivation(schema, state, l, activation) {
  const row = activationRow(schema, activation);
  if (row?.last_layer_only && l !== state.doc.layers.length - 1) {
    throw new Error(`unknown activation "${activation}" for layer ${l + 1}: ${activation} is only for the last layer`);
  }
  if (!row) throw new Error(`unknown activation "${activation}"`);
  const doc = structuredClone(state.doc);
  const layer = doc.layers[l];
  const before = layerPieces(layer);
  layer.activation = activation;
  if (row.pieces) layer.pieces = layer.pieces ?? row.pieces.default;
  else delete layer.pieces;
  if (layerPieces(layer) === before) return { ...state, doc };
  layer.weights = [];  // other pieces: other shapes, drawn again
  layer.biases = [];
  return withDoc(state, doc);
}

/// Sets the pieces k of maxout layer `l` (the row's range, e.g. 2…16); its weights are drawn again.
export function setPieces(schema, state, l, count) {
  const layer = state.doc.layers[l];
  const range = piecewiseRow(schema, layer.activation)?.pieces;
  if (!range) throw new Error(`layer ${l + 1}: only maxout takes pieces, not ${layer.activation}`);
  if (!Number.isInteger(count) || count < range.min || count > range.max) {
    throw new Error(`pieces of layer ${l + 1}: must be a whole number from ${range.min} to ${range.max}`);
  }
  if (count === layer.pieces) return state;
  const doc = structuredClone(state.doc);
  doc.layers[l].pieces = count;
  doc.layers[l].weights = [];
  doc.layers[l].biases = [];
  return withDoc(state, doc);
}

/// Sets the loss.
export function setLoss(schema, state, loss) {
  if (!lossRow(schema, loss)) throw new Error(`unknown loss "${loss}"`);
  return { ...state, doc: { ...structuredClone(state.doc), loss } };
}

/// Sets the optimizer; every box keeps its text (a box of another optimizer is not sent).
export function setOptimizer(schema, state, name) {
  if (!schema.optimizers.some((o) => o.name === name)) throw new Error(`unknown optimizer "${name}"`);
  const doc = structuredClone(state.doc);
  doc.optimizer.name = name;
  return { ...state, doc };
}

/// True when each step uses a mini-batch: a batch size below the number of samples.
export function miniBatch(schema, doc) {
  const size = parseWhole(doc.optimizer.batch_size, 'batch size', 1, pageLimits(schema).samples);
  return !size.error && size.value < doc.inputs.length;
}

/// Inserts a hidden layer of kNewLayerUnits units with the schema's default activation (sigmoid)
/// before the output layer (up to the page's limit of layers).
export function addLayer(schema, state) {
  if (state.doc.layers.length >= pageLimits(schema).layers) return state;
  const doc = structuredClone(state.doc);
  doc.layers.splice(doc.layers.length - 1, 0, {
    units: kNewLayerUnits, activation: schema.defaults.activation, alpha: '', weights: [], biases: [],
  });
  // The layer after it now has other inputs: its weights are drawn again.
  doc.layers[doc.layers.length - 1].weights = [];
  return withDoc(state, doc);
}

/// Removes layer `l` (0-based); a network keeps at least one layer. The layer after it gets new
/// weights (its inputs changed).
export function removeLayer(state, l) {
  if (state.doc.layers.length <= 1) return state;
  const doc = structuredClone(state.doc);
  doc.layers.splice(l, 1);
  // A last-layer-only activation stays the last layer's: removing the last layer leaves the one before it last.
  if (l < doc.layers.length) doc.layers[l].weights = [];
  return withDoc(state, doc);
}

/// Appends a sample (inputs and targets "0").
export function addSample(schema, state) {
  if (state.doc.inputs.length >= pageLimits(schema).samples) return state;
  const doc = structuredClone(state.doc);
  doc.inputs.push([]);
  doc.targets.push([]);
  return withDoc(state, doc);
}

/// Removes sample `s` (0-based); at least one stays.
export function removeSample(state, s) {
  if (state.doc.inputs.length <= 1) return state;
  const doc = structuredClone(state.doc);
  doc.inputs.splice(s, 1);
  doc.targets.splice(s, 1);
  return withDoc(state, doc);
}

/// Whether some weight has no value yet (after a shape change): fillMissing must run.
export function hasMissing(doc) {
  return doc.layers.some((layer) => layer.weights.some((row) => row.includes(null)));
}

/// A number as a cell's text: 4 decimals, so the box shows what the engine computes with.
export function numberText(value) {
  const text = String(Number(value.toFixed(4)));
  return text === '-0' ? '0' : text;
}

/// Gives every weight without a value the one from `layers` (the engine's initialisation of
/// the same shape from the seed: engine.run(...).session.layers), rounded to 4 decimals.
/// With `all`, every weight is replaced and every bias set to 0 ("Randomise").
export function fillMissing(state, layers, { all = false } = {}) {
  const doc = structuredClone(state.doc);
  doc.layers.forEach((layer, l) => {
    const drawn = rowsOf(layers[l].weights);
    layer.weights = layer.weights.map((row, j) => row.map((text, i) => (
      all || text === null ? numberText(drawn[j][i]) : text)));
    if (all) layer.biases = layer.biases.map(() => '0');
  });
  return { ...state, doc };
}

/// A session layer's weights as the doc's rows: a maxout layer's [unit][piece][input]
/// flattened to its units·k rows (row j·k + p).
function rowsOf(weights) {
  return weights.length > 0 && Array.isArray(weights[0][0]) ? weights.flat(1) : weights;
}

/// A doc layer's rows grouped per unit, [unit][piece][…], as the session writes a maxout layer.
function perUnit(rows, units) {
  const k = rows.length / units;
  return Array.from({ length: units }, (_, j) => rows.slice(j * k, (j + 1) * k));
}

/// The session of `doc` without weights: what the engine initialises from the seed. The draws
/// depend on the shapes only, so a last-layer-only layer (softmax) asks as a linear one (it
/// would need its loss and targets that add up to 1).
export function initSession(schema, doc) {
  const seed = parseWhole(doc.seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
  return {
    inputs: doc.inputs.map((row) => row.map(() => 0)),
    targets: doc.targets.map((row) => row.map(() => 0)),
    layers: doc.layers.map((layer) => ({
      units: layer.units,
      activation: activationRow(schema, layer.activation)?.last_layer_only ? 'linear' : layer.activation,
      ...(layer.pieces ? { pieces: layer.pieces } : {}),
    })),
    steps: 0,
    seed: seed.error ? 1 : seed.value,
  };
}

// ---- Session ----

/// The engine session for the state (engine-api.md): `{ value: session }` or `{ errors }`
/// keyed by cell.
export function buildSession(schema, state) {
  const { doc } = state;
  const errors = cellErrors(schema, doc);
  if (Object.keys(errors).length > 0) return { errors };
  const num = (key) => parseCell(schema, doc, key).value;
  const session = {
    inputs: doc.inputs.map((row, s) => row.map((_, i) => num(`x:${s}:${i}`))),
    targets: doc.targets.map((row, s) => row.map((_, k) => num(`y:${s}:${k}`))),
    layers: doc.layers.map((layer, l) => {
      const out = {
        units: layer.units,
        activation: layer.activation,
        weights: layer.weights.map((row, j) => row.map((_, i) => num(`w:${l}:${j}:${i}`))),
        biases: layer.biases.map((_, j) => num(`b:${l}:${j}`)),
      };
      if (layer.pieces) {  // maxout: [unit][piece][input] and [unit][piece]
        out.pieces = layer.pieces;
        out.weights = perUnit(out.weights, layer.units);
        out.biases = perUnit(out.biases, layer.units);
      }
      if (takesAlpha(schema, layer.activation) && num(`alpha:${l}`) !== undefined) out.alpha = num(`alpha:${l}`);
      return out;
    }),
    loss: doc.loss,
    optimizer: optimizerOf(schema, doc, num),
    steps: state.stepsShown,
    seed: num('seed'),
  };
  if (doc.graph) {  // a graph session (docs/graph.md): its neurons and edges as the engine wrote them
    delete session.layers;
    session.graph = doc.graph;
  }
  return { value: session };
}

/// The session's optimizer: its name, η, the boxes of that optimizer that hold a value (the
/// engine's defaults for the others), the batch size and shuffle seed when given.
function optimizerOf(schema, doc, num) {
  const optimizer = { name: doc.optimizer.name, learning_rate: num('learningRate') };
  for (const key of optimizerKeys(schema, doc)) {
    const value = num(key);
    if (value !== undefined) optimizer[key.slice(4)] = value;
  }
  return optimizer;
}

/// The doc of a session the engine has validated and normalised (weights filled in): numbers
/// become texts as JavaScript writes them (round-trip exact); what the session leaves out is the
/// schema's default.
export function docFromSession(schema, session) {
  const defaults = schema.defaults;
  const text = (v) => String(v);
  return {
    features: session.inputs[0].length,
    // A graph session (docs/graph.md) keeps its graph as the engine normalised it (every weight
    // written out); it has no layers for the builder's boxes.
    ...(session.graph ? { graph: session.graph } : {}),
    layers: (session.layers ?? []).map((layer) => ({
      units: layer.units,
      activation: layer.activation,
      alpha: layer.alpha === undefined ? '' : text(layer.alpha),
      // maxout: [unit][piece][input] and [unit][piece] become the doc's units·k rows
      weights: (layer.pieces ? layer.weights.flat(1) : layer.weights).map((row) => row.map(text)),
      biases: (layer.pieces ? layer.biases.flat(1) : layer.biases).map(text),
      ...(layer.pieces ? { pieces: layer.pieces } : {}),
    })),
    inputs: session.inputs.map((row) => row.map(text)),
    targets: session.targets.map((row) => row.map(text)),
    loss: session.loss ?? defaults.loss,
    learningRate: text(session.optimizer?.learning_rate ?? defaults.learning_rate),
    seed: text(session.seed ?? defaults.seed),
    optimizer: optimizerDoc(schema, session.optimizer),
  };
}

/// The optimizer's boxes of a session's optimizer: its hyperparameters that the session gives,
/// batch size and shuffle seed, as texts (empty: the default).
function optimizerDoc(schema, optimizer) {
  const doc = emptyOptimizer(optimizer?.name ?? schema.defaults.optimizer);
  for (const field of optimizerKeys(schema, { optimizer: doc }).map((key) => key.slice(4))) {
    if (optimizer?.[field] !== undefined) doc[field] = String(optimizer[field]);
  }
  return doc;
}

/// The state that shows `session` (validated by the engine) with its steps as rows.
export function stateFromSession(schema, state, session) {
  return {
    ...state,
    doc: docFromSession(schema, session),
    stepsShown: Math.min(pageLimits(schema).steps, session.steps ?? 0),
    selectedStep: null,
    tableLayers: null,
    equationsOf: null,
  };
}

// ---- Data paste ----

/// Parses rows pasted from a spreadsheet (tab-, comma- or semicolon-separated) into the data:
/// each row holds the inputs then the targets (features + outputs numbers). A first row that
/// holds no number is taken as a header and skipped. `{ state }` or `{ error }` naming the line
/// and column.
export function pasteData(schema, state, text) {
  const { doc } = state;
  const read = readSpreadsheet(text, {
    width: doc.features + outputs(doc), widthNote: `${doc.features} inputs, ${outputs(doc)} targets`,
    maxRows: pageLimits(schema).samples,
  });
  if (read.error) return { error: read.error };
  const inputs = read.rows.map((cells) => cells.slice(0, doc.features));
  const targets = read.rows.map((cells) => cells.slice(doc.features));
  return { state: withDoc(state, { ...structuredClone(doc), inputs, targets }) };
}

// ---- Steps and view ----

/// Shows `count` more rows (Step: 1, Run 10 steps: 10), up to the page's limit.
export function step(schema, state, count = 1) {
  return { ...state, stepsShown: Math.min(pageLimits(schema).steps, state.stepsShown + count), selectedStep: null };
}

/// Shows one row fewer; at 0 rows nothing changes.
export function back(state) {
  return { ...state, stepsShown: Math.max(0, state.stepsShown - 1), selectedStep: null };
}

/// Back to step 0, keeping the values typed.
export function reset(state) {
  return { ...state, stepsShown: 0, selectedStep: null };
}

/// The lecture example at learning rate `rate`, with the slides' 5 rows.
export function preset(state, rate) {
  return {
    ...state, doc: lectureDoc(rate), stepsShown: kPresetSteps, selectedStep: null, tableLayers: null,
    equationsOf: null,
  };
}

/// The lecture example as the page starts, keeping the view settings.
export function lecture(state) {
  return {
    ...state, doc: lectureDoc(), stepsShown: 0, selectedStep: null, tableLayers: null, equationsOf: null,
  };
}

/// After the engine reports divergence at step `at`, more rows cannot be computed:
/// showing `at` steps keeps the rows before it and the message.
export function stopAtDivergence(state, at) {
  return { ...state, stepsShown: Math.min(state.stepsShown, at) };
}

/// The step the graph and equations show: the selected one, else the last row (0 = none).
export function shownStep(state) {
  return state.selectedStep ?? state.stepsShown;
}

/// Selects row `k` (1…stepsShown).
export function selectStep(state, k) {
  return k >= 1 && k <= state.stepsShown ? { ...state, selectedStep: k } : state;
}

/// Shows or hides a column kind in the table (the step column is always there).
export function toggleColumn(state, kind, shown) {
  if (kOptimizerColumnKinds.includes(kind)) {
    const set = new Set(state.optimizerColumns ?? kOptimizerColumnKinds);
    if (shown) set.add(kind); else set.delete(kind);
    return { ...state, optimizerColumns: kOptimizerColumnKinds.filter((k) => set.has(k)) };
  }
  if (!kColumnKinds.includes(kind)) throw new Error(`unknown column kind "${kind}"`);
  const set = new Set(state.columns);
  if (shown) set.add(kind); else set.delete(kind);
  return { ...state, columns: kColumnKinds.filter((k) => set.has(k)) };
}

// ---- What the table shows and which equations are written ----
// The engine decides (its Workbook's describe(), core page_view.hpp): the table's columns and
// layers (a network too wide starts with its output layer; too many numbers, the loss only,
// with the sentence that says so) and which equations fit. Here only the student's choices.

/// The letters of the optimizer's state per parameter in the worked example (the schema's
/// worked_example.state: adam m and v, plain gradient descent none). An optimizer whose row
/// names `slots_need` (sgd: momentum) keeps its slot_letters only when that box is not 0.
export function stateSlots(schema, doc) {
  const row = schema.optimizers.find((o) => o.name === doc.optimizer.name);
  if (row?.slots_need) {
    const parsed = parseOptimizerField(schema, row.slots_need, row.slots_need, doc.optimizer[row.slots_need]);
    const value = parsed.error ? 0 : parsed.value ?? row.hyperparameters.find((h) => h.name === row.slots_need)?.default;
    return value ? [...row.slot_letters] : [];
  }
  return [...(row?.worked_example.state ?? [])];
}

/// The optimizer's column kinds this doc's table can have: state (not for sgd), batch (with
/// mini-batches).
export function optimizerColumnKinds(schema, doc) {
  return kOptimizerColumnKinds.filter((k) => (k === 'state' ? stateSlots(schema, doc).length > 0 : miniBatch(schema, doc)));
}

/// What the student chose to see, as the engine's describe() reads it: the layers ticked (null:
/// the page chooses), the column kinds ticked (with the optimizer's state and batch when
/// ticked; the engine keeps them where the session has them), the rows shown and the
/// equations chosen.
export function viewChoices(state) {
  const optimizer = (state.optimizerColumns ?? kOptimizerColumnKinds);
  return {
    layers: state.tableLayers ?? null,
    columns: [...state.columns, ...optimizer],
    steps: state.stepsShown,
    equations_of: state.equationsOf ?? null,
  };
}

/// Shows or hides layer `n`'s columns (1-based), starting from the layers the table shows now
/// (`shownLayers`, the engine's decision).
export function toggleTableLayer(state, shownLayers, n, shown) {
  const set = new Set(shownLayers);
  if (shown) set.add(n); else set.delete(n);
  return { ...state, tableLayers: [...set].sort((a, b) => a - b) };
}

/// The engine's decision of the equations in the page's terms: `{ layer, unit, tooMany }`.
export function equationsChoice(described) {
  const e = described?.equations ?? { layer: 0, unit: 0, too_many: false };
  return { layer: e.layer, unit: e.unit, tooMany: e.too_many };
}

/// The student's choice of equations (layer, unit: 0 = all).
export function chooseEquations(state, layer, unit) {
  return { ...state, equationsOf: { layer, unit } };
}

/// Parses the decimals control: a whole number 0…12.
export function parsePrecision(text) {
  return parseWhole(text, 'decimals', 0, kMaxPrecision);
}

/// The state with the table's decimals set (an invalid text leaves it unchanged).
export function setPrecision(state, text) {
  const parsed = parsePrecision(text);
  return parsed.error ? state : { ...state, precision: parsed.value };
}

/// The functions above that take the schema first, bound to `schema` (the engine's schema(),
/// parsed), with every other export: what the page and the tests call as `model.f(...)`.
export function stateModel(schema) {
  const bound = {
    optimizerKeys, cellKeys, parseCell, cellErrors, lossErrors, setActivation, setPieces, setLoss, setOptimizer,
    miniBatch, addLayer, addSample, initSession, buildSession, docFromSession, stateFromSession,
    pasteData, step, stateSlots, optimizerColumnKinds,
  };
  const model = {
    ...kStateExports, schema, choosers: choosers(schema),
    /// The page's limits (schema.limits.page) and its most rows.
    kPageLimits: Object.freeze({ ...schema.limits.page }), kMaxSteps: schema.limits.page.steps,
  };
  for (const [name, f] of Object.entries(bound)) model[name] = (...args) => f(schema, ...args);
  return Object.freeze(model);
}
