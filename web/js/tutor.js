// Tutor mode's state: the step the student is working out (the cells the core listed, in the
// lecture's order), what they have done so far, and what is kept in the browser. Pure
// functions: the verdicts come from the core (checker module's tutorCheck); nothing here
// judges a number.

export const kTutorKey = 'nntutor.tutor.v1';
const kDoneStatuses = ['correct', 'rounding', 'revealed'];

/// What identifies the step being worked out: the session (network, data, start values, rate)
/// run to that step. A new network, a new rate or another step is another tutor.
export function tutorKey(session, step) {
  return JSON.stringify({ ...session, steps: step });
}

/// A fresh tutor for `result` (the core's tutorStep: `{ step, given, cells, decimals, note }`,
/// with momentum also `state`, the velocity before the update, and `momentum`).
export function newTutor(key, result) {
  return {
    key, step: result.step, given: result.given, cells: result.cells, decimals: result.decimals,
    state: result.state ?? [], momentum: result.momentum,
    note: result.note ?? '', done: [], tries: 0, hint: false, feedback: null,
  };
}

/// The same tutor with the core's cells written with other decimals (progress kept).
export function withCells(t, result) {
  return { ...t, given: result.given, cells: result.cells, decimals: result.decimals, state: result.state ?? [] };
}

/// The cell to type now, or null when the step is done.
export function currentCell(t) {
  return t.cells[t.done.length] ?? null;
}

export function isComplete(t) {
  return t.done.length >= t.cells.length;
}

/// The tutor after the core judged `typed` for the current cell: a right number (or one within
/// rounding) is done; a wrong one counts a try and opens the hint (the formula); a number with
/// too few decimals only asks for more.
export function afterCheck(t, typed, result) {
  const cell = currentCell(t);
  if (!cell) return t;
  const feedback = { column: cell.column, typed, ...result };
  if (result.verdict === 'correct' || result.verdict === 'rounding') {
    return { ...t, done: [...t.done, { status: result.verdict, text: typed }], tries: 0, hint: false, feedback };
  }
  if (result.verdict === 'wrong') return { ...t, tries: t.tries + 1, hint: true, feedback };
  return { ...t, feedback };
}

/// The tutor after "Reveal": the current cell shows the core's value and counts as revealed.
export function afterReveal(t) {
  const cell = currentCell(t);
  if (!cell) return t;
  return {
    ...t, done: [...t.done, { status: 'revealed', text: cell.text }], tries: 0, hint: false,
    feedback: { column: cell.column, verdict: 'revealed', expected: cell.text },
  };
}

/// How many cells were right, within rounding, revealed.
export function tally(t) {
  const count = { correct: 0, rounding: 0, revealed: 0 };
  for (const d of t.done) count[d.status] += 1;
  return count;
}

/// What is kept in the browser: whether the tutor is on, and the progress on its step.
export function progressOf(on, t) {
  return t ? { on, key: t.key, done: t.done, tries: t.tries, hint: t.hint } : { on };
}

/// `t` with the progress `saved` put back, if it is for this very step and reads as progress;
/// else `t` unchanged (a damaged or foreign record is ignored, never trusted).
export function restoreProgress(t, saved) {
  if (!saved || saved.key !== t.key || !Array.isArray(saved.done) || saved.done.length > t.cells.length) return t;
  const done = [];
  for (const d of saved.done) {
    if (!d || !kDoneStatuses.includes(d.status) || typeof d.text !== 'string' || d.text.length > 64) return t;
    done.push({ status: d.status, text: d.text });
  }
  const tries = Number.isInteger(saved.tries) && saved.tries >= 0 ? saved.tries : 0;
  return { ...t, done, tries, hint: saved.hint === true && tries > 0 };
}

/// Writes the progress; storage that is full or switched off is not worth an error.
export function saveTutor(storage, progress) {
  try {
    storage.setItem(kTutorKey, JSON.stringify(progress));
  } catch {
    // nothing to do: the tutor works without storage, it only forgets on reload
  }
}

/// Reads the progress: null when there is none or it cannot be read.
export function loadTutor(storage) {
  try {
    const saved = JSON.parse(storage.getItem(kTutorKey) ?? 'null');
    return saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : null;
  } catch {
    return null;
  }
}
