// The page's state as plain data, and the pure functions that change it.
// No DOM, no engine: everything here runs under `node --test`.
//
// state = { fields, stepsShown, precision }
//   fields     the text of each input exactly as typed ({ x: '1', w1: '0.5', … })
//   stepsShown how many rows of the trace the table shows (the session's "steps")
//   precision  decimals shown in the table (0…12)

/// The inputs of the worked example, in the order the page shows them.
export const kFieldNames = ['x', 'y', 'w1', 'b1', 'w2', 'b2', 'learningRate'];

/// The name each field goes by in labels and messages.
export const kFieldLabels = {
  x: 'x', y: 'y', w1: 'w1', b1: 'b1', w2: 'w2', b2: 'b2', learningRate: 'learning rate',
};

/// The lecture's start values (section 3), η = 0.1.
export const kLectureFields = Object.freeze({
  x: '1', y: '1', w1: '0.5', b1: '0', w2: '0.8', b2: '0', learningRate: '0.1',
});

/// The three learning rates whose 5-step tables the slides fill.
export const kPresetRates = Object.freeze([0.1, 1, 10]);
/// Rows shown by a preset (the slides' tables have 5 steps).
export const kPresetSteps = 5;
/// Rows added by "Run 10 steps".
export const kRunSteps = 10;
/// The engine's limit on steps per session.
export const kMaxSteps = 10000;
export const kDefaultPrecision = 4;
export const kMaxPrecision = 12;

// A plain decimal number: "2", "-0.5", ".5", "1e-3". Not "1,5", "0x10" or "Infinity".
const kDecimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/// The page's start: the lecture example, no rows yet.
export function initialState() {
  return { fields: { ...kLectureFields }, stepsShown: 0, precision: kDefaultPrecision };
}

/// Parses one finite decimal number: `{ value }` or `{ error }` naming the field.
export function parseNumber(text, name) {
  const trimmed = String(text).trim();
  const value = Number(trimmed);
  return kDecimal.test(trimmed) && Number.isFinite(value)
    ? { value }
    : { error: `${name}: expected a number, got "${text}"` };
}

/// Parses the text of one field by its rule: a number, and for the learning rate η > 0.
export function parseField(key, text) {
  const label = kFieldLabels[key];
  const parsed = parseNumber(text, label);
  if (parsed.error) return parsed;
  if (key === 'learningRate' && !(parsed.value > 0)) {
    return { error: `${label}: must be greater than 0, got ${text.trim()}` };
  }
  return parsed;
}

/// Every field's message, `{ w1: 'w1: expected a number, got "abc"' }`; empty when all are good.
export function fieldErrors(fields) {
  const errors = {};
  for (const key of kFieldNames) {
    const parsed = parseField(key, fields[key]);
    if (parsed.error) errors[key] = parsed.error;
  }
  return errors;
}

/// The engine session for the state (engine-api.md): `{ value: session }` or `{ errors }`.
export function buildSession(state) {
  const errors = fieldErrors(state.fields);
  if (Object.keys(errors).length > 0) return { errors };
  const v = Object.fromEntries(kFieldNames.map((key) => [key, parseField(key, state.fields[key]).value]));
  return {
    value: {
      inputs: [[v.x]],
      targets: [[v.y]],
      layers: [
        { units: 1, activation: 'sigmoid', weights: [[v.w1]], biases: [v.b1] },
        { units: 1, activation: 'sigmoid', weights: [[v.w2]], biases: [v.b2] },
      ],
      loss: 'half_sse',
      optimizer: { name: 'sgd', learning_rate: v.learningRate },
      steps: state.stepsShown,
    },
  };
}

/// The state with one field's text replaced (the text is kept even when it is not a number).
export function setField(state, key, text) {
  if (!kFieldNames.includes(key)) throw new Error(`unknown field "${key}"`);
  return { ...state, fields: { ...state.fields, [key]: text } };
}

/// Shows `count` more rows (Step: 1, Run 10 steps: 10), up to the engine's limit.
export function step(state, count = 1) {
  return { ...state, stepsShown: Math.min(kMaxSteps, state.stepsShown + count) };
}

/// Shows one row fewer; at 0 rows nothing changes.
export function back(state) {
  return { ...state, stepsShown: Math.max(0, state.stepsShown - 1) };
}

/// Back to step 0, keeping the values typed.
export function reset(state) {
  return { ...state, stepsShown: 0 };
}

/// The lecture example at learning rate `rate`, with the slides' 5 rows.
export function preset(state, rate) {
  return {
    ...state, fields: { ...kLectureFields, learningRate: String(rate) }, stepsShown: kPresetSteps,
  };
}

/// After the engine reports divergence at step `at`, more rows cannot be computed:
/// showing `at` steps keeps the rows before it and the message.
export function stopAtDivergence(state, at) {
  return { ...state, stepsShown: Math.min(state.stepsShown, at) };
}

/// Parses the decimals control: a whole number 0…12.
export function parsePrecision(text) {
  const trimmed = String(text).trim();
  const value = Number(trimmed);
  return /^\d+$/.test(trimmed) && value <= kMaxPrecision
    ? { value }
    : { error: `decimals: expected a whole number from 0 to ${kMaxPrecision}, got "${text}"` };
}

/// The state with the table's decimals set (an invalid text leaves it unchanged).
export function setPrecision(state, text) {
  const parsed = parsePrecision(text);
  return parsed.error ? state : { ...state, precision: parsed.value };
}
