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
/// that nntutor_wasm.js defines) and returns `{ run, version }`.
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
    run(session) {
      return unwrap(module.run(JSON.stringify(session)), 'run');
    },
    /// The engine's version string.
    version() {
      return typeof module.version === 'function' ? String(module.version()) : '';
    },
  };
}
