// The explorer page's data: the fields as the engine's requests, and which field a message of
// the engine names. Pure functions, no DOM, no Wasm; every list, default and limit comes from
// the engine's explorerSchema().

/// A field's text as the request holds it: the number it reads as, else the text itself, so
/// the engine's message names the field and quotes what was typed.
export function numberOrText(text) {
  const trimmed = String(text).trim();
  const value = Number(trimmed);
  return trimmed !== '' && Number.isFinite(value) ? value : String(text);
}

/// The row of activation `name` in the schema (its element-wise rows, then its piecewise ones:
/// maxout), or undefined.
export const activationRow = (schema, name) =>
  schema.activations.find((a) => a.name === name) ?? schema.piecewise?.find((a) => a.name === name);
/// The row of initialiser `name` in the schema, or undefined.
export const initializerRow = (schema, name) => schema.initializers.find((i) => i.name === name);

/// The fields the page starts with, from the schema's defaults.
export function defaultFields(schema) {
  const chain = schema.chain;
  const activation = chain.defaults.activation;
  return {
    activation, alpha: '', from: String(schema.curve.from), to: String(schema.curve.to), z: schema.curve.at,
    depth: String(chain.depth.default), width: String(chain.width.default), chainActivation: activation,
    chainAlpha: '', init: chain.defaults.init, scale: String(chain.scale.default), seed: String(chain.seed.default),
    x: String(chain.defaults.x), y: String(chain.defaults.y),
  };
}

/// The α field's text for activation `name`: its default α, or '' when it takes none.
export function alphaText(schema, name) {
  const row = activationRow(schema, name);
  return row && row.alpha !== null ? String(row.alpha) : '';
}

/// The field keys of maxout's piece p (1-based): `piece1w`, `piece1b`.
export const pieceKeys = (p) => [`piece${p}w`, `piece${p}b`];

/// The piece fields' starting texts for a row with pieces (maxout): its count and w, b defaults.
export function defaultPieceFields(row) {
  const fields = { pieceCount: String(row.pieces.default) };
  row.pieces.defaults.forEach((piece, i) => {
    const [w, b] = pieceKeys(i + 1);
    fields[w] = String(piece.w);
    fields[b] = String(piece.b);
  });
  return fields;
}

/// The curve request: `{ activation, alpha?, from, to, points, at }`, or for a row with pieces
/// (maxout) `{ activation, pieces: [{ w, b }, …], from, to, points, at }`.
export function curveRequest(schema, fields, { points = schema.curve.points.default, at = fields.z } = {}) {
  const request = { activation: fields.activation, from: numberOrText(fields.from), to: numberOrText(fields.to), points, at };
  const row = activationRow(schema, fields.activation);
  if (row?.pieces) {
    const k = Number(fields.pieceCount);
    request.pieces = Array.from({ length: k }, (_, i) => {
      const [w, b] = pieceKeys(i + 1);
      return { w: numberOrText(fields[w] ?? ''), b: numberOrText(fields[b] ?? '') };
    });
  } else if (row?.alpha !== null) {
    request.alpha = numberOrText(fields.alpha);
  }
  return request;
}

/// The chain request: scale only for an initialiser that reads it, seed only for one that draws.
export function chainRequest(schema, fields) {
  const request = {
    depth: numberOrText(fields.depth), width: numberOrText(fields.width), activation: fields.chainActivation,
    init: fields.init, x: numberOrText(fields.x), y: numberOrText(fields.y),
  };
  if (activationRow(schema, fields.chainActivation)?.alpha !== null) request.alpha = numberOrText(fields.chainAlpha);
  const init = initializerRow(schema, fields.init);
  if (!init || init.uses_scale) request.scale = numberOrText(fields.scale);
  if (!init || init.uses_seed) request.seed = numberOrText(fields.seed);
  return request;
}

const kCurveFields = { activation: 'activation', alpha: 'alpha', from: 'from', to: 'to' };
const kChainFields = {
  depth: 'depth', width: 'width', activation: 'chainActivation', alpha: 'chainAlpha', init: 'init',
  scale: 'scale', seed: 'seed', x: 'x', y: 'y',
};

/// The field (a key of the fields) an engine message names by its first word ("depth: …"), or
/// null; `which` is 'curve' or 'chain'.
export function fieldOfMessage(message, which) {
  const piece = /^pieces\[(\d+)\]\.([wb]):/.exec(message);
  if (piece && which === 'curve') return `piece${Number(piece[1]) + 1}${piece[2]}`;
  if (/^pieces(\[\d+\])?:/.test(message) && which === 'curve') return 'pieceCount';
  const name = /^([a-z_]+):/.exec(message)?.[1];
  const map = which === 'curve' ? kCurveFields : kChainFields;
  return name && Object.hasOwn(map, name) ? map[name] : null;
}

/// An engine message about a field (fieldOfMessage's) under the field's label: render-form.js's,
/// as the trainer and digits pages name their fields ("pieces[1].w: …" → "w of piece 2: …").
export { messageForField } from './render-form.js';

/// The slider's step: 1/200 of the range, rounded down to 1, 2 or 5 times a power of ten.
export function sliderStep(from, to) {
  const raw = (to - from) / 200;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * power;
}
