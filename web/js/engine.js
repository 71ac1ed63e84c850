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
/// that nntutor_wasm.js defines) and returns `{ run, equations, compareRates, format, limits, version }`.
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
    /// The limits the engine enforces: `{ layers, units, features, samples, steps, work,
    /// trace_numbers }`.
    limits() {
      return JSON.parse(module.limits());
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
  };
}
