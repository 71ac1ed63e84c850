// The names of a network's quantities, the same scheme as the engine's table columns
// (docs/engine-api.md): w2[1,3] is the weight from input 3 into unit 1 of layer 2; brackets are
// dropped where there is nothing to choose (w1 for a 1-unit, 1-input layer; b1 for a 1-unit
// layer). Data cells: x[s,i] is feature i of sample s, y[s,k] target k of sample s; with one
// sample and one column they are plain x and y, as in the lecture.

/// Name of weight (unit j, input i) of layer l (all 1-based) in a layer of `units` × `inputs`;
/// of a maxout layer's piece p (1-based; 0: none) w1p2[1,1], as the engine's columns.
export function weightName(l, j, i, units, inputs, piece = 0) {
  const p = piece > 0 ? `p${piece}` : '';
  return units === 1 && inputs === 1 ? `w${l}${p}` : `w${l}${p}[${j},${i}]`;
}

/// Name of the bias of unit j of layer l (1-based) in a layer of `units` (piece as weightName).
export function biasName(l, j, units, piece = 0) {
  const p = piece > 0 ? `p${piece}` : '';
  return units === 1 ? `b${l}${p}` : `b${l}${p}[${j}]`;
}

/// Name of a data cell: `kind` 'x' (input) or 'y' (target), sample s, column c (1-based),
/// in a grid of `samples` × `columns`.
export function dataName(kind, s, c, samples, columns) {
  if (samples === 1 && columns === 1) return kind;
  if (samples === 1) return `${kind}${c}`;
  return `${kind}[${s},${c}]`;
}
