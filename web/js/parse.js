// The student's text read as numbers: one number, a whole number, the learning-rates list,
// rows pasted from a spreadsheet. Pure: no DOM, no engine (node --test tests/js/parse.test.mjs).
// Cells keep their text as typed; the callers store texts, so a bad entry can be pointed at.

// A plain decimal number: "2", "-0.5", ".5", "1e-3". Not "1,5", "0x10" or "Infinity".
const kDecimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/// At most this many rates in one comparison (the engine's limit, rates.hpp kMaxRates).
export const kMaxRates = 8;
/// The text the rates field starts with: the lecture's three rates.
export const kDefaultRatesText = '0.1, 1, 10';

const kRatesLabel = 'learning rates';
const kRatesExpected = `${kRatesLabel}: expected numbers greater than 0 separated by commas`;
const kPasted = 'pasted data';

/// Parses one finite decimal number: `{ value }` or `{ error }` naming the field.
export function parseNumber(text, name) {
  const trimmed = String(text ?? '').trim();
  const value = Number(trimmed);
  return kDecimal.test(trimmed) && Number.isFinite(value)
    ? { value }
    : { error: `${name}: expected a number, got "${text ?? ''}"` };
}

/// Parses a whole number from `min` to `max`: `{ value }` or `{ error }` naming the field.
export function parseWhole(text, name, min, max) {
  const trimmed = String(text ?? '').trim();
  const value = Number(trimmed);
  return /^\d+$/.test(trimmed) && value >= min && value <= max
    ? { value }
    : { error: `${name}: expected a whole number from ${min} to ${max}, got "${text ?? ''}"` };
}

/// Parses the rates field: numbers separated by commas, semicolons or spaces ("0.1, 1, 10",
/// "0.1 1 10", "0.1;1;10"), each a finite decimal > 0 (the rule of parseNumber), at most 8.
/// Returns `{ value: [0.1, 1, 10] }` or `{ error }` naming the entry it refuses.
export function parseRates(text) {
  const entries = String(text).split(/[\s,;]+/).filter((entry) => entry !== '');
  if (entries.length === 0) return { error: `${kRatesExpected}, got nothing` };
  if (entries.length > kMaxRates) {
    return { error: `${kRatesLabel}: expected at most ${kMaxRates} rates, got ${entries.length}` };
  }
  const value = [];
  for (const entry of entries) {
    const parsed = parseNumber(entry, kRatesLabel);
    if (parsed.error || !(parsed.value > 0)) return { error: `${kRatesExpected}, got "${entry}"` };
    value.push(parsed.value);
  }
  return { value };
}

/// Reads rows pasted from a spreadsheet: tab-, semicolon- or comma-separated (the first
/// non-blank line's separator, in that order), blank lines skipped, each cell trimmed. A first
/// row that holds no number is a header and is skipped. Every row must hold `width` numbers
/// (`widthNote` says what they are, e.g. "1 inputs, 1 targets"), and there are at most
/// `maxRows`. Returns `{ rows: [[text, …], …] }` or `{ error }` naming the line and column.
export function readSpreadsheet(text, { width, widthNote, maxRows }) {
  const lines = String(text).split(/\r\n|\n|\r/)
    .map((line, n) => ({ line, n: n + 1 }))
    .filter(({ line }) => line.trim() !== '');
  if (lines.length === 0) return { error: `${kPasted}: nothing to read (it is empty)` };
  const separator = lines[0].line.includes('\t') ? '\t' : (lines[0].line.includes(';') ? ';' : ',');
  const split = ({ line }) => line.split(separator).map((c) => c.trim());
  const isHeader = split(lines[0]).every((c) => parseNumber(c, '').error);
  const body = isHeader ? lines.slice(1) : lines;
  if (body.length === 0) return { error: `${kPasted}: only a header row, no samples` };
  if (body.length > maxRows) {
    return { error: `${kPasted}: the page allows at most ${maxRows} samples, got ${body.length}` };
  }
  const rows = [];
  for (const row of body) {
    const cells = split(row);
    if (cells.length !== width) {
      return { error: `${kPasted}, line ${row.n}: expected ${width} values (${widthNote}), got ${cells.length}` };
    }
    for (let c = 0; c < cells.length; ++c) {
      if (parseNumber(cells[c], '').error) {
        const hint = /^[+-]?\d+,\d+$/.test(cells[c]) ? ' (write decimals with a point)' : '';
        return { error: `${kPasted}, line ${row.n}, column ${c + 1}: expected a number, got "${cells[c]}"${hint}` };
      }
    }
    rows.push(cells);
  }
  return { rows };
}
