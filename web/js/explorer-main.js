// The explorer page's wiring: fields → requests (explorer-state.js) → the engine (Wasm) →
// drawings (explorer-render.js). The engine is the explorer's own Wasm module. A refused request shows the engine's message at the field it
// names, and the last good drawing stays.
import { EngineError, loadExplorer } from './engine.js';
import {
  alphaText, activationRow, chainRequest, curveRequest, defaultFields, defaultPieceFields, fieldOfMessage, initializerRow,
  pieceKeys, sliderStep,
} from './explorer-state.js';
import { ChainPlot, CurvePlot, renderChainTable, renderFormula, showNumber } from './explorer-render.js';
import { messageAtLabel, showFieldError } from './render-form.js';

const byId = (id) => document.getElementById(id);
const kInputs = {
  activation: byId('activation'), alpha: byId('alpha'), from: byId('from'), to: byId('to'),
  depth: byId('depth'), width: byId('width'), chainActivation: byId('chain-activation'),
  chainAlpha: byId('chain-alpha'), init: byId('init'), scale: byId('scale'), seed: byId('seed'),
  x: byId('x'), y: byId('y'), pieceCount: byId('piece-count'),
};
const kCurveKeys = ['activation', 'alpha', 'from', 'to', 'pieceCount'];
const kChainKeys = ['depth', 'width', 'chainActivation', 'chainAlpha', 'init', 'scale', 'seed', 'x', 'y'];
const status = byId('explorer-status');
const slider = byId('z');

let engine = null;
let schema = null;
const fields = {};
const curvePlot = new CurvePlot(byId('curve-chart'), (z) => moveTo(z));
const chainPlot = new ChainPlot(byId('chain-chart'));

function readFields() {
  for (const [key, input] of Object.entries(kInputs)) fields[key] = input.value;
}

/// Shows `error` (an EngineError) at the field it names among `keys`, or in the status line.
function showError(error, which, keys) {
  for (const key of keys) showFieldError(kInputs[key], null);
  if (!error) return;
  const key = fieldOfMessage(error.message, which);
  if (key && keys.includes(key)) showFieldError(kInputs[key], messageAtLabel(error.message, kInputs[key]));
  else showStatus(error.message, true);
}

function showStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('is-error', isError);
}

/// The rows' titles ("sigmoid σ", "He normal"), their names as the values (the request's).
function fillSelect(select, rows) {
  select.replaceChildren(...rows.map((row) => new Option(row.title ?? row.name, row.name)));
}

/// α can be typed only for an activation that takes one.
function showAlpha(selectKey, alphaKey) {
  const takes = activationRow(schema, kInputs[selectKey].value)?.alpha !== null;
  const [select, alpha] = [kInputs[selectKey], kInputs[alphaKey]];
  alpha.disabled = !takes;
  if (takes) {
    alpha.placeholder = '';
    alpha.removeAttribute('title');
    if (alpha.value === '') alpha.value = alphaText(schema, select.value);
  } else {
    // Says why the box is empty, short enough for a phone's half-width box; the whole sentence,
    // with the option's own label, on hover: "sigmoid σ has no α".
    alpha.placeholder = 'not used';
    alpha.title = `${select.options[select.selectedIndex]?.text ?? select.value} has no α`;
    alpha.value = '';
  }
}

// ---- The curve ----

/// The row with pieces (maxout) the curve offers, or undefined.
const piecesRow = () => (schema.piecewise ?? []).find((a) => a.pieces && a.curve);

/// maxout's fields: the count k (min…max from the schema) and w, b of every piece up to max,
/// labelled "w of piece p", "b of piece p"; each with its error line.
function buildPieceFields() {
  const row = piecesRow();
  if (!row) return;
  const { min, max } = row.pieces;
  kInputs.pieceCount.replaceChildren(
    ...Array.from({ length: max - min + 1 }, (_, i) => new Option(String(min + i), String(min + i))));
  const box = byId('piece-fields');
  for (let p = 1; p <= max; p += 1) {
    for (const [key, letter] of pieceKeys(p).map((k, i) => [k, i === 0 ? 'w' : 'b'])) {
      const field = document.createElement('div');
      field.className = 'field piece-field';
      field.dataset.piece = String(p);
      const id = `piece${p}-${letter}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = `${letter} of piece ${p}`;
      const input = document.createElement('input');
      input.type = 'text';
      input.id = id;
      input.inputMode = 'decimal';
      const error = document.createElement('p');
      error.className = 'field-error';
      error.id = `${id}-error`;
      error.hidden = true;
      field.append(label, input, error);
      box.append(field);
      kInputs[key] = input;
      kCurveKeys.push(key);
      input.addEventListener('input', updateCurve);
    }
  }
  kInputs.pieceCount.addEventListener('change', updateCurve);
}

/// Shows maxout's fields (the first k pieces) only when maxout is chosen.
function showPieces() {
  const row = activationRow(schema, kInputs.activation.value);
  const box = byId('maxout-pieces');
  box.hidden = !row?.pieces;
  const k = Number(kInputs.pieceCount.value);
  for (const field of byId('piece-fields').children) field.hidden = Number(field.dataset.piece) > k;
}

function updateCurve() {
  readFields();
  let curve;
  try {
    curve = engine.activationCurve(curveRequest(schema, fields));
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    showError(e, 'curve', kCurveKeys);
    return;
  }
  showError(null, 'curve', kCurveKeys);
  showStatus('');
  showPieces();
  slider.min = String(curve.from);
  slider.max = String(curve.to);
  slider.step = String(sliderStep(curve.from, curve.to));
  curvePlot.setCurve(curve);
  renderFormula(byId('formula-f'), curve.latex_f);
  renderFormula(byId('formula-df'), curve.latex_df);
  byId('prop-range').textContent = curve.range_text;
  byId('prop-centred').textContent = curve.zero_centred_text;
  byId('prop-saturation').textContent = curve.saturation_text;
  const note = byId('vector-note');
  note.hidden = curve.vector_note === null;
  note.textContent = curve.vector_note ?? '';
  byId('curve-chart').setAttribute('aria-label',
    `${curve.title}: f and f′ against z from ${curve.from} to ${curve.to}; ${curve.saturation_text}`);
  const z = Math.min(curve.to, Math.max(curve.from, fields.z));
  showPoint(curve.point && curve.point.z === z ? curve.point : null, z);
}

/// Moves the point to z (from the slider or a drag) and asks the engine for f(z) and f′(z).
function moveTo(z) {
  if (!Number.isFinite(z)) return;
  const lo = Number(slider.min), hi = Number(slider.max);
  fields.z = Math.min(hi, Math.max(lo, z));
  slider.value = String(fields.z);
  showPoint(null, fields.z);
}

function showPoint(given, z) {
  fields.z = z;
  let point = given;
  if (!point) {
    try {
      point = engine.activationCurve(curveRequest(schema, fields, { points: 2, at: z })).point;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      showError(e, 'curve', kCurveKeys);
      return;
    }
  }
  slider.value = String(z);
  byId('z-value').textContent = showNumber(point.z);
  byId('point-z').textContent = showNumber(point.z);
  byId('point-f').textContent = showNumber(point.f);
  byId('point-df').textContent = showNumber(point.df) + (point.saturated ? ' (saturated: |f′| < 0.01)' : '');
  renderFormula(byId('formula-f-at'), point.latex_f);
  renderFormula(byId('formula-df-at'), point.latex_df);
  const pieces = Array.isArray(point.z_pieces);
  for (const e of document.querySelectorAll('.maxout-only')) e.hidden = !pieces;
  byId('point-pieces').textContent = pieces ? point.z_pieces.map((v, i) => `z${i + 1} = ${showNumber(v)}`).join(', ') : '';
  byId('point-winner').textContent = pieces ? point.winner_text : '';
  byId('point-gradients').textContent = pieces ? point.gradients_text : '';
  curvePlot.setPoint(point);
}

// ---- The chain ----

function updateChain() {
  readFields();
  const init = initializerRow(schema, fields.init);
  kInputs.scale.disabled = Boolean(init) && !init.uses_scale;
  kInputs.seed.disabled = Boolean(init) && !init.uses_seed;
  byId('init-formula').textContent = init ? `${init.title}: ${init.formula}` : '';
  let result;
  try {
    result = engine.chainGradients(chainRequest(schema, fields));
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    showError(e, 'chain', kChainKeys);
    return;
  }
  showError(null, 'chain', kChainKeys);
  chainPlot.set(result);
  renderChainTable(byId('chain-table'), result);
  byId('chain-explanation').textContent = result.explanation +
    (result.diverged ? ` The table would stop at step 1: ${result.diverged.reason}.` : '');
  byId('slip').textContent = result.slip;
}

// ---- Start ----

async function start() {
  try {
    engine = await loadExplorer();
  } catch (e) {
    showStatus(e.message, true);
    return;
  }
  schema = engine.explorerSchema();
  fillSelect(kInputs.activation, [...schema.activations, ...(schema.piecewise ?? [])].filter((a) => a.curve));
  fillSelect(kInputs.chainActivation, schema.activations.filter((a) => a.chain));
  fillSelect(kInputs.init, schema.initializers);
  byId('chain-activation-note').textContent =
    (schema.piecewise ?? []).filter((a) => !a.chain && a.chain_note).map((a) => a.chain_note).join(' ');
  buildPieceFields();
  const start = defaultFields(schema);
  Object.assign(start, piecesRow() ? defaultPieceFields(piecesRow()) : {});
  for (const [key, input] of Object.entries(kInputs)) input.value = start[key] ?? '';
  fields.z = start.z;
  showAlpha('activation', 'alpha');
  showAlpha('chainActivation', 'chainAlpha');
  kInputs.activation.addEventListener('change', () => {
    kInputs.alpha.value = '';
    showAlpha('activation', 'alpha');
    updateCurve();
  });
  for (const key of ['alpha', 'from', 'to']) kInputs[key].addEventListener('input', updateCurve);
  slider.addEventListener('input', () => moveTo(Number(slider.value)));
  kInputs.chainActivation.addEventListener('change', () => {
    kInputs.chainAlpha.value = '';
    showAlpha('chainActivation', 'chainAlpha');
    updateChain();
  });
  kInputs.init.addEventListener('change', updateChain);
  for (const key of ['depth', 'width', 'chainAlpha', 'scale', 'seed', 'x', 'y']) kInputs[key].addEventListener('input', updateChain);
  updateCurve();
  updateChain();
  showStatus('Ready: choose an activation and drag the point; change the chain to see its gradients.');
}

start();
