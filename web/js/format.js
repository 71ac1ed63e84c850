// How the table's numbers and column headers are written: pure functions of what the engine
// returned (no DOM, no arithmetic on the values beyond rounding them for display).

/// A number with `decimals` decimals; "-0.0000" is written "0.0000". Huge magnitudes use
/// exponent notation; a value that is not a finite number is written "—".
export function formatNumber(value, decimals) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  // The same rule as the engine's tables (nntutor::fixed): scientific from 1e15 on.
  const text = Math.abs(value) < 1e15 ? value.toFixed(decimals) : value.toExponential(decimals);
  // Rounding a small negative value to zero leaves a sign that says nothing.
  return text.startsWith('-') && !/[1-9]/.test(text) ? text.slice(1) : text;
}

/// The sizes a header needs to know which indices to write, read from the column
/// descriptors: per layer the most units and inputs seen, and the number of samples.
export function tableShape(columns) {
  const layers = new Map();
  let samples = 1;
  for (const c of columns) {
    if (c.layer > 0) {
      const l = layers.get(c.layer) ?? { units: 1, inputs: 1 };
      l.units = Math.max(l.units, c.unit || 1);
      l.inputs = Math.max(l.inputs, c.input || 1);
      layers.set(c.layer, l);
    }
    samples = Math.max(samples, c.sample || 1);
  }
  return { layers, samples };
}

const kSymbols = {
  w: ['', 'w'], b: ['', 'b'], z: ['', 'z'], y: ['', 'y'], dw: ['∂L/∂', 'w'], db: ['∂L/∂', 'b'],
  winner: ['', 'win'],
};

/// The name of a graph session's column: optimizer slot, dL/d, symbol, index, sample.
const kGraphName = /^(?:([a-z]+)_)?(dL\/d)?([wbzy])\[([^\]]+)\](@\d+)?$/;

/// The header of one column as parts: `{ prefix, symbol, sub, suffix, text }`, e.g. ∂L/∂w₁ is
/// `{ prefix: '∂L/∂', symbol: 'w', sub: '1', suffix: '' }` and the weight from input 2 to unit 1
/// of layer 3 for sample 2 … `{ symbol: 'w', sub: '3', suffix: '[1,2]' }`. Brackets are left out
/// where there is nothing to choose (engine-api.md); `text` is the whole header as plain text.
export function columnHeader(column, shape) {
  if (column.kind === 'step') return { prefix: '', symbol: 'step', sub: '', suffix: '', text: 'step' };
  if (column.kind === 'loss') return { prefix: '', symbol: 'L', sub: '', suffix: '', text: 'L' };
  if (column.kind === 'batch') {
    return { prefix: '', symbol: 'batch', sub: '', suffix: `@${column.sample}`, text: `batch@${column.sample}` };
  }
  // A graph session's column (docs/graph.md): the engine's name has no layer, `w[3,x1]`,
  // `dL/db[2]`, `m_w[3,1]`, `z[4]@2`; written ∂L/∂w[3,x1], m_w[3,1].
  const graph = kGraphName.exec(column.name ?? '');
  if (graph) {
    const [, slot, d, symbol, index, sample] = graph;
    const prefix = `${slot ? `${slot}_` : ''}${d ? '∂L/∂' : ''}`;
    const suffix = `[${index}]${sample ?? ''}`;
    return { prefix, symbol, sub: '', suffix, text: `${prefix}${symbol}${suffix}` };
  }
  if (column.kind === 'state') {
    // The optimizer's state of a weight or bias: m_w₁, v_b₂[3] (the engine's m_w1, v_b2[3]).
    const parameter = columnHeader({ ...column, kind: column.input > 0 ? 'w' : 'b' }, shape);
    const prefix = `${column.slot}_`;
    return { ...parameter, prefix, text: `${prefix}${parameter.text}` };
  }
  const [prefix, symbol] = kSymbols[column.kind] ?? ['', column.kind];
  const layer = shape.layers.get(column.layer) ?? { units: 1, inputs: 1 };
  let suffix = '';
  if (column.kind === 'w' || column.kind === 'dw') {
    if (layer.units > 1 || layer.inputs > 1) suffix = `[${column.unit},${column.input}]`;
  } else if (layer.units > 1) {
    suffix = `[${column.unit}]`;
  }
  if ((column.kind === 'z' || column.kind === 'y' || column.kind === 'winner') && shape.samples > 1 && column.sample > 0) {
    suffix += `@${column.sample}`;
  }
  // A maxout piece: w₁ₚ₂ (the engine's w1p2), the winning piece win₁.
  const sub = column.piece ? `${column.layer}p${column.piece}` : String(column.layer);
  return { prefix, symbol, sub, suffix, text: `${prefix}${symbol}${sub}${suffix}` };
}

/// A table cell: the step and the batch columns as whole numbers, an optimizer's state with
/// `decimals` decimals or, where those would show 0 (adam's v is often 1e-6 and less), with
/// three significant digits (7.90e-6); every other number as formatNumber.
export function formatCell(column, value, decimals) {
  if (column.kind === 'step' || column.kind === 'batch' || column.kind === 'winner') return String(value);
  if (column.kind === 'state' && value !== 0 && Number.isFinite(value) && Math.abs(value) < 0.5 * 10 ** -decimals) {
    return value.toExponential(2);
  }
  return formatNumber(value, decimals);
}

/// Consecutive columns of the same layer, for the "Layer 1 | Layer 2" header row:
/// `[{ layer: 0, span: 1 }, { layer: 1, span: 6 }, …]` (layer 0: step and L).
export function columnGroups(columns) {
  const groups = [];
  for (const c of columns) {
    const layer = c.layer || 0;
    const last = groups[groups.length - 1];
    if (last && last.layer === layer && layer > 0) last.span += 1;
    else groups.push({ layer, span: 1 });
  }
  return groups;
}

/// The loss of the last row and how it compares with the row before, using the numbers the
/// engine returned: `{ step, loss, previousStep, previous, trend }` with trend 'fell', 'rose',
/// 'same' or 'first'; null when there are no rows.
export function lossTrend(columns, rows) {
  const lossAt = columns.findIndex((c) => c.kind === 'loss');
  const stepAt = columns.findIndex((c) => c.kind === 'step');
  if (lossAt < 0 || rows.length === 0) return null;
  const last = rows[rows.length - 1];
  const stepOf = (row, index) => (stepAt >= 0 ? row[stepAt] : index + 1);
  const step = stepOf(last, rows.length - 1);
  if (rows.length === 1) {
    return { step, loss: last[lossAt], previousStep: null, previous: null, trend: 'first' };
  }
  const before = rows[rows.length - 2];
  const previous = before[lossAt];
  const loss = last[lossAt];
  const trend = loss < previous ? 'fell' : loss > previous ? 'rose' : 'same';
  return { step, loss, previousStep: stepOf(before, rows.length - 2), previous, trend };
}
