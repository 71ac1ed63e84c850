// Loads the WebAssembly engine and converts its calls: objects in, parsed values out.
// The module returns `{ ok, error, value }` and never throws; here `ok: false` becomes an
// EngineError, the one error type the page shows to the user (see docs/engine-api.md).

/// An error reported by the engine (or by loading it), with the engine's message.
export class EngineError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EngineError';
  }
}

/// Returns the parsed value of a `{ ok, error, value }` result, or throws EngineError.
function unwrap(result, what) {
  if (!result || typeof result !== 'object') {
    throw new EngineError(`${what}: the engine returned no result`);
  }
  if (!result.ok) throw new EngineError(String(result.error));
  try {
    return JSON.parse(result.value);
  } catch (e) {
    throw new EngineError(`${what}: the engine returned invalid JSON (${e.message})`);
  }
}

/// Instantiates the module from its factory (in the page: the global `createEngine`
/// that nntutor_wasm.js defines) and returns `{ run, equations, compareRates, format, open, limits,
/// version }`.
export async function loadEngine(createEngine = globalThis.createEngine) {
  if (typeof createEngine !== 'function') {
    throw new EngineError('the engine script nntutor_wasm.js did not load');
  }
  let module;
  try {
    module = await createEngine();
  } catch (e) {
    throw new EngineError(`the engine did not start: ${e?.message ?? e}`);
  }
  return {
    /// Runs a session (an object, see engine-api.md) and returns
    /// `{ session, steps, diverged, table: { columns, rows } }`.
    /// `options` (optional): `{ columns: ['w','b','z','y','dw','db','loss'], layers: [1, 2],
    /// trace_step: k | 'all' | 'none', limits: 'page' | 'engine' }` — which column kinds and
    /// layers the table holds, which steps' traces come back, and whose limits apply.
    run(session, options) {
      return unwrap(module.run(JSON.stringify(session), JSON.stringify(options ?? {})), 'run');
    },
    /// The chain rule of every weight and bias at `step` (1-based), with the step's numbers:
    /// `{ step, latex, equations: [{ name, lhs, latex, substituted, factors, products, value }] }`.
    /// `options`: `{ layers: [1, 2] }` keeps those layers' parameters (and their δ).
    equations(session, step, precision, options) {
      return unwrap(module.equations(JSON.stringify(session), step, precision,
        JSON.stringify(options ?? {})), 'equations');
    },
    /// The session at several learning rates: `{ rates: [{ learning_rate, losses, first_rise,
    /// diverged, table }], all_fall, explanation }`.
    /// `options`: the columns and layers of each rate's table, as for run().
    compareRates(session, rates, options) {
      return unwrap(module.compareRates(JSON.stringify(session), JSON.stringify(rates),
        JSON.stringify(options ?? {})), 'compareRates');
    },
    /// The table as text: format 'csv', 'markdown', 'latex' or 'json' (JSON Lines).
    /// `options`: the columns and layers to keep, as for run().
    format(session, format, precision, options) {
      const result = module.format(JSON.stringify(session), format, precision,
        JSON.stringify(options ?? {}));
      if (!result?.ok) throw new EngineError(String(result?.error ?? 'format: no result'));
      return result.value;
    },
    /// Opens `session` in a workbook that keeps it and its trace (docs/engine-api.md,
    /// "Workbook"): a step computes one step and a row read only reads, with the numbers of
    /// run(). `options`: `{ limits: 'page' | 'engine' }` and the table view `{ columns, layers,
    /// units }` that rows() uses by default. Call close() when done (it frees Wasm memory).
    open(session, options = {}) {
      return openWorkbook(module, session, options);
    },
    /// The limits the engine enforces: `{ layers, units, features, samples, steps, work,
    /// trace_numbers }`.
    limits() {
      return JSON.parse(module.limits());
    },
    /// The session (any JSON value) parsed and checked against the page's limits, with every
    /// default and start weight written out (run()'s `session`), without computing a step.
    normalise(session) {
      return unwrap(module.normalise(JSON.stringify(session)), 'normalise');
    },
    /// The activations, losses and optimizers with their defaults, rules and formulas, the
    /// limits and the session's defaults (docs/engine-api.md, "Schema"): the page's choosers,
    /// default values and limits come from here (main.js asks once, for stateModel).
    schema() {
      return JSON.parse(module.schema());
    },
    /// The engine's version string.
    version() {
      return typeof module.version === 'function' ? String(module.version()) : '';
    },
  };
}

/// A session held open in the module's Workbook (see loadEngine().open). Every method throws
/// EngineError with the engine's message; a refused call leaves the workbook as it was.
function openWorkbook(module, session, options) {
  if (typeof module.Workbook !== 'function') {
    throw new EngineError('open: this engine has no Workbook (rebuild nntutor_wasm.js)');
  }
  let handle = new module.Workbook();
  const view = JSON.stringify(options ?? {});
  try {
    unwrap(handle.open(JSON.stringify(session), view), 'open');
  } catch (e) {
    handle.delete();
    throw e;
  }
  const held = (what) => {
    if (!handle) throw new EngineError(`${what}: the workbook is closed`);
    return handle;
  };
  return {
    /// `{ steps, rows, kept, diverged }` now: steps held (rows, plus 1 after a divergence),
    /// rows computed, `kept` = rows, `diverged` null or `{ at, reason }`.
    status() {
      return unwrap(held('status').status(), 'status');
    },
    /// Computes one more step: `{ steps, rows, kept, diverged }`, rows 1…kept unchanged
    /// (read the new one with rows(kept + 1)). Throws after a divergence or at the limits.
    step() {
      return unwrap(held('step').step(), 'step');
    },
    /// Drops the last step (or the divergence): `{ steps, rows, kept, diverged }`.
    back() {
      return unwrap(held('back').back(), 'back');
    },
    /// Back to step 0: `{ steps: 0, rows: 0, kept: 0, diverged: null }`.
    reset() {
      return unwrap(held('reset').reset(), 'reset');
    },
    /// Replaces the session (an object, as for run()); only the steps it changes are computed
    /// again: `kept` rows are as they were (all of them when only `steps` changed).
    setSession(next) {
      return unwrap(held('setSession').setSession(JSON.stringify(next)), 'setSession');
    },
    /// The table rows from row `from` (1-based) on: `{ columns, rows, diverged }` with
    /// `columns` only when `from` is 1 (run()'s `table`). `rowView`: `{ columns, layers, units }`,
    /// by default the view given to open().
    rows(from = 1, rowView) {
      const text = rowView === undefined ? view : JSON.stringify(rowView);
      return unwrap(held('rows').rows(from, text), 'rows');
    },
    /// The trace of step `k` (1-based), as run() returns it in `steps` for `trace_step: k`.
    trace(k) {
      return unwrap(held('trace').trace(k), 'trace');
    },
    /// The equations of step `k` at `precision` decimals, as equations() returns them;
    /// `equationsView`: `{ layers: [l], units: [j] }`.
    equations(k, precision, equationsView) {
      return unwrap(held('equations').equations(k, precision, JSON.stringify(equationsView ?? {})),
        'equations');
    },
    /// What the page draws at once for the student's `choices` ({ layers | null, columns, steps,
    /// equations_of | null }): `{ table: { columns, layers, all_columns, cells, note },
    /// equations: { layer, unit, too_many }, limits }` — the core decides (page_view.hpp).
    describe(choices) {
      return unwrap(held('describe').describe(JSON.stringify(choices)), 'describe');
    },
    /// The session with every weight written out and `steps` = steps held (run()'s `session`).
    session() {
      return unwrap(held('session').session(), 'session');
    },
    /// Frees the workbook; later calls throw EngineError. Closing twice does nothing.
    close() {
      if (handle) handle.delete();
      handle = null;
    },
  };
}

/// Instantiates the checker's module (nntutor_check_wasm.js defines the global `createChecker`;
/// the page loads it on first use) and returns `{ check, assignment, report, tutorStep, tutorCheck }`.
export async function loadChecker(createChecker = globalThis.createChecker) {
  if (typeof createChecker !== 'function') {
    throw new EngineError('the checker script nntutor_check_wasm.js did not load');
  }
  let module;
  try {
    module = await createChecker();
  } catch (e) {
    throw new EngineError(`the checker did not start: ${e?.message ?? e}`);
  }
  return {
    /// The student's table `answer` (CSV, tab-separated or Markdown text) checked against
    /// `session`: `{ cells: [{ row, column, given, expected, verdict, why, formula, … }],
    /// summary }` (docs/check.md). `mode`: 'start' or 'step'.
    check(session, answer, mode) {
      return unwrap(module.check(JSON.stringify(session), String(answer), mode), 'check');
    },
    /// Assignment 4's requirements for the network of `session`, each with its evidence:
    /// `{ requirements: [{ id, title, passed, evidence, … }], passed, summary }`
    /// (docs/assignment.md).
    assignment(session) {
      return unwrap(module.assignment(JSON.stringify(session)), 'assignment');
    },
    /// Assignment 4's report on `session` with the student's `description` (docs/assignment.md,
    /// "Report"): format 'json' gives the parsed parts for the page (`{ description, network,
    /// assignment, equations, tables }`); 'markdown' or 'latex' the document's text.
    report(session, description, format, precision) {
      const result = module.report(JSON.stringify(session), String(description), format, precision);
      if (format === 'json') return unwrap(result, 'report');
      if (!result?.ok) throw new EngineError(String(result?.error ?? 'report: no result'));
      return result.value;
    },
    /// Tutor mode: the cells of step `step` to type, in the lecture's order, each with its
    /// exact value and its text at `decimals` decimals: `{ step, given, cells: [{ column, row,
    /// stage, exact, text }], decimals, note }` (docs/check.md, "Tutor mode").
    tutorStep(session, step, decimals) {
      return unwrap(module.tutorStep(JSON.stringify(session), step, decimals), 'tutor');
    },
    /// One typed number judged: `{ verdict: 'correct' | 'rounding' | 'wrong' |
    /// 'more_decimals', why, formula, expected?, slip? }`.
    tutorCheck(session, step, column, row, given, decimals) {
      return unwrap(module.tutorCheck(JSON.stringify(session), step, column, row, String(given), decimals), 'tutor');
    },
    /// The rubric a class is graded by when none is given, every field written out
    /// (docs/grading.md, "Rubric").
    defaultRubric() {
      return JSON.parse(module.defaultRubric());
    },
    /// A class grader (docs/grading.md): `rubricText` (JSON, '' for the default) and `mode`
    /// ('start' | 'step'); add files, `plan()` → number of submissions to grade, `grade(i)` each,
    /// then `result(format)`: 'json' → the grade sheet object, 'charts' → [{ title, svg }],
    /// 'csv' | 'markdown' | 'analysis' → text. `close()` frees it.
    grader(rubricText, mode) {
      const g = new module.Grader();
      const setup = g.setup(String(rubricText ?? ''), String(mode));
      if (!setup?.ok) {
        g.delete();
        throw new EngineError(String(setup?.error ?? 'grade: no result'));
      }
      const text = (format) => {
        const r = g.result(format);
        if (!r?.ok) throw new EngineError(String(r?.error ?? 'grade: no result'));
        return r.value;
      };
      return {
        addKey: (name, content) => g.addKey(String(name), String(content)),
        addSubmission: (name, content) => g.addSubmission(String(name), String(content)),
        addUnreadable: (name, message) => g.addUnreadable(String(name), String(message)),
        plan: () => g.plan(),
        grade(i) {
          const r = g.grade(i);
          if (!r?.ok) throw new EngineError(String(r?.error ?? 'grade: no result'));
        },
        result: (format) => (format === 'json' || format === 'charts' ? JSON.parse(text(format)) : text(format)),
        close: () => g.delete(),
      };
    },
    /// An Assignment 4 report (Markdown or LaTeX text) graded by the assignment's rubric, with
    /// the student's network `session` (an object, its JSON text, or null): `{ parts: [{ id, title, score, points,
    /// evidence }], requirements, checked_with_network, score, points, summary }`.
    gradeReport(reportText, session) {
      const network = session == null ? '' : typeof session === 'string' ? session : JSON.stringify(session);
      return unwrap(module.gradeReport(String(reportText), network), 'grade-report');
    },
  };
}

/// The activation explorer's module (nntutor_explorer_wasm.js, loaded by explorer.html only):
/// instantiates it from its factory (the global `createExplorer`) and returns its three calls.
export async function loadExplorer(createExplorer = globalThis.createExplorer) {
  if (typeof createExplorer !== 'function') {
    throw new EngineError('the explorer script nntutor_explorer_wasm.js did not load');
  }
  let module;
  try {
    module = await createExplorer();
  } catch (e) {
    throw new EngineError(`the explorer did not start: ${e?.message ?? e}`);
  }
  return {
    /// What the explorer offers (docs/engine-api.md, "Explorer"): the activation and
    /// initialiser rows, the chain's and the curve's limits and defaults, the lecture's slip.
    explorerSchema() {
      return JSON.parse(module.explorerSchema());
    },
    /// An activation's curve: `{ activation, alpha?, from, to, points, at? }` →
    /// `{ z, f, df, saturated, zero_centred, output, latex_f, latex_df, point, … }`.
    activationCurve(request) {
      return unwrap(module.activationCurve(JSON.stringify(request)), 'activationCurve');
    },
    /// ∂L/∂W per layer at step 1 of the deep chain `{ depth, width, activation, alpha?, init,
    /// scale, seed, x, y }` → `{ chain, layers, comparison, explanation, slip, … }`.
    chainGradients(request) {
      return unwrap(module.chainGradients(JSON.stringify(request)), 'chainGradients');
    },
  };
}
